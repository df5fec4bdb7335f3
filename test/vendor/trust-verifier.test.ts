import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Duration, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import {
  CrossAccountTrustChecks, CustomerAccountRegistry, CustomerAccountRegistryProps, TrustVerifier, TrustVerifierProps, VendorDeputyRole,
} from '../../src';
import { check } from '../../src/engine';
import { synthValidated } from '../cdk-synth';

const VENDOR = '111122223333';

interface Built {
  readonly app: App;
  readonly stack: Stack;
  readonly deputy: VendorDeputyRole;
  readonly registry: CustomerAccountRegistry;
  readonly verifier: TrustVerifier;
  readonly template: Template;
}

function build(props: Partial<Omit<TrustVerifierProps, 'deputy' | 'registry'>> & { registry?: (stack: Stack) => CustomerAccountRegistryProps } = {},
  outdir?: string): Built {
  const app = new App({ outdir });
  const stack = new Stack(app, 'Vendor', { env: { account: VENDOR, region: 'eu-west-1' } });
  const deputy = new VendorDeputyRole(stack, 'Deputy', {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    roleName: 'AcmeDeputy',
    customerRoleName: 'AcmeAccess',
    customerRolePath: '/acme/',
  });
  const registry = new CustomerAccountRegistry(stack, 'Registry', props.registry?.(stack) ?? { forbiddenAccounts: ['111122224444'] });
  const { registry: _, ...verifierProps } = props;
  const verifier = new TrustVerifier(stack, 'Verifier', { deputy, registry, ...verifierProps });
  return { app, stack, deputy, registry, verifier, get template() { return Template.fromStack(stack); } };
}

const logicalId = (stack: Stack, construct: { node: { defaultChild?: unknown } } | undefined) =>
  stack.getLogicalId(construct!.node.defaultChild as never);
const ref = (stack: Stack, construct: { node: { defaultChild?: unknown } }) => ({ Ref: logicalId(stack, construct) });
const arnOf = (stack: Stack, construct: { node: { defaultChild?: unknown } }) => ({ 'Fn::GetAtt': [logicalId(stack, construct), 'Arn'] });

/** Every statement of every identity policy attached to the role with logical id `roleId`. */
function statementsOfRole(template: Template, roleId: string): any[] {
  return Object.values<any>(template.findResources('AWS::IAM::Policy'))
    .filter((p) => p.Properties.Roles.some((r: any) => r.Ref === roleId))
    .flatMap((p) => p.Properties.PolicyDocument.Statement);
}

describe('TrustVerifier with default props', () => {
  const built = build();
  const { stack, template, verifier, deputy, registry } = built;
  const queueArn = arnOf(stack, verifier.queue);
  const tableArn = arnOf(stack, registry.table);

  test('the queue: SQS-managed encryption, a dead-letter queue after 3 receives, visibility 6 × the worker timeout, TLS only', () => {
    template.hasResourceProperties('AWS::SQS::Queue', {
      SqsManagedSseEnabled: true,
      VisibilityTimeout: 720,
      RedrivePolicy: { deadLetterTargetArn: arnOf(stack, verifier.deadLetterQueue), maxReceiveCount: 3 },
    });
    template.hasResourceProperties('AWS::Lambda::Function', { Role: arnOf(stack, deputy.role), Timeout: 120 });
    template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 24 * 3600 });
    for (const queue of [verifier.queue, verifier.deadLetterQueue]) {
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [ref(stack, queue)],
        PolicyDocument: {
          Statement: [Match.objectLike({ Effect: 'Deny', Action: 'sqs:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })],
        },
      });
    }
  });

  test('the worker consumes the queue in batches of 10 with partial batch responses, at most 10 invocations at once', () => {
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: queueArn,
      FunctionName: ref(stack, verifier.worker),
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 10 },
    });
  });

  test('the worker runs as the deputy role on Node.js 22, configured with the registry and the customer role', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Role: arnOf(stack, deputy.role),
      Runtime: 'nodejs22.x',
      Handler: 'index.handler',
      LoggingConfig: { LogGroup: { Ref: Match.stringLikeRegexp('^VerifierWorkerLogs') } },
      Environment: {
        Variables: Match.objectLike({
          TABLE_NAME: ref(stack, registry.table),
          VENDOR_ACCOUNT_ID: VENDOR,
          FORBIDDEN_ACCOUNTS: `${VENDOR},111122224444`,
          CUSTOMER_ROLE_NAME: 'AcmeAccess',
          CUSTOMER_ROLE_PATH: '/acme/',
          PARTITION: { Ref: 'AWS::Partition' },
          DEPUTY_ROLE_ARN: arnOf(stack, deputy.role),
        }),
      },
    });
  });

  test('a daily schedule invokes the dispatcher, which runs as its own role', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 day)',
      State: 'ENABLED',
      Targets: [Match.objectLike({ Arn: arnOf(stack, verifier.dispatcher) })],
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Role: { 'Fn::GetAtt': [Match.stringLikeRegexp('^VerifierDispatcherRole'), 'Arn'] },
      Runtime: 'nodejs22.x',
      Environment: { Variables: Match.objectLike({ QUEUE_URL: ref(stack, verifier.queue), TABLE_NAME: ref(stack, registry.table) }) },
    });
  });

  test('the deputy gets exactly: its log group, the registry\'s account items, and consuming the queue', () => {
    const statements = statementsOfRole(template, logicalId(stack, deputy.role));
    expect(statements).toEqual([
      { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: { 'Fn::GetAtt': [expect.stringMatching(/^VerifierWorkerLogs/), 'Arn'] } },
      {
        Effect: 'Allow',
        Action: ['dynamodb:UpdateItem', 'dynamodb:GetItem'],
        Resource: tableArn,
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['ACCOUNT#*'] } },
      },
      {
        Effect: 'Allow',
        Action: ['sqs:ReceiveMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueUrl', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
        Resource: queueArn,
      },
    ]);
    // The deputy's own inline policy is unchanged: assume the customer roles, never its own account.
    template.hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'AcmeDeputy',
      Policies: [{ PolicyName: 'AssumeCustomerRoles', PolicyDocument: Match.anyValue() }],
    });
  });

  test('the dispatcher gets exactly: its log group, Scan on the byTenant index only, and sending to the queue', () => {
    const dispatcherRole = verifier.dispatcher.role!;
    const statements = statementsOfRole(template, logicalId(stack, dispatcherRole));
    expect(statements).toEqual([
      { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: { 'Fn::GetAtt': [expect.stringMatching(/^VerifierDispatcherLogs/), 'Arn'] } },
      { Effect: 'Allow', Action: 'dynamodb:Scan', Resource: { 'Fn::Join': ['', [tableArn, '/index/byTenant']] } },
      { Effect: 'Allow', Action: ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'], Resource: queueArn },
    ]);
    template.hasResourceProperties('AWS::IAM::Role', {
      RoleName: Match.absent(),
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'lambda.amazonaws.com' } })] },
      ManagedPolicyArns: Match.absent(),
      Policies: Match.absent(),
    });
  });

  test('no identity policy of the stack allows an action with a wildcard, and no Lambda role has a managed policy', () => {
    const actions = Object.values<any>(template.findResources('AWS::IAM::Policy'))
      .flatMap((p) => p.Properties.PolicyDocument.Statement)
      .filter((s) => s.Effect === 'Allow')
      .flatMap((s) => [].concat(s.Action));
    expect(actions.length).toBeGreaterThan(10);
    expect(actions.filter((a: string) => a.includes('*'))).toEqual([]);
    const roles = Object.values<any>(template.findResources('AWS::IAM::Role'));
    expect(roles.filter((r) => r.Properties.ManagedPolicyArns !== undefined)).toEqual([]);
  });

  test('the alarm on UNSAFE > 0: Sum over 5 minutes of the worker\'s metric, missing data not breaching, to the topic', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'CdkCrossAccountTrust/TrustVerifier',
      MetricName: 'UNSAFE',
      Dimensions: [{ Name: 'FunctionName', Value: ref(stack, verifier.worker) }],
      Statistic: 'Sum',
      Period: 300,
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
      AlarmActions: [ref(stack, verifier.alarmTopic)],
    });
  });

  test('the alarm on a dead-letter message, to the topic', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalId(stack, verifier.deadLetterQueue), 'QueueName'] } }],
      Statistic: 'Maximum',
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [ref(stack, verifier.alarmTopic)],
    });
    template.resourceCountIs('AWS::CloudWatch::Alarm', 2);
  });

  test('the topic is encrypted with a new rotating key whose policy lets CloudWatch alarms publish', () => {
    const keys = template.findResources('AWS::KMS::Key');
    expect(Object.keys(keys)).toHaveLength(1);
    const [keyId] = Object.keys(keys);
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } });
    template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([{
          Sid: 'AllowCloudWatchAlarmsToPublish',
          Effect: 'Allow',
          Principal: { Service: 'cloudwatch.amazonaws.com' },
          Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
          Resource: '*',
        }]),
      },
    });
  });

  test('grantVerifyAccount allows lambda:InvokeFunction on the worker only', () => {
    const { stack: s, verifier: v } = build();
    const backEnd = new iam.Role(s, 'BackEnd', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    v.grantVerifyAccount(backEnd);
    const workerArn = arnOf(s, v.worker);
    expect(statementsOfRole(Template.fromStack(s), logicalId(s, backEnd))).toEqual([{
      Effect: 'Allow',
      Action: 'lambda:InvokeFunction',
      Resource: [workerArn, { 'Fn::Join': ['', [workerArn, ':*']] }],
    }]);
  });

  test('the metric helpers name the outcome, the namespace and the worker', () => {
    const resolved = (m: { metricName: string; namespace: string; dimensions?: Record<string, unknown> }) =>
      ({ metricName: m.metricName, namespace: m.namespace, dimensions: stack.resolve(m.dimensions) });
    const expected = (metricName: string) =>
      ({ metricName, namespace: 'CdkCrossAccountTrust/TrustVerifier', dimensions: { FunctionName: ref(stack, verifier.worker) } });
    expect(resolved(verifier.metricActive())).toEqual(expected('ACTIVE'));
    expect(resolved(verifier.metricUnsafe())).toEqual(expected('UNSAFE'));
    expect(resolved(verifier.metricUnreachable())).toEqual(expected('UNREACHABLE'));
    expect(resolved(verifier.metricFailed())).toEqual(expected('FAILED'));
    expect(verifier.metricUnsafe({ period: Duration.hours(1) }).period.toMinutes()).toBe(60);
    expect(() => verifier.metric('PENDING')).toThrow(/Vendor\/Verifier: invalid metric outcome "PENDING"; expected ACTIVE, UNSAFE, UNREACHABLE or FAILED/);
  });
});

describe('TrustVerifier props', () => {
  test('schedule, concurrency and an existing alarm topic are used; no key or topic is created then', () => {
    const stack = new Stack(new App(), 'Vendor', { env: { account: VENDOR, region: 'eu-west-1' } });
    const deputy = new VendorDeputyRole(stack, 'Deputy', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'), customerRoleName: 'AcmeAccess' });
    const registry = new CustomerAccountRegistry(stack, 'Registry');
    const topic = new sns.Topic(stack, 'Ops', { masterKey: new kms.Key(stack, 'OpsKey', { enableKeyRotation: true }) });
    const verifier = new TrustVerifier(stack, 'Verifier', {
      deputy, registry, alarmTopic: topic, schedule: events.Schedule.cron({ minute: '0', hour: '3' }), concurrency: 50,
    });
    const template = Template.fromStack(stack);
    expect(verifier.alarmTopic).toBe(topic);
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'cron(0 3 * * ? *)' });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', { ScalingConfig: { MaximumConcurrency: 50 } });
    template.resourceCountIs('AWS::SNS::Topic', 1);
    template.resourceCountIs('AWS::KMS::Key', 1);
    for (const alarm of Object.values<any>(template.findResources('AWS::CloudWatch::Alarm'))) {
      expect(alarm.Properties.AlarmActions).toEqual([ref(stack, topic)]);
    }
  });

  test('a registry with a KMS key: the dispatcher may decrypt with it, and the worker encrypt and decrypt', () => {
    const { stack, template, verifier, deputy } = build({
      registry: (s) => ({ encryptionKey: new kms.Key(s, 'RegistryKey', { enableKeyRotation: true }) }),
    });
    const keyArn = { 'Fn::GetAtt': [expect.stringMatching(/^RegistryKey/), 'Arn'] };
    expect(statementsOfRole(template, logicalId(stack, verifier.dispatcher.role!)))
      .toContainEqual({ Effect: 'Allow', Action: ['kms:Decrypt', 'kms:DescribeKey'], Resource: keyArn });
    expect(statementsOfRole(template, logicalId(stack, deputy.role)))
      .toContainEqual({ Effect: 'Allow', Action: ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey'], Resource: keyArn });
  });

  test.each([1, 0, 1001, 2.5, -3, Number.NaN])('concurrency %p is refused naming the path, the value and the range', (concurrency) => {
    expect(() => build({ concurrency })).toThrow(
      new RegExp(`^Vendor/Verifier: invalid concurrency ${JSON.stringify(concurrency) ?? 'null'}: expected an integer from 2 to 1000`));
  });

  test('concurrency at the ends of the range is accepted', () => {
    expect(() => build({ concurrency: 2 })).not.toThrow();
    expect(() => build({ concurrency: 1000 })).not.toThrow();
  });

  test('a deputy whose trust does not admit Lambda is refused naming the path and what to set', () => {
    const stack = new Stack(new App(), 'Vendor', { env: { account: VENDOR, region: 'eu-west-1' } });
    const deputy = new VendorDeputyRole(stack, 'Deputy', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'), customerRoleName: 'AcmeAccess' });
    const registry = new CustomerAccountRegistry(stack, 'Registry');
    expect(() => new TrustVerifier(stack, 'Verifier', { deputy, registry })).toThrow(
      /^Vendor\/Verifier: invalid deputy "Vendor\/Deputy": its role's trust policy admits only the services ecs-tasks\.amazonaws\.com, not lambda\.amazonaws\.com; .*assumedBy: new iam\.ServicePrincipal\('lambda\.amazonaws\.com'\)/);
  });

  test('a deputy assumed by Lambda among other services is accepted', () => {
    const stack = new Stack(new App(), 'Vendor', { env: { account: VENDOR, region: 'eu-west-1' } });
    const deputy = new VendorDeputyRole(stack, 'Deputy', {
      assumedBy: new iam.CompositePrincipal(new iam.ServicePrincipal('ecs-tasks.amazonaws.com'), new iam.ServicePrincipal('lambda.amazonaws.com')),
      customerRoleName: 'AcmeAccess',
    });
    const registry = new CustomerAccountRegistry(stack, 'Registry');
    expect(() => new TrustVerifier(stack, 'Verifier', { deputy, registry })).not.toThrow();
  });
});

describe('a vendor stack with the TrustVerifier and the rule pack', () => {
  test('passes the pack with zero findings, and the engine finds nothing', () => {
    const { app } = build();
    expect(new CrossAccountTrustChecks(app).validateScope(app).violations).toEqual([]);
    const assembly = app.synth();
    const inputs = assembly.stacks.map((s) => ({ source: s.stackName, template: s.template, account: s.environment.account }));
    expect(check(inputs)).toEqual(expect.objectContaining({ findings: [], errors: [] }));
  });

  test('synthesizes with the pack registered: no validation failure', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'trust-verifier-pack-'));
    const { app } = build({}, outdir);
    Validations.of(app).addPlugins(new CrossAccountTrustChecks(app));
    expect(synthValidated(app)).toMatchObject({ failed: false, violations: [] });
  });
});
