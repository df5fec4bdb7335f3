/**
 * The rule engine's cost per role, on the compiled lib/: `check()` over deterministic templates of one to five
 * roles of typical shapes (bench/engine-inputs.js) at 1,000 and 10,000 roles, each run in its own process
 * (bench/engine-child.js), sizes alternated, medians over the repetitions. Prints microseconds per role and per
 * template, the 10k/1k ratio of the cost per role (flat is 1.0), and the child's peak RSS.
 *
 * With --baseline=<lib directory> (the compiled lib/ of another checkout, e.g. main before a change), each size
 * also runs on that build, alternated with this one, and the ratio of their CPU times is printed.
 *
 *   npx projen bench:engine [repetitions] [--mode=check|stream] [--baseline=<dir>]   (part of npx projen bench)
 */
import { execFileSync } from 'child_process';
import * as os from 'os';
import * as path from 'path';

interface Sample {
  readonly roles: number;
  readonly templates: number;
  readonly ms: number;
  readonly cpuMs: number;
  readonly findings: number;
  readonly maxRssMb: number;
}

const args = process.argv.slice(2);
const repetitions = Number(args.find((a) => /^\d+$/.test(a)) ?? 5);
const mode = args.find((a) => a.startsWith('--mode='))?.slice('--mode='.length) ?? 'check';
const baseline = args.find((a) => a.startsWith('--baseline='))?.slice('--baseline='.length);
const SIZES = [1000, 10000];
const child = path.join(__dirname, 'engine-child.js');

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

console.log(`engine: check() per role, ${repetitions} repetitions, mode ${mode}, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
const variants = [{ name: 'this build', lib: path.join(__dirname, '..', 'lib') }, ...(baseline ? [{ name: 'baseline', lib: path.resolve(baseline) }] : [])];
const samples = new Map<string, Sample[]>();
for (let r = 0; r < repetitions; r++) {
  // Alternate the sizes and builds (and their order) so that a change in the machine's load hits all of them.
  const runs = SIZES.flatMap((n) => variants.map((v) => ({ n, v })));
  for (const { n, v } of r % 2 === 0 ? runs : runs.reverse()) {
    const out = execFileSync(process.execPath, ['--expose-gc', child, String(n), mode, v.lib], { encoding: 'utf8' });
    const key = `${v.name}/${n}`;
    samples.set(key, [...(samples.get(key) ?? []), JSON.parse(out.trim().split('\n').pop()!)]);
  }
}
for (const v of variants) {
  const perRole = new Map<number, number>();
  const cpuPerRole = new Map<number, number>();
  console.log(`${v.name} (${v.lib}):`);
  for (const n of SIZES) {
    const s = samples.get(`${v.name}/${n}`)!;
    const ms = median(s.map((x) => x.ms));
    const cpu = median(s.map((x) => x.cpuMs));
    perRole.set(n, (ms * 1000) / n);
    cpuPerRole.set(n, (cpu * 1000) / n);
    console.log(`  ${String(n).padStart(6)} roles (${s[0].templates} templates, ${s[0].findings} findings): ${ms.toFixed(0)} ms, `
      + `${((ms * 1000) / n).toFixed(1)} us per role, ${((ms * 1000) / s[0].templates).toFixed(1)} us per template, `
      + `CPU ${cpu.toFixed(0)} ms (${((cpu * 1000) / s[0].templates).toFixed(1)} us per template), peak RSS ${median(s.map((x) => x.maxRssMb)).toFixed(0)} MB`);
  }
  // CPU time (the process's, garbage collection threads included) depends less on what else the machine runs.
  console.log(`  10k/1k cost per role: ${(perRole.get(10000)! / perRole.get(1000)!).toFixed(2)}x wall, `
    + `${(cpuPerRole.get(10000)! / cpuPerRole.get(1000)!).toFixed(2)}x CPU (flat: 1.00; target at most 1.3)`);
}
if (baseline) {
  for (const n of SIZES) {
    const cpu = (name: string) => median(samples.get(`${name}/${n}`)!.map((x) => x.cpuMs));
    const rss = (name: string) => median(samples.get(`${name}/${n}`)!.map((x) => x.maxRssMb));
    console.log(`  ${n} roles, this build / baseline: CPU ${(cpu('this build') / cpu('baseline')).toFixed(2)}x, peak RSS ${(rss('this build') / rss('baseline')).toFixed(2)}x`);
  }
}
console.log(`  load average now ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
