/**
 * Differential tests: the rules (XAT1, XAT2, XAT3 through `check()`) against the attack prover (a real IAM policy
 * evaluator) on thousands of generated trust policies.
 *
 * - No false negative: when the prover shows an attack (1 to 5) allowed, the engine reports XAT1, XAT2 or XAT3 for
 *   the role.
 * - No false positive: when the prover's verdict is `safe`, the engine reports none of them, except where a rule is
 *   deliberately stricter than IAM: each such exception is listed below by name, with the reason and the rule text
 *   that documents it.
 *
 * The seed is printed by fast-check on failure (and can be replayed with XAT_DIFF_SEED); the counts are printed at the
 * end of every run.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as fc from 'fast-check';
import { CUSTOMER_ACCOUNT, EXTERNAL_ID, GeneratedPolicy, ROLE_ARN, ROLE_NAME, VENDOR_ROLE_ARN, trustPolicy } from './policy-generator';
import { STRICTER_RULES, statementOf, stricterRule } from './stricter-rules';
import { Finding, check } from '../../src/engine';
import { TrustPolicyProver } from '../../src/prover/trust-policy-prover';
import { TRUST_ATTACKS, TrustProof, Verdict } from '../../src/prover/types';

const RUNS = Number(process.env.XAT_DIFF_RUNS ?? 5000);
// A new seed each run (printed with the counts, and by fast-check on failure); XAT_DIFF_SEED replays one.
const SEED = process.env.XAT_DIFF_SEED === undefined ? Date.now() % 2 ** 31 : Number(process.env.XAT_DIFF_SEED);
const TRUST_RULES = new Set(['XAT1', 'XAT2', 'XAT3']);
const ATTACKS = TRUST_ATTACKS.filter((a) => a.expected === 'denied').map((a) => a.id as string);

/** The XAT1 to XAT3 findings of the engine on a template holding one role with the policy as its trust policy. */
function trustFindings(policy: GeneratedPolicy): Finding[] {
  const template = {
    Resources: { [ROLE_NAME]: { Type: 'AWS::IAM::Role', Properties: { RoleName: ROLE_NAME, AssumeRolePolicyDocument: policy } } },
  };
  const result = check([{ source: 'generated.json', template, account: CUSTOMER_ACCOUNT }], { rules: [...TRUST_RULES] });
  if (result.errors.length > 0) throw new Error(`the engine could not read a generated policy: ${JSON.stringify(result.errors)}`);
  return result.findings;
}

/** What the run saw; when a property fails, the counts include the runs of fast-check's shrinking. */
interface Counts {
  seed: number;
  policies: number;
  verdicts: Record<Verdict, number>;
  attacksAllowed: Record<string, number>;
  flagged: number;
  falseNegatives: number;
  falsePositives: number;
  exceptionsHit: Record<string, number>;
}

const counts: Counts = {
  seed: SEED,
  policies: 0,
  verdicts: { safe: 0, attackable: 0, unusable: 0, undecided: 0 },
  attacksAllowed: Object.fromEntries(ATTACKS.map((id) => [id, 0])),
  flagged: 0,
  falseNegatives: 0,
  falsePositives: 0,
  exceptionsHit: Object.fromEntries(STRICTER_RULES.map((e) => [e.name, 0])),
};

function evidence(policy: GeneratedPolicy, proof: TrustProof, findings: readonly Finding[]): string {
  return `policy ${JSON.stringify(policy)}\nproof ${JSON.stringify(proof)}\nfindings ${JSON.stringify(findings.map((f) => `${f.ruleId}[${f.findingId}]: ${f.message}`), null, 1)}`;
}

const prover = new TrustPolicyProver();

function prove(policy: GeneratedPolicy): Promise<TrustProof> {
  return prover.proveTrust({ policy, roleArn: ROLE_ARN, vendorRoleArn: VENDOR_ROLE_ARN, externalId: EXTERNAL_ID });
}

describe('the rules agree with the IAM policy evaluator on generated trust policies', () => {
  afterAll(() => {
    // The closing report quotes these counts.
    console.log(`differential test: ${JSON.stringify(counts, null, 1)}`);
  });

  test(`no false negative and no false positive over ${RUNS} policies`, async () => {
    await fc.assert(fc.asyncProperty(trustPolicy, async (policy) => {
      const proof = await prove(policy);
      const findings = trustFindings(policy);
      counts.policies++;
      counts.verdicts[proof.verdict]++;
      if (findings.length > 0) counts.flagged++;
      const allowed = proof.attacks.filter((a) => ATTACKS.includes(a.id) && a.decision === 'allowed');
      for (const a of allowed) counts.attacksAllowed[a.id]++;
      if (allowed.length > 0 && findings.length === 0) {
        counts.falseNegatives++;
        throw new Error(`false negative: ${allowed.map((a) => a.id).join(', ')} allowed, and the engine reports none of XAT1-XAT3\n${evidence(policy, proof, findings)}`);
      }
      if (proof.verdict !== 'safe') return;
      const unexplained = findings.filter((f) => {
        const statement = statementOf(policy, f);
        const exception = statement && stricterRule(statement, f, policy);
        if (exception) counts.exceptionsHit[exception.name]++;
        return exception === undefined;
      });
      if (unexplained.length > 0) {
        counts.falsePositives++;
        throw new Error(`false positive: the prover proves the role safe, and the engine reports ${unexplained.map((f) => `${f.ruleId}[${f.findingId}]`).join(', ')}\n${evidence(policy, proof, unexplained)}`);
      }
    }), { numRuns: RUNS, seed: SEED });
    // Both properties must be exercised, or the generator has drifted away from what they are about.
    expect(counts.verdicts.safe).toBeGreaterThan(RUNS / 20);
    expect(counts.verdicts.attackable).toBeGreaterThan(RUNS / 5);
    // Thousands of proofs take tens of seconds, more when the suite shares the machine: a limit for a hang, not a measure.
  }, 600_000);
});

describe('each stricter rule is live: its example is proven safe, and the rule fires on it for that reason alone', () => {
  const rulesMd = fs.readFileSync(path.join(__dirname, '..', '..', 'RULES.md'), 'utf8');

  test.each(STRICTER_RULES.map((e) => [e.name, e] as const))('%s', async (_name, e) => {
    if (e.documented !== undefined) expect(rulesMd).toContain(e.documented);
    expect((await prove(e.example)).verdict).toBe('safe');
    const findings = trustFindings(e.example);
    expect(findings.length).toBeGreaterThan(0);
    for (const f of findings) {
      expect(e.rules).toContain(f.ruleId);
      expect(stricterRule(statementOf(e.example, f)!, f, e.example)?.name).toBe(e.name);
    }
  });
});

/**
 * Where the evaluator and AWS part, kept as minimal cases with the evaluator's answer, so that a change of the evaluator
 * shows here; none of them can hide a disagreement of the properties above.
 */
describe('evaluator cases', () => {
  test('NotPrincipal in a Deny exempts the sessions of a listed role (AWS may deny them)', async () => {
    // AWS documents that a Deny with NotPrincipal naming a role without its account and session ARNs "might" deny the
    // role's sessions (IAM User Guide, NotPrincipal with Deny), which would make this role unusable; the evaluator
    // exempts the sessions and proves it safe. The rules do not read Deny statements ("a Deny statement fencing the
    // trust" above), and a safe verdict where AWS denies more only asks the rules for fewer findings, never hides one.
    const policy: GeneratedPolicy = {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'sts:ExternalId': EXTERNAL_ID } } },
        { Effect: 'Deny', NotPrincipal: { AWS: VENDOR_ROLE_ARN }, Action: 'sts:AssumeRole' },
      ],
    };
    expect((await prove(policy)).verdict).toBe('safe');
  });
});
