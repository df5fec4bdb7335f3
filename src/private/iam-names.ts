import { IConstruct } from 'constructs';

/** Partitions whose IAM ARNs we accept. */
export const PARTITIONS: readonly string[] = ['aws', 'aws-cn', 'aws-us-gov', 'aws-iso', 'aws-iso-b', 'aws-iso-e', 'aws-iso-f', 'aws-eusc'];

/** IAM role names: 1 to 64 of `[\w+=,.@-]` (IAM API reference, CreateRole). */
export const ROLE_NAME_PATTERN = /^[\w+=,.@-]{1,64}$/;
/** IAM paths: `/` or `/segment/.../`, printable ASCII, at most 512 characters. */
const PATH_PATTERN = /^\/(?:[\u0021-\u007E]+\/)?$/;

/** The parts of a literal IAM role ARN. */
export interface RoleArnParts {
  readonly partition: string;
  readonly account: string;
  /** `/` or `/a/b/` */
  readonly path: string;
  readonly roleName: string;
}

/**
 * Parses a literal IAM role ARN, or explains why the value is not one.
 * Returns a string (the reason) when the value is not exactly one role ARN.
 */
export function parseRoleArn(value: string): RoleArnParts | string {
  if (value.trim() === '*') {
    return 'it is the wildcard "*", which trusts every AWS principal in every account';
  }
  if (/^\d{12}$/.test(value)) {
    return 'it is a bare account id, which trusts every principal of that account';
  }
  if (/[*?]/.test(value)) {
    return 'it contains a wildcard, which can match more than one role';
  }
  const m = /^arn:([a-z-]+):iam::(\d{12}):(.+)$/.exec(value);
  if (!m) {
    return 'it is not an IAM ARN of the form arn:<partition>:iam::<12-digit account>:role/<name>';
  }
  const [, partition, account, resource] = m;
  if (!PARTITIONS.includes(partition)) {
    return `"${partition}" is not an AWS partition (expected one of ${PARTITIONS.join(', ')})`;
  }
  if (resource === 'root') {
    return 'it is the account root, which trusts every principal of that account that has sts:AssumeRole permission';
  }
  if (resource.startsWith('user/')) {
    return 'it is an IAM user, whose long-lived access keys are exactly what cross-account roles are meant to avoid';
  }
  if (resource.startsWith('assumed-role/')) {
    return 'it is an assumed-role session ARN, which changes with every session; trust the role ARN instead';
  }
  if (!resource.startsWith('role/')) {
    return `"${resource}" is not a role resource (expected role/<optional path/><name>)`;
  }
  const lastSlash = resource.lastIndexOf('/');
  const path = resource.slice('role'.length, lastSlash + 1);
  const roleName = resource.slice(lastSlash + 1);
  if (!PATH_PATTERN.test(path) || path.length > 512) {
    return `the role path "${path}" is not a valid IAM path`;
  }
  if (!ROLE_NAME_PATTERN.test(roleName)) {
    return `the role name "${roleName}" is not a valid IAM role name (1 to 64 of letters, digits and _+=,.@-)`;
  }
  return { partition, account, path, roleName };
}

/** Checks an IAM path (`/` or `/a/b/`), returning the reason when it is not one. */
export function pathProblem(path: string): string | undefined {
  if (path.length > 512 || !PATH_PATTERN.test(path)) {
    return 'expected "/" or a path that starts and ends with "/" (printable ASCII, at most 512 characters), such as "/vendor/"';
  }
  return undefined;
}

/** An error that names the construct, the value received and what was expected. */
export function propError(scope: IConstruct, prop: string, received: unknown, expected: string): Error {
  return new Error(`${scope.node.path}: invalid ${prop} ${JSON.stringify(received)}: ${expected}`);
}
