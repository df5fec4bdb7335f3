/**
 * A baseline: the findings a team has reviewed and accepted as they were, so that a gate fails only on new ones.
 * Entries name a finding by what stays the same when a template is edited (file, resource, rule, finding id), never
 * by its line, so inserting lines or reformatting the template keeps them matching. The file is versioned JSON,
 * sorted, one entry per finding, so that a change to it reads well in a review.
 */
import * as fs from 'fs';
import * as path from 'path';
import { findingFingerprint } from './fingerprint';
import { Report, ReportFinding } from './report';
import { isObject } from '../private/json';
import { ALL_RULES } from '../rules';

export const BASELINE_VERSION = 1;

/** One accepted finding; `file` is relative to the baseline file's folder, with forward slashes. */
export interface BaselineEntry {
  readonly file: string;
  readonly resource: string;
  readonly rule: string;
  readonly findingId: string;
  /** The message when the entry was written, for the reviewer; not compared. */
  readonly message?: string;
}

export interface Baseline {
  /** The baseline file as the user named it. */
  readonly file: string;
  readonly absolutePath: string;
  readonly entries: readonly BaselineEntry[];
}

/** A baseline file that cannot be used: the message names it and says what is expected. */
export class BaselineError extends Error {}

const ENTRY_KEYS = ['file', 'resource', 'rule', 'findingId', 'message'];
const RULE_ORDER = new Map(ALL_RULES.map((r, i) => [r.id, i]));

/** Code-point order, the same on every machine (localeCompare depends on the locale). */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The path of a finding's template relative to the baseline file's folder, as entries name it. */
function entryFile(uri: string, cwd: string, baselineDir: string): string {
  return path.relative(baselineDir, path.resolve(cwd, uri)).split(path.sep).join('/');
}

function fingerprintOf(e: { rule: string; file: string; resource: string; findingId: string }): string {
  return findingFingerprint({ rule: e.rule, uri: e.file, resource: e.resource, findingId: e.findingId });
}

export function readBaseline(absolutePath: string, display: string): Baseline {
  const fail = (problem: string): never => {
    throw new BaselineError(`baseline file ${display} ${problem}`);
  };
  let text = '';
  try {
    text = fs.readFileSync(absolutePath, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    fail(`${code === 'ENOENT' ? 'does not exist' : `cannot be read (${e instanceof Error ? e.message : String(e)})`}; expected a file written by --write-baseline`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    fail(`is not valid JSON (${e instanceof Error ? e.message : String(e)}); expected a file written by --write-baseline`);
  }
  if (!isObject(data)) return fail(`holds ${JSON.stringify(data)}; expected an object with "version": ${BASELINE_VERSION} and "findings", as --write-baseline writes it`);
  if (data.version !== BASELINE_VERSION) {
    fail(`has version ${JSON.stringify(data.version)}; expected ${BASELINE_VERSION}, the version this cross-account-trust reads and writes (write it again with --write-baseline)`);
  }
  const unknownKey = Object.keys(data).find((k) => k !== 'version' && k !== 'findings');
  if (unknownKey !== undefined) fail(`has the unknown key ${JSON.stringify(unknownKey)}; expected only "version" and "findings"`);
  if (!Array.isArray(data.findings)) return fail(`has "findings": ${JSON.stringify(data.findings)}; expected a list of findings`);
  const entries = data.findings.map((entry: unknown, i: number): BaselineEntry => {
    const at = `findings[${i}]`;
    if (!isObject(entry)) return fail(`has ${at}: ${JSON.stringify(entry)}; expected an object with file, resource, rule and findingId`);
    const extra = Object.keys(entry).find((k) => !ENTRY_KEYS.includes(k));
    if (extra !== undefined) fail(`has the unknown key ${JSON.stringify(extra)} in ${at}; expected only ${ENTRY_KEYS.join(', ')}`);
    for (const key of ['file', 'resource', 'rule', 'findingId']) {
      if (typeof entry[key] !== 'string' || entry[key] === '') fail(`has ${at}.${key}: ${JSON.stringify(entry[key])}; expected a non-empty string`);
    }
    if (!RULE_ORDER.has(entry.rule as string)) fail(`has ${at}.rule: ${JSON.stringify(entry.rule)}; expected a rule id (${[...RULE_ORDER.keys()].join(', ')})`);
    if (entry.message !== undefined && typeof entry.message !== 'string') fail(`has ${at}.message: ${JSON.stringify(entry.message)}; expected a string`);
    return entry as unknown as BaselineEntry;
  });
  return { file: display, absolutePath, entries };
}

/** The text of a baseline of `findings`: every finding once, sorted by file, resource, rule and finding id. */
export function baselineText(findings: readonly ReportFinding[], cwd: string, absolutePath: string): string {
  const dir = path.dirname(absolutePath);
  const byFingerprint = new Map<string, BaselineEntry>();
  for (const f of findings) {
    const entry = { file: entryFile(f.uri, cwd, dir), resource: f.resource, rule: f.rule, findingId: f.findingId, message: f.message };
    // One template checked as several nested stacks gives one finding per stack, all matched by one entry.
    if (!byFingerprint.has(fingerprintOf(entry))) byFingerprint.set(fingerprintOf(entry), entry);
  }
  const entries = [...byFingerprint.values()].sort((a, b) => compare(a.file, b.file) || compare(a.resource, b.resource)
    || RULE_ORDER.get(a.rule)! - RULE_ORDER.get(b.rule)! || compare(a.findingId, b.findingId));
  return `${JSON.stringify({ version: BASELINE_VERSION, findings: entries }, null, 2)}\n`;
}

export interface BaselineScope {
  readonly cwd: string;
  /** The rules the run ran. */
  readonly rules: readonly string[];
  /** The paths (relative to cwd, forward slashes) of the templates the run checked. */
  readonly checked: readonly string[];
}

/**
 * The report with the findings the baseline holds moved out of `findings`, and the entries that no longer match:
 * those of a template the run checked (or that no longer exists) and a rule it ran, that no finding matches.
 * Entries of templates or rules outside the run are neither matched nor stale.
 */
export function applyBaseline(report: Report, baseline: Baseline, scope: BaselineScope): Report {
  const dir = path.dirname(baseline.absolutePath);
  const entries = new Map(baseline.entries.map((e) => [fingerprintOf(e), e]));
  const matched = new Set<string>();
  const findings: ReportFinding[] = [];
  const unchanged: ReportFinding[] = [];
  for (const f of report.findings) {
    const key = fingerprintOf({ rule: f.rule, file: entryFile(f.uri, scope.cwd, dir), resource: f.resource, findingId: f.findingId });
    if (entries.has(key)) {
      matched.add(key);
      unchanged.push(f);
    } else {
      findings.push(f);
    }
  }
  // A baselined finding acknowledged since still exists: its entry is not stale, only no longer needed.
  for (const f of report.acknowledged) {
    const key = fingerprintOf({ rule: f.rule, file: entryFile(f.uri, scope.cwd, dir), resource: f.resource, findingId: f.findingId });
    if (entries.has(key)) matched.add(key);
  }
  const checked = new Set(scope.checked.map((uri) => entryFile(uri, scope.cwd, dir)));
  const stale = [...entries].filter(([key, e]) => !matched.has(key) && scope.rules.includes(e.rule)
    && (checked.has(e.file) || !fs.existsSync(path.resolve(dir, e.file)))).map(([, e]) => e);
  return {
    ...report,
    findings,
    baseline: { file: baseline.file, unchanged, stale },
    summary: { ...report.summary, findings: findings.length },
  };
}
