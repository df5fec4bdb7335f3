/**
 * The CLI against the parse floor, and its start-up.
 *
 * Throughput: writes a deterministic corpus (bench/cli-corpus.ts) of 1,000 and 10,000 templates into a temporary
 * directory, then runs `lib/cli/main.js check <dir> --format json` in a process of its own, alternating with the parse
 * floor (bench/cli-floor.js: read every file and YAML-parse it with the same package), and prints the medians over the
 * repetitions: templates per second, the ratio to the floor, peak RSS, and the 10,000 / 1,000 time ratio.
 * Start-up: `check` on one small file (no ExternalId value to estimate) against `node -e 0` and the YAML parser's load,
 * and `--version` and `--help`, with what each loads (modules, the estimator and its word lists, the CDK).
 * Every measured process runs the compiled lib/ on plain Node; peak RSS is `process.resourceUsage().maxRSS` of the
 * child (bench/cli-probe.js). Times are wall-clock and depend on the machine's load, which is printed.
 *
 *   npx projen bench:cli [--quick] [--sizes 1000,10000] [--reps N]   (part of npx projen bench; run `npx projen compile` first)
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { writeCorpus } from './cli-corpus';

const ROOT = path.join(__dirname, '..');
const CLI = path.join(ROOT, 'lib', 'cli', 'main.js');
const FLOOR = path.join(__dirname, 'cli-floor.js');
const PROBE = path.join(__dirname, 'cli-probe.js');

interface Probe {
  readonly maxRssKb: number;
  readonly modules: number;
  readonly cdk: number;
  readonly estimator: number;
  readonly wordLists: number;
  readonly commander: number;
}

interface Run {
  readonly ms: number;
  readonly status: number | null;
  readonly probe?: Probe;
}

function option(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const quick = process.argv.includes('--quick');
const sizes = (option('--sizes') ?? (quick ? '1000' : '1000,10000')).split(',').map(Number);
const repsOption = option('--reps');
const repsFor = (n: number) => (repsOption !== undefined ? Number(repsOption) : quick ? 3 : n > 2000 ? 3 : 5);
const startupReps = repsOption !== undefined ? Number(repsOption) * 4 : quick ? 10 : 20;

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'xat-bench-cli-'));
const probeFile = path.join(tmp, 'probe.json');

/** Runs `node [args]` in a child process; its stdout goes to `stdoutFile` (or nowhere). */
function node(args: readonly string[], options: { probe?: boolean; stdoutFile?: string } = {}): Run {
  fs.rmSync(probeFile, { force: true });
  const out = options.stdoutFile !== undefined ? fs.openSync(options.stdoutFile, 'w') : 'ignore';
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [...(options.probe ? ['-r', PROBE] : []), ...args], {
    stdio: ['ignore', out, 'pipe'],
    env: { ...process.env, BENCH_PROBE: probeFile },
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (typeof out === 'number') fs.closeSync(out);
  if (r.error) throw r.error;
  const stderr = r.stderr.toString();
  if (r.status !== 0 && r.status !== 1) throw new Error(`node ${args.join(' ')} exited with ${r.status}: ${stderr.slice(0, 2000)}`);
  return { ms, status: r.status, probe: options.probe ? JSON.parse(fs.readFileSync(probeFile, 'utf8')) as Probe : undefined };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const mb = (kb: number) => `${(kb / 1024).toFixed(0)} MB`;
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const count = (n: number) => n.toLocaleString('en-US');
const verdict = (met: boolean) => (met ? 'met' : 'MISSED');

interface SizeResult {
  readonly n: number;
  readonly cliMs: number;
  readonly floorMs: number;
  readonly cliRssKb: number;
  readonly floorRssKb: number;
}

/** What the CLI reported on the corpus: the benchmark is void if it did not read every file. */
function describeReport(file: string, n: number): string {
  const report = JSON.parse(fs.readFileSync(file, 'utf8')) as {
    findings: Array<{ rule: string }>; errors: unknown[]; summary: { files: number; resources: number };
  };
  if (report.summary.files !== n || report.errors.length > 0) {
    throw new Error(`the CLI read ${report.summary.files} of ${n} files with ${report.errors.length} errors (${JSON.stringify(report.errors.slice(0, 3))})`);
  }
  const byRule = new Map<string, number>();
  for (const f of report.findings) byRule.set(f.rule, (byRule.get(f.rule) ?? 0) + 1);
  const rules = [...byRule].sort(([a], [b]) => Number(a.slice(3)) - Number(b.slice(3))).map(([r, k]) => `${r} ${count(k)}`).join(', ');
  return `${count(report.summary.resources)} resources, ${count(report.findings.length)} findings (${rules}), 0 errors`;
}

function throughput(n: number): SizeResult {
  const dir = path.join(tmp, String(n));
  const started = Date.now();
  const corpus = writeCorpus(dir, n);
  const writeMs = Date.now() - started;
  const reportFile = path.join(tmp, `report-${n}.json`);
  const cli = () => node([CLI, 'check', dir, '--format', 'json'], { probe: true, stdoutFile: reportFile });
  const floor = () => node([FLOOR, dir], { probe: true });
  const cliRuns: Run[] = [cli()];
  const floorRuns: Run[] = [floor()];
  // The files were just written, so they are in the file cache for the first runs too.
  console.log(`corpus of ${count(n)} templates (${(corpus.bytes / 1024 / 1024).toFixed(1)} MB, ${count(corpus.json)} JSON, `
    + `${count(n - corpus.json)} YAML, ${count(corpus.stackSets)} with a StackSet; written in ${seconds(writeMs)}): `
    + `${describeReport(reportFile, n)}`);
  for (let r = 1; r < repsFor(n); r++) {
    // Alternated, so that a change in the machine's load falls on both.
    if (r % 2 === 0) {
      cliRuns.push(cli());
      floorRuns.push(floor());
    } else {
      floorRuns.push(floor());
      cliRuns.push(cli());
    }
  }
  fs.rmSync(dir, { recursive: true, force: true });
  return {
    n,
    cliMs: median(cliRuns.map((x) => x.ms)),
    floorMs: median(floorRuns.map((x) => x.ms)),
    cliRssKb: Math.max(...cliRuns.map((x) => x.probe!.maxRssKb)),
    floorRssKb: Math.max(...floorRuns.map((x) => x.probe!.maxRssKb)),
  };
}

const SMALL_TEMPLATE = `AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  ExternalId:
    Type: String
    NoEcho: true
    MinLength: 32
    MaxLength: 1224
    AllowedPattern: '[\\w+=,.@:/-]*'
Resources:
  VendorRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Principal:
              AWS: !Sub arn:\${AWS::Partition}:iam::111122223333:role/VendorDeputy
            Action: sts:AssumeRole
            Condition:
              StringEquals:
                sts:ExternalId: !Ref ExternalId
      ManagedPolicyArns:
        - !Sub arn:\${AWS::Partition}:iam::aws:policy/SecurityAudit
`;

function startup(): void {
  const small = path.join(tmp, 'small.yaml');
  fs.writeFileSync(small, SMALL_TEMPLATE);
  const literal = path.join(tmp, 'literal.yaml');
  fs.writeFileSync(literal, SMALL_TEMPLATE.replace('!Ref ExternalId', "'customer-42-acme-external-id'"));
  const variants: ReadonlyArray<readonly [string, readonly string[]]> = [
    ['node -e 0', ['-e', '0']],
    ["node -e \"require('yaml')\"", ['-e', "require('yaml')"]],
    ['check small.yaml', [CLI, 'check', small]],
    ['--version', [CLI, '--version']],
    ['--help', [CLI, '--help']],
    ['check small.yaml with a literal ExternalId (estimated)', [CLI, 'check', literal]],
  ];
  const times = variants.map((): number[] => []);
  for (const [, args] of variants) node(args);
  for (let r = 0; r < startupReps; r++) {
    // Every variant once a round, in a rotating order.
    for (let k = 0; k < variants.length; k++) {
      const v = (k + r) % variants.length;
      times[v].push(node(variants[v][1]).ms);
    }
  }
  const probes = variants.map(([, args]) => node(args, { probe: true }).probe!);
  const medians = times.map(median);
  console.log();
  console.log(`Start-up (medians of ${startupReps} runs each, alternated; modules as loaded at exit):`);
  console.log();
  console.log('| command | median | peak RSS | modules | estimator modules | word-list modules | CDK modules | commander |');
  console.log('|---|---|---|---|---|---|---|---|');
  variants.forEach(([name], k) => {
    const p = probes[k];
    console.log(`| ${name} | ${medians[k].toFixed(0)} ms | ${mb(p.maxRssKb)} | ${p.modules} | ${p.estimator} | ${p.wordLists} | ${p.cdk} | ${p.commander > 0 ? 'yes' : 'no'} |`);
  });
  const [bare, yaml, check, version] = medians;
  // "At most 2x `node -e 0` plus parser load": twice a bare Node start-up, plus what loading the YAML package adds.
  const limit = 2 * bare + (yaml - bare);
  console.log();
  console.log(`check small.yaml: ${check.toFixed(0)} ms = ${(check / yaml).toFixed(2)}x node with the YAML parser loaded; limit 2 x node -e 0 + parser load = `
    + `${limit.toFixed(0)} ms: ${verdict(check <= limit)}`);
  console.log(`--version: ${version.toFixed(0)} ms = ${(version / bare).toFixed(2)}x node -e 0; no estimator or word lists loaded: ${verdict(probes[3].estimator + probes[3].wordLists === 0)}`);
  const noCdk = probes.slice(2).every((p) => p.cdk === 0);
  const lazyEstimator = probes[2].estimator + probes[2].wordLists === 0 && probes[4].estimator + probes[4].wordLists === 0;
  console.log(`no aws-cdk-lib, cdk-nag or constructs in the CLI's module graph: ${verdict(noCdk)}; estimator loaded only for a value to estimate: ${verdict(lazyEstimator)}`);
}

function main(): void {
  console.log(`CLI benchmark: ${os.cpus().length} CPUs, load average ${os.loadavg()[0].toFixed(1)}, Node ${process.version}`);
  const results: SizeResult[] = [];
  for (const n of sizes) results.push(throughput(n));
  console.log();
  console.log('| templates | CLI (median) | templates/s | parse floor (median) | CLI / floor | CLI peak RSS | floor peak RSS |');
  console.log('|---|---|---|---|---|---|---|');
  for (const r of results) {
    console.log(`| ${count(r.n)} | ${seconds(r.cliMs)} | ${count(Math.round(r.n / (r.cliMs / 1000)))} | ${seconds(r.floorMs)} | `
      + `${(r.cliMs / r.floorMs).toFixed(2)}x | ${mb(r.cliRssKb)} | ${mb(r.floorRssKb)} |`);
  }
  console.log();
  for (const r of results) {
    const rate = r.n / (r.cliMs / 1000);
    console.log(`${count(r.n)} templates: ${count(Math.round(rate))}/s (target at least 1,000: ${verdict(rate >= 1000)}), `
      + `${(r.cliMs / r.floorMs).toFixed(2)}x the floor (target at most 2: ${verdict(r.cliMs <= 2 * r.floorMs)})`
      + `${r.n >= 10000 ? `, peak RSS ${mb(r.cliRssKb)} (target at most 400 MB: ${verdict(r.cliRssKb <= 400 * 1024)})` : ''}`);
  }
  const small = results.find((r) => r.n === 1000);
  const large = results.find((r) => r.n === 10000);
  if (small && large) {
    const ratio = large.cliMs / small.cliMs;
    console.log(`10,000 vs 1,000 templates: time ratio ${ratio.toFixed(2)} (floor ${(large.floorMs / small.floorMs).toFixed(2)}; target at most 11: ${verdict(ratio <= 11)})`);
  }
  startup();
  console.log(`\nload average at the end ${os.loadavg()[0].toFixed(1)}`);
}

try {
  main();
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
