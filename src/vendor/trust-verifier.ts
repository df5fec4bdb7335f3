import { Duration, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as lambdaEventSources from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { CustomerAccountRegistry } from './customer-account-registry';
import { TrustVerifierDispatcherFunction } from './trust-verifier-dispatcher-function';
import { TrustVerifierWorkerFunction } from './trust-verifier-worker-function';
import { VendorDeputyRole } from './vendor-deputy-role';
import { propError } from '../private/iam-names';
import { VERIFICATION_METRICS_DIMENSION, VERIFICATION_METRICS_NAMESPACE } from '../private/verification-metrics';

/** The SQS event source's MaximumConcurrency range (Lambda refuses anything else). */
const MIN_CONCURRENCY = 2;
const MAX_CONCURRENCY = 1000;
/** The worker verifies the up to 10 accounts of a batch at once; each takes a few STS and IAM calls, plus retries. */
const WORKER_TIMEOUT = Duration.minutes(2);
/** The period of the metric helpers and of the alarms. */
const METRIC_PERIOD = Duration.minutes(5);

/**
 * Properties of a `TrustVerifier`.
 */
export interface TrustVerifierProps {
  /**
   * The vendor's deputy role. The worker Lambda runs as its `role`, since customers' trust policies name that role
   * only; its trust policy must admit `lambda.amazonaws.com` (`assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com')`).
   */
  readonly deputy: VendorDeputyRole;

  /** The registry whose accounts are verified and where each outcome is recorded. */
  readonly registry: CustomerAccountRegistry;

  /**
   * When every registered account is verified.
   *
   * @default events.Schedule.rate(Duration.days(1))
   */
  readonly schedule?: events.Schedule;

  /**
   * Where the alarms (an UNSAFE outcome, a message in the dead-letter queue) notify.
   *
   * @default - a new SNS topic encrypted with a new customer managed KMS key (rotation on) whose key policy lets
   * CloudWatch alarms publish to it (the AWS managed `alias/aws/sns` key does not allow CloudWatch alarm actions)
   */
  readonly alarmTopic?: sns.ITopic;

  /**
   * Worker invocations at once (the SQS event source's maximum concurrency), an integer from 2 to 1000. Each
   * invocation verifies a batch of up to 10 accounts at once, so about `10 × concurrency` accounts are in flight.
   *
   * @default 10
   */
  readonly concurrency?: number;
}

/**
 * Verifies every customer account of a `CustomerAccountRegistry`, continuously, from the vendor's side: on a
 * schedule (default daily) and on demand for one account (activation).
 *
 * For each account the worker Lambda, running as the deputy role, assumes the customer role without an ExternalId
 * and with a wrong one (both must be denied), then with the right one (must succeed), reads the role's live trust
 * policy with `iam:GetRole` and checks it with the rule engine, and records `ACTIVE`, `UNSAFE` or `UNREACHABLE` in
 * the registry (see `verifyAccount` in `cdk-cross-account-trust/runtime`). The prover is not run: its IAM policy
 * evaluator is AGPL and never bundled.
 *
 * - A dispatcher Lambda (its own role, on an EventBridge schedule) scans the registry's `byTenant` index for the
 *   account ids and sends one SQS message per account.
 * - The queue (SQS-managed encryption, TLS only, visibility timeout 6 × the worker's 2 minutes) feeds the worker in
 *   batches of 10 with partial batch responses and at most `concurrency` invocations at once; a message that fails
 *   3 receives goes to the dead-letter queue (kept 14 days).
 * - Activation: invoke the worker with `{"accountId": "<12 digits>"}` (see `grantVerifyAccount`); it returns the
 *   verification result (no ExternalId, no credentials) or fails with what the verification threw.
 * - Metrics: the worker writes CloudWatch Embedded Metric Format lines, namespace
 *   `CdkCrossAccountTrust/TrustVerifier`, dimension `FunctionName` = the worker's name, one count per verification
 *   named by its outcome: `ACTIVE`, `UNSAFE`, `UNREACHABLE`, or `FAILED` when the verification threw (throttling
 *   beyond the SDK's retries, an account deregistered meanwhile); nothing is recorded then.
 * - Alarms: `UNSAFE` > 0 (Sum over 5 minutes) and dead-letter messages > 0, both to `alarmTopic`.
 *
 * @example
 * import { App, Stack } from 'aws-cdk-lib';
 * import * as iam from 'aws-cdk-lib/aws-iam';
 * import { CustomerAccountRegistry, TrustVerifier, VendorDeputyRole } from 'cdk-cross-account-trust';
 *
 * const app = new App();
 * const vendor = new Stack(app, 'AcmeVendor', { env: { account: '111122223333', region: 'eu-west-1' } });
 * const deputy = new VendorDeputyRole(vendor, 'ScannerDeputy', {
 *   assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
 *   roleName: 'AcmeScannerDeputy',
 *   customerRoleName: 'AcmeScannerAccess',
 * });
 * const registry = new CustomerAccountRegistry(vendor, 'Registry');
 * const verifier = new TrustVerifier(vendor, 'Verifier', { deputy, registry });
 * // The onboarding back end activates a new account by invoking the worker with {"accountId": "..."}.
 * const backEnd = new iam.Role(vendor, 'BackEnd', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
 * verifier.grantVerifyAccount(backEnd);
 */
export class TrustVerifier extends Construct {
  /**
   * The worker function: runs as the deputy role, verifies the accounts of SQS messages `{"accountId": "..."}`, or
   * one account on a direct invoke with that payload (returning the result).
   */
  public readonly worker: lambda.IFunction;

  /** The dispatcher function: on the schedule, sends one message per registered account to `queue`. */
  public readonly dispatcher: lambda.IFunction;

  /** The queue of accounts to verify, one message `{"accountId": "..."}` per account. */
  public readonly queue: sqs.IQueue;

  /** Messages whose verification failed 3 receives in a row. */
  public readonly deadLetterQueue: sqs.IQueue;

  /** In alarm when a verification found a customer role UNSAFE (Sum of `UNSAFE` > 0 over 5 minutes). */
  public readonly unsafeAlarm: cloudwatch.IAlarm;

  /** In alarm when the dead-letter queue holds a message (verifications that kept failing). */
  public readonly deadLetterAlarm: cloudwatch.IAlarm;

  /** The topic both alarms notify: `alarmTopic`, or the encrypted topic created for them. */
  public readonly alarmTopic: sns.ITopic;

  public constructor(scope: Construct, id: string, props: TrustVerifierProps) {
    super(scope, id);
    const concurrency = this.checkConcurrency(props.concurrency);
    this.checkDeputyTrust(props.deputy);
    const { deputy, registry } = props;
    const registryEnvironment = {
      TABLE_NAME: registry.tableName,
      VENDOR_ACCOUNT_ID: registry.vendorAccountId,
      FORBIDDEN_ACCOUNTS: registry.forbiddenAccounts.join(','),
    };

    // Customers' trust policies name only the deputy: the worker must run as it to be let in.
    const workerLogs = new logs.LogGroup(this, 'WorkerLogs', { retention: logs.RetentionDays.ONE_YEAR });
    const worker = new TrustVerifierWorkerFunction(this, 'Worker', {
      description: 'TrustVerifier worker: verifies that customer roles enforce their ExternalId',
      role: deputy.role,
      timeout: WORKER_TIMEOUT,
      memorySize: 512,
      logGroup: workerLogs,
      environment: {
        ...registryEnvironment,
        CUSTOMER_ROLE_NAME: deputy.customerRoleName,
        CUSTOMER_ROLE_PATH: deputy.customerRolePath,
        PARTITION: Stack.of(this).partition,
        DEPUTY_ROLE_ARN: deputy.roleArn,
      },
    });
    workerLogs.grantWrite(deputy.role);
    registry.grantRecordVerification(deputy.role);
    this.worker = worker;

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    const queue = new sqs.Queue(this, 'Queue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // Lambda's advice for SQS event sources: at least 6 times the function timeout, so that retries of a throttled
      // poller do not release a batch while it is still being verified.
      visibilityTimeout: Duration.seconds(WORKER_TIMEOUT.toSeconds() * 6),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: 3 },
    });
    this.queue = queue;
    worker.addEventSource(new lambdaEventSources.SqsEventSource(queue, {
      batchSize: 10,
      reportBatchItemFailures: true,
      maxConcurrency: concurrency,
    }));

    const dispatcherRole = new iam.Role(this, 'DispatcherRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'TrustVerifier dispatcher: lists the registered accounts and queues one verification per account',
    });
    const dispatcherLogs = new logs.LogGroup(this, 'DispatcherLogs', { retention: logs.RetentionDays.ONE_YEAR });
    const dispatcher = new TrustVerifierDispatcherFunction(this, 'Dispatcher', {
      description: 'TrustVerifier dispatcher: queues one verification per registered customer account',
      role: dispatcherRole,
      // A Scan page and one SendMessageBatch per 10 accounts: 100,000 accounts take a few minutes.
      timeout: Duration.minutes(15),
      logGroup: dispatcherLogs,
      environment: { ...registryEnvironment, QUEUE_URL: queue.queueUrl },
    });
    dispatcherLogs.grantWrite(dispatcherRole);
    registry.grantListAccounts(dispatcherRole);
    queue.grantSendMessages(dispatcherRole);
    this.dispatcher = dispatcher;
    new events.Rule(this, 'Schedule', {
      description: 'TrustVerifier: verify every registered customer account',
      schedule: props.schedule ?? events.Schedule.rate(Duration.days(1)),
      targets: [new targets.LambdaFunction(dispatcher, { retryAttempts: 2 })],
    });

    this.alarmTopic = props.alarmTopic ?? this.createAlarmTopic();
    const alarmAction = new cloudwatchActions.SnsAction(this.alarmTopic);
    const unsafeAlarm = new cloudwatch.Alarm(this, 'UnsafeAlarm', {
      alarmDescription: 'A customer role was found UNSAFE: it can be assumed without the right ExternalId, or its live trust policy has findings. '
        + 'The registry holds the reason (its roleArn is no longer marked usable).',
      metric: this.metricUnsafe(),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    unsafeAlarm.addAlarmAction(alarmAction);
    this.unsafeAlarm = unsafeAlarm;
    const deadLetterAlarm = new cloudwatch.Alarm(this, 'DeadLetterAlarm', {
      alarmDescription: 'Verifications failed 3 times in a row (throttling beyond retries, or a deregistered account): see the worker\'s log group '
        + 'and the dead-letter queue.',
      metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: METRIC_PERIOD, statistic: cloudwatch.Stats.MAXIMUM }),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    deadLetterAlarm.addAlarmAction(alarmAction);
    this.deadLetterAlarm = deadLetterAlarm;
  }

  /**
   * Lets `grantee` verify one account on demand (activation): `lambda:InvokeFunction` on the worker, invoked with
   * the payload `{"accountId": "<12 digits>"}`; the response is the verification result.
   */
  public grantVerifyAccount(grantee: iam.IGrantable): iam.Grant {
    return this.worker.grantInvoke(grantee);
  }

  /**
   * A count of verifications with the outcome `outcome`, from the worker's Embedded Metric Format lines: the Sum
   * over 5 minutes unless `props` say otherwise.
   *
   * @param outcome the metric name: `ACTIVE`, `UNSAFE`, `UNREACHABLE` or `FAILED`
   * @param props overrides of the metric (statistic, period, label, ...)
   */
  public metric(outcome: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    if (!['ACTIVE', 'UNSAFE', 'UNREACHABLE', 'FAILED'].includes(outcome)) {
      throw new Error(`${this.node.path}: invalid metric outcome ${JSON.stringify(outcome)}; expected ACTIVE, UNSAFE, UNREACHABLE or FAILED`);
    }
    return new cloudwatch.Metric({
      namespace: VERIFICATION_METRICS_NAMESPACE,
      metricName: outcome,
      dimensionsMap: { [VERIFICATION_METRICS_DIMENSION]: this.worker.functionName },
      statistic: cloudwatch.Stats.SUM,
      period: METRIC_PERIOD,
      ...props,
    });
  }

  /** Verifications that found the role ACTIVE (Sum over 5 minutes by default). */
  public metricActive(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('ACTIVE', props);
  }

  /** Verifications that found the role UNSAFE (Sum over 5 minutes by default). */
  public metricUnsafe(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('UNSAFE', props);
  }

  /** Verifications that found the role UNREACHABLE (Sum over 5 minutes by default). */
  public metricUnreachable(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('UNREACHABLE', props);
  }

  /** Verifications that threw, recording nothing (Sum over 5 minutes by default). */
  public metricFailed(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('FAILED', props);
  }

  private createAlarmTopic(): sns.ITopic {
    const key = new kms.Key(this, 'AlarmTopicKey', {
      description: 'Encrypts the TrustVerifier\'s alarm topic',
      enableKeyRotation: true,
    });
    // CloudWatch publishes alarm notifications as itself: it needs the data key of the topic's encryption.
    key.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'AllowCloudWatchAlarmsToPublish',
      principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
      resources: ['*'],
    }));
    return new sns.Topic(this, 'AlarmTopic', {
      displayName: 'TrustVerifier alarms',
      masterKey: key,
      enforceSSL: true,
    });
  }

  private checkConcurrency(concurrency: number | undefined): number {
    const value = concurrency ?? 10;
    if (Token.isUnresolved(value) || !Number.isInteger(value) || value < MIN_CONCURRENCY || value > MAX_CONCURRENCY) {
      throw propError(this, 'concurrency', value,
        `expected an integer from ${MIN_CONCURRENCY} to ${MAX_CONCURRENCY} (the SQS event source's maximum concurrency), as a literal`);
    }
    return value;
  }

  private checkDeputyTrust(deputy: VendorDeputyRole): void {
    const document = deputy.role instanceof iam.Role ? deputy.role.assumeRolePolicy : undefined;
    const statements = ((document ? Stack.of(deputy).resolve(document.toJSON()) : undefined)?.Statement ?? []) as Array<Record<string, any>>;
    const services = statements
      .filter((s) => s.Effect === 'Allow' && [].concat(s.Action).includes('sts:AssumeRole' as never))
      .flatMap((s) => [].concat(s.Principal?.Service ?? []));
    if (!services.includes('lambda.amazonaws.com' as never)) {
      throw propError(this, 'deputy', deputy.node.path,
        `its role's trust policy admits ${services.length > 0 ? `only the services ${services.join(', ')}` : 'no AWS service'}, not lambda.amazonaws.com; `
        + 'the worker Lambda runs as the deputy role because customers\' trust policies name only that role. Expected a VendorDeputyRole with '
        + 'assumedBy: new iam.ServicePrincipal(\'lambda.amazonaws.com\') (or a CompositePrincipal that includes it)');
    }
  }
}
