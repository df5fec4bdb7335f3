/**
 * The TrustVerifier's metrics, shared by the construct (its metric helpers and alarm) and the worker Lambda (which
 * writes them as CloudWatch Embedded Metric Format lines on stdout: CloudWatch Logs extracts the metrics, so the
 * worker needs no cloudwatch:PutMetricData).
 *
 * No imports: the worker's bundle includes this without aws-cdk-lib.
 */

/** CloudWatch namespace of the verifier's metrics. */
export const VERIFICATION_METRICS_NAMESPACE = 'CdkCrossAccountTrust/TrustVerifier';

/** The one dimension of every metric: the worker function's name (Lambda sets AWS_LAMBDA_FUNCTION_NAME to it). */
export const VERIFICATION_METRICS_DIMENSION = 'FunctionName';

/** One count per verification: the recorded outcome, or FAILED when the verification threw (nothing recorded). */
export const VERIFICATION_METRIC_NAMES = ['ACTIVE', 'UNSAFE', 'UNREACHABLE', 'FAILED'] as const;

export type VerificationMetricName = typeof VERIFICATION_METRIC_NAMES[number];

/** One EMF log line (JSON, no newline) counting one verification of `metric` for the worker `functionName`. */
export function verificationMetricLine(functionName: string, metric: VerificationMetricName, timestamp: number): string {
  return JSON.stringify({
    _aws: {
      Timestamp: timestamp,
      CloudWatchMetrics: [{
        Namespace: VERIFICATION_METRICS_NAMESPACE,
        Dimensions: [[VERIFICATION_METRICS_DIMENSION]],
        Metrics: [{ Name: metric, Unit: 'Count' }],
      }],
    },
    [VERIFICATION_METRICS_DIMENSION]: functionName,
    [metric]: 1,
  });
}
