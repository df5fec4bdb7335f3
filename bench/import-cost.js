/**
 * What importing a module costs (bench/pack.ts spawns it, one process per measurement): prints `BENCH <json>` with
 * the milliseconds the require took, the number of modules it loaded, and those of them that an app importing the
 * library should not pay for until it uses them (cdk-nag's packs, the estimator's word lists, the CLI, its YAML parser
 * and argument parser).
 *
 *   node bench/import-cost.js <module>[#<export>]...   (with #<export>, that export is read too: aws-cdk-lib loads lazily)
 */
'use strict';
const path = require('path');

const start = process.hrtime.bigint();
for (const arg of process.argv.slice(2)) {
  const [m, name] = arg.split('#');
  const exports = require(m.startsWith('.') ? path.resolve(__dirname, m) : m);
  if (name !== undefined && exports[name] === undefined) throw new Error(`${m} has no export ${name}`);
}
const ms = Number(process.hrtime.bigint() - start) / 1e6;

const loaded = Object.keys(require.cache);
const UNWANTED = {
  'cdk-nag packs and rules': /node_modules[/\\]cdk-nag[/\\]lib[/\\](packs|rules)[/\\]/,
  'word lists (@zxcvbn-ts)': /node_modules[/\\]@zxcvbn-ts[/\\]/,
  'yaml': /node_modules[/\\]yaml[/\\]/,
  'commander': /node_modules[/\\]commander[/\\]/,
  'the CLI (lib/cli)': /[/\\]lib[/\\]cli[/\\]/,
};
const unwanted = Object.fromEntries(Object.entries(UNWANTED).map(([name, re]) => [name, loaded.filter((f) => re.test(f)).length]));
console.log(`BENCH ${JSON.stringify({ ms, modules: loaded.length - 1, unwanted, rssMB: process.memoryUsage().rss / 2 ** 20 })}`);
