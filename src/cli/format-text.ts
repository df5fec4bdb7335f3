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
  if (skipped > 0) parts.push(`${plural(skipped, 'file')} skipped (${skipped === 1 ? 'not a CloudFormation template' : 'not CloudFormation templates'})`);
  return `Checked ${plural(files, 'template')} (${plural(resources, 'resource')}): ${parts.join('; ')}.`;
}

/** One line per finding, `file: resource: XATn level: message`, then one per error, then a summary. */
export function formatText(report: Report, options: TextOptions): string {
  const paint = (code: number, s: string) => (options.colors ? `\u001b[${code}m${s}\u001b[0m` : s);
  // The stack of a cloud assembly goes last, so that every line keeps the documented `file: resource: ...` prefix.
  const stack = (x: { stack?: string; nestedStack?: string }) => (x.stack !== undefined
    ? ` (stack ${x.stack}${x.nestedStack !== undefined ? `, nested stack ${x.nestedStack}` : ''})` : '');
  const lines = [
    ...report.findings.map((f) => `${f.file}: ${f.resource}: ${paint(ANSI.bold, f.rule)} ${paint(f.level === 'error' ? ANSI.red : ANSI.yellow, f.level)}: ${f.message}${stack(f)}`),
    ...report.errors.map((e) => `${e.file}: ${e.resource !== undefined ? `${e.resource}: ` : ''}${paint(ANSI.red, 'could not be checked')}: ${e.message}${stack(e)}`),
  ];
  if (!options.quiet) lines.push(paint(ANSI.dim, summaryLine(report)));
  return lines.map((l) => `${l}\n`).join('');
}
