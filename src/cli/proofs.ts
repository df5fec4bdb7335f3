/**
 * `check --prove`: the prover's verdicts beside the rules' findings. The prover (src/prover/trust-policy-prover, which
 * loads the AGPL-licensed optional peer @cloud-copilot/iam-simulate) is loaded here only, and only when a run asks
 * for proofs; everything else here is plain data over the contract in src/prover/types.ts.
 */
import { ReportProof, ReportSubject } from './report';
import {
  AttackResult, DEPUTY_ATTACKS, DeputyProof, DeputyProofInput, TRUST_ATTACKS, TrustProof, TrustProofInput, Verdict,
} from '../prover/types';

/** What a run needs of the prover (`TrustPolicyProver`). */
export interface Prover {
  proveTrust(input: TrustProofInput): Promise<TrustProof>;
  proveDeputy(input: DeputyProofInput): Promise<DeputyProof>;
}

/** The prover, with its evaluator; throws MissingPeerDependencyError when @cloud-copilot/iam-simulate is not installed. */
export function loadProver(): Prover {
  // Required here, not imported: a plain check must not load the prover nor its AGPL evaluator.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { TrustPolicyProver } = require('../prover/trust-policy-prover') as { TrustPolicyProver: new () => Prover };
  return new TrustPolicyProver();
}

/** The proof of each subject, in order. A subject the prover fails on is undecided, with the failure as the reason of each request. */
export async function proveSubjects(subjects: readonly ReportSubject[], prover: Prover): Promise<ReportProof[]> {
  const proofs: ReportProof[] = [];
  for (const { subject, where } of subjects) {
    let result: { verdict: Verdict; attacks: readonly AttackResult[] };
    try {
      result = subject.kind === 'trust' ? await prover.proveTrust(subject.input) : await prover.proveDeputy(subject.input);
    } catch (e) {
      const reason = `the prover failed: ${e instanceof Error ? e.message : String(e)}`;
      const attacks = (subject.kind === 'trust' ? TRUST_ATTACKS : DEPUTY_ATTACKS).map((a): AttackResult => ({ id: a.id, decision: 'undecided', reason }));
      result = { verdict: 'undecided', attacks };
    }
    proofs.push({
      ...where,
      resource: subject.resource,
      ...(subject.findingIdPrefix !== '' ? { findingIdPrefix: subject.findingIdPrefix } : {}),
      kind: subject.kind,
      ...(subject.variant !== undefined ? { variant: subject.variant } : {}),
      verdict: result.verdict,
      attacks: result.attacks.map((a) => ({
        id: a.id,
        decision: a.decision,
        ...(a.statement !== undefined ? { statement: a.statement } : {}),
        ...(a.reason !== undefined ? { reason: a.reason } : {}),
      })),
    });
  }
  return proofs;
}

/** The SARIF rule of each verdict: its id, level and what it says. */
export const PROOF_RULES: ReadonlyArray<{ readonly id: string; readonly verdict: Verdict; readonly level: 'error' | 'warning' | 'note' | 'none'; readonly text: string }> = [
  {
    id: 'XAT-PROOF-ATTACKABLE',
    verdict: 'attackable',
    level: 'error',
    text: 'The IAM policy evaluator allows an attack request: the vendor role without or with a wrong ExternalId, another role or a user of the '
      + 'vendor\'s account, or a role of a third account may assume the role (for a deputy: its policies let it assume a role of the vendor\'s '
      + 'own account or of any account).',
  },
  {
    id: 'XAT-PROOF-UNUSABLE',
    verdict: 'unusable',
    level: 'warning',
    text: 'The IAM policy evaluator denies every attack, and the intended request too: the vendor role with the right ExternalId cannot assume '
      + 'the role (for a deputy: it cannot assume the customer role), so the integration does not work as written.',
  },
  {
    id: 'XAT-PROOF-UNDECIDED',
    verdict: 'undecided',
    level: 'note',
    text: 'The IAM policy evaluator could not decide a request: the policy depends on a condition key the prover does not know the value of, or '
      + 'on a value not known before deployment (a parameter, a resource attribute); the reason names it. Unknown is not safe.',
  },
  {
    id: 'XAT-PROOF-SAFE',
    verdict: 'safe',
    level: 'none',
    text: 'The IAM policy evaluator denies every attack request and allows the intended one.',
  },
];

/** `1 the vendor role, without an ExternalId: allowed by statement 0`: each request whose decision is not the expected one. */
export function proofSummary(p: Pick<ReportProof, 'kind' | 'attacks'>): string {
  const known = p.kind === 'trust' ? TRUST_ATTACKS : DEPUTY_ATTACKS;
  const unexpected = p.attacks.flatMap((a) => {
    const meta = known.find((k) => k.id === a.id);
    if (meta !== undefined && meta.expected === a.decision) return [];
    return [`${meta !== undefined ? `${meta.number} ${meta.description}` : a.id}: ${a.decision}${a.statement !== undefined ? ` by ${a.statement}` : ''}`
      + `${a.reason !== undefined ? ` (${a.reason})` : ''}`];
  });
  if (unexpected.length > 0) return unexpected.join('; ');
  return p.kind === 'trust' ? 'every attack denied, the vendor role with the right ExternalId allowed'
    : 'every attack denied, the customer role in a customer account allowed';
}

/** `2 attackable, 0 unusable, 1 undecided, 5 safe`. */
export function verdictCounts(proofs: readonly ReportProof[]): string {
  return PROOF_RULES.map((r) => `${proofs.filter((p) => p.verdict === r.verdict).length} ${r.verdict}`).join(', ');
}
