/**
 * Scans the real vendor onboarding templates in ../shared/corpus/vendors (outside the repository, so unit
 * tests never depend on it) with the CLI's own scanning code, in one run so that XAT7 compares them all,
 * and prints a Markdown table of the rule ids found per file. The files are only read.
 *
 *   npx projen corpus [directory]
 *
 * Exits 1 when a file could not be parsed or checked.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Report } from '../src/cli/report';
import { scan } from '../src/cli/scan';
import { ALL_RULES } from '../src/rules';

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

/** `XAT1×2, XAT3` in rule order. */
function ruleSummary(ruleIds: readonly string[]): string {
  return ALL_RULES
    .map((r) => [r.id, ruleIds.filter((id) => id === r.id).length] as const)
    .filter(([, n]) => n > 0)
    .map(([id, n]) => (n > 1 ? `${id}×${n}` : id))
    .join(', ');
}

/** The Markdown table of a scan of `files` (paths as given to the scan). */
export function corpusTable(files: readonly string[], report: Report): string {
  const lines = ['| file | parsed | rule ids |', '|---|---|---|'];
  for (const file of files) {
    const parsed = !report.errors.some((e) => e.file === file && e.kind === 'input');
    const ruleIds = report.findings.filter((f) => f.file === file).map((f) => f.rule);
    lines.push(`| ${cell(path.basename(file))} | ${parsed ? 'yes' : 'no'} | ${ruleSummary(ruleIds) || '(none)'} |`);
  }
  return lines.join('\n');
}

function main(): number {
  const root = path.join(__dirname, '..');
  const dir = path.resolve(root, process.argv[2] ?? path.join('..', 'shared', 'corpus', 'vendors'));
  if (!fs.existsSync(dir)) {
    console.log(`No corpus at ${dir}: nothing to scan.`);
    return 0;
  }
  // Every file is named explicitly, so a file that is not a template is an error rather than silently skipped.
  const files = fs.readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(dir, e.name))
    .sort();
  const report = scan(files, { cwd: root, check: {}, withLines: false });
  console.log(corpusTable(files, report));
  console.log();
  const parsed = files.filter((f) => !report.errors.some((e) => e.file === f && e.kind === 'input')).length;
  console.log(`${files.length} files, ${parsed} parsed, ${report.summary.resources} resources, ${report.summary.findings} findings, `
    + `${report.errors.length} errors, ${report.notices.length} notices.`);
  for (const e of report.errors) {
    console.log(`error: ${path.basename(e.file)}: ${e.resource !== undefined ? `${e.resource}: ` : ''}${e.message}`);
  }
  // What the check could not see of the deployed templates (macros, nested templates elsewhere): not failures, but worth a look.
  for (const n of report.notices) {
    console.log(`notice: ${path.basename(n.file)}: ${n.resource !== undefined ? `${n.resource}: ` : ''}${n.message}`);
  }
  return report.errors.length > 0 ? 1 : 0;
}

if (require.main === module) {
  process.exitCode = main();
}
