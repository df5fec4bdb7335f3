import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import Ajv from 'ajv-draft-04';
import { validateXML } from 'xmllint-wasm';
import { run } from '../../src/cli/run';
import { StdinSource } from '../../src/cli/stdin';

export const FIXTURES = path.join(__dirname, 'fixtures');
export const REPO_ROOT = path.join(__dirname, '..', '..');
export const PACKAGE_VERSION: string = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')).version;

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliOptions {
  /** @default FIXTURES */
  readonly cwd?: string;
  /** @default false */
  readonly isTTY?: boolean;
  /** @default {} */
  readonly env?: Record<string, string>;
  /** What `check -` reads: text piped in, or a terminal. @default a terminal, which the CLI refuses to read */
  readonly stdin?: string | Uint8Array | { readonly isTTY: true };
}

function stdinOf(given: CliOptions['stdin']): StdinSource {
  if (given === undefined || (typeof given === 'object' && 'isTTY' in given)) {
    return { isTTY: true, read: () => { throw new Error('a terminal was read'); } };
  }
  const bytes = typeof given === 'string' ? Buffer.from(given) : given;
  return { isTTY: false, read: (limit) => bytes.subarray(0, limit + 1) };
}

/** Runs the CLI in-process with captured output; `code` is what `run` returns (a promise with --prove). */
function started(args: string[], options: CliOptions): { code: number | Promise<number>; output: () => { stdout: string; stderr: string } } {
  let stdout = '';
  let stderr = '';
  const code = run(args, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    cwd: options.cwd ?? FIXTURES,
    isTTY: options.isTTY ?? false,
    env: options.env ?? {},
    stdin: stdinOf(options.stdin),
  });
  return { code, output: () => ({ stdout, stderr }) };
}

/** Runs the CLI in-process with captured output, for a run that does not prove (`cliAsync` for one that does). */
export function cli(args: string[], options: CliOptions = {}): CliResult {
  const { code, output } = started(args, options);
  if (typeof code !== 'number') throw new Error(`the run of ${args.join(' ')} returned a promise: use cliAsync for a run that proves`);
  return { code, ...output() };
}

/** Runs the CLI in-process with captured output, awaiting a run that proves (`--prove`). */
export async function cliAsync(args: string[], options: CliOptions = {}): Promise<CliResult> {
  const { code, output } = started(args, options);
  const awaited = await code;
  return { code: awaited, ...output() };
}

/** Runs `check --format json` and parses the report. */
export function checkJson(args: string[], options: CliOptions = {}): { code: number; report: any; stderr: string } {
  const r = cli(['check', '--format', 'json', ...args], options);
  return { code: r.code, report: JSON.parse(r.stdout), stderr: r.stderr };
}

const tempDirs: string[] = [];

/** A fresh directory under the OS temp dir, removed after the test file. */
export function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xat-cli-'));
  tempDirs.push(dir);
  return dir;
}

afterAll(() => {
  for (const dir of tempDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** Writes `files` (relative path → content) under `dir`, creating directories. */
export function writeFiles(dir: string, files: Record<string, string | Uint8Array>): void {
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), content);
  }
}

export function fixtureText(name: string): string {
  return fs.readFileSync(path.join(FIXTURES, name), 'utf8');
}

/** The 1-based line of the first line of `text` that contains `marker`. */
export function lineOfText(text: string, marker: string): number {
  const i = text.split('\n').findIndex((l) => l.includes(marker));
  if (i < 0) throw new Error(`marker ${marker} not found`);
  return i + 1;
}

/** `line:column` (1-based, the column in UTF-16 code units) where `marker` first occurs in `text`. */
export function positionOfText(text: string, marker: string): string {
  const i = text.indexOf(marker);
  if (i < 0) throw new Error(`marker ${marker} not found`);
  const before = text.slice(0, i).split('\n');
  return `${before.length}:${before[before.length - 1].length + 1}`;
}

/** The schema errors of JUnit XML documents against the Jenkins JUnit schema (see junit/README.md); none when valid. */
export async function junitErrors(...documents: string[]): Promise<string[]> {
  const schema = { fileName: 'jenkins-junit.xsd', contents: fs.readFileSync(path.join(__dirname, 'junit', 'jenkins-junit.xsd'), 'utf8') };
  const result = await validateXML({ xml: documents.map((contents, i) => ({ fileName: `report${i}.xml`, contents })), schema: [schema] });
  return result.errors.map((e) => e.rawMessage);
}

/**
 * A validator for SARIF 2.1.0. The schema is the OASIS SARIF 2.1.0 JSON schema (JSON Schema draft-04,
 * `sarif-2.1.0-rtm.5.json`, also published at https://json.schemastore.org/sarif-2.1.0.json) as shipped by
 * the npm package @microsoft/jest-sarif (a dev dependency) under lib/schemas/.
 */
export function sarifValidator(): (log: unknown) => string[] {
  const schemaPath = path.join(REPO_ROOT, 'node_modules', '@microsoft', 'jest-sarif', 'lib', 'schemas', 'sarif-2.1.0-rtm.5.json');
  // unicodeRegExp: false because the schema's `language` pattern ("...]?$") is valid only without the u flag.
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  // ajv ships no formats; these are the three the schema uses, strict enough to catch a relative informationUri or a bad date.
  ajv.addFormat('uri', (s: string) => /^[a-z][a-z0-9+.-]*:[^\s]*$/i.test(s));
  ajv.addFormat('uri-reference', (s: string) => !/[\s\\]/.test(s));
  ajv.addFormat('date-time', (s: string) => !Number.isNaN(Date.parse(s)));
  const validate = ajv.compile(JSON.parse(fs.readFileSync(schemaPath, 'utf8')));
  return (log) => (validate(log) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`));
}
