/**
 * The TrustVerifier's Lambda functions read their configuration from environment variables that the construct sets;
 * a missing or malformed one (a function edited by hand, or deployed from another version) fails the first
 * invocation with an error that names the variable, what it received and what is expected.
 *
 * No imports: the functions' bundles include this without aws-cdk-lib.
 */

/** The value of `name`, which must be set and not empty. */
export function requiredEnv(env: NodeJS.ProcessEnv, name: string, expected: string): string {
  const value = env[name];
  if (value === undefined || value.trim() === '') {
    throw new Error(`TrustVerifier: environment variable ${name} is ${value === undefined ? 'not set' : 'empty'}; expected ${expected} (the TrustVerifier construct sets it)`);
  }
  return value;
}

/** A comma-separated list of AWS account ids (12 digits each) in `name`; not set or empty is the empty list. */
export function accountIdsEnv(env: NodeJS.ProcessEnv, name: string): string[] {
  const value = env[name] ?? '';
  const ids = value === '' ? [] : value.split(',');
  const bad = ids.find((id) => !/^\d{12}$/.test(id));
  if (bad !== undefined) {
    throw new Error(`TrustVerifier: environment variable ${name} is ${JSON.stringify(value)}; expected AWS account ids of 12 digits separated by commas`);
  }
  return ids;
}
