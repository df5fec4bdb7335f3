/**
 * One measured run of the rule pack benchmark (bench/pack.ts spawns it; plain Node on the compiled lib/, so no
 * compiler runs in the timed process). Builds a generated app, synthesizes it with the variant's packs registered and
 * prints one line `BENCH <json>`: synth time, validate() time of each pack (wall-clock and CPU), resources, findings and
 * peak RSS.
 *
 *   node bench/pack-app.js <roles> <bare|ours|aws|both> <outdir>
 *
 * The app is the same for every variant and every run (no randomness): stacks of 25, 200, 60 and 25 roles in turn
 * (about 50, 400, 120 and 50 resources), each role with one other resource. A quarter of the roles are the library's
 * VendorAccessRole, the rest plain iam.Role: trusting a vendor role with an ExternalId parameter and an inline policy,
 * trusting another vendor role with an ExternalId parameter and a managed policy, or a Lambda service role beside a
 * bucket. One role in 25 trusts a whole account without an ExternalId and one in 50 has a guessable literal
 * ExternalId: these are the findings, so that the report is not empty.
 */
'use strict';
const cdk = require('aws-cdk-lib');
const iam = require('aws-cdk-lib/aws-iam');
const s3 = require('aws-cdk-lib/aws-s3');
const sqs = require('aws-cdk-lib/aws-sqs');
const { CrossAccountTrustChecks, VendorAccessRole } = require('../lib');

const [roles, variant, outdir] = [Number(process.argv[2]), process.argv[3], process.argv[4]];
if (!(roles > 0) || !['bare', 'ours', 'aws', 'both'].includes(variant) || !outdir) {
  throw new Error(`usage: node bench/pack-app.js <roles> <bare|ours|aws|both> <outdir>; received ${process.argv.slice(2).join(' ')}`);
}

const STACK_ROLES = [25, 200, 60, 25];
const ENV = { account: '111122223333', region: 'eu-west-1' };

function vendorAccount(k) {
  return String(400000000000 + (k * 7919) % 99999999999).padStart(12, '0');
}

function addRole(stack, k) {
  const vendorRole = `arn:aws:iam::${vendorAccount(k)}:role/Deputy${k}`;
  const externalIdParameter = () => new cdk.CfnParameter(stack, `ExternalId${k}`, {
    type: 'String', noEcho: true, minLength: 32, maxLength: 1224, allowedPattern: '[\\w+=,.@:/-]+',
  });
  if (k % 25 === 7) {
    new iam.Role(stack, `Unsafe${k}`, { assumedBy: new iam.AccountPrincipal(vendorAccount(k)) });
    new sqs.Queue(stack, `Queue${k}`);
    return;
  }
  if (k % 50 === 13) {
    new iam.Role(stack, `Guessable${k}`, {
      assumedBy: new iam.ArnPrincipal(vendorRole),
      externalIds: [`acme-customer-${k}`],
      maxSessionDuration: cdk.Duration.hours(1),
    });
    new sqs.Queue(stack, `Queue${k}`);
    return;
  }
  switch (k % 4) {
    case 0: {
      new VendorAccessRole(stack, `Vendor${k}`, {
        vendorRoleArn: vendorRole,
        managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('ReadOnlyAccess')],
      });
      new sqs.Queue(stack, `Queue${k}`);
      return;
    }
    case 1: {
      const role = new iam.Role(stack, `Role${k}`, {
        assumedBy: new iam.ArnPrincipal(vendorRole).withConditions({ StringEquals: { 'sts:ExternalId': externalIdParameter().valueAsString } }),
        maxSessionDuration: cdk.Duration.hours(1),
      });
      role.addToPolicy(new iam.PolicyStatement({ actions: ['cloudwatch:GetMetricData'], resources: ['*'] }));
      return;
    }
    case 2: {
      const role = new iam.Role(stack, `Role${k}`, {
        assumedBy: new iam.ArnPrincipal(`arn:aws:iam::${vendorAccount(k)}:role/Collector`).withConditions({ StringEquals: { 'sts:ExternalId': externalIdParameter().valueAsString } }),
        maxSessionDuration: cdk.Duration.hours(1),
      });
      new iam.ManagedPolicy(stack, `Policy${k}`, {
        roles: [role],
        statements: [new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [`arn:aws:s3:::reports-${k}/*`] })],
      });
      return;
    }
    default:
      new iam.Role(stack, `Role${k}`, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
      new s3.Bucket(stack, `Bucket${k}`);
  }
}

function buildApp() {
  const app = new cdk.App({ outdir });
  for (let s = 0, k = 0; k < roles; s++) {
    const stack = new cdk.Stack(app, `Stack${s}`, { env: ENV });
    for (let i = 0; i < STACK_ROLES[s % STACK_ROLES.length] && k < roles; i++, k++) addRole(stack, k);
  }
  return app;
}

/** Registers `pack` with the app, timing each call of its validate(): wall-clock and CPU (all threads) milliseconds. */
function register(app, pack, times) {
  const validate = pack.validate.bind(pack);
  pack.validate = (context) => {
    const start = process.hrtime.bigint();
    const cpu = process.cpuUsage();
    try {
      return validate(context);
    } finally {
      const used = process.cpuUsage(cpu);
      times.push({ wall: Number(process.hrtime.bigint() - start) / 1e6, cpu: (used.user + used.system) / 1e3 });
    }
  };
  cdk.Validations.of(app).addPlugins(pack);
}

const buildStart = process.hrtime.bigint();
const app = buildApp();
const validateMs = {};
if (variant === 'ours' || variant === 'both') {
  register(app, new CrossAccountTrustChecks(app), validateMs.ours = []);
}
if (variant === 'aws' || variant === 'both') {
  const { AwsSolutionsChecks } = require('cdk-nag');
  register(app, new AwsSolutionsChecks(app), validateMs.aws = []);
}
const buildMs = Number(process.hrtime.bigint() - buildStart) / 1e6;
let resources = 0;
for (const c of app.node.findAll()) if (cdk.CfnResource.isCfnResource(c)) resources++;

// The CDK prints the validation report on stderr (the parent ignores it) and, on aws-cdk-lib 2.258, sets the exit code.
const synthStart = process.hrtime.bigint();
const synthCpu = process.cpuUsage();
let threw;
try {
  app.synth();
} catch (e) {
  // Newer aws-cdk-lib throws the report when an error-level violation is left; the run still counts.
  threw = String(e && e.message).split('\n')[0];
}
const synthMs = Number(process.hrtime.bigint() - synthStart) / 1e6;
const synthCpuUsed = process.cpuUsage(synthCpu);
const report = require('path').join(outdir, 'validation-report.json');
const violations = {};
if (require('fs').existsSync(report)) {
  for (const r of JSON.parse(require('fs').readFileSync(report, 'utf8')).pluginReports) {
    violations[r.pluginName] = r.violations.reduce((n, v) => n + v.violatingConstructs.length, 0);
  }
}
const sum = (list, key) => (list ? list.reduce((a, b) => a + b[key], 0) : undefined);
console.log(`BENCH ${JSON.stringify({
  roles, variant, resources, buildMs, synthMs, synthCpuMs: (synthCpuUsed.user + synthCpuUsed.system) / 1e3,
  validateMs: { ours: sum(validateMs.ours, 'wall'), aws: sum(validateMs.aws, 'wall') },
  validateCpuMs: { ours: sum(validateMs.ours, 'cpu'), aws: sum(validateMs.aws, 'cpu') },
  violations, threw, maxRssMB: process.resourceUsage().maxRSS / 1024,
})}`);
process.exitCode = 0;
