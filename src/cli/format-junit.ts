/**
 * JUnit XML, the test report CI systems show (GitLab, Jenkins, Azure Pipelines, CircleCI), valid against the common
 * Jenkins JUnit schema: one test suite per template, one test case per resource the rules looked at and rule (passing
 * where the rule found nothing there), and one per input that could not be checked, with an error.
 */
import { escapeControls } from './format-text';
import { AcknowledgedFinding, Report, ReportFinding, ReportLocatedMessage } from './report';

export interface JunitOptions {
  /** Whether a finding fails the run (`--fail-on`): those fail their test case; the others are in its output. */
  readonly fails: (finding: ReportFinding) => boolean;
  /** The ids of the rules the run ran (`--rule`, `--skip-rule`). */
  readonly rules: readonly string[];
}

/**
 * What XML 1.0 cannot hold, not even as a character reference, and escapeControls leaves: U+FFFE, U+FFFF and unpaired
 * surrogates (escapeControls writes the C0 controls as escapes, tab and line breaks included).
 */
const NOT_XML = /[\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Text from the input, with what a terminal or XML would not show as it is written as escapes, as in text output. */
function fromInput(s: string): string {
  return escapeControls(s).replace(NOT_XML, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function xmlText(s: string): string {
  return s.replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'));
}

/** Double-quoted; line breaks and tabs as character references, which attribute-value normalisation keeps. */
function xmlAttribute(s: string): string {
  return xmlText(s).replace(/["\n\r\t]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** An element; `attributes` without the undefined ones, `children` already XML. */
function element(name: string, attributes: Record<string, string | number | undefined>, children?: string): string {
  const attrs = Object.entries(attributes).filter(([, v]) => v !== undefined).map(([k, v]) => ` ${k}="${xmlAttribute(String(v))}"`).join('');
  return children === undefined ? `<${name}${attrs}/>` : `<${name}${attrs}>${children}</${name}>`;
}

/** Lines of text from the input as character data, each line escaped on its own so that the line breaks stay. */
function lines(texts: readonly string[]): string {
  return xmlText(texts.map(fromInput).join('\n'));
}

function location(r: { file: string; line?: number; column?: number }): string {
  return `${r.file}${r.line !== undefined ? `:${r.line}${r.column !== undefined ? `:${r.column}` : ''}` : ''}`;
}

function where(r: { resource?: string; constructPath?: string; stack?: string; nestedStack?: string }): { prefix: string; suffix: string } {
  const parts = [
    ...(r.constructPath !== undefined ? [`construct ${r.constructPath}`] : []),
    ...(r.stack !== undefined ? [`stack ${r.stack}`] : []),
    ...(r.nestedStack !== undefined ? [`nested stack ${r.nestedStack}`] : []),
  ];
  return { prefix: r.resource !== undefined ? `${r.resource}: ` : '', suffix: parts.length > 0 ? ` (${parts.join(', ')})` : '' };
}

/** A finding as text output writes it. */
function findingText(f: ReportFinding): string {
  const { prefix, suffix } = where(f);
  return `${location(f)}: ${f.level} ${f.rule} [${f.findingId}] ${prefix}${f.message}${suffix}`;
}

function problemText(e: ReportLocatedMessage, kind: string): string {
  const { prefix, suffix } = where(e);
  return `${location(e)}: ${kind} ${prefix}${e.message}${suffix}`;
}

interface TestCase {
  readonly name: string;
  readonly failing: ReportFinding[];
  /** Findings below `--fail-on`. */
  readonly passing: ReportFinding[];
  readonly acknowledged: AcknowledgedFinding[];
  readonly errors: ReportLocatedMessage[];
}

interface Suite {
  readonly name: string;
  readonly stack?: string;
  readonly nestedStack?: string;
  readonly cases: Map<string, TestCase>;
  readonly notices: ReportLocatedMessage[];
}

type Outcome = 'error' | 'failure' | 'skipped' | 'passed';

function outcome(c: TestCase): Outcome {
  if (c.errors.length > 0) return 'error';
  if (c.failing.length > 0) return 'failure';
  return c.acknowledged.length > 0 && c.passing.length === 0 ? 'skipped' : 'passed';
}

function testCaseXml(suite: Suite, c: TestCase): string {
  const result = outcome(c);
  const children: string[] = [];
  if (result === 'skipped') {
    // The schema's skipped element has text only; the reasons go there.
    children.push(element('skipped', {}, lines(c.acknowledged.map((f) => `acknowledged (${f.reason}): ${findingText(f)}`))));
  }
  for (const e of c.errors) children.push(element('error', { message: fromInput(e.message), type: 'could not be checked' }, lines([problemText(e, 'error')])));
  if (c.failing.length > 0) {
    const [first] = c.failing;
    children.push(element('failure', {
      message: fromInput(c.failing.length === 1 ? first.message : `${c.failing.length} findings, the first: ${first.message}`),
      type: `${first.rule} ${first.level}`,
    }, lines(c.failing.map(findingText))));
  }
  // What the failure or skipped element does not already say.
  const output = [
    ...c.passing.map((f) => `below --fail-on: ${findingText(f)}`),
    ...(result === 'skipped' ? [] : c.acknowledged.map((f) => `acknowledged (${f.reason}): ${findingText(f)}`)),
  ];
  if (output.length > 0) children.push(element('system-out', {}, lines(output)));
  return element('testcase', { name: fromInput(c.name), classname: fromInput(suite.name) }, children.length > 0 ? children.join('') : undefined);
}

export function formatJunit(report: Report, options: JunitOptions): string {
  const suites = new Map<string, Suite>();
  const suiteOf = (r: { file: string; stack?: string; nestedStack?: string }): Suite => {
    // One file can be the template of several NestedStacks: a suite for each.
    const key = `${r.file}\u0000${r.nestedStack ?? ''}`;
    let s = suites.get(key);
    if (s === undefined) {
      s = { name: r.nestedStack !== undefined ? `${r.file} (nested stack ${r.nestedStack})` : r.file, stack: r.stack, nestedStack: r.nestedStack, cases: new Map(), notices: [] };
      suites.set(key, s);
    }
    return s;
  };
  const caseOf = (s: Suite, name: string): TestCase => {
    let c = s.cases.get(name);
    if (c === undefined) {
      c = { name, failing: [], passing: [], acknowledged: [], errors: [] };
      s.cases.set(name, c);
    }
    return c;
  };
  const ruleCase = (r: { resource: string; rule: string }) => `${r.rule} ${r.resource}`;
  for (const t of report.templates) {
    const s = suiteOf(t);
    for (const resource of t.resources) for (const rule of options.rules) caseOf(s, ruleCase({ resource, rule }));
  }
  for (const f of report.findings) {
    const c = caseOf(suiteOf(f), ruleCase(f));
    (options.fails(f) ? c.failing : c.passing).push(f);
  }
  for (const f of report.acknowledged) caseOf(suiteOf(f), ruleCase(f)).acknowledged.push(f);
  for (const e of report.errors) caseOf(suiteOf(e), e.resource !== undefined ? `could not be checked: ${e.resource}` : 'could not be checked').errors.push(e);
  for (const n of report.notices) suiteOf(n).notices.push(n);

  const total = { tests: 0, failures: 0, errors: 0, skipped: 0 };
  const suiteXml = [...suites.values()].map((s) => {
    const cases = [...s.cases.values()];
    const outcomes = cases.map(outcome);
    const count = (o: Outcome) => outcomes.filter((x) => x === o).length;
    const counts = { tests: cases.length, failures: count('failure'), errors: count('error'), skipped: count('skipped') };
    total.tests += counts.tests;
    total.failures += counts.failures;
    total.errors += counts.errors;
    total.skipped += counts.skipped;
    const properties = ([['stack', s.stack], ['nestedStack', s.nestedStack]] as const).flatMap(([name, value]) => (value !== undefined ? [element('property', { name, value: fromInput(value) })] : []));
    const children = [
      ...(properties.length > 0 ? [element('properties', {}, properties.join(''))] : []),
      ...cases.map((c) => testCaseXml(s, c)),
      ...(s.notices.length > 0 ? [element('system-out', {}, lines(s.notices.map((n) => problemText(n, 'notice'))))] : []),
    ];
    return element('testsuite', { name: fromInput(s.name), ...counts }, children.length > 0 ? `\n${children.map((c) => `    ${c}\n`).join('')}  ` : '');
  });
  const root = element('testsuites', { name: 'cdk-cross-account-trust', tests: total.tests, failures: total.failures, errors: total.errors },
    `\n${suiteXml.map((s) => `  ${s}\n`).join('')}`);
  return `<?xml version="1.0" encoding="UTF-8"?>\n${root}\n`;
}
