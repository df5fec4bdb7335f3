/**
 * Where the rules are deliberately stricter than the attack prover, by name: the differential test accepts a finding
 * of XAT1, XAT2 or XAT3 on a role the prover proves safe only when one of these explains it. Each is either a rule
 * that asks for more than IAM needs (and says so in its documentation), or an attack the rule judges in full while
 * the prover tries only a few requests.
 */
import { EXTERNAL_ID, GeneratedPolicy, GeneratedStatement, VENDOR_ACCOUNT, VENDOR_ROLE_ARN } from './policy-generator';
import { Finding } from '../../src/engine';

export interface StricterRule {
  readonly name: string;
  /** Why the rule fires although the prover proves the role safe, and which documentation says so. */
  readonly reason: string;
  readonly rules: readonly string[];
  /** Whether this explains the finding on its statement. */
  readonly explains: (statement: GeneratedStatement, finding: Finding, policy: GeneratedPolicy) => boolean;
  /** A smallest policy that the prover proves safe and on which the rule fires for this reason alone. */
  readonly example: GeneratedPolicy;
  /** For a rule stricter than IAM, the words of RULES.md (the rules' own explanation) that say so. */
  readonly documented?: string;
}

function policyOf(...statement: GeneratedStatement[]): GeneratedPolicy {
  return { Version: '2012-10-17', Statement: statement };
}

const vendorTrust = (condition: GeneratedStatement['Condition'], principal: unknown = { AWS: VENDOR_ROLE_ARN }): GeneratedStatement =>
  ({ Effect: 'Allow', Principal: principal, Action: 'sts:AssumeRole', Condition: condition });
const RIGHT = { StringEquals: { 'sts:ExternalId': EXTERNAL_ID } };

interface Cond {
  readonly qualifier?: string;
  readonly base: string;
  readonly ifExists: boolean;
  readonly keyLower: string;
  readonly values: readonly string[];
}

function conditions(s: GeneratedStatement): Cond[] {
  return Object.entries(s.Condition ?? {}).flatMap(([operator, block]) => {
    const m = /^(?:(ForAnyValue|ForAllValues):)?(.*?)(IfExists)?$/.exec(operator)!;
    return Object.entries(block).map(([key, v]) => ({
      qualifier: m[1], base: m[2], ifExists: m[3] !== undefined, keyLower: key.toLowerCase(), values: typeof v === 'string' ? [v] : v,
    }));
  });
}

function externalIdConditions(s: GeneratedStatement): Cond[] {
  return conditions(s).filter((c) => c.keyLower === 'sts:externalid');
}

const hasWildcard = (v: string) => /[*?]/.test(v);

function globMatches(pattern: string, value: string): boolean {
  return new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 's').test(value);
}

function statements(policy: GeneratedPolicy): readonly GeneratedStatement[] {
  return Array.isArray(policy.Statement) ? policy.Statement : [policy.Statement as GeneratedStatement];
}

function awsPrincipals(s: GeneratedStatement): string[] {
  const p = s.Principal as { AWS?: string | string[] } | string | undefined;
  if (p === undefined) return [];
  if (typeof p === 'string') return [p];
  return p.AWS === undefined ? [] : typeof p.AWS === 'string' ? [p.AWS] : p.AWS;
}

/** Principals that the proof's requests can come from: the vendor role itself, its account, or anyone. */
const sentByProof = (p: string) => p === VENDOR_ROLE_ARN || p === VENDOR_ACCOUNT || p === `arn:aws:iam::${VENDOR_ACCOUNT}:root` || p === '*';

/**
 * Whether IAM requires an ExternalId on the statement and compares it exactly (up to case): one condition fails without
 * one (a plain operator, "Null": "false", or ForAnyValue:, which fails on a missing key even with IfExists, as AWS
 * evaluates it and the evaluator with it) and one compares the value when it is present (StringEquals, ...IgnoreCase,
 * StringLike without a wildcard, whatever the qualifier or IfExists).
 */
function exactInIam(s: GeneratedStatement): boolean {
  const cs = externalIdConditions(s);
  const requiresOne = cs.some((c) => c.qualifier === 'ForAnyValue'
    || (c.base === 'Null' ? c.values.every((v) => v === 'false') : !c.ifExists && c.qualifier === undefined && !/Not/.test(c.base)));
  const compares = cs.some((c) => c.base === 'StringEquals' || c.base === 'StringEqualsIgnoreCase' || (c.base === 'StringLike' && !c.values.some(hasWildcard)));
  return requiresOne && compares;
}

export const STRICTER_RULES: readonly StricterRule[] = [
  {
    name: 'ForAnyValue: on the single-valued sts:ExternalId',
    reason: 'ForAnyValue:StringEquals on a key with one value compares that value, and matches nothing when it is absent (with '
      + 'IfExists too), so IAM enforces the ExternalId; XAT2 still refuses a set operator on a single-valued key, which AWS advises against.',
    documented: 'ForAnyValue:StringEquals (it fails without an ExternalId, but applies set logic to a single-valued key, which AWS advises against)',
    rules: ['XAT2'],
    example: policyOf(vendorTrust({ 'ForAnyValue:StringEquals': { 'sts:ExternalId': EXTERNAL_ID } })),
    explains: (s) => exactInIam(s) && externalIdConditions(s).some((c) => c.qualifier === 'ForAnyValue'),
  },
  {
    name: 'StringEqualsIgnoreCase on sts:ExternalId',
    reason: 'IAM compares the ExternalId without case, so values the vendor never issued (the same letters in another case) pass; '
      + 'the proof\'s wrong ExternalIds differ by more than case. XAT2 asks for the exact comparison.',
    documented: 'StringEqualsIgnoreCase accepts the ExternalId in any case',
    rules: ['XAT2'],
    example: policyOf(vendorTrust({ StringEqualsIgnoreCase: { 'sts:ExternalId': EXTERNAL_ID } })),
    explains: (s) => exactInIam(s) && externalIdConditions(s).some((c) => c.base === 'StringEqualsIgnoreCase'),
  },
  {
    name: 'StringLike without a wildcard on sts:ExternalId',
    reason: 'StringLike with a value holding no * or ? compares like StringEquals; XAT2 still asks for StringEquals, whose value '
      + 'cannot become a pattern when it is edited.',
    documented: 'StringLike whose value holds no wildcard (it compares like StringEquals until a * or ? enters the value)',
    rules: ['XAT2'],
    example: policyOf(vendorTrust({ StringLike: { 'sts:ExternalId': EXTERNAL_ID } })),
    explains: (s) => exactInIam(s) && externalIdConditions(s).some((c) => c.base === 'StringLike' && !c.values.some(hasWildcard)),
  },
  {
    name: 'a Deny statement fencing the trust',
    reason: 'A Deny statement of the policy (on requests without the ExternalId, or from any principal but the vendor role) can '
      + 'deny what an Allow statement lets in; the rules judge each Allow statement on its own and do not count a fence '
      + 'elsewhere in the policy, which an edit can remove without touching the Allow statement.',
    documented: 'A Deny statement elsewhere in the policy does not count',
    rules: ['XAT1', 'XAT2', 'XAT3'],
    example: policyOf(
      vendorTrust(RIGHT, { AWS: `arn:aws:iam::${VENDOR_ACCOUNT}:root` }),
      { Effect: 'Deny', Principal: { AWS: '*' }, Action: 'sts:AssumeRole', Condition: { ArnNotEquals: { 'aws:PrincipalArn': VENDOR_ROLE_ARN } } },
    ),
    explains: (_s, _f, policy) => statements(policy).some((d) => d.Effect === 'Deny' && (d.NotPrincipal !== undefined
      || conditions(d).some((c) => /Not/.test(c.base) && (c.keyLower === 'aws:principalarn' || c.keyLower === 'sts:externalid')))),
  },
  {
    name: 'an Allow with NotPrincipal',
    reason: 'The rules read an Allow with NotPrincipal as trusting everyone, the listed principals included. AWS compares '
      + 'NotPrincipal with the request\'s principal ARN: an assumed-role session is excluded only by its session ARN, not by '
      + 'its role\'s ARN or its account (IAM User Guide, NotPrincipal, which also advises never to use it with Allow). The '
      + 'evaluator excludes the sessions of a listed role and every principal of a listed account, and so proves safe a '
      + 'statement that lets the vendor role\'s sessions in under conditions that were never meant for it.',
    rules: ['XAT1', 'XAT2', 'XAT3'],
    example: policyOf(vendorTrust(RIGHT), {
      Effect: 'Allow',
      NotPrincipal: { AWS: VENDOR_ROLE_ARN },
      Action: 'sts:AssumeRole',
      Condition: { StringEquals: { 'aws:PrincipalArn': VENDOR_ROLE_ARN } },
    }),
    explains: (s) => s.Effect === 'Allow' && s.NotPrincipal !== undefined,
  },
  {
    name: 'a principal the proof does not send',
    reason: 'The proof sends the vendor role (attacks 1, 2 and 6), near misses of it (3, 4) and a role of a third account (5). A '
      + 'statement trusting only other principals (another vendor\'s role, an IAM user, another account), in its Principal or '
      + 'through an exact aws:PrincipalArn condition, is never matched by them, and the rules hold those principals to the same '
      + 'standard (XAT1 and XAT3 cover every trusted principal of another account).',
    rules: ['XAT1', 'XAT2', 'XAT3'],
    example: policyOf(vendorTrust(RIGHT), vendorTrust(RIGHT, { AWS: `arn:aws:iam::${VENDOR_ACCOUNT}:user/scanner` })),
    explains: (s, f) => {
      const exact = conditions(s).filter((c) => c.keyLower === 'aws:principalarn' && !c.ifExists && c.qualifier === undefined
        && (c.base === 'StringEquals' || ((c.base === 'ArnEquals' || /Like$/.test(c.base)) && !c.values.some(hasWildcard))));
      if (exact.some((c) => !c.values.some(sentByProof))) return true;
      if (s.NotPrincipal !== undefined) return false;
      const principals = awsPrincipals(s);
      if (f.ruleId !== 'XAT3') return !principals.some(sentByProof);
      const index = /\.Principal(\d+)$/.exec(f.findingId);
      return index !== null && !sentByProof(principals[Number(index[1])]);
    },
  },
  {
    name: 'a statement for another ExternalId, or for none',
    reason: 'Attacks 3, 4 and 5 send the vendor\'s ExternalId; a statement that requires another value, or none ("Null": '
      + '"true"), is never matched by them, although whoever it trusts passes with that value or without one (an ExternalId '
      + 'is not a secret). XAT2 and XAT3 judge every statement, whatever ExternalId it asks for.',
    rules: ['XAT2', 'XAT3'],
    example: policyOf(vendorTrust(RIGHT), vendorTrust({ StringEquals: { 'sts:ExternalId': 'another-customer-external-id-0000000000' } }, '*')),
    explains: (s) => externalIdConditions(s).some((c) => {
      if (c.base === 'Null') return c.qualifier === undefined && c.values.every((v) => v === 'true');
      const matches = c.values.some((v) => {
        if (c.base === 'StringEqualsIgnoreCase' || c.base === 'StringNotEqualsIgnoreCase') return v.toLowerCase() === EXTERNAL_ID.toLowerCase();
        if (/Like$/.test(c.base)) return globMatches(v, EXTERNAL_ID);
        return v === EXTERNAL_ID;
      });
      return /^String(Equals|Like|EqualsIgnoreCase)$/.test(c.base) ? !matches : /^String(NotEquals|NotLike|NotEqualsIgnoreCase)$/.test(c.base) && matches;
    }),
  },
  {
    name: 'a wildcard pattern the proof\'s near misses do not hit',
    reason: 'XAT2 and XAT3 judge every value a wildcard pattern matches (on sts:ExternalId, on aws:PrincipalArn); the proof '
      + 'tries a few near misses (the name or ExternalId extended, shortened, one character changed), which a pattern such as '
      + '"...?..." can miss although it matches many values.',
    rules: ['XAT2', 'XAT3'],
    example: policyOf(vendorTrust({ StringLike: { 'sts:ExternalId': `${EXTERNAL_ID.slice(0, 20)}?${EXTERNAL_ID.slice(21)}` } })),
    explains: (s, f) => conditions(s).some((c) => /Like|Arn/.test(c.base) && !/Not/.test(c.base) && c.values.some(hasWildcard)
      && (f.ruleId === 'XAT2' ? c.keyLower === 'sts:externalid' : c.keyLower === 'aws:principalarn')),
  },
];

/** The statement a finding names by its id (`Sid-<Sid>` or `Statement<index>`, then `.Principal<n>` for XAT3). */
export function statementOf(policy: GeneratedPolicy, f: Finding): GeneratedStatement | undefined {
  const label = f.findingId.split('.')[0];
  const all = statements(policy);
  const bySid = /^Sid-(.*)$/.exec(label);
  if (bySid) return all.find((s) => s.Sid === bySid[1]);
  const byIndex = /^Statement(\d+)$/.exec(label);
  return byIndex ? all[Number(byIndex[1])] : undefined;
}

/** The exception that explains a finding on a statement the prover proves safe, or undefined. */
export function stricterRule(statement: GeneratedStatement, finding: Finding, policy: GeneratedPolicy): StricterRule | undefined {
  return STRICTER_RULES.find((e) => e.rules.includes(finding.ruleId) && e.explains(statement, finding, policy));
}
