/**
 * A deterministic corpus of CloudFormation templates for the CLI benchmark, shaped like the vendor onboarding templates
 * platform teams scan: mostly one to five roles trusting a vendor (some safe, most with the usual findings: account
 * roots, missing or weak ExternalIds, long sessions), inline and managed policies, identity policies granting
 * sts:AssumeRole, a few StackSets with the role template as their TemplateBody, other resources and outputs. Half the
 * files are JSON with long-form intrinsics, half YAML with short-form tags; 250 files a directory.
 */
import * as fs from 'fs';
import * as path from 'path';
import { prng } from '../test/external-id/entropy-values';

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

class Random {
  private readonly bytes: (n: number) => Uint8Array;
  private pool = Buffer.alloc(0);
  private offset = 0;
  constructor(seed: number) {
    this.bytes = prng(seed);
  }
  /** A number in [0, 1). */
  private next(): number {
    if (this.offset === this.pool.length) {
      this.pool = Buffer.from(this.bytes(4096));
      this.offset = 0;
    }
    this.offset += 4;
    return this.pool.readUInt32BE(this.offset - 4) / 2 ** 32;
  }
  public chance(p: number): boolean {
    return this.next() < p;
  }
  public int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  public pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }
  /** `count` distinct items, in the order of `items`. */
  public some<T>(items: readonly T[], count: number): T[] {
    const chosen = new Set<number>();
    while (chosen.size < Math.min(count, items.length)) chosen.add(Math.floor(this.next() * items.length));
    return [...chosen].sort((a, b) => a - b).map((i) => items[i]);
  }
  /** Picks by weight: `[[value, weight], ...]`. */
  public weighted<T>(choices: ReadonlyArray<readonly [T, number]>): T {
    let r = this.next() * choices.reduce((s, [, w]) => s + w, 0);
    for (const [value, w] of choices) {
      r -= w;
      if (r < 0) return value;
    }
    return choices[choices.length - 1][0];
  }
  public text(length: number, alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'): string {
    let s = '';
    for (let i = 0; i < length; i++) s += alphabet[Math.floor(this.next() * alphabet.length)];
    return s;
  }
}

const VENDORS = ['acme', 'datawatch', 'cloudlens', 'secureops', 'costwise', 'logstream', 'metricly', 'guardpost', 'infraview', 'auditly'];
const ACTIONS = [
  'cloudtrail:DescribeTrails', 'cloudtrail:GetTrailStatus', 'cloudtrail:LookupEvents', 'cloudwatch:GetMetricData', 'cloudwatch:ListMetrics',
  'config:DescribeConfigRules', 'ec2:DescribeInstances', 'ec2:DescribeSecurityGroups', 'ec2:DescribeVpcs', 'ec2:DescribeRegions', 'ecs:ListClusters',
  'eks:DescribeCluster', 'iam:GetAccountSummary', 'iam:ListRoles', 'iam:GenerateCredentialReport', 'kms:ListKeys', 'lambda:ListFunctions',
  'logs:DescribeLogGroups', 'logs:FilterLogEvents', 'rds:DescribeDBInstances', 's3:GetBucketPolicy', 's3:ListAllMyBuckets', 's3:GetObject',
  'sns:ListTopics', 'sqs:ListQueues', 'tag:GetResources', 'ce:GetCostAndUsage', 'organizations:ListAccounts', 'support:DescribeTrustedAdvisorChecks',
];
const MANAGED_POLICIES = ['SecurityAudit', 'ReadOnlyAccess', 'job-function/ViewOnlyAccess', 'AWSCloudTrail_ReadOnlyAccess', 'CloudWatchReadOnlyAccess'];
const WEAK_EXTERNAL_IDS = ['acme-external-id', 'CompanyName2024', 'external-id-123', 'ChangeMe', 'customer-42-datawatch'];

function accountId(random: Random): string {
  return `${random.int(1, 9)}${random.text(11, '0123456789')}`;
}

interface Built {
  readonly template: { [key: string]: Json };
  /** Inner templates of StackSets: their TemplateBody, written in the file's own format. */
  readonly stackSetBodies: Map<string, { [key: string]: Json }>;
}

/** The trust policy of one role and the parameters it needs. */
function trustPolicy(random: Random, vendorAccount: string, role: number, parameters: { [key: string]: Json }): Json {
  const kind = random.weighted([
    ['role-arn', 30], ['root', 30], ['service', 20], ['root-no-external-id', 8], ['literal', 7], ['org-wildcard', 5],
  ] as const);
  if (kind === 'service') {
    return {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: random.pick(['lambda.amazonaws.com', 'ec2.amazonaws.com', 'ecs-tasks.amazonaws.com']) }, Action: 'sts:AssumeRole' }],
    };
  }
  if (kind === 'org-wildcard') {
    return {
      Version: '2012-10-17',
      Statement: [{
        Effect: 'Allow',
        Principal: { AWS: '*' },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'aws:PrincipalOrgID': `o-${random.text(10, 'abcdefghijklmnopqrstuvwxyz0123456789')}` } },
      }],
    };
  }
  const principal = kind === 'role-arn'
    ? { 'Fn::Sub': `arn:\${AWS::Partition}:iam::${vendorAccount}:role/${random.pick(VENDORS)}-deputy` }
    : `arn:aws:iam::${vendorAccount}:root`;
  const statement: { [key: string]: Json } = { Effect: 'Allow', Principal: { AWS: principal }, Action: 'sts:AssumeRole' };
  if (kind === 'literal') {
    // Half of them random (for the estimator to judge), half guessable and shared by several files (XAT6, XAT7).
    const value = random.chance(0.5) ? random.text(40) : random.pick(WEAK_EXTERNAL_IDS);
    statement.Condition = { StringEquals: { 'sts:ExternalId': value } };
  } else if (kind !== 'root-no-external-id') {
    const name = role === 0 ? 'ExternalId' : `ExternalId${role + 1}`;
    parameters[name] = random.weighted<Json>([
      [{ Type: 'String', NoEcho: true, MinLength: 32, MaxLength: 1224, AllowedPattern: '[\\w+=,.@:/-]*', Description: 'The ExternalId the vendor generated for this account' }, 6],
      [{ Type: 'String', MinLength: 2, MaxLength: 1224, Description: 'ExternalId from the vendor console' }, 2],
      [{ Type: 'String', NoEcho: true, MinLength: 16, Description: 'ExternalId' }, 1],
    ]);
    statement.Condition = { [random.chance(0.9) ? 'StringEquals' : 'StringLike']: { 'sts:ExternalId': { Ref: name } } };
  }
  return { Version: '2012-10-17', Statement: [statement] };
}

function inlinePolicy(random: Random, name: string): Json {
  const statements: Json[] = [{
    Sid: 'ReadOnly', Effect: 'Allow', Action: random.some(ACTIONS, random.int(3, 25)), Resource: '*',
  }];
  if (random.chance(0.4)) {
    statements.push({
      Sid: 'Bucket',
      Effect: 'Allow',
      Action: ['s3:GetObject', 's3:PutObject'],
      Resource: { 'Fn::Sub': `arn:\${AWS::Partition}:s3:::${name.toLowerCase()}-\${AWS::AccountId}/*` },
    });
  }
  return { PolicyName: name, PolicyDocument: { Version: '2012-10-17', Statement: statements } };
}

function roleResource(random: Random, i: number, vendorAccount: string, parameters: { [key: string]: Json }): Json {
  const properties: { [key: string]: Json } = {
    RoleName: { 'Fn::Sub': `${random.pick(VENDORS)}-integration-${i}-\${AWS::Region}` },
    AssumeRolePolicyDocument: trustPolicy(random, vendorAccount, i, parameters),
    Tags: [{ Key: 'vendor', Value: random.pick(VENDORS) }, { Key: 'managed-by', Value: 'cloudformation' }],
  };
  const managed = random.some(MANAGED_POLICIES, random.int(0, 3));
  if (managed.length > 0) properties.ManagedPolicyArns = managed.map((p) => ({ 'Fn::Sub': `arn:\${AWS::Partition}:iam::aws:policy/${p}` }));
  const inline = random.int(0, 2);
  if (inline > 0) properties.Policies = Array.from({ length: inline }, (_, k) => inlinePolicy(random, `Integration${i}Policy${k}`));
  if (random.chance(0.1)) properties.MaxSessionDuration = 43200;
  return { Type: 'AWS::IAM::Role', Properties: properties };
}

/** An identity policy letting a deputy assume customer roles: some name one role, some any role (XAT8, XAT9). */
function assumePolicy(random: Random, roleLogicalId: string): Json {
  const resource = random.weighted([
    [`arn:aws:iam::*:role/${random.pick(VENDORS)}-customer-role`, 4],
    ['arn:aws:iam::*:role/*', 2],
    [`arn:aws:iam::${'1'.repeat(12)}:role/reader`, 3],
  ] as const);
  const statements: Json[] = [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: resource }];
  if (random.chance(0.5)) {
    statements.push({
      Effect: 'Deny',
      Action: 'sts:AssumeRole',
      Resource: '*',
      Condition: { StringEquals: { 'aws:ResourceAccount': '${aws:PrincipalAccount}' } },
    });
  }
  return {
    Type: 'AWS::IAM::ManagedPolicy',
    Properties: { Roles: [{ Ref: roleLogicalId }], PolicyDocument: { Version: '2012-10-17', Statement: statements } },
  };
}

const OTHER_RESOURCES: ReadonlyArray<(random: Random, roleId: string) => Json> = [
  () => ({ Type: 'AWS::S3::Bucket', Properties: { VersioningConfiguration: { Status: 'Enabled' }, BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' } }] } } }),
  (random) => ({ Type: 'AWS::SNS::Topic', Properties: { TopicName: { 'Fn::Sub': `${random.pick(VENDORS)}-events-\${AWS::StackName}` } } }),
  (random, roleId) => ({
    Type: 'AWS::Lambda::Function',
    Properties: {
      Runtime: 'python3.12',
      Handler: 'index.handler',
      Timeout: random.int(3, 300),
      Role: { 'Fn::GetAtt': [roleId, 'Arn'] },
      Code: { ZipFile: 'import json\ndef handler(event, context):\n    return {"statusCode": 200, "body": json.dumps(event)}\n' },
      Environment: { Variables: { STAGE: 'prod', TOPIC: { Ref: 'AWS::StackName' } } },
    },
  }),
  (random) => ({ Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: random.pick([7, 30, 90, 365]) } }),
  () => ({ Type: 'AWS::SQS::Queue', Properties: { MessageRetentionPeriod: 1209600, SqsManagedSseEnabled: true } }),
];

function roleTemplate(random: Random, roles: number): { [key: string]: Json } {
  const vendorAccount = accountId(random);
  const parameters: { [key: string]: Json } = {};
  const resources: { [key: string]: Json } = {};
  const outputs: { [key: string]: Json } = {};
  for (let i = 0; i < roles; i++) {
    const id = i === 0 ? 'IntegrationRole' : `IntegrationRole${i + 1}`;
    resources[id] = roleResource(random, i, vendorAccount, parameters);
    outputs[`${id}Arn`] = { Description: 'Give this ARN to the vendor', Value: { 'Fn::GetAtt': [id, 'Arn'] } };
  }
  if (random.chance(0.25)) resources.DeputyAssumePolicy = assumePolicy(random, 'IntegrationRole');
  for (let k = random.int(0, 3); k > 0; k--) resources[`Support${k}`] = random.pick(OTHER_RESOURCES)(random, 'IntegrationRole');
  const template: { [key: string]: Json } = {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: `${random.pick(VENDORS)} integration: read-only access for the vendor's platform (generated for the CLI benchmark)`,
  };
  if (Object.keys(parameters).length > 0) {
    template.Parameters = parameters;
    if (random.chance(0.5)) {
      template.Metadata = {
        'AWS::CloudFormation::Interface': {
          ParameterGroups: [{ Label: { default: 'Vendor settings' }, Parameters: Object.keys(parameters) }],
          ParameterLabels: Object.fromEntries(Object.keys(parameters).map((p) => [p, { default: `The ${p} shown in the vendor console` }])),
        },
      };
    }
  }
  template.Resources = resources;
  template.Outputs = outputs;
  return template;
}

function build(random: Random): Built {
  const stackSetBodies = new Map<string, { [key: string]: Json }>();
  if (random.chance(0.08)) {
    const body = roleTemplate(random, random.int(1, 2));
    stackSetBodies.set('OnboardingStackSet', body);
    const template: { [key: string]: Json } = {
      AWSTemplateFormatVersion: '2010-09-09',
      Description: 'Deploys the vendor role into every account of the organisation',
      Resources: {
        OnboardingStackSet: {
          Type: 'AWS::CloudFormation::StackSet',
          Properties: {
            StackSetName: { 'Fn::Sub': '${AWS::StackName}-onboarding' },
            PermissionModel: 'SERVICE_MANAGED',
            AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: false },
            Capabilities: ['CAPABILITY_NAMED_IAM'],
            StackInstancesGroup: [{ DeploymentTargets: { OrganizationalUnitIds: [`ou-${random.text(4, 'abcdefghijklmnopqrstuvwxyz0123456789')}-${random.text(8, 'abcdefghijklmnopqrstuvwxyz0123456789')}`] }, Regions: ['us-east-1'] }],
            TemplateBody: '',
          },
        },
      },
    };
    return { template, stackSetBodies };
  }
  const roles = random.weighted([[1, 35], [2, 25], [3, 20], [4, 12], [5, 8]] as const);
  return { template: roleTemplate(random, roles), stackSetBodies };
}

// YAML: short-form tags for the intrinsics, plain scalars where YAML reads them back as the same string.
const SHORT: Readonly<Record<string, string>> = { 'Ref': 'Ref', 'Fn::Sub': 'Sub', 'Fn::GetAtt': 'GetAtt', 'Fn::Join': 'Join', 'Fn::If': 'If', 'Fn::Select': 'Select' };

function scalar(value: string | number | boolean | null): string {
  if (typeof value !== 'string') return String(value);
  const plain = /^[A-Za-z_/$][\w ./:*$@{}=+-]*$/.test(value) && !/: | #|[ ]$/.test(value) && !/^(true|false|null|yes|no|on|off|~)$/i.test(value);
  return plain ? value : `'${value.replace(/'/g, "''")}'`;
}

function intrinsic(value: Json): { tag: string; arg: Json } | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const keys = Object.keys(value);
  return keys.length === 1 && SHORT[keys[0]] !== undefined ? { tag: `!${SHORT[keys[0]]}`, arg: value[keys[0]] } : undefined;
}

/** The YAML lines of `value` as the value of a key or list item (`head` is what precedes it on the first line). */
function yamlLines(head: string, value: Json, indent: string, out: string[]): void {
  const short = intrinsic(value);
  if (short) {
    if (short.tag === '!GetAtt' && Array.isArray(short.arg)) {
      out.push(`${head} ${short.tag} ${short.arg.join('.')}`);
    } else if (typeof short.arg !== 'object' || short.arg === null) {
      out.push(`${head} ${short.tag} ${scalar(short.arg)}`);
    } else {
      out.push(`${head} ${short.tag}`);
      yamlBlock(short.arg, `${indent}  `, out);
    }
  } else if (typeof value === 'string' && value.includes('\n')) {
    out.push(`${head} |`);
    for (const line of value.replace(/\n$/, '').split('\n')) out.push(line === '' ? '' : `${indent}  ${line}`);
  } else if (typeof value !== 'object' || value === null) {
    out.push(`${head} ${scalar(value)}`);
  } else if (Array.isArray(value) ? value.length === 0 : Object.keys(value).length === 0) {
    out.push(`${head} ${Array.isArray(value) ? '[]' : '{}'}`);
  } else {
    out.push(head);
    yamlBlock(value, `${indent}  `, out);
  }
}

function yamlBlock(value: Json, indent: string, out: string[]): void {
  if (Array.isArray(value)) {
    for (const item of value) {
      if (typeof item === 'object' && item !== null && !Array.isArray(item) && !intrinsic(item)) {
        // A mapping in a list: its first key on the dash's line.
        const start = out.length;
        yamlBlock(item, `${indent}  `, out);
        out[start] = `${indent}- ${out[start].slice(indent.length + 2)}`;
      } else {
        yamlLines(`${indent}-`, item, indent, out);
      }
    }
  } else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) yamlLines(`${indent}${scalar(k)}:`, v, indent, out);
  }
}

function toYaml(value: Json): string {
  const out: string[] = [];
  yamlBlock(value, '', out);
  return `${out.join('\n')}\n`;
}

export interface CorpusSummary {
  readonly files: number;
  readonly bytes: number;
  readonly json: number;
  readonly stackSets: number;
}

/**
 * Writes `count` templates under `dir` (which must not exist): `dir/d000/t00000.json`, ... The sequence depends only on
 * `seed`, so a corpus of 1,000 is the first 1,000 files of one of 10,000.
 */
export function writeCorpus(dir: string, count: number, seed = 20261201): CorpusSummary {
  const random = new Random(seed);
  let bytes = 0;
  let json = 0;
  let stackSets = 0;
  for (let i = 0; i < count; i++) {
    const { template, stackSetBodies } = build(random);
    const asJson = i % 2 === 0;
    const resources = template.Resources as { [key: string]: { Properties: { [key: string]: Json } } };
    for (const [id, body] of stackSetBodies) resources[id].Properties.TemplateBody = asJson ? JSON.stringify(body, null, 2) : toYaml(body);
    stackSets += stackSetBodies.size > 0 ? 1 : 0;
    const text = asJson ? `${JSON.stringify(template, null, 2)}\n` : toYaml(template);
    const sub = path.join(dir, `d${String(Math.floor(i / 250)).padStart(3, '0')}`);
    if (i % 250 === 0) fs.mkdirSync(sub, { recursive: true });
    fs.writeFileSync(path.join(sub, `t${String(i).padStart(5, '0')}.${asJson ? 'json' : random.pick(['yaml', 'yml', 'template'])}`), text);
    bytes += Buffer.byteLength(text);
    json += asJson ? 1 : 0;
  }
  return { files: count, bytes, json, stackSets };
}
