'use strict';
/**
 * One measurement of the engine benchmark, on the compiled lib/ (plain Node): generates the inputs (not timed),
 * warms the engine up on a different set, then times `check()` (mode `check`) or the incremental checker
 * (mode `stream`: add each template, then finish) over the inputs, and prints one JSON line.
 *
 *   node bench/engine-child.js <roles> <mode>
 */
const path = require('path');
const { templates } = require('./engine-inputs');

const engine = require(path.join(__dirname, '..', 'lib', 'engine'));

const roles = Number(process.argv[2] ?? 1000);
const mode = process.argv[3] ?? 'check';

function run(inputs) {
  if (mode === 'stream') {
    const checker = engine.createChecker({});
    for (const input of inputs) checker.add(input);
    return checker.finish();
  }
  return engine.check(inputs);
}

// Warm-up on other inputs, so that both sizes are timed with the engine's code optimised and its word lists loaded.
const warmUp = templates(1000, 7);
run(warmUp);
run(warmUp);
const inputs = templates(roles);
// The warm-up's garbage is collected now rather than in the timed run (the orchestrator passes --expose-gc).
global.gc?.();
const heapBefore = process.memoryUsage().heapUsed;
const cpu = process.cpuUsage();
const start = process.hrtime.bigint();
const result = run(inputs);
const ms = Number(process.hrtime.bigint() - start) / 1e6;
const used = process.cpuUsage(cpu);
console.log(JSON.stringify({
  roles,
  mode,
  templates: inputs.length,
  ms,
  cpuMs: (used.user + used.system) / 1e3,
  findings: result.findings.length,
  errors: result.errors.length,
  heapDeltaMb: (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20,
  maxRssMb: process.resourceUsage().maxRSS / 1024,
}));
