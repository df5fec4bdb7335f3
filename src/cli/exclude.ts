/**
 * Paths a run leaves out: globs matched against paths relative to the folder they were given in (the working
 * folder for --exclude, the config file's folder for its `exclude`). A glob that matches a folder leaves out
 * everything under it, as in .gitignore, so `vendor/legacy` and `vendor/legacy/**` both work.
 */
import * as path from 'path';
import picomatch from 'picomatch';

export interface ExcludeGlobs {
  /** The folder the globs are relative to. */
  readonly base: string;
  readonly globs: readonly string[];
}

/** Whether an absolute path is excluded; undefined when nothing is. */
export function excluder(groups: readonly ExcludeGlobs[]): ((absolutePath: string) => boolean) | undefined {
  const matchers = groups.filter((g) => g.globs.length > 0).map((g) => ({ base: g.base, isMatch: picomatch([...g.globs], { dot: true }) }));
  if (matchers.length === 0) return undefined;
  return (absolutePath) => matchers.some(({ base, isMatch }) => {
    const relative = path.relative(base, absolutePath);
    // Another drive (Windows) cannot be named by a relative glob.
    if (relative === '' || path.isAbsolute(relative)) return false;
    const segments = relative.split(path.sep);
    return segments.some((_, i) => isMatch(segments.slice(0, i + 1).join('/')));
  });
}
