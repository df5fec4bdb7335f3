import * as fs from 'fs';
import * as path from 'path';

export const README = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');

/** The first fenced block of `lang` after the README's `heading` (a whole line, such as `#### In GitHub Actions`). */
export function blockAfter(heading: string, lang: string): string {
  const at = README.indexOf(`\n${heading}\n`);
  if (at < 0) throw new Error(`README.md has no heading ${JSON.stringify(heading)}`);
  const match = new RegExp('```' + lang + '\\n([\\s\\S]*?)```').exec(README.slice(at));
  if (!match) throw new Error(`README.md has no ${lang} block after ${JSON.stringify(heading)}`);
  return match[1];
}
