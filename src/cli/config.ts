/**
 * The config file of `check`: `.cross-account-trust.yaml` (or `.yml`) in the working folder, or the file given by
 * `--config`. Its keys are the long names of `check`'s options and its values go through the same parsers as the
 * command line; options given on the command line win. Paths in it are relative to its own folder.
 */
import * as fs from 'fs';
import * as path from 'path';
import { InvalidArgumentError } from 'commander';
import { LineCounter, isMap, isScalar, parseDocument } from 'yaml';
import {
  FAIL_ON, FORMATS, accountId, accountList, globList, maxSessionDuration, minEntropyBits, minExternalIdLength, ruleList, vendorRoleArn,
} from './options';

export const CONFIG_FILE_NAMES = ['.cross-account-trust.yaml', '.cross-account-trust.yml'] as const;

/** The values a config file sets, by the attribute name commander gives the option (`fail-on` → `failOn`). */
export type ConfigValues = Record<string, unknown>;

export interface Config {
  /** The config file as the user named it, or its name in the working folder. */
  readonly file: string;
  /** Its folder: the paths in it are relative to this. */
  readonly dir: string;
  readonly values: ConfigValues;
}

/** A config file that cannot be used; the message names the file, and the key, line and value where there is one. */
export class ConfigError extends Error {}

type Kind = 'string' | 'integer' | 'boolean' | 'list';

interface KeySpec {
  readonly kind: Kind;
  /** The parser the command line uses for the option, given one string (one item of a list). */
  readonly parse?: (value: string, previous: string[] | undefined) => unknown;
  /** A path relative to the config file's folder. */
  readonly path?: boolean;
}

const choice = (choices: readonly string[]) => (value: string) => {
  if (!choices.includes(value)) throw new InvalidArgumentError(`expected one of ${choices.join(', ')}.`);
  return value;
};

/** Every key a config file may hold: the options of `check` except --config, --output and --write-baseline. */
const KEYS: Readonly<Record<string, KeySpec>> = {
  'format': { kind: 'string', parse: choice(FORMATS) },
  'fail-on': { kind: 'string', parse: choice(FAIL_ON) },
  'account': { kind: 'string', parse: accountId },
  'internal-accounts': { kind: 'list', parse: accountList },
  'min-external-id-length': { kind: 'integer', parse: minExternalIdLength },
  'min-entropy-bits': { kind: 'integer', parse: minEntropyBits },
  'max-session-duration': { kind: 'integer', parse: maxSessionDuration },
  'rule': { kind: 'list', parse: ruleList },
  'skip-rule': { kind: 'list', parse: ruleList },
  'exclude': { kind: 'list', parse: globList },
  'baseline': { kind: 'string', path: true },
  'allow-empty': { kind: 'boolean' },
  'quiet': { kind: 'boolean' },
  'prove': { kind: 'boolean' },
  'vendor-role-arn': { kind: 'string', parse: vendorRoleArn },
};

export const CONFIG_KEYS: readonly string[] = Object.keys(KEYS);

/** `fail-on` → `failOn`, as commander names the value of `--fail-on`. */
export function attributeName(key: string): string {
  return key.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `a list ${JSON.stringify(value)}`;
  if (typeof value === 'object') return `a mapping ${JSON.stringify(value)}`;
  return `${typeof value === 'string' ? 'the string' : `the ${typeof value}`} ${JSON.stringify(value)}`;
}

const EXPECTED: Record<Kind, string> = {
  string: 'a string',
  integer: 'a whole number',
  boolean: 'true or false',
  list: 'a list (or one comma-separated string)',
};

/** The value of one key, checked as the command line checks the option; throws a message without the file. */
function readValue(spec: KeySpec, value: unknown, dir: string): unknown {
  const fail = (problem: string): never => {
    throw new InvalidArgumentError(`${problem.replace(/\.$/, '')}${/received/.test(problem) ? '' : `, received ${describe(value)}`}`);
  };
  const parse = (text: string, previous?: string[]): unknown => {
    try {
      return spec.parse!(text, previous);
    } catch (e) {
      return fail(e instanceof Error ? e.message : String(e));
    }
  };
  switch (spec.kind) {
    case 'boolean':
      return typeof value === 'boolean' ? value : fail(`expected ${EXPECTED.boolean}`);
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value) ? parse(String(value)) : fail(`expected ${EXPECTED.integer}`);
    case 'string':
      if (typeof value !== 'string' || value === '') return fail('expected a non-empty string');
      if (spec.path) return path.resolve(dir, value);
      return spec.parse ? parse(value) : value;
    case 'list': {
      const items = typeof value === 'string' ? [value] : Array.isArray(value) ? value : fail(`expected ${EXPECTED.list}`);
      let list: string[] | undefined;
      for (const item of items) {
        if (typeof item !== 'string' && typeof item !== 'number') fail(`expected ${EXPECTED.list} of strings, and an item is ${describe(item)}`);
        // A YAML number (an account id written unquoted) is read as the text it was written as, by the same parser.
        list = parse(String(item), list) as string[];
      }
      return list ?? fail(`expected ${EXPECTED.list} with at least one item`);
    }
  }
}

/** Reads and checks a config file; every problem of it at once, as one ConfigError. */
export function readConfig(absolutePath: string, display: string): Config {
  const where = `config file ${display}`;
  let text: string;
  try {
    text = fs.readFileSync(absolutePath, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ConfigError(`${where} ${code === 'ENOENT' ? 'does not exist' : `cannot be read (${e instanceof Error ? e.message : String(e)})`}; expected a YAML file of check's options`);
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const lineOf = (offset: number | undefined) => (offset === undefined ? '' : `, line ${lineCounter.linePos(offset).line}`);
  if (doc.errors.length > 0) {
    throw new ConfigError(doc.errors.map((e) => `${where}${lineOf(e.pos[0])}: invalid YAML: ${e.message.split('\n')[0]}`).join('\n'));
  }
  const dir = path.dirname(absolutePath);
  // An empty file sets nothing.
  if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) return { file: display, dir, values: {} };
  if (!isMap(doc.contents)) {
    throw new ConfigError(`${where}${lineOf(doc.contents.range?.[0])}: expected a mapping of option names to values (such as fail-on: warning), received ${describe(doc.contents.toJSON())}`);
  }
  const values: ConfigValues = {};
  const problems: string[] = [];
  for (const pair of doc.contents.items) {
    const keyNode = pair.key;
    const key = isScalar(keyNode) ? keyNode.value : keyNode;
    const at = `${where}${lineOf(isScalar(keyNode) ? keyNode.range?.[0] : undefined)}`;
    const spec = typeof key === 'string' && Object.prototype.hasOwnProperty.call(KEYS, key) ? KEYS[key] : undefined;
    if (spec === undefined) {
      problems.push(`${at}: unknown key ${JSON.stringify(key)}; expected one of ${CONFIG_KEYS.join(', ')}`);
      continue;
    }
    const value = (pair.value as { toJSON?: () => unknown } | null)?.toJSON?.() ?? null;
    try {
      values[attributeName(key as string)] = readValue(spec, value, dir);
    } catch (e) {
      problems.push(`${at}: ${key as string}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems.join('\n'));
  return { file: display, dir, values };
}

/**
 * The config of a run: the file given by `--config` (relative to `cwd`; a missing one is an error), else the
 * config file in `cwd`, else none. Both `.yaml` and `.yml` in one folder is an error: which one counts would be a guess.
 */
export function findConfig(cwd: string, given: string | undefined): Config | undefined {
  if (given !== undefined) return readConfig(path.resolve(cwd, given), given);
  const present = CONFIG_FILE_NAMES.filter((name) => fs.existsSync(path.join(cwd, name)));
  if (present.length > 1) {
    throw new ConfigError(`both ${present.join(' and ')} are in the working folder; expected one config file (remove one, or name one with --config)`);
  }
  return present.length === 1 ? readConfig(path.join(cwd, present[0]), present[0]) : undefined;
}
