/**
 * The rule pack against cdk-nag's AwsSolutions on the same generated app (bench/pack-app.js): (a) bare synth,
 * (b) + CrossAccountTrustChecks, (c) + AwsSolutionsChecks, (d) both. Every run is its own process on the compiled lib/;
 * the variants alternate (their order rotates from one repetition to the next) and the figures are medians over the
 * repetitions. Prints synth time, validate() time of each pack, the ratios of issue 10 and the peak RSS over bare synth;
 * and what importing the library costs (bench/import-cost.js) beside what a CDK app loads anyway.
 *
 *   npx projen bench:pack [--quick] [--roles 100,1000,5000] [--reps 2]   (part of npx projen bench)
 *
 * The default run (3 sizes x 4 variants x 2 repetitions, plus 21 imports) takes about 5 minutes on the 2-core
 * development machine at load average 4-5; --quick (100 and 1,000 roles) under 2.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const VARIANTS = ['bare', 'ours', 'aws', 'both'] as const;
type Variant = typeof VARIANTS[number];

interface Run {
  readonly roles: number;
  readonly variant: Variant;
  readonly resources: number;
  readonly synthMs: number;
  readonly synthCpuMs: number;
  readonly validateMs: { readonly ours?: number; readonly aws?: number };
  readonly validateCpuMs: { readonly ours?: number; readonly aws?: number };
  readonly violations: Record<string, number>;
  readonly maxRssMB: number;
}

function option(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at < 0 ? undefined : process.argv[at + 1];
}

const quick = process.argv.includes('--quick');
const sizes = (option('--roles') ?? (quick ? '100,1000' : '100,1000,5000')).split(',').map(Number);
const reps = Number(option('--reps') ?? 2);
if (sizes.some((n) => !(Number.isInteger(n) && n > 0)) || !(Number.isInteger(reps) && reps > 0)) {
  throw new Error(`bench:pack: --roles takes positive integers separated by commas and --reps a positive integer, received ${process.argv.slice(2).join(' ')}`);
}

const CHILD = path.join(__dirname, 'pack-app.js');
const OUT = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-pack-'));

function run(roles: number, variant: Variant): Run {
  const outdir = path.join(OUT, `${variant}-${roles}`);
  const child = spawnSync(process.execPath, [CHILD, String(roles), variant, outdir], {
    encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 2 ** 30,
  });
  fs.rmSync(outdir, { recursive: true, force: true });
  const line = child.stdout.split('\n').find((l) => l.startsWith('BENCH '));
  if (child.status !== 0 || line === undefined) {
    throw new Error(`bench:pack: ${variant} at ${roles} roles exited with ${child.status ?? child.signal}:\n${child.stderr.slice(-3000)}`);
  }
  return JSON.parse(line.slice('BENCH '.length));
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Wall-clock and CPU milliseconds (CPU of all the process's threads; it depends less on what else the machine runs). */
interface Time {
  readonly wall: number;
  readonly cpu: number;
}

const ms = (t: Time) => `${Math.round(t.wall)} ms (CPU ${Math.round(t.cpu)})`;
const times = (v: number) => `${v.toFixed(2)}x`;
const ratio = (a: Time, b: Time) => `${times(a.wall / b.wall)} (CPU ${times(a.cpu / b.cpu)})`;

console.log(`bench:pack: ${os.cpus().length} CPUs, load average ${os.loadavg()[0].toFixed(1)}; roles ${sizes.join(', ')}; ${reps} repetitions; node ${process.version}`);
// aws-cdk-lib, cdk-nag and lib/ from disk once, so that the first measured run does not pay for a cold file cache.
run(sizes[0], 'both');

interface Import {
  readonly ms: number;
  readonly modules: number;
  readonly unwanted: Record<string, number>;
  readonly rssMB: number;
}

/** Importing the package root against what a CDK app with IAM roles loads anyway, alternating, medians. */
function importCost(): void {
  const IMPORTS = {
    'the package root (lib/)': ['../lib'],
    // What every app with an IAM role loads anyway.
    'aws-cdk-lib App, Stack and aws-iam Role': ['aws-cdk-lib#App', 'aws-cdk-lib#Stack', 'aws-cdk-lib/aws-iam#Role'],
    'cdk-nag (its index)': ['cdk-nag'],
  };
  const runs = new Map<string, Import[]>(Object.keys(IMPORTS).map((k) => [k, []]));
  for (let r = 0; r < 7; r++) {
    for (const [name, modules] of Object.entries(IMPORTS)) {
      const child = spawnSync(process.execPath, [path.join(__dirname, 'import-cost.js'), ...modules], { encoding: 'utf8' });
      const line = child.stdout.split('\n').find((l) => l.startsWith('BENCH '));
      if (child.status !== 0 || line === undefined) throw new Error(`bench:pack: importing ${name} exited with ${child.status}:\n${child.stderr.slice(-3000)}`);
      runs.get(name)!.push(JSON.parse(line.slice('BENCH '.length)));
    }
  }
  console.log('\nimport (require() time in a fresh process, median of 7; modules loaded; RSS after):');
  for (const [name, list] of runs) {
    const unwanted = Object.entries(list[0].unwanted).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`);
    console.log(`  ${name}: ${median(list.map((i) => i.ms)).toFixed(0)} ms, ${list[0].modules} modules, ${median(list.map((i) => i.rssMB)).toFixed(0)} MB`
      + `${unwanted.length > 0 ? `; loads ${unwanted.join(', ')}` : ''}`);
  }
}
importCost();

interface Summary {
  readonly roles: number;
  readonly resources: number;
  readonly synth: Record<Variant, Time>;
  readonly ours: Time;
  readonly aws: Time;
  readonly oursBoth: Time;
  readonly awsBoth: Time;
  readonly rss: Record<Variant, number>;
  readonly violations: Record<string, number>;
}

const summaries: Summary[] = [];
for (const roles of sizes) {
  const runs: Run[] = [];
  for (let r = 0; r < reps; r++) {
    for (let i = 0; i < VARIANTS.length; i++) runs.push(run(roles, VARIANTS[(i + r) % VARIANTS.length]));
  }
  const of = (v: Variant) => runs.filter((one) => one.variant === v);
  const med = (v: Variant, f: (x: Run) => number) => median(of(v).map(f));
  const synth = (v: Variant): Time => ({ wall: med(v, (one) => one.synthMs), cpu: med(v, (one) => one.synthCpuMs) });
  const validate = (v: Variant, pack: 'ours' | 'aws'): Time => ({ wall: med(v, (one) => one.validateMs[pack]!), cpu: med(v, (one) => one.validateCpuMs[pack]!) });
  const s: Summary = {
    roles,
    resources: runs[0].resources,
    synth: Object.fromEntries(VARIANTS.map((v) => [v, synth(v)])) as Record<Variant, Time>,
    ours: validate('ours', 'ours'),
    aws: validate('aws', 'aws'),
    oursBoth: validate('both', 'ours'),
    awsBoth: validate('both', 'aws'),
    rss: Object.fromEntries(VARIANTS.map((v) => [v, med(v, (one) => one.maxRssMB)])) as Record<Variant, number>,
    violations: of('both')[0].violations,
  };
  summaries.push(s);
  console.log(`\n${roles} roles, ${s.resources} resources (violating resources: ${Object.entries(s.violations).map(([k, v]) => `${k} ${v}`).join(', ')})`);
  console.log(`  synth (app.synth()): bare ${ms(s.synth.bare)}; + ours ${ms(s.synth.ours)}, ${ratio(s.synth.ours, s.synth.bare)};`
    + ` + AwsSolutions ${ms(s.synth.aws)}, ${ratio(s.synth.aws, s.synth.bare)}; both ${ms(s.synth.both)}, ${ratio(s.synth.both, s.synth.bare)}`);
  console.log(`  validate(): ours ${ms(s.ours)}, AwsSolutions ${ms(s.aws)}, ours/AwsSolutions ${ratio(s.ours, s.aws)};`
    + ` both registered: ${ms(s.oursBoth)} / ${ms(s.awsBoth)} = ${ratio(s.oursBoth, s.awsBoth)}`);
  console.log(`  validate() per resource: ours ${(1000 * s.ours.wall / s.resources).toFixed(0)} us, AwsSolutions ${(1000 * s.aws.wall / s.resources).toFixed(0)} us`);
  console.log(`  peak RSS: bare ${s.rss.bare.toFixed(0)} MB; over bare: ours +${(s.rss.ours - s.rss.bare).toFixed(0)} MB,`
    + ` AwsSolutions +${(s.rss.aws - s.rss.bare).toFixed(0)} MB, both +${(s.rss.both - s.rss.bare).toFixed(0)} MB`);
}

// Cost per resource at the largest app against the smallest one of at least 1,000 resources.
const base = summaries.find((s) => s.resources >= 1000);
const top = summaries[summaries.length - 1];
const growth = (t: (s: Summary) => Time, key: keyof Time) => (t(top)[key] / top.resources) / (t(base!)[key] / base!.resources);
if (base && top !== base) {
  console.log(`\nper-resource validate() cost, ${top.resources} vs ${base.resources} resources: ours ${times(growth((s) => s.ours, 'wall'))}`
    + ` (CPU ${times(growth((s) => s.ours, 'cpu'))}), AwsSolutions ${times(growth((s) => s.aws, 'wall'))} (CPU ${times(growth((s) => s.aws, 'cpu'))})`);
}
const big = summaries.filter((s) => s.resources >= 1000);
if (big.length > 0) {
  const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');
  const worst = Math.max(...big.map((s) => s.ours.wall / s.aws.wall));
  console.log('targets of issue 10 (wall-clock medians):');
  console.log(`  validate() ours/AwsSolutions <= 0.25 at ${big.map((s) => s.resources).join(', ')} resources: worst ${times(worst)}, ${verdict(worst <= 0.25)}`);
  if (base && top !== base) {
    const perResource = growth((s) => s.ours, 'wall');
    console.log(`  per-resource cost ${top.resources} vs ${base.resources} resources <= 1.3x: ${times(perResource)}, ${verdict(perResource <= 1.3)}`);
  }
  const synth = top.synth.ours.wall / top.synth.bare.wall;
  console.log(`  synth with the pack / bare synth <= 1.15x at ${top.resources} resources: ${times(synth)}, ${verdict(synth <= 1.15)}`);
  const rss = top.rss.ours - top.rss.bare;
  console.log(`  extra peak RSS <= 100 MB at ${top.resources} resources: ${rss.toFixed(0)} MB, ${verdict(rss <= 100)}`);
}
console.log(`load average at the end ${os.loadavg()[0].toFixed(1)}`);
fs.rmSync(OUT, { recursive: true, force: true });
