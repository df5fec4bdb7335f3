/**
 * fast-check arbitraries of trust policies, for the differential tests of the rules against the attack prover.
 *
 * The policies are literal JSON (what the engine resolves a template to, and what the prover takes), built from the
 * forms real templates use: principals of the vendor's account, of another account and of the role's own account, in
 * every shape IAM accepts; actions that do and do not cover sts:AssumeRole; every operator and qualifier family on
 * sts:ExternalId, under keys written in any case; narrowing by aws:PrincipalArn and aws:PrincipalOrgID; Deny
 * statements and NotPrincipal. Values are drawn from small sets around the vendor role and the right ExternalId, so
 * that the near misses the prover tries (a role name extended, a wrong ExternalId) meet the values a policy holds.
 */
import * as fc from 'fast-check';

/** The account of the role the policy belongs to (the customer's). */
export const CUSTOMER_ACCOUNT = '999988887777';
export const ROLE_NAME = 'VendorAccess';
export const ROLE_ARN = `arn:aws:iam::${CUSTOMER_ACCOUNT}:role/${ROLE_NAME}`;
/** The vendor's account and the role it assumes the customer role from. */
export const VENDOR_ACCOUNT = '111122223333';
export const VENDOR_ROLE_NAME = 'AcmeScannerDeputy';
export const VENDOR_ROLE_ARN = `arn:aws:iam::${VENDOR_ACCOUNT}:role/${VENDOR_ROLE_NAME}`;
/** Another account a policy may trust (a second vendor); never the prover's third account, which policies cannot know. */
export const OTHER_ACCOUNT = '444455556666';
/** The ExternalId the vendor sends (long and random, so that the ExternalId quality rules have nothing to say about it). */
export const EXTERNAL_ID = 'k3Jq9ZxW7vLp2RtY8mNc4HsB6dFg1AeU5oQi0TyK';
export const VENDOR_ORG_ID = 'o-a1b2c3d4e5';

/** sts:ExternalId as real templates write it, in any case (IAM condition keys are case-insensitive). */
const EXTERNAL_ID_KEYS = ['sts:ExternalId', 'sts:externalid', 'STS:EXTERNALID', 'Sts:ExternalID'];
const PRINCIPAL_ARN_KEYS = ['aws:PrincipalArn', 'aws:principalarn', 'AWS:PrincipalARN'];
const ORG_ID_KEYS = ['aws:PrincipalOrgID', 'aws:principalorgid'];

export interface GeneratedCondition {
  readonly operator: string;
  readonly key: string;
  readonly values: string | readonly string[];
}

export interface GeneratedStatement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Principal?: unknown;
  readonly NotPrincipal?: unknown;
  readonly Action?: string | readonly string[];
  readonly NotAction?: string | readonly string[];
  readonly Condition?: Record<string, Record<string, string | readonly string[]>>;
}

export interface GeneratedPolicy {
  readonly Version: '2012-10-17';
  readonly Statement: GeneratedStatement | readonly GeneratedStatement[];
}

const awsPrincipalValue = fc.constantFrom(
  VENDOR_ROLE_ARN,
  VENDOR_ROLE_ARN,
  `arn:aws:iam::${VENDOR_ACCOUNT}:root`,
  VENDOR_ACCOUNT,
  '*',
  `arn:aws:iam::${VENDOR_ACCOUNT}:user/scanner`,
  `arn:aws:iam::${VENDOR_ACCOUNT}:role/AcmeReporting`,
  `arn:aws:iam::${OTHER_ACCOUNT}:role/${VENDOR_ROLE_NAME}`,
  `arn:aws:iam::${OTHER_ACCOUNT}:root`,
  `arn:aws:iam::${CUSTOMER_ACCOUNT}:root`,
  `arn:aws:iam::${CUSTOMER_ACCOUNT}:role/Admin`,
);

/** A Principal element: one AWS principal, a list of them (mixed with a service), or the string "*". */
export const principal: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: awsPrincipalValue.map((p) => ({ AWS: p })) },
  { weight: 2, arbitrary: fc.uniqueArray(awsPrincipalValue, { minLength: 1, maxLength: 3 }).map((ps) => ({ AWS: ps })) },
  { weight: 1, arbitrary: awsPrincipalValue.map((p) => ({ AWS: [p], Service: 'ec2.amazonaws.com' })) },
  { weight: 1, arbitrary: fc.constant('*') },
);

/** What `Action` or `NotAction` holds: forms covering sts:AssumeRole and forms that do not. */
const actionValue = fc.constantFrom<string | readonly string[]>(
  'sts:AssumeRole',
  'sts:AssumeRole',
  'sts:*',
  'sts:Assume*',
  '*',
  'STS:assumerole',
  ['sts:AssumeRole', 'sts:TagSession'],
  ['sts:TagSession', 'sts:SetSourceIdentity'],
  'sts:AssumeRoleWithSAML',
);

const action = fc.oneof(
  { weight: 6, arbitrary: actionValue.map((a) => ({ Action: a })) },
  { weight: 1, arbitrary: fc.constantFrom<string | readonly string[]>('sts:TagSession', 'sts:AssumeRole', ['s3:*', 'sts:TagSession']).map((a) => ({ NotAction: a })) },
);

/** Values an sts:ExternalId condition compares with: the right one, patterns matching it, lists, wrong values. */
const EXTERNAL_ID_VALUES: ReadonlyArray<string | readonly string[]> = [
  EXTERNAL_ID,
  [EXTERNAL_ID, 'a-second-customer-external-id-0000000000'],
  `${EXTERNAL_ID.slice(0, 12)}*`,
  '*',
  `${EXTERNAL_ID.slice(0, 20)}?${EXTERNAL_ID.slice(21)}`,
];
const WRONG_EXTERNAL_ID = 'a-wrong-external-id-00000000000000000000';

/** Every operator family that real templates put on sts:ExternalId. */
const externalIdOperator = fc.tuple(
  fc.constantFrom('', '', '', 'ForAnyValue:', 'ForAllValues:'),
  fc.constantFrom('StringEquals', 'StringEquals', 'StringLike', 'StringNotEquals', 'StringEqualsIgnoreCase', 'StringNotLike'),
  fc.constantFrom('', '', 'IfExists'),
).map(([q, base, ifExists]) => `${q}${base}${ifExists}`);

function externalIdCondition(values: fc.Arbitrary<string | readonly string[]>): fc.Arbitrary<GeneratedCondition> {
  return fc.oneof(
    { weight: 8, arbitrary: fc.record({ operator: externalIdOperator, key: fc.constantFrom(...EXTERNAL_ID_KEYS), values }) },
    { weight: 1, arbitrary: fc.record({ operator: fc.constant('Null'), key: fc.constantFrom(...EXTERNAL_ID_KEYS), values: fc.constantFrom('false', 'true') }) },
  );
}

/** Narrowing by aws:PrincipalArn: equals and like, with and without wildcards; values admitting the vendor role first. */
const VENDOR_ARN_VALUES: ReadonlyArray<string | readonly string[]> = [
  VENDOR_ROLE_ARN,
  `arn:aws:iam::${VENDOR_ACCOUNT}:role/AcmeScanner*`,
  `arn:aws:iam::${VENDOR_ACCOUNT}:role/*Deputy`,
  `arn:aws:iam::${VENDOR_ACCOUNT}:role/*`,
  `arn:aws:iam::${VENDOR_ACCOUNT}:*`,
  `arn:aws:iam::*:role/${VENDOR_ROLE_NAME}`,
  [VENDOR_ROLE_ARN, `arn:aws:iam::${VENDOR_ACCOUNT}:role/AcmeReporting`],
];
const OTHER_ARN_VALUES: ReadonlyArray<string | readonly string[]> = [
  `arn:aws:iam::${VENDOR_ACCOUNT}:user/scanner`,
  `arn:aws:iam::${OTHER_ACCOUNT}:role/${VENDOR_ROLE_NAME}`,
  `arn:aws:iam::${CUSTOMER_ACCOUNT}:role/Admin`,
];

function principalArnCondition(values: fc.Arbitrary<string | readonly string[]>): fc.Arbitrary<GeneratedCondition> {
  return fc.record({ operator: fc.constantFrom('StringEquals', 'ArnEquals', 'ArnLike', 'StringLike'), key: fc.constantFrom(...PRINCIPAL_ARN_KEYS), values });
}

export const orgIdCondition: fc.Arbitrary<GeneratedCondition> = fc.record({
  operator: fc.constant('StringEquals'),
  key: fc.constantFrom(...ORG_ID_KEYS),
  values: fc.constant(VENDOR_ORG_ID),
});

/** The Condition element of the conditions (one block per operator; a key once per block, whatever its case). */
export function conditionBlock(conditions: readonly GeneratedCondition[]): GeneratedStatement['Condition'] {
  if (conditions.length === 0) return undefined;
  const block: Record<string, Record<string, string | readonly string[]>> = {};
  for (const c of conditions) {
    const byKey = (block[c.operator] ??= {});
    if (Object.keys(byKey).some((k) => k.toLowerCase() === c.key.toLowerCase())) continue;
    byKey[c.key] = c.values;
  }
  return block;
}

const sid = fc.constantFrom(undefined, undefined, 'VendorTrust', 'Scanner', 'Legacy');

/** `arbitrary` in `percent` of the cases, else undefined. */
function sometimes<T>(arbitrary: fc.Arbitrary<T>, percent: number): fc.Arbitrary<T | undefined> {
  return fc.oneof({ weight: 100 - percent, arbitrary: fc.constant(undefined) }, { weight: percent, arbitrary });
}

/** What an Allow statement is drawn from. */
interface StatementPools {
  readonly principal: fc.Arbitrary<{ Principal: unknown } | { NotPrincipal: unknown }>;
  readonly action: fc.Arbitrary<{ Action: string | readonly string[] } | { NotAction: string | readonly string[] }>;
  readonly externalIdValues: fc.Arbitrary<string | readonly string[]>;
  readonly principalArnValues: fc.Arbitrary<string | readonly string[]>;
}

function allowStatementOf(pools: StatementPools): fc.Arbitrary<GeneratedStatement> {
  return fc.record({
    sid,
    principal: pools.principal,
    action: pools.action,
    // Most real statements carry one ExternalId condition; some none, a few two.
    externalId: fc.oneof(
      { weight: 2, arbitrary: fc.constant([]) },
      { weight: 7, arbitrary: externalIdCondition(pools.externalIdValues).map((c) => [c]) },
      { weight: 1, arbitrary: fc.tuple(externalIdCondition(pools.externalIdValues), externalIdCondition(pools.externalIdValues)) },
    ),
    narrowing: sometimes(principalArnCondition(pools.principalArnValues), 30),
    org: sometimes(orgIdCondition, 8),
  }).map(({ sid: s, principal: p, action: a, externalId, narrowing, org }) => {
    const condition = conditionBlock([...externalId, ...(narrowing ? [narrowing] : []), ...(org ? [org] : [])]);
    return { ...(s ? { Sid: s } : {}), Effect: 'Allow' as const, ...p, ...a, ...(condition ? { Condition: condition } : {}) };
  });
}

/**
 * The statement a template writes for the vendor: a principal admitting the vendor role, an action covering
 * sts:AssumeRole, conditions whose values admit the vendor's request, under every operator.
 */
export const vendorStatement: fc.Arbitrary<GeneratedStatement> = allowStatementOf({
  principal: fc.constantFrom<unknown>(
    VENDOR_ROLE_ARN, VENDOR_ROLE_ARN, VENDOR_ROLE_ARN, `arn:aws:iam::${VENDOR_ACCOUNT}:root`, VENDOR_ACCOUNT, '*',
    [VENDOR_ROLE_ARN, `arn:aws:iam::${OTHER_ACCOUNT}:root`],
  ).map((p) => (p === '*' ? { Principal: p } : { Principal: { AWS: p } })),
  action: actionValue.filter((a) => a !== 'sts:AssumeRoleWithSAML' && !(Array.isArray(a) && a[0] === 'sts:TagSession')).map((a) => ({ Action: a })),
  externalIdValues: fc.constantFrom(...EXTERNAL_ID_VALUES, EXTERNAL_ID, EXTERNAL_ID),
  principalArnValues: fc.constantFrom(...VENDOR_ARN_VALUES, VENDOR_ROLE_ARN),
});

/** Any other Allow statement: any principal form (NotPrincipal too), any action, any values. */
export const allowStatement: fc.Arbitrary<GeneratedStatement> = allowStatementOf({
  // NotPrincipal in an Allow grants every principal but the listed ones ("*" there would grant nobody).
  principal: fc.oneof(
    { weight: 12, arbitrary: principal.map((p) => ({ Principal: p })) },
    { weight: 1, arbitrary: awsPrincipalValue.filter((p) => p !== '*').map((p) => ({ NotPrincipal: { AWS: p } })) },
  ),
  action,
  externalIdValues: fc.constantFrom(...EXTERNAL_ID_VALUES, WRONG_EXTERNAL_ID),
  principalArnValues: fc.constantFrom(...VENDOR_ARN_VALUES, ...OTHER_ARN_VALUES),
});

/**
 * A Deny statement of the kinds templates use to fence trust: denying requests without the ExternalId, or from any
 * principal other than the vendor role (by aws:PrincipalArn or NotPrincipal), or a principal outright.
 */
export const denyStatement: fc.Arbitrary<GeneratedStatement> = fc.oneof(
  fc.record({
    key: fc.constantFrom(...EXTERNAL_ID_KEYS),
    operator: fc.constantFrom('StringNotEquals', 'StringNotEqualsIfExists', 'StringNotLike'),
    values: fc.constantFrom<string | readonly string[]>(EXTERNAL_ID, `${EXTERNAL_ID.slice(0, 12)}*`),
  }).map((c) => ({ Effect: 'Deny' as const, Principal: { AWS: '*' }, Action: 'sts:AssumeRole', Condition: conditionBlock([c]) })),
  fc.record({
    key: fc.constantFrom(...PRINCIPAL_ARN_KEYS),
    operator: fc.constantFrom('StringNotEquals', 'ArnNotEquals', 'ArnNotLike', 'StringNotLike'),
    values: fc.constantFrom<string | readonly string[]>(VENDOR_ROLE_ARN, `arn:aws:iam::${VENDOR_ACCOUNT}:role/*`),
  }).map((c) => ({ Effect: 'Deny' as const, Principal: { AWS: '*' }, Action: 'sts:AssumeRole', Condition: conditionBlock([c]) })),
  fc.constantFrom(
    { Effect: 'Deny' as const, NotPrincipal: { AWS: VENDOR_ROLE_ARN }, Action: 'sts:AssumeRole' },
    { Effect: 'Deny' as const, Principal: { AWS: `arn:aws:iam::${VENDOR_ACCOUNT}:user/scanner` }, Action: 'sts:AssumeRole' },
    { Effect: 'Deny' as const, Principal: { AWS: `arn:aws:iam::${OTHER_ACCOUNT}:root` }, Action: '*' },
  ),
);

/** A trust policy: the vendor's statement and up to two others (Allow or Deny), the Statement element an object or a list. */
export const trustPolicy: fc.Arbitrary<GeneratedPolicy> = fc.tuple(
  vendorStatement,
  fc.oneof(
    { weight: 5, arbitrary: fc.constant([]) },
    { weight: 4, arbitrary: fc.oneof({ weight: 3, arbitrary: allowStatement }, { weight: 1, arbitrary: denyStatement }).map((st) => [st]) },
    { weight: 1, arbitrary: fc.tuple(allowStatement, fc.oneof(allowStatement, denyStatement)) },
  ),
  fc.boolean(),
).map(([first, rest, asObject]) => {
  // Sids are unique within a policy (IAM refuses duplicates): a repeated one gets the statement's position.
  const seen = new Set<string>();
  const statements = [first, ...rest].map((st, i) => {
    if (st.Sid === undefined) return st;
    const unique = seen.has(st.Sid) ? `${st.Sid}${i}` : st.Sid;
    seen.add(unique);
    return { ...st, Sid: unique };
  });
  return { Version: '2012-10-17', Statement: asObject && statements.length === 1 ? statements[0] : statements };
});
