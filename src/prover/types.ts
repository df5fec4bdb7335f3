/**
 * The contract of the attack prover (`cdk-cross-account-trust/prover`, `check --prove`): what it is asked and what it
 * answers. Plain data, so the CLI's formats, the corpus script and the differential tests read the same proofs.
 *
 * No imports: the CLI's plain `check` may load these types' module without loading the IAM policy evaluator.
 */

/** What the IAM policy evaluator decided for one request. */
export type Decision = 'allowed' | 'denied' | 'undecided';

/**
 * The verdict over a set of requests: `safe` when every attack is denied and the intended request allowed;
 * `attackable` when at least one attack is allowed (whatever else holds); `unusable` when no attack is allowed and the
 * intended request is denied; `undecided` otherwise (some request depends on something the prover could not decide).
 */
export type Verdict = 'safe' | 'attackable' | 'unusable' | 'undecided';

/** The requests of a trust proof, in the order the issue numbers them (1 to 6). */
export const TRUST_ATTACKS = [
  { id: 'vendor-role-without-external-id', number: 1, expected: 'denied', description: 'the vendor role, without an ExternalId' },
  { id: 'vendor-role-wrong-external-id', number: 2, expected: 'denied', description: 'the vendor role, with a wrong ExternalId' },
  { id: 'other-role-in-vendor-account', number: 3, expected: 'denied', description: 'another role of the vendor\'s account, with the right ExternalId' },
  { id: 'user-in-vendor-account', number: 4, expected: 'denied', description: 'an IAM user of the vendor\'s account, with the right ExternalId' },
  { id: 'role-in-third-account', number: 5, expected: 'denied', description: 'a role of a third account, with the right ExternalId' },
  { id: 'vendor-role-right-external-id', number: 6, expected: 'allowed', description: 'the vendor role, with the right ExternalId (the intended request)' },
] as const;

/** The requests of a deputy proof: where the vendor's deputy role may assume roles. */
export const DEPUTY_ATTACKS = [
  { id: 'customer-role-in-customer-account', number: 1, expected: 'allowed', description: 'the customer role name in a customer account (the intended request)' },
  { id: 'same-name-in-vendor-account', number: 2, expected: 'denied', description: 'a role of the customer role\'s name in the vendor\'s own account' },
  { id: 'any-role-in-vendor-account', number: 3, expected: 'denied', description: 'an arbitrary role in the vendor\'s own account' },
  { id: 'any-role-in-third-account', number: 4, expected: 'denied', description: 'an arbitrary role name in a third account' },
] as const;

export type TrustAttackId = typeof TRUST_ATTACKS[number]['id'];
export type DeputyAttackId = typeof DEPUTY_ATTACKS[number]['id'];

/** One request of a proof and what the evaluator decided. */
export interface AttackResult {
  /** One of `TRUST_ATTACKS` or `DEPUTY_ATTACKS` ids. */
  readonly id: string;
  readonly decision: Decision;
  /**
   * The statement that decided it, as messages name statements (`statement "Sid"` or `statement 0`, 0-based), and
   * for a deputy proof the policy (`inline policy "Name" statement 1`); absent for an implicit deny (nothing matched).
   */
  readonly statement?: string;
  /** Why: for `undecided`, what could not be decided (the condition key, the unresolved value), named. */
  readonly reason?: string;
}

export interface TrustProof {
  readonly kind: 'trust';
  readonly verdict: Verdict;
  /** Always the six of `TRUST_ATTACKS`, in order. */
  readonly attacks: readonly AttackResult[];
}

export interface DeputyProof {
  readonly kind: 'deputy';
  readonly verdict: Verdict;
  /** Always the four of `DEPUTY_ATTACKS`, in order. */
  readonly attacks: readonly AttackResult[];
}

/**
 * A value of a policy that is not known before deployment (a parameter, a resource attribute, an unresolved
 * intrinsic). The policy JSON holds `placeholder` where the value goes; a statement that holds one is evaluated as
 * depending on something undecided (`reason` names it), never as if the placeholder were the value.
 */
export interface UnresolvedValue {
  /** The exact string in the policy JSON that stands for the value (unique, never a valid ARN, account or ExternalId). */
  readonly placeholder: string;
  /** What it is, for reasons: `parameter TrustedRoleArn`, `the Arn of custom resource Lookup`. */
  readonly description: string;
}

/** Input of a trust proof: one trust policy (one `Fn::If` alternative of a role), as resolved JSON. */
export interface TrustProofInput {
  /** The trust policy (`AssumeRolePolicyDocument`) as plain JSON: `{ Version, Statement }`. */
  readonly policy: unknown;
  /** The ARN of the role the policy belongs to (`arn:aws:iam::<customer account>:role/<name>`). */
  readonly roleArn: string;
  /** The vendor role expected to assume it (`arn:aws:iam::<vendor account>:role/<name>`). */
  readonly vendorRoleArn: string;
  /**
   * The ExternalId the vendor sends (the right one). @default the value of the first plain `StringEquals` on
   * `sts:ExternalId` among the Allow statements, or a random value when there is none
   */
  readonly externalId?: string;
  /** Values of `policy` that are not known before deployment. @default none */
  readonly unresolved?: readonly UnresolvedValue[];
}

/** Input of a deputy proof: the identity policies of the vendor's deputy role, as resolved JSON. */
export interface DeputyProofInput {
  /** Every identity policy of the deputy role (inline and managed), each as plain JSON `{ Version, Statement }`. */
  readonly policies: ReadonlyArray<{ readonly name: string; readonly policy: unknown }>;
  /** The deputy role's ARN (`arn:aws:iam::<vendor account>:role/<name>`). */
  readonly deputyRoleArn: string;
  /** The name (with path, without `role/`) of the role customers create for the vendor. */
  readonly customerRoleName: string;
  readonly unresolved?: readonly UnresolvedValue[];
}
