/**
 * The `cross-account-trust` command line, callable in-process: `run(argv, io)` parses the arguments,
 * scans, writes the report and returns the exit code instead of exiting.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Command, CommanderError, Option } from 'commander';
import { Baseline, BaselineError, applyBaseline, baselineText, readBaseline } from './baseline';
import { CONFIG_FILE_NAMES, Config, ConfigError, findConfig } from './config';
import { ExcludeGlobs, excluder } from './exclude';
import { formatJson } from './format-json';
import { formatJunit } from './format-junit';
import { formatSarif } from './format-sarif';
import { formatText } from './format-text';
import {
  FAIL_ON, FORMATS, RULE_ID_HELP, accountId, accountList, globList, maxSessionDuration, minEntropyBits, minExternalIdLength, ruleList, selectedRules,
  vendorRoleArn,
} from './options';
import { PackageInfo, packageInfo } from './package-info';
import { Prover, loadProver, proveSubjects } from './proofs';
import { Report, ReportFinding } from './report';
import { STDIN_PATH, scan } from './scan';
import { StdinSource, processStdin } from './stdin';
import { CheckOptions, DEFAULT_MAX_SESSION_DURATION_SECONDS, DEFAULT_MIN_EXTERNAL_ID_ENTROPY_BITS, DEFAULT_MIN_EXTERNAL_ID_LENGTH } from '../engine';
import { MissingPeerDependencyError } from '../private/optional-peer';
import { ALL_RULES } from '../rules';
import { MAX_TEMPLATE_BYTES } from '../template/parse';

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
  /** Where `check -` reads its template. @default the process's standard input */
  readonly stdin?: StdinSource;
}

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE_OR_INPUT = 2;

interface CheckCommandOptions {
  readonly format: (typeof FORMATS)[number];
  readonly output?: string;
  readonly failOn: (typeof FAIL_ON)[number];
  readonly account?: string;
  readonly internalAccounts?: string[];
  readonly minExternalIdLength: number;
  readonly minEntropyBits: number;
  readonly maxSessionDuration: number;
  readonly rule?: string[];
  readonly skipRule?: string[];
  readonly exclude?: string[];
  readonly config?: string;
  readonly allowEmpty?: boolean;
  readonly stdinFilename?: string;
  readonly baseline?: string;
  readonly writeBaseline?: string;
  readonly quiet?: boolean;
  readonly prove?: boolean;
  readonly vendorRoleArn?: string;
}

function rulesHelp(): string {
  return ALL_RULES.map((r) => `  ${r.id.padEnd(6)} ${r.level.padEnd(8)} ${r.cause}`).join('\n');
}

const EXIT_CODES_HELP = `
Exit codes:
  ${EXIT_OK}  no finding at or above --fail-on
  ${EXIT_FINDINGS}  findings at or above --fail-on
  ${EXIT_USAGE_OR_INPUT}  a usage error, a config file that cannot be used, an input that could not be read or parsed, an invalid
     acknowledgement in a template's Metadata (the other inputs are still checked and reported), no template checked at all
     (without --allow-empty), or --prove without its optional peer dependency installed
  Proofs (--prove) stand beside the findings: their verdicts never change the exit code.`;

const ACKNOWLEDGE_HELP = `
Acknowledging a reviewed finding, with its reason: Validations.of(scope).acknowledge({ id, reason }) in a CDK app (honoured
in its cdk.out), or in any template an entry { id, reason } under Metadata cross-account-trust: acknowledge of the resource
(or of the template, for all its resources). See RULES.md, Handling findings.`;

const CONFIG_HELP = `
Config file:
  ${CONFIG_FILE_NAMES[0]} (or ${CONFIG_FILE_NAMES[1]}) in the working folder, or the file given with --config, sets
  options by their long names (fail-on: warning, skip-rule: [XAT10], exclude: [vendor/legacy/**], ...); every option
  above except --config, --output and --write-baseline. Options on the command line replace its values (lists too).
  Paths in it (baseline, exclude) are relative to its own folder.`;

/** Whether a finding fails the run. */
function fails(failOn: CheckCommandOptions['failOn']): (f: ReportFinding) => boolean {
  return (f) => failOn === 'warning' || (failOn === 'error' && f.level === 'error');
}

function exitCode(report: Report, failOn: CheckCommandOptions['failOn']): number {
  if (report.errors.length > 0) return EXIT_USAGE_OR_INPUT;
  return report.findings.some(fails(failOn)) ? EXIT_FINDINGS : EXIT_OK;
}

/** Why a run checked no template, from what it found instead. */
function nothingChecked(report: Report): string {
  const { skipped, excluded } = report.summary;
  const why: string[] = [];
  if (report.errors.length > 0) why.push(`${report.errors.length === 1 ? 'an input' : `${report.errors.length} inputs`} could not be read or parsed`);
  if (skipped > 0) why.push(`${skipped === 1 ? 'the only file found is' : `the ${skipped} files found are`} not CloudFormation templates`);
  if (excluded > 0) why.push(`${excluded === 1 ? '1 file was' : `${excluded} files were`} left out by exclude globs`);
  if (why.length === 0) why.push('the paths hold no template files (*.json, *.yaml, *.yml, *.template) and no cloud assembly stacks');
  return `error: no template was checked: ${why.join('; ')}. A run that checked nothing is not a pass; `
    + 'pass --allow-empty (or allow-empty: true in the config file) if that is expected.\n';
}

/**
 * The options of a run: a config file's values under the options not given on the command line (commander tells
 * them apart by the source of each value), with the folder its relative paths are relative to.
 */
function withConfig(options: CheckCommandOptions, command: Command, config: Config | undefined): CheckCommandOptions {
  const merged: Record<string, unknown> = { ...options };
  for (const [name, value] of Object.entries(config?.values ?? {})) {
    if (command.getOptionValueSource(name) !== 'cli') merged[name] = value;
  }
  return merged as unknown as CheckCommandOptions;
}

/** The template of `check -`, or why it cannot be read. */
function stdinTemplate(paths: readonly string[], options: CheckCommandOptions, io: CliIO): { name: string; read(): Uint8Array } | string | undefined {
  const count = paths.filter((p) => p === STDIN_PATH).length;
  if (count === 0) {
    return options.stdinFilename === undefined ? undefined
      : `option '--stdin-filename <path>' names the template read from standard input, but no path is '${STDIN_PATH}'; expected '${STDIN_PATH}' among the paths.`;
  }
  if (count > 1) return `the path '${STDIN_PATH}' (standard input) is given ${count} times; standard input holds one template, so expected it once.`;
  const source = io.stdin ?? processStdin;
  if (source.isTTY === true) {
    // Reading a terminal would wait for someone to type a template.
    return `the path '${STDIN_PATH}' reads a template from standard input, which is a terminal; expected a template piped into the command `
      + `(cdk-cross-account-trust check ${STDIN_PATH} < template.yaml) or the template's path.`;
  }
  return { name: options.stdinFilename ?? '<stdin>', read: () => source.read(MAX_TEMPLATE_BYTES) };
}

function checkCommand(paths: string[], given: CheckCommandOptions, command: Command, io: CliIO, pkg: PackageInfo): number | Promise<number> {
  const cwd = io.cwd ?? process.cwd();
  let config: Config | undefined;
  try {
    config = findConfig(cwd, given.config);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    io.stderr.write(`${e.message.split('\n').map((m) => `error: ${m}`).join('\n')}\n`);
    return EXIT_USAGE_OR_INPUT;
  }
  const options = withConfig(given, command, config);
  const rules = selectedRules(options.rule, options.skipRule);
  if (rules !== undefined && rules.length === 0) {
    io.stderr.write(`error: rule and skip-rule leave no rule to run (rule: ${(options.rule ?? ['every rule']).join(', ')}; skip-rule: ${(options.skipRule ?? []).join(', ')}); expected at least one rule.\n`);
    return EXIT_USAGE_OR_INPUT;
  }
  const excludes: ExcludeGlobs = command.getOptionValueSource('exclude') === 'cli' || config === undefined
    ? { base: cwd, globs: options.exclude ?? [] }
    : { base: config.dir, globs: options.exclude ?? [] };
  const check: Omit<CheckOptions, 'parseTemplateBody'> = {
    minExternalIdLength: options.minExternalIdLength,
    minExternalIdEntropyBits: options.minEntropyBits,
    maxSessionDurationSeconds: options.maxSessionDuration,
    internalAccounts: options.internalAccounts ?? [],
    ...(rules !== undefined ? { rules } : {}),
  };
  if (options.writeBaseline !== undefined && command.getOptionValueSource('baseline') === 'cli') {
    io.stderr.write('error: --baseline and --write-baseline were both given; expected one (--write-baseline replaces the baseline with this run\'s findings).\n');
    return EXIT_USAGE_OR_INPUT;
  }
  // Read before the templates are checked, so that a baseline that cannot be used costs no scan.
  let baseline: Baseline | undefined;
  if (options.baseline !== undefined && options.writeBaseline === undefined) {
    try {
      baseline = readBaseline(path.resolve(cwd, options.baseline), command.getOptionValueSource('baseline') === 'cli' ? options.baseline
        : path.relative(cwd, options.baseline));
    } catch (e) {
      if (!(e instanceof BaselineError)) throw e;
      io.stderr.write(`error: ${e.message}.\n`);
      return EXIT_USAGE_OR_INPUT;
    }
  }
  if (options.vendorRoleArn !== undefined && options.prove !== true) {
    io.stderr.write('error: --vendor-role-arn names the vendor role that proofs try; expected --prove with it.\n');
    return EXIT_USAGE_OR_INPUT;
  }
  // Loaded before the templates are read, so that a run that cannot prove costs no scan.
  let prover: Prover | undefined;
  if (options.prove === true) {
    try {
      prover = loadProver();
    } catch (e) {
      if (!(e instanceof MissingPeerDependencyError)) throw e;
      io.stderr.write(`error: --prove: ${e.message}\n`);
      return EXIT_USAGE_OR_INPUT;
    }
  }
  const stdin = stdinTemplate(paths, options, io);
  if (typeof stdin === 'string') {
    io.stderr.write(`error: ${stdin}\n`);
    return EXIT_USAGE_OR_INPUT;
  }
  let report = scan(paths, {
    cwd,
    account: options.account,
    check,
    withLines: true,
    excluded: excluder([excludes]),
    stdin,
    ...(prover !== undefined ? { prove: { vendorRoleArn: options.vendorRoleArn } } : {}),
  });
  const scope = { cwd, rules: rules ?? ALL_RULES.map((r) => r.id), checked: report.checked };
  if (options.writeBaseline !== undefined) {
    const written = writeBaseline(report, options.writeBaseline, cwd, io, options.allowEmpty === true);
    if (written === undefined) return EXIT_USAGE_OR_INPUT;
    report = applyBaseline(report, written, scope);
  } else if (baseline !== undefined) {
    report = applyBaseline(report, baseline, scope);
  }
  if (prover === undefined) return writeReport(report, options, rules, cwd, io, pkg);
  const proven = report;
  return proveSubjects(proven.subjects ?? [], prover).then((proofs) => writeReport({ ...proven, proofs }, options, rules, cwd, io, pkg));
}

/** Writes the report in the format asked for and returns the exit code of the run. */
function writeReport(report: Report, options: CheckCommandOptions, rules: string[] | undefined, cwd: string, io: CliIO, pkg: PackageInfo): number {
  const env = io.env ?? process.env;
  const colors = options.output === undefined && (io.isTTY ?? io.stdout.isTTY ?? false) && !env.NO_COLOR;
  const output = options.format === 'json' ? formatJson(report, pkg.version)
    : options.format === 'sarif' ? formatSarif(report, pkg)
      : options.format === 'junit' ? formatJunit(report, { fails: fails(options.failOn), rules: rules ?? ALL_RULES.map((r) => r.id) })
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
  if (report.summary.checked === 0 && options.allowEmpty !== true) {
    io.stderr.write(nothingChecked(report));
    return EXIT_USAGE_OR_INPUT;
  }
  return exitCode(report, options.failOn);
}

/**
 * Writes the baseline of the run's findings and returns it; undefined (after saying why) when the run cannot give a
 * complete one: an input could not be checked, or nothing was.
 */
function writeBaseline(report: Report, file: string, cwd: string, io: CliIO, allowEmpty: boolean): Baseline | undefined {
  const absolutePath = path.resolve(cwd, file);
  const incomplete = report.errors.length > 0 ? `${report.errors.length === 1 ? 'an input' : `${report.errors.length} inputs`} could not be checked`
    : report.summary.checked === 0 && !allowEmpty ? 'no template was checked' : undefined;
  if (incomplete !== undefined) {
    io.stderr.write(`error: the baseline ${file} was not written: ${incomplete}, and a baseline of an incomplete run would report `
      + 'the findings of what it missed as new later; fix the inputs and write it again.\n');
    return undefined;
  }
  const text = baselineText(report.findings, cwd, absolutePath);
  try {
    fs.writeFileSync(absolutePath, text);
  } catch (e) {
    io.stderr.write(`error: option '--write-baseline <file>' argument '${file}' cannot be written (${e instanceof Error ? e.message : String(e)}); expected a path to a writable file.\n`);
    return undefined;
  }
  return readBaseline(absolutePath, file);
}

/**
 * Runs the command line `argv` (without the node and script paths) and returns the exit code; a promise of it when
 * the run proves (`--prove`), since the IAM policy evaluator answers asynchronously.
 */
export function run(argv: readonly string[], io: CliIO): number | Promise<number> {
  let code: number | Promise<number> = EXIT_OK;
  try {
    const pkg = packageInfo();
    const program = new Command('cdk-cross-account-trust')
      .description('Checks the cross-account IAM trust of CloudFormation templates and CDK cloud assemblies against the CrossAccountTrust rules.')
      .version(pkg.version, '--version', 'print the version and exit')
      .helpOption('-h, --help', 'print this help and exit')
      .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
      .showHelpAfterError('(run with --help for usage)')
      .exitOverride();
    program.command('check')
      .description('Check templates (JSON or YAML), directories of templates and CDK cloud assemblies (cdk.out).')
      .argument('<path...>', `template files, directories (searched for *.json, *.yaml, *.yml, *.template), cloud assembly directories, or ${STDIN_PATH} `
        + 'for one template (JSON or YAML) read from standard input')
      .addOption(new Option('--format <format>', 'output format').choices(FORMATS).default('text'))
      .option('--output <file>', 'write the report to this file instead of stdout')
      .addOption(new Option('--fail-on <level>', 'lowest finding level that fails the run (exit code 1)').choices(FAIL_ON).default('error'))
      .option('--account <id>', 'the own account of every template (overrides the environments of a cloud assembly)', accountId)
      .option('--internal-accounts <ids>', 'comma-separated account ids of your own organisation; trust from them is not third-party trust', accountList)
      .option('--min-external-id-length <n>', 'minimum MinLength of an ExternalId parameter', minExternalIdLength, DEFAULT_MIN_EXTERNAL_ID_LENGTH)
      .option('--min-entropy-bits <n>', 'minimum estimated ExternalId entropy in bits', minEntropyBits, DEFAULT_MIN_EXTERNAL_ID_ENTROPY_BITS)
      .option('--max-session-duration <seconds>', 'maximum MaxSessionDuration of a cross-account role', maxSessionDuration, DEFAULT_MAX_SESSION_DURATION_SECONDS)
      .option('--rule <ids>', `run only these rules (comma-separated ${RULE_ID_HELP}; may be repeated)`, ruleList)
      .option('--skip-rule <ids>', 'do not run these rules (as --rule)', ruleList)
      .option('--exclude <glob>', 'leave out the files matching this glob, relative to the working folder (a folder that matches leaves out '
        + 'everything under it; may be repeated)', globList)
      .option('--config <file>', `read options from this config file instead of ${CONFIG_FILE_NAMES[0]} in the working folder`)
      .option('--allow-empty', 'exit 0, not 2, when no template was checked')
      .option('--stdin-filename <path>', `the file name to report the template read from standard input (${STDIN_PATH}) under; its path in the repository `
        + 'lets SARIF and JUnit results point at the file (default: <stdin>)')
      .option('--baseline <file>', 'report only the findings this baseline file does not hold, and count its entries that no longer match')
      .option('--write-baseline <file>', 'write the findings of this run to a baseline file (then none of them is new)')
      .option('--quiet', 'print only findings, proofs and errors, no summary')
      .option('--prove', 'also prove each cross-account role (and deputy role) on an IAM policy evaluator: whether a request without or with a '
        + 'wrong ExternalId, from another principal of the vendor\'s account or from a third account may assume it; the verdicts stand beside the '
        + 'findings and never change the exit code. Needs the optional peer dependency @cloud-copilot/iam-simulate (AGPL-3.0): '
        + 'npm install @cloud-copilot/iam-simulate')
      .option('--vendor-role-arn <arn>', 'with --prove: the vendor role expected to assume the roles (default: the role each template trusts)', vendorRoleArn)
      .addHelpText('after', `${EXIT_CODES_HELP}\n${ACKNOWLEDGE_HELP}\n${CONFIG_HELP}\n\nRules:\n${rulesHelp()}\n`)
      .action((paths: string[], options: CheckCommandOptions, command: Command) => {
        code = checkCommand(paths, options, command, io, pkg);
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
