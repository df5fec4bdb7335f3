'use strict';
/**
 * One measurement of the engine benchmark, on the compiled lib/ (plain Node): generates the inputs (not timed),
 * warms the engine up on a different set, then times `check()` (mode `check`) or the incremental checker
 * (mode `stream`: add each template as it is generated, then finish) over the inputs, and prints one JSON line.
 *
 *   node bench/engine-child.js <roles> <mode> [<lib directory>]
 */
const path = require('path');
const { generate, templates } = require('./engine-inputs');

const roles = Number(process.argv[2] ?? 1000);
const mode = process.argv[3] ?? 'check';
// Another build's lib/ (a checkout of an earlier commit, compiled) to compare with.
const engine = require(path.join(path.resolve(process.argv[4] ?? path.join(__dirname, '..', 'lib')), 'engine'));

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
// In mode stream, each template is generated when the checker takes it and dropped after (as the CLI reads files),
// so the peak RSS is what the checker keeps; the time includes generating them. In mode check, all are held.
const inputs = mode === 'stream' ? generate(roles) : templates(roles);
const count = { templates: 0 };
const counted = (function* () {
  for (const input of inputs) {
    count.templates++;
    yield input;
  }
}());
// The warm-up's garbage is collected now rather than in the timed run (the orchestrator passes --expose-gc).
global.gc?.();
const heapBefore = process.memoryUsage().heapUsed;
const cpu = process.cpuUsage();
const start = process.hrtime.bigint();
const result = run(mode === 'stream' ? counted : [...counted]);
const ms = Number(process.hrtime.bigint() - start) / 1e6;
const used = process.cpuUsage(cpu);
console.log(JSON.stringify({
  roles,
  mode,
  templates: count.templates,
  ms,
  cpuMs: (used.user + used.system) / 1e3,
  findings: result.findings.length,
  errors: result.errors.length,
  heapDeltaMb: (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20,
  maxRssMb: process.resourceUsage().maxRSS / 1024,
}));
