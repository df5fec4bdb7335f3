import { Annotations, Duration, Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { propError } from './iam-names';

const ONE_HOUR = 3600;
const IAM_MAX = 12 * 3600;

/**
 * Checks a cross-account role's MaxSessionDuration: 1 hour by default, a warning above it,
 * an error below 1 hour or above 12 hours (the IAM limits).
 */
export function checkSessionDuration(scope: Construct, duration: Duration | undefined): Duration {
  const value = duration ?? Duration.hours(1);
  if (Token.isUnresolved(value.toSeconds())) {
    return value;
  }
  const seconds = value.toSeconds();
  if (seconds < ONE_HOUR || seconds > IAM_MAX) {
    throw propError(scope, 'maxSessionDuration', `${seconds} seconds`,
      'expected 1 to 12 hours (the IAM limits); cross-account sessions should stay at 1 hour unless there is a reason');
  }
  if (seconds > ONE_HOUR) {
    Annotations.of(scope).addWarningV2('cdk-cross-account-trust:longSession',
      `maxSessionDuration is ${seconds} seconds: cross-account sessions should stay at 1 hour unless there is a reason, so that a leaked session expires quickly.`);
  }
  return value;
}
