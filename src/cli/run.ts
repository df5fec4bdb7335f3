/**
 * The `cross-account-trust` command line, callable in-process: `run(argv, io)` parses the arguments,
 * scans, writes the report and returns the exit code instead of exiting.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { formatJson } from './format-json';
import { formatSarif } from './format-sarif';
import { formatText } from './format-text';
import { PackageInfo, packageInfo } from './package-info';
import { Report } from './report';
import { scan } from './scan';
import {
  CheckOptions, DEFAULT_MAX_SESSION_DURATION_SECONDS, DEFAULT_MIN_EXTERNAL_ID_ENTROPY_BITS, DEFAULT_MIN_EXTERNAL_ID_LENGTH, validateOptions,
} from '../engine';
import { STS_MAX_LENGTH } from '../private/sts';
import { ALL_RULES } from '../rules';

/** Where the command writes; `process.stdout`/`process.stderr` in the bin, buffers in tests. */
export interface CliIO {
  readonly stdout: { readonly isTTY?: boolean; write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  /** Paths are relative to it. @default process.cwd() */
  readonly cwd?: string;
  /** Whether stdout is a terminal (colours). @default stdout.isTTY */
  readonly isTTY?: boolean;
  /** Environment, for NO_COLOR. @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE_OR_INPUT = 2;

const FORMATS = ['text', 'json', 'sarif'] as const;
const FAIL_ON = ['error', 'warning', 'never'] as const;

interface CheckCommandOptions {
  readonly format: (typeof FORMATS)[number];
  readonly output?: string;
  readonly failOn: (typeof FAIL_ON)[number];
  readonly account?: string;
  readonly internalAccounts?: string[];
  readonly minExternalIdLength: number;
  readonly minEntropyBits: number;
  readonly maxSessionDuration: number;
  readonly quiet?: boolean;
}

function accountId(value: string): string {
  if (!/^\d{12}$/.test(value)) throw new InvalidArgumentError('expected a 12-digit AWS account id.');
  return value;
}

function accountList(value: string, previous: string[] | undefined): string[] {
  const ids = value.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const bad = ids.filter((id) => !/^\d{12}$/.test(id));
  if (ids.length === 0 || bad.length > 0) {
    throw new InvalidArgumentError(`expected a comma-separated list of 12-digit AWS account ids${bad.length > 0 ? `; not an account id: ${bad.join(', ')}` : ''}.`);
  }
  return [...(previous ?? []), ...ids];
}

/**
 * An integer option, checked by the engine's own validation so that the CLI, the engine and the rule pack agree
 * on the bounds; `max` is an upper bound the engine does not check.
 */
function integer(engineOption: 'minExternalIdLength' | 'minExternalIdEntropyBits' | 'maxSessionDurationSeconds', max?: { value: number; why: string }) {
  return (value: string): number => {
    if (!/^[-+]?\d+$/.test(value.trim())) throw new InvalidArgumentError('expected a whole number.');
    const n = Number(value);
    const problem = validateOptions({ [engineOption]: n })[0];
    if (problem) throw new InvalidArgumentError(`${problem.replace(/^\w+ must be/, 'expected')}.`);
    if (max && n > max.value) throw new InvalidArgumentError(`expected at most ${max.value} (${max.why}), received ${n}.`);
    return n;
  };
}

function rulesHelp(): string {
  return ALL_RULES.map((r) => `  ${r.id.padEnd(6)} ${r.level.padEnd(8)} ${r.cause}`).join('\n');
}

const EXIT_CODES_HELP = `
Exit codes:
  ${EXIT_OK}  no finding at or above --fail-on
  ${EXIT_FINDINGS}  findings at or above --fail-on
  ${EXIT_USAGE_OR_INPUT}  a usage error, or an input that could not be read or parsed (the other inputs are still checked and reported)`;

function exitCode(report: Report, failOn: CheckCommandOptions['failOn']): number {
  if (report.errors.length > 0) return EXIT_USAGE_OR_INPUT;
  const failing = report.findings.filter((f) => failOn === 'warning' || (failOn === 'error' && f.level === 'error'));
  return failing.length > 0 ? EXIT_FINDINGS : EXIT_OK;
}

function checkCommand(paths: string[], options: CheckCommandOptions, io: CliIO, pkg: PackageInfo): number {
  const cwd = io.cwd ?? process.cwd();
  const check: Omit<CheckOptions, 'parseTemplateBody'> = {
    minExternalIdLength: options.minExternalIdLength,
    minExternalIdEntropyBits: options.minEntropyBits,
    maxSessionDurationSeconds: options.maxSessionDuration,
    internalAccounts: options.internalAccounts ?? [],
  };
  const report = scan(paths, { cwd, account: options.account, check, withLines: options.format !== 'text' });
  const env = io.env ?? process.env;
  const colors = options.output === undefined && (io.isTTY ?? io.stdout.isTTY ?? false) && !env.NO_COLOR;
  const output = options.format === 'json' ? formatJson(report, pkg.version)
    : options.format === 'sarif' ? formatSarif(report, pkg)
      : formatText(report, { colors, quiet: options.quiet === true });
  if (options.output === undefined) {
    io.stdout.write(output);
  } else {
    try {
      fs.writeFileSync(path.resolve(cwd, options.output), output);
    } catch (e) {
      io.stderr.write(`error: option '--output <file>' argument '${options.output}' cannot be written (${e instanceof Error ? e.message : String(e)}); expected a path to a writable file.\n`);
      return EXIT_USAGE_OR_INPUT;
    }
  }
  return exitCode(report, options.failOn);
}

/** Runs the command line `argv` (without the node and script paths) and returns the exit code. */
export function run(argv: readonly string[], io: CliIO): number {
  let code = EXIT_OK;
  try {
    const pkg = packageInfo();
    const program = new Command('cross-account-trust')
      .description('Checks the cross-account IAM trust of CloudFormation templates and CDK cloud assemblies against the CrossAccountTrust rules.')
      .version(pkg.version, '--version', 'print the version and exit')
      .helpOption('-h, --help', 'print this help and exit')
      .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
      .showHelpAfterError('(run with --help for usage)')
      .exitOverride();
    program.command('check')
      .description('Check templates (JSON or YAML), directories of templates and CDK cloud assemblies (cdk.out).')
      .argument('<path...>', 'template files, directories (searched for *.json, *.yaml, *.yml, *.template) or cloud assembly directories')
      .addOption(new Option('--format <format>', 'output format').choices(FORMATS).default('text'))
      .option('--output <file>', 'write the report to this file instead of stdout')
      .addOption(new Option('--fail-on <level>', 'lowest finding level that fails the run (exit code 1)').choices(FAIL_ON).default('error'))
      .option('--account <id>', 'the own account of every template (overrides the environments of a cloud assembly)', accountId)
      .option('--internal-accounts <ids>', 'comma-separated account ids of your own organisation; trust from them is not third-party trust', accountList)
      .option('--min-external-id-length <n>', 'minimum MinLength of an ExternalId parameter',
        integer('minExternalIdLength', { value: STS_MAX_LENGTH, why: 'the longest ExternalId STS accepts' }), DEFAULT_MIN_EXTERNAL_ID_LENGTH)
      .option('--min-entropy-bits <n>', 'minimum estimated ExternalId entropy in bits', integer('minExternalIdEntropyBits'), DEFAULT_MIN_EXTERNAL_ID_ENTROPY_BITS)
      .option('--max-session-duration <seconds>', 'maximum MaxSessionDuration of a cross-account role', integer('maxSessionDurationSeconds'),
        DEFAULT_MAX_SESSION_DURATION_SECONDS)
      .option('--quiet', 'print only findings and errors, no summary')
      .addHelpText('after', `${EXIT_CODES_HELP}\n\nRules:\n${rulesHelp()}\n`)
      .action((paths: string[], options: CheckCommandOptions) => {
        code = checkCommand(paths, options, io, pkg);
      });
    program.addHelpText('after', EXIT_CODES_HELP);
    program.parse([...argv], { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version end with exit code 0; every other way out of commander is a usage error.
      return e.exitCode === 0 ? EXIT_OK : EXIT_USAGE_OR_INPUT;
    }
    io.stderr.write(`error: ${e instanceof Error ? e.message : String(e)}\n`);
    return EXIT_USAGE_OR_INPUT;
  }
  return code;
}
