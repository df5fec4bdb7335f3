import { proofSummary, verdictCounts } from './proofs';
import { Report } from './report';

export interface TextOptions {
  /** ANSI colours, for a terminal. */
  readonly colors: boolean;
  /** Findings and errors only, no summary line. */
  readonly quiet: boolean;
}

const ANSI = { red: 31, green: 32, yellow: 33, bold: 1, dim: 2 } as const;

const VERDICT_COLOUR = { attackable: ANSI.red, unusable: ANSI.yellow, undecided: ANSI.dim, safe: ANSI.green } as const;

function plural(n: number, word: string, words = `${word}s`): string {
  return `${n} ${n === 1 ? word : words}`;
}

function summaryLine(report: Report): string {
  const { files, skipped, resources, findings } = report.summary;
  const errors = report.findings.filter((f) => f.level === 'error').length;
  const parts = [
    findings === 0 ? 'no findings' : `${plural(findings, 'finding')} (${plural(errors, 'error')}, ${plural(findings - errors, 'warning')})`,
  ];
  if (report.acknowledged.length > 0) parts.push(`${plural(report.acknowledged.length, 'acknowledged finding')} not shown`);
  if (report.baseline !== undefined) {
    const { file, unchanged, stale } = report.baseline;
    parts.push(`${plural(unchanged.length, 'finding')} of the baseline ${file} not shown`);
    if (stale.length > 0) {
      parts.push(`${plural(stale.length, 'baseline entry', 'baseline entries')} no longer ${stale.length === 1 ? 'matches' : 'match'} a finding `
        + '(fixed, or moved to another file, resource or finding id: write the baseline again to drop them)');
    }
  }
  const invalid = report.errors.filter((e) => e.kind === 'acknowledgement').length;
  if (report.errors.length > invalid) parts.push(`${plural(report.errors.length - invalid, 'input')} could not be checked`);
  if (invalid > 0) parts.push(plural(invalid, 'invalid acknowledgement'));
  if (report.notices.length > 0) parts.push(plural(report.notices.length, 'notice'));
  if (report.proofs !== undefined) parts.push(`${plural(report.proofs.length, 'proof')} (${verdictCounts(report.proofs)})`);
  if (report.summary.excluded > 0) parts.push(`${plural(report.summary.excluded, 'file')} excluded`);
  if (skipped > 0) parts.push(`${plural(skipped, 'file')} skipped (${skipped === 1 ? 'not a CloudFormation template' : 'not CloudFormation templates'})`);
  return `Checked ${plural(files, 'template')} (${plural(resources, 'resource')}): ${parts.join('; ')}.`;
}

/**
 * Characters of the input that a terminal would act on instead of showing: C0 controls (a newline that splits a
 * finding line, a carriage return that overwrites it, ESC that starts an ANSI sequence), DEL, C1 controls (CSI among
 * them), the Unicode line and paragraph separators, and the bidirectional controls that reorder what is shown.
 */
const TERMINAL_CONTROLS = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** Text from the input (file names, logical ids, messages quoting the template) with its control characters written as escapes. */
export function escapeControls(text: string): string {
  return text.replace(TERMINAL_CONTROLS, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** `file:line:column`, as much of it as is known. */
function location(r: { file: string; line?: number; column?: number }): string {
  const x = escapeControls;
  return `${x(r.file)}${r.line !== undefined ? `:${r.line}${r.column !== undefined ? `:${r.column}` : ''}` : ''}`;
}

/**
 * One line per finding, `file:line:column: level XATn [finding id] resource: message`, the form compilers and linters
 * write (GCC, eslint's compact format) and editors, CI log annotators and problem matchers read; then one line per input
 * that could not be checked (`file:line:column: error could not be checked: ...`) and per notice
 * (`file:line:column: notice ...`), each with as much of the location as is known; then a summary.
 */
export function formatText(report: Report, options: TextOptions): string {
  const paint = (code: number, s: string) => (options.colors ? `\u001b[${code}m${s}\u001b[0m` : s);
  const x = escapeControls;
  // Where in a cloud assembly: after the message, so that every line keeps the `file:line:column: level` prefix.
  const assembly = (r: { constructPath?: string; stack?: string; nestedStack?: string }) => {
    const parts = [
      ...(r.constructPath !== undefined ? [`construct ${x(r.constructPath)}`] : []),
      ...(r.stack !== undefined ? [`stack ${x(r.stack)}`] : []),
      ...(r.nestedStack !== undefined ? [`nested stack ${x(r.nestedStack)}`] : []),
    ];
    return parts.length > 0 ? ` (${parts.join(', ')})` : '';
  };
  const resource = (r: { resource?: string }) => (r.resource !== undefined ? `${x(r.resource)}: ` : '');
  const lines = [
    ...report.findings.map((f) => `${location(f)}: ${paint(f.level === 'error' ? ANSI.red : ANSI.yellow, f.level)} ${paint(ANSI.bold, f.rule)} `
      + `[${x(f.findingId)}] ${resource(f)}${x(f.message)}${assembly(f)}`),
    ...report.errors.map((e) => `${location(e)}: ${paint(ANSI.red, 'error')} ${e.kind === 'acknowledgement' ? 'invalid acknowledgement' : 'could not be checked'}: ${resource(e)}${x(e.message)}${assembly(e)}`),
    ...report.notices.map((n) => `${location(n)}: ${paint(ANSI.dim, 'notice')} ${resource(n)}${x(n.message)}${assembly(n)}`),
    // `proof`, not a level: a proof is reported beside the findings, and no problem matcher should read it as one.
    ...(report.proofs ?? []).map((p) => `${location(p)}: proof ${paint(VERDICT_COLOUR[p.verdict], p.verdict)} ${p.kind} ${x(p.resource)}`
      + `${p.variant !== undefined ? ` (${x(p.variant)})` : ''}: ${x(proofSummary(p))}${assembly(p)}`),
  ];
  if (!options.quiet) lines.push(paint(ANSI.dim, summaryLine(report)));
  return lines.map((l) => `${l}\n`).join('');
}
