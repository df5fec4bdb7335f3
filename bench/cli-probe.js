/**
 * Preloaded (`node -r bench/cli-probe.js ...`) into a measured child of bench/cli.ts: at exit, writes the process's peak
 * RSS and what its module graph holds to the file named by BENCH_PROBE, leaving the measured program's own output alone.
 */
const fs = require('fs');

process.on('exit', () => {
  const modules = Object.keys(require.cache);
  const has = (re) => modules.filter((m) => re.test(m)).length;
  fs.writeFileSync(process.env.BENCH_PROBE, JSON.stringify({
    maxRssKb: process.resourceUsage().maxRSS,
    modules: modules.length,
    // What start-up should not load: the CDK (never, in the CLI) and the estimator (only for a value to estimate).
    cdk: has(/node_modules[\\/](aws-cdk-lib|cdk-nag|constructs)[\\/]/),
    estimator: has(/external-id[\\/]entropy[\\/]/),
    wordLists: has(/node_modules[\\/]@zxcvbn-ts[\\/]/),
    commander: has(/node_modules[\\/]commander[\\/]/),
  }));
});
