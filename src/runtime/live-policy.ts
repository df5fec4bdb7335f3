/**
 * What the verifier makes of a customer role's live trust policy, as pure functions: decoding it as IAM's GetRole
 * returns it, the rule engine's findings on it, the prover's verdict as an outcome, and the ExternalId scrubbed out of
 * every text derived from it (the policy holds the ExternalId, and rule messages and proof reasons may quote values).
 *
 * Internal to the run-time subpath (src/runtime/index.ts does not export it); the verifier's tests call it directly.
 */
import { check } from '../engine';
import { MAX_REASON_LENGTH } from './inputs';
import { TRUST_ATTACKS, TrustProof } from '../prover/types';

/**
 * The rules run on a live trust policy: those about the trust policy itself. The others are about templates and have
 * nothing to look at in a live policy: a NoEcho parameter or an Output (XAT4, XAT5), a literal ExternalId in the
 * template (XAT6: the live policy always holds the literal value the stack was given, which is the point), one
 * parameter shared by several roles (XAT7), deputy identity policies (XAT8, XAT9), and XAT10, a warning about session
 * length that is no reason to stop using a role.
 */
export const LIVE_POLICY_RULES: readonly string[] = ['XAT1', 'XAT2', 'XAT3'];

/** What stands for the ExternalId in any text the verifier derives from the live policy. */
export const EXTERNAL_ID_MARK = '<ExternalId>';

/**
 * The trust policy of IAM's GetRole response: `AssumeRolePolicyDocument` is URL-encoded JSON (RFC 3986), as in every
 * IAM query-protocol response that returns a policy document.
 *
 * @throws Error when it is not an encoded JSON object; the message never quotes the document, which holds the ExternalId
 */
export function decodeTrustPolicy(document: unknown): Record<string, unknown> {
  let policy: unknown;
  try {
    policy = JSON.parse(decodeURIComponent(String(document)));
  } catch (error) {
    throw new Error(`GetRole returned an AssumeRolePolicyDocument that is not URL-encoded JSON (${(error as Error).name}; the document is not shown, `
      + 'as it holds the ExternalId)');
  }
  if (typeof policy !== 'object' || policy === null || Array.isArray(policy)) {
    throw new Error('GetRole returned an AssumeRolePolicyDocument that is not a JSON object (the document is not shown, as it holds the ExternalId)');
  }
  return policy as Record<string, unknown>;
}

/**
 * `text` with every occurrence of the ExternalId replaced by `<ExternalId>`: as it is, URL-encoded and JSON-escaped
 * (the forms a message about a policy can quote it in).
 */
export function scrubExternalId(text: string, externalId: string): string {
  if (externalId === '') {
    return text;
  }
  const forms = [...new Set([externalId, encodeURIComponent(externalId), JSON.stringify(externalId).slice(1, -1)])]
    .sort((a, b) => b.length - a.length);
  let scrubbed = text;
  for (const form of forms) {
    scrubbed = scrubbed.split(form).join(EXTERNAL_ID_MARK);
  }
  return scrubbed;
}

/** `text` cut to at most `MAX_REASON_LENGTH` characters (the limit of `recordVerification`). Scrub before cutting. */
export function limitReason(text: string): string {
  return text.length <= MAX_REASON_LENGTH ? text : `${text.slice(0, MAX_REASON_LENGTH - 3)}...`;
}

/** A finding of the rule engine on the live policy, its message scrubbed. */
export interface LivePolicyFinding {
  readonly ruleId: string;
  readonly message: string;
}

/** Input of {@link livePolicyFindings}. */
export interface LivePolicyInput {
  /** The decoded trust policy. */
  readonly policy: unknown;
  /** The role's MaxSessionDuration (seconds), as GetRole returns it. */
  readonly maxSessionDuration?: number;
  /** The customer account the role is in: principals of it are not cross-account. */
  readonly accountId: string;
  /** The account's ExternalId, scrubbed out of the messages. */
  readonly externalId: string;
}

/**
 * The error-level findings of XAT1 to XAT3 on the live trust policy, checked as the one role of a template deployed
 * to the customer account; a policy the engine cannot read at all is a finding too (never silently compliant).
 */
export function livePolicyFindings(input: LivePolicyInput): LivePolicyFinding[] {
  const properties: Record<string, unknown> = { AssumeRolePolicyDocument: input.policy };
  if (input.maxSessionDuration !== undefined) {
    properties.MaxSessionDuration = input.maxSessionDuration;
  }
  const result = check([{
    source: 'live trust policy',
    template: { Resources: { CustomerRole: { Type: 'AWS::IAM::Role', Properties: properties } } },
    account: input.accountId,
  }], { rules: LIVE_POLICY_RULES });
  return [
    ...result.errors.map((e) => ({ ruleId: 'unreadable', message: e.message })),
    ...result.findings.filter((f) => f.level === 'error').map((f) => ({ ruleId: f.ruleId, message: f.message })),
  ].map((f) => ({ ruleId: f.ruleId, message: scrubExternalId(f.message, input.externalId) }));
}

/**
 * What a trust proof of the live policy means for the outcome: a sentence naming the attacks the evaluator allowed
 * when the verdict is `attackable` (the role is UNSAFE), undefined otherwise. `unusable` and `undecided` do not make a
 * role UNSAFE: the right assume has just succeeded, and an undecided request depends on a condition the rules judge.
 */
export function proofProblem(proof: TrustProof, externalId: string): string | undefined {
  if (proof.verdict !== 'attackable') {
    return undefined;
  }
  const allowed = proof.attacks
    .map((attack) => ({ attack, known: TRUST_ATTACKS.find((a) => a.id === attack.id) }))
    .filter(({ attack, known }) => known?.expected === 'denied' && attack.decision === 'allowed')
    .map(({ attack, known }) => `${known!.description} (attack ${known!.number}${attack.statement ? `, by ${attack.statement}` : ''})`);
  return scrubExternalId(`the attack prover found the live trust policy attackable: it allows ${allowed.join('; ')}`, externalId);
}
