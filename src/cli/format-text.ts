import { Report } from './report';

export interface TextOptions {
  /** ANSI colours, for a terminal. */
  readonly colors: boolean;
  /** Findings and errors only, no summary line. */
  readonly quiet: boolean;
}

const ANSI = { red: 31, yellow: 33, bold: 1, dim: 2 } as const;

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function summaryLine(report: Report): string {
  const { files, skipped, resources, findings } = report.summary;
  const errors = report.findings.filter((f) => f.level === 'error').length;
  const parts = [
    findings === 0 ? 'no findings' : `${plural(findings, 'finding')} (${plural(errors, 'error')}, ${plural(findings - errors, 'warning')})`,
  ];
  if (report.acknowledged.length > 0) parts.push(`${plural(report.acknowledged.length, 'acknowledged finding')} not shown`);
  if (report.errors.length > 0) parts.push(`${plural(report.errors.length, 'input')} could not be checked`);
  if (report.notices.length > 0) parts.push(plural(report.notices.length, 'notice'));
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

/** One line per finding, `file: resource: XATn level: message`, then one per error, then a summary. */
export function formatText(report: Report, options: TextOptions): string {
  const paint = (code: number, s: string) => (options.colors ? `\u001b[${code}m${s}\u001b[0m` : s);
  const x = escapeControls;
  // The stack of a cloud assembly goes last, so that every line keeps the documented `file: resource: ...` prefix.
  const stack = (r: { stack?: string; nestedStack?: string }) => (r.stack !== undefined
    ? ` (stack ${x(r.stack)}${r.nestedStack !== undefined ? `, nested stack ${x(r.nestedStack)}` : ''})` : '');
  const lines = [
    ...report.findings.map((f) => `${x(f.file)}: ${x(f.resource)}: ${paint(ANSI.bold, f.rule)} ${paint(f.level === 'error' ? ANSI.red : ANSI.yellow, f.level)}: `
      + `${x(f.message)}${stack(f)}`),
    ...report.errors.map((e) => `${x(e.file)}: ${e.resource !== undefined ? `${x(e.resource)}: ` : ''}${paint(ANSI.red, 'could not be checked')}: ${x(e.message)}${stack(e)}`),
    ...report.notices.map((n) => `${x(n.file)}: ${n.resource !== undefined ? `${x(n.resource)}: ` : ''}${paint(ANSI.dim, 'notice')}: ${x(n.message)}${stack(n)}`),
  ];
  if (!options.quiet) lines.push(paint(ANSI.dim, summaryLine(report)));
  return lines.map((l) => `${l}\n`).join('');
}
