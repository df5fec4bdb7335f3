import { awscdk, javascript } from 'projen';
import { UpdateSnapshot } from 'projen/lib/javascript';

/**
 * Optional peer dependencies of the published package, each loaded by one subpath export only (never by the package
 * root, the constructs, the rule pack or a plain `check`), and never installed by `npm install cdk-cross-account-trust`.
 * The range is the one the tests install (a dev dependency).
 *
 * jsii resolves every entry of `peerDependencies` as a jsii assembly and fails on these, so the repository's manifest
 * names them in `peerDependenciesMeta` only (jsii does not read it), and the `package:js` task completes the manifest
 * inside the packed tarball: `peerDependencies[name]` = the dev dependency's range (scripts/publish-manifest.ts).
 * npm 7+ reads a `peerDependenciesMeta` entry only for a name that is also in `peerDependencies` (no range check, no
 * record otherwise), so the published manifest needs both; pnpm and yarn would infer the range `*` from the meta entry.
 */
const optionalPeers: Record<string, string> = {
  // The run-time registry (cdk-cross-account-trust/runtime) sends its DynamoDB commands and writes the onboarding
  // templates to S3 through the AWS SDK v3 clients its caller injects.
  '@aws-sdk/client-dynamodb': '^3',
  '@aws-sdk/client-s3': '^3',
  // The verifier (verifyAccount, verifyAll) assumes the customer roles with the STS client its caller injects, and
  // reads each role's live trust policy with an IAM client on the customer session it obtained.
  '@aws-sdk/client-sts': '^3',
  '@aws-sdk/client-iam': '^3',
  // The attack prover (cdk-cross-account-trust/prover, `check --prove`) evaluates trust and deputy policies with this
  // IAM policy evaluator. It is AGPL-3.0-or-later: an optional peer that users install themselves, never bundled and
  // never loaded by the constructs, the rule pack or a plain `check`, so the package's own closure stays permissive.
  '@cloud-copilot/iam-simulate': '^0.1.173',
};

const project = new awscdk.AwsCdkConstructLibrary({
  name: 'cdk-cross-account-trust',
  description:
    'AWS CDK constructs that make cross-account IAM roles safe by construction (one trusted role, a random ExternalId, a deputy that cannot be turned on its owner) and a cdk-nag v3 rule pack that blocks unsafe trust at synth time.',
  author: 'cdk-cross-account-trust maintainers',
  authorAddress: 'maintainers@users.noreply.r-seed-f5ea7be1.example',
  repositoryUrl: 'https://github.com/cdk-cross-account-trust/cdk-cross-account-trust.git',
  keywords: ['cdk', 'aws-cdk', 'iam', 'cross-account', 'external-id', 'confused-deputy', 'cdk-nag', 'security'],
  license: 'Apache-2.0',
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  github: false,
  release: false,

  // cdk-nag v3 needs the policy validation plugin API of aws-cdk-lib 2.258 or later.
  cdkVersion: '2.258.0',
  constructsVersion: '10.5.1',
  jsiiVersion: '~6.0.0',
  // The registry's latest TypeScript major has no JavaScript API; jsii and ts-jest need 6.
  typescriptVersion: '~6.0',
  // jsii 6, commander 14 and aws-cdk-lib all require Node 20 or later.
  minNodeVersion: '20.0.0',

  peerDeps: ['cdk-nag@^3.0.2'],
  // Runtime dependencies that are not jsii modules are bundled into the package.
  bundledDeps: [
    // Word lists and keyboard graphs of the zxcvbn port (MIT): common passwords, English words, names,
    // diceware. The ExternalId estimator uses them as plain lists; zxcvbn's own matcher and scoring
    // (@zxcvbn-ts/core) are not used, since they price arbitrary characters for human passwords.
    '@zxcvbn-ts/language-common@^4.1.3',
    '@zxcvbn-ts/language-en@^4.1.1',
    // YAML 1.2 parser with custom tags (CloudFormation short forms) and node ranges for line numbers.
    'yaml@^2.9.1',
    // Argument parser of the CLI; v15 is ESM-only and needs Node 22.
    'commander@^14.0.3',
    // Globs of the paths a run leaves out (--exclude, the config file's exclude): picomatch (MIT, no dependencies,
    // the matcher of micromatch, fast-glob and chokidar). Node's path.matchesGlob is experimental before Node 22.
    'picomatch@^4.0.2',
  ],
  devDeps: [
    'fast-check@^4',
    'ajv@^8',
    'ajv-draft-04@^1',
    // Ships the SARIF 2.1.0 JSON schema the CLI's SARIF output is validated against in tests.
    '@microsoft/jest-sarif@1.0.0-beta.0',
    '@types/sarif@^2.1.7',
    // libxml2's xmllint compiled to WebAssembly (MIT, no native build, no network): validates the CLI's JUnit XML
    // against the Jenkins JUnit schema in tests.
    'xmllint-wasm@^5.3.0',
    // Reads the JUnit XML back in tests (a W3C DOM parser, MIT).
    '@xmldom/xmldom@^0.9.8',
    '@types/picomatch@^4',
    // Reads aws-cdk-lib's jsii assembly (the CloudFormation and SAM specifications as L1 classes) in a test that
    // fails when the specification gains a policy-bearing resource type the engine does not know.
    '@jsii/spec@^1',
    // A DynamoDB-compatible server (Apache-2.0) in memory on loopback: the run-time registry's tests run the real
    // SDK client against it, with the table created from the construct's synthesized template.
    'dynalite@^4',
    // The TrustVerifier's dispatcher sends one message per account with it (the Lambda runtime provides it; types only).
    '@aws-sdk/client-sqs@^3',
    // The IAM policy parser under the evaluator (AGPL-3.0-or-later, tests only, like the evaluator): the loopback STS
    // validates trust policies with it and hands the evaluator's unfiltered entry point an already validated policy.
    '@cloud-copilot/iam-policy@^0.1.109',
  ],
  // `npx cross-account-trust` outside a project that installed the package asks the registry for another package of
  // that name; `npx cdk-cross-account-trust` finds this one by the package's own name.
  bin: { 'cdk-cross-account-trust': 'lib/cli/main.js', 'cross-account-trust': 'lib/cli/main.js' },

  jestOptions: {
    updateSnapshot: UpdateSnapshot.NEVER,
    jestConfig: {
      // synth of several stacks per test on 2 cores
      testTimeout: 60_000,
    },
  },
  tsconfigDev: {
    include: ['../examples/**/*.ts', '../scripts/**/*.ts', '../bench/**/*.ts'],
    compilerOptions: {},
  },
  eslintOptions: {
    dirs: ['src'],
    devdirs: ['test', 'examples', 'scripts', 'bench', 'projenrc', '.projenrc.ts'],
  },

  publishToPypi: {
    distName: 'cdk-cross-account-trust',
    module: 'cdk_cross_account_trust',
  },
  publishToMaven: {
    javaPackage: 'io.github.cdkcrossaccounttrust',
    mavenGroupId: 'io.github.cdk-cross-account-trust',
    mavenArtifactId: 'cdk-cross-account-trust',
  },
  publishToNuget: {
    dotNetNamespace: 'CdkCrossAccountTrust',
    packageId: 'CdkCrossAccountTrust',
  },
  publishToGo: {
    moduleName: 'github.com/cdk-cross-account-trust/cdk-cross-account-trust-go',
  },

  // The TrustVerifier's handlers (src/**/*.lambda.ts) are bundled with esbuild at build time into assets/, each with
  // a generated `*-function.ts` construct (no Docker). Node.js 22: Node.js 20 is end-of-life on Lambda.
  lambdaOptions: {
    runtime: awscdk.LambdaRuntime.NODEJS_22_X,
    bundlingOptions: {
      externals: [
        // The Lambda runtime provides the AWS SDK v3.
        '@aws-sdk/*',
        // The IAM policy evaluator is AGPL-3.0-or-later: never bundled. Without it the verifier runs without the
        // prover (the rule engine still checks every live trust policy).
        '@cloud-copilot/*',
      ],
    },
  },

  gitignore: ['cdk.out', '/examples/cdk.out', '/.cdk-latest/', '/.jsii.tabl.json'],
  npmIgnoreOptions: { ignorePatterns: ['/examples/', '/scripts/', '/bench/', '/.ci/', '/.cdk-latest/'] },
});

// `npx projen build` is the README's test command and must work on any machine with Node.js; the
// other languages need their toolchains and registries, so they are packaged on request only
// (`npx projen package-all`), not as part of every build.
project.packageTask.reset();
project.packageTask.spawn(project.tasks.tryFind('package:js')!);

for (const [name, range] of Object.entries(optionalPeers)) project.addDevDeps(`${name}@${range}`);
project.package.addField('peerDependenciesMeta',
  Object.fromEntries(Object.keys(optionalPeers).map((name) => [name, { optional: true }])));
project.tasks.tryFind('package:js')!.exec('ts-node --project test/tsconfig.json scripts/publish-manifest.ts dist/js');

// The run-time subpath is plain Node.js for a vendor's back end: `exports` makes it `cdk-cross-account-trust/runtime`
// (and hides lib/ from deep imports), `typesVersions` lets TypeScript's node10 module resolution, which ignores
// `exports`, find its types. `main` and `types` stay for tools that read only them (jsii, its kernel, docgen).
const subpaths: Record<string, string> = { '.': 'lib/index', './runtime': 'lib/runtime/index', './prover': 'lib/prover/index' };
project.package.addField('exports', {
  ...Object.fromEntries(Object.entries(subpaths).map(([subpath, file]) => [subpath, { types: `./${file}.d.ts`, default: `./${file}.js` }])),
  './package.json': './package.json',
});
project.package.addField('typesVersions', {
  '*': Object.fromEntries(Object.entries(subpaths).filter(([subpath]) => subpath !== '.')
    .map(([subpath, file]) => [subpath.slice(2), [`${file}.d.ts`]])),
});

// examples/ and scripts/ are compiled by test/tsconfig.json, which the project service does not look
// for outside test/; lint them against the default project instead.
project.eslint?.allowDefaultProjectFiles('examples/*.ts', 'scripts/*.ts', 'bench/*.ts');
// typescript-eslint refuses more than 8 files in the default project unless told how many to expect;
// examples/, scripts/ and .projenrc.ts are more than that.
project.tryFindObjectFile('.eslintrc.json')?.addOverride(
  'parserOptions.projectService.maximumDefaultProjectFileMatchCount_THIS_WILL_SLOW_DOWN_LINTING', 32);

// The main job: synthesize every example app and print what trusts what.
// The examples synthesize the TrustVerifier, whose Lambda code is the bundle in assets/: build it first (CI runs
// `examples` before `build` on a clean clone).
const examples = project.addTask('examples', {
  description: 'Synthesize every example under examples/ and print the roles, their trust and the rule pack report',
});
examples.spawn(project.bundler.bundleTask);
examples.exec('ts-node --project test/tsconfig.json examples/report.ts', { receiveArgs: true });
// The tests synthesize the TrustVerifier and read its bundles too: `npx projen test` on its own bundles first (a second
// or two), so that it neither fails on a clean clone nor tests stale handler code.
project.testTask.prependSpawn(project.bundler.bundleTask);

// jsii writes lib/ without the executable bit; npx runs the bin from a local checkout as it is.
project.postCompileTask.exec('chmod +x lib/cli/main.js');

project.addTask('rules-md', {
  description: 'Regenerate RULES.md from the rule metadata in src/rules (a test fails when it drifts)',
  exec: 'ts-node --project test/tsconfig.json scripts/rules-md.ts',
});

// Benchmarks (issue 10): not part of the test suite, no timing assertions anywhere. Each part prints ratios
// measured in one run on this machine; BENCHMARKS.md holds the figures and the commands. Parts run compiled code
// (lib/) in child processes, so `bench` compiles first.
const bench = project.addTask('bench', {
  description: 'Run every benchmark (bench/): the rule pack against cdk-nag AwsSolutions, the CLI against the parse floor, start-up, the estimator, the verifier over 10,000 accounts',
});
bench.spawn(project.compileTask);
/** A part of `bench`: a TypeScript orchestrator under bench/, run with ts-node, that times compiled code in child processes. */
const benchPart = (name: string, description: string, script: string) => {
  bench.spawn(project.addTask(name, { description, exec: `ts-node --project test/tsconfig.json ${script}`, receiveArgs: true }));
};
benchPart('bench:entropy',
  'Time the ExternalId entropy estimator: median and worst time per call, for values up to 128 characters and long inputs up to 1224',
  'bench/entropy.ts');
benchPart('bench:engine',
  'Time the rule engine per role (check() over 1,000 and 10,000 roles of typical shapes, each in its own process) and print the 10k/1k ratio',
  'bench/engine.ts');
benchPart('bench:pack',
  'Time synth and validate() of the rule pack against cdk-nag AwsSolutions on generated apps of 100, 1,000 and 5,000 roles (bare, ours, AwsSolutions, both); --quick, --roles 100,1000 and --reps 3 change the runs',
  'bench/pack.ts');
benchPart('bench:cli',
  'Time the CLI on 1,000 and 10,000 generated templates against the parse floor (read + YAML-parse), with its peak memory, and its start-up (needs lib/: npx projen compile)',
  'bench/cli.ts');
benchPart('bench:verifier',
  'Time verifyAll over 1,000 and 10,000 registered accounts against the loopback STS + IAM and dynalite (in a child process), with the verifier\'s peak memory and the 10k/1k ratios (needs lib/: npx projen compile)',
  'bench/verifier.ts');

// The tests of the CDK adapters run on the aws-cdk-lib dev dependency (the oldest supported) in `test`, and on the
// newest 2.x here: newer versions report validation failures and acknowledgment ids differently. CI runs both.
project.addTask('test:cdk-latest', {
  description: 'Run the rule pack and cloud assembly tests against the newest aws-cdk-lib 2.x (installed from the npm registry into .cdk-latest/)',
  exec: 'ts-node --project test/tsconfig.json scripts/test-cdk-latest.ts',
  receiveArgs: true,
});

// The TypeScript samples of the README and of docstrings become the Python (and other languages') samples of the
// generated packages through jsii-rosetta. `npx projen build` packages JavaScript only, so this is what proves they
// translate: strict mode compiles every sample against the compiled assembly (.jsii) and fails on any error.
project.addTask('rosetta', {
  description: 'Compile every code sample of the README and the docstrings with jsii-rosetta (strict), as the Python package translates them (needs .jsii: npx projen compile)',
  exec: 'jsii-rosetta extract --strict .jsii',
});

project.addTask('corpus', {
  description: 'Scan the real vendor onboarding templates in ../shared/corpus/vendors (when present) and print a table of rule ids per file; '
    + 'with --prove, also prove every cross-account and deputy role and check the prover\'s acceptance on them',
  exec: 'ts-node --project test/tsconfig.json scripts/corpus.ts',
  receiveArgs: true,
});

// GitHub's linguist treats any vendor/ folder as third-party code and hides it from diffs and language
// statistics; src/vendor/ holds this library's own vendor-side constructs.
project.gitattributes.addAttributes('/src/vendor/**', 'linguist-vendored=false');

project.synth();
