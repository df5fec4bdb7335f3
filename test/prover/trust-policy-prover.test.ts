import * as fc from 'fast-check';
import { InvalidProofInputError, TrustPolicyProver } from '../../src/prover/trust-policy-prover';
import { AttackResult, DEPUTY_ATTACKS, TRUST_ATTACKS, TrustProofInput } from '../../src/prover/types';

// The prover on the real evaluator (@cloud-copilot/iam-simulate, a dev dependency here), over hand-written policies.
const VENDOR = '111122223333';
const CUSTOMER = '444455556666';
const ROLE_ARN = `arn:aws:iam::${CUSTOMER}:role/VendorAccess`;
const VENDOR_ROLE = `arn:aws:iam::${VENDOR}:role/Deputy`;
const EXTERNAL_ID = 'kX9-vQ2_mZ7.pL4@rT8';

const prover = new TrustPolicyProver();

const policy = (...statements: unknown[]) => ({ Version: '2012-10-17', Statement: statements });
const allow = (principal: unknown, condition?: unknown, extra: Record<string, unknown> = {}) =>
  ({ Effect: 'Allow', Principal: principal, Action: 'sts:AssumeRole', ...(condition ? { Condition: condition } : {}), ...extra });
const withExternalId = (operator = 'StringEquals', value: unknown = EXTERNAL_ID) => ({ [operator]: { 'sts:ExternalId': value } });

function proveTrust(p: unknown, input: Partial<TrustProofInput> = {}) {
  return prover.proveTrust({ policy: p, roleArn: ROLE_ARN, vendorRoleArn: VENDOR_ROLE, ...input });
}

/** The decisions by attack number (1-6). */
function decisions(attacks: readonly AttackResult[]): Record<number, string> {
  return Object.fromEntries(attacks.map((a, i) => [i + 1, a.decision]));
}

const SAFE = policy(allow({ AWS: VENDOR_ROLE }, withExternalId(), { Sid: 'VendorTrust' }));

describe('trust proofs', () => {
  test('the hardened trust (the vendor role, StringEquals on the ExternalId) is safe: 1-5 denied, 6 allowed by its statement', async () => {
    const proof = await proveTrust(SAFE);
    expect(proof).toEqual({
      kind: 'trust',
      verdict: 'safe',
      attacks: TRUST_ATTACKS.map((a) => (a.number === 6
        ? { id: a.id, decision: 'allowed', statement: 'statement "VendorTrust"' }
        : { id: a.id, decision: 'denied' })),
    });
  });

  test('the account root narrowed by aws:PrincipalArn to the vendor role is safe too', async () => {
    const proof = await proveTrust(policy(allow({ AWS: `arn:aws:iam::${VENDOR}:root` },
      { ...withExternalId(), ArnEquals: { 'aws:PrincipalArn': VENDOR_ROLE } })));
    expect(proof.verdict).toBe('safe');
  });

  test('1: no ExternalId condition lets the vendor role in without one, named by its statement', async () => {
    const proof = await proveTrust(policy(allow({ AWS: VENDOR_ROLE })));
    expect(proof.verdict).toBe('attackable');
    expect(proof.attacks[0]).toEqual({ id: 'vendor-role-without-external-id', decision: 'allowed', statement: 'statement 0' });
    expect(decisions(proof.attacks)).toEqual({ 1: 'allowed', 2: 'allowed', 3: 'denied', 4: 'denied', 5: 'denied', 6: 'allowed' });
  });

  test.each([
    ['StringEqualsIfExists', { 1: 'allowed', 2: 'denied' }],
    ['ForAllValues:StringEquals', { 1: 'allowed', 2: 'denied' }],
    ['StringNotEquals', { 1: 'allowed', 2: 'allowed' }],
  ])('1/2: %s on sts:ExternalId is bypassed', async (operator, expected) => {
    const proof = await proveTrust(policy(allow({ AWS: VENDOR_ROLE }, withExternalId(operator, operator === 'StringNotEquals' ? 'something-else' : EXTERNAL_ID))),
      { externalId: EXTERNAL_ID });
    expect(proof.verdict).toBe('attackable');
    expect(decisions(proof.attacks)).toMatchObject(expected);
  });

  test('2: a StringLike wildcard lets a wrong ExternalId in (the right one extended); a bare Null check lets any in', async () => {
    const like = await proveTrust(policy(allow({ AWS: VENDOR_ROLE }, withExternalId('StringLike', `${EXTERNAL_ID}*`))), { externalId: EXTERNAL_ID });
    expect(decisions(like.attacks)).toEqual({ 1: 'denied', 2: 'allowed', 3: 'denied', 4: 'denied', 5: 'denied', 6: 'allowed' });
    const nullCheck = await proveTrust(policy(allow({ AWS: VENDOR_ROLE }, { Null: { 'sts:ExternalId': 'false' } })), { externalId: EXTERNAL_ID });
    expect(decisions(nullCheck.attacks)).toMatchObject({ 1: 'denied', 2: 'allowed', 6: 'allowed' });
  });

  test('2: a StringLike without wildcards is as strict as StringEquals; a shortened ExternalId is tried too', async () => {
    expect((await proveTrust(policy(allow({ AWS: VENDOR_ROLE }, withExternalId('StringLike'))), { externalId: EXTERNAL_ID })).verdict).toBe('safe');
    const prefix = await proveTrust(policy(allow({ AWS: VENDOR_ROLE }, withExternalId('StringLike', `${EXTERNAL_ID.slice(0, -1)}*`))), { externalId: EXTERNAL_ID });
    expect(prefix.attacks[1].decision).toBe('allowed');
  });

  test('3 and 4: trusting the vendor account root lets its other roles and its users in, not a third account', async () => {
    const proof = await proveTrust(policy(allow({ AWS: `arn:aws:iam::${VENDOR}:root` }, withExternalId())));
    expect(decisions(proof.attacks)).toEqual({ 1: 'denied', 2: 'denied', 3: 'allowed', 4: 'allowed', 5: 'denied', 6: 'allowed' });
    expect(proof.attacks[2].statement).toBe('statement 0');
  });

  test('3 and 4: a bare account id is the account root', async () => {
    const proof = await proveTrust(policy(allow({ AWS: VENDOR }, withExternalId())));
    expect(decisions(proof.attacks)).toMatchObject({ 3: 'allowed', 4: 'allowed', 5: 'denied' });
  });

  test.each([
    ['the name extended at the end', `arn:aws:iam::${VENDOR}:role/Deputy*`],
    ['the name extended at the start', `arn:aws:iam::${VENDOR}:role/*Deputy`],
    ['one character changed', `arn:aws:iam::${VENDOR}:role/Dep?ty`],
    ['a name sharing nothing', `arn:aws:iam::${VENDOR}:role/*`],
    ['another path', `arn:aws:iam::${VENDOR}:role/*/*`],
  ])('3: aws:PrincipalArn narrowed with a wildcard lets another role in (%s); users stay out', async (_, pattern) => {
    const narrowed = policy(allow({ AWS: `arn:aws:iam::${VENDOR}:root` }, { ...withExternalId(), StringLike: { 'aws:PrincipalArn': pattern } }));
    const proof = await proveTrust(narrowed);
    expect(decisions(proof.attacks)).toEqual({ 1: 'denied', 2: 'denied', 3: 'allowed', 4: 'denied', 5: 'denied', 6: pattern.endsWith('/*/*') ? 'denied' : 'allowed' });
  });

  test('4: an IAM user of the vendor\'s account named like the vendor role is tried', async () => {
    const proof = await proveTrust(policy(allow({ AWS: `arn:aws:iam::${VENDOR}:user/Deputy` }, withExternalId())));
    expect(decisions(proof.attacks)).toEqual({ 1: 'denied', 2: 'denied', 3: 'denied', 4: 'allowed', 5: 'denied', 6: 'denied' });
    expect(proof.verdict).toBe('attackable');
  });

  test('5: Principal * with the ExternalId lets a third account in; aws:PrincipalAccount narrowing keeps it out', async () => {
    const open = await proveTrust(policy(allow('*', withExternalId())));
    expect(decisions(open.attacks)).toEqual({ 1: 'denied', 2: 'denied', 3: 'allowed', 4: 'allowed', 5: 'allowed', 6: 'allowed' });
    const byAccount = await proveTrust(policy(allow({ AWS: '*' }, { ...withExternalId(), StringEquals: { 'sts:ExternalId': EXTERNAL_ID, 'aws:PrincipalArn': VENDOR_ROLE } })));
    expect(byAccount.verdict).toBe('safe');
  });

  test('5: aws:PrincipalOrgID keeps a third account (an organization of its own) out; for the vendor\'s account it is undecided', async () => {
    const proof = await proveTrust(policy(allow('*', { StringEquals: { 'sts:ExternalId': EXTERNAL_ID, 'aws:PrincipalOrgID': 'o-vendor0org' } })));
    expect(proof.attacks[4].decision).toBe('denied');
    expect(proof.attacks[2]).toMatchObject({ decision: 'undecided', statement: 'statement 0', reason: expect.stringContaining('aws:PrincipalOrgID (o-vendor0org)') });
    expect(proof.verdict).toBe('undecided');
  });

  test('6: trusting another vendor role makes the role unusable; so does an ExternalId STS never sends', async () => {
    const other = await proveTrust(policy(allow({ AWS: `arn:aws:iam::${VENDOR}:role/Other` }, withExternalId())));
    expect(other.verdict).toBe('unusable');
    expect(decisions(other.attacks)[6]).toBe('denied');
    const unsendable = await proveTrust(policy(allow({ AWS: VENDOR_ROLE }, withExternalId('StringEquals', 'has a space'))));
    expect(unsendable.verdict).toBe('unusable');
  });

  test('a Deny statement that decides is named; an explicit deny of the intended request makes the role unusable', async () => {
    const proof = await proveTrust(policy(
      allow({ AWS: VENDOR_ROLE }),
      { Sid: 'RequireExternalId', Effect: 'Deny', Principal: '*', Action: 'sts:AssumeRole', Condition: { StringNotEquals: { 'sts:ExternalId': EXTERNAL_ID } } },
    ), { externalId: EXTERNAL_ID });
    expect(proof.attacks[0]).toEqual({ id: 'vendor-role-without-external-id', decision: 'denied', statement: 'statement "RequireExternalId"' });
    expect(proof.verdict).toBe('safe');
    const denied = await proveTrust(policy(allow({ AWS: VENDOR_ROLE }, withExternalId()), { Effect: 'Deny', Principal: '*', Action: 'sts:*' }));
    expect(denied.verdict).toBe('unusable');
    expect(denied.attacks[5]).toMatchObject({ decision: 'denied', statement: 'statement 1' });
  });

  test('the default ExternalId is the first plain StringEquals value of an Allow statement, in any case of the key', async () => {
    const proof = await proveTrust(policy(allow({ AWS: VENDOR_ROLE }, { StringEquals: { 'STS:externalid': [EXTERNAL_ID, 'second-one'] } })));
    expect(proof.verdict).toBe('safe');
  });

  test('a number as the StringEquals value (a YAML integer) is the right ExternalId as its digits', async () => {
    const proof = await proveTrust(policy(allow({ AWS: VENDOR_ROLE }, withExternalId('StringEquals', 12345678))));
    expect(proof.verdict).toBe('safe');
  });

  test('without a plain StringEquals the right ExternalId is a value no policy names, so a wildcard pattern leaves the role unusable', async () => {
    const proof = await proveTrust(policy(allow({ AWS: VENDOR_ROLE }, withExternalId('StringLike', 'abc*'))));
    expect(proof.verdict).toBe('unusable');
  });

  test('a single Statement object and NotAction are evaluated as IAM does', async () => {
    const single = await proveTrust({ Version: '2012-10-17', Statement: { Effect: 'Allow', Principal: { AWS: VENDOR_ROLE }, NotAction: 's3:*', Condition: withExternalId() } });
    expect(single.verdict).toBe('safe');
    const notAssume = await proveTrust({ Version: '2012-10-17', Statement: { Effect: 'Allow', Principal: { AWS: VENDOR_ROLE }, NotAction: 'sts:AssumeRole', Condition: withExternalId() } });
    expect(notAssume.verdict).toBe('unusable');
  });

  test('attackable wins over undecided and unusable', async () => {
    const proof = await proveTrust(policy(
      allow({ AWS: `arn:aws:iam::${VENDOR}:user/Deputy` }, withExternalId()),
      allow({ AWS: VENDOR_ROLE }, { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } }),
    ));
    expect(decisions(proof.attacks)).toMatchObject({ 1: 'undecided', 4: 'allowed', 6: 'undecided' });
    expect(proof.verdict).toBe('attackable');
  });

  test('unusable wins over undecided', async () => {
    // DeputyX is one of attack 3's roles (the vendor role's name extended).
    const proof = await proveTrust(policy(allow({ AWS: `arn:aws:iam::${VENDOR}:role/DeputyX` }, { StringEquals: { 'sts:ExternalId': EXTERNAL_ID, 'aws:PrincipalTag/team': 'x' } })));
    expect(decisions(proof.attacks)).toMatchObject({ 3: 'undecided', 6: 'denied' });
    expect(proof.verdict).toBe('unusable');
  });
});

describe('undecided trust proofs name what could not be decided', () => {
  test('a condition on a key the prover does not set (aws:SourceIp) is undecided naming the key and the statement', async () => {
    const proof = await proveTrust(policy(allow({ AWS: VENDOR_ROLE }, { ...withExternalId(), IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } }, { Sid: 'FromOffice' })));
    expect(proof.verdict).toBe('undecided');
    expect(proof.attacks[5]).toEqual({
      id: 'vendor-role-right-external-id',
      decision: 'undecided',
      statement: 'statement "FromOffice"',
      reason: 'the condition IpAddress on aws:SourceIp (203.0.113.0/24) depends on a value the prover does not know',
    });
    // Without the ExternalId the statement cannot match whatever the source address: decided.
    expect(proof.attacks[0].decision).toBe('denied');
  });

  test('aws:SecureTransport is known: STS requests are made over TLS, so a Bool true condition holds and false never does', async () => {
    const over = await proveTrust(policy(allow({ AWS: VENDOR_ROLE }, { Bool: { 'aws:SecureTransport': 'true' } })));
    expect(decisions(over.attacks)).toEqual({ 1: 'allowed', 2: 'allowed', 3: 'denied', 4: 'denied', 5: 'denied', 6: 'allowed' });
    const plain = await proveTrust(policy(allow({ AWS: VENDOR_ROLE }, { ...withExternalId(), Bool: { 'aws:SecureTransport': 'false' } })));
    expect(plain.verdict).toBe('unusable');
  });

  test('a Deny on an unknown key leaves an otherwise allowed request undecided', async () => {
    const proof = await proveTrust(policy(SAFE.Statement[0], { Sid: 'Guard', Effect: 'Deny', Principal: '*', Action: '*', Condition: { StringNotEquals: { 'foo:bar': 'x' } } }));
    expect(proof.attacks[5]).toMatchObject({ decision: 'undecided', statement: 'statement "Guard"', reason: expect.stringContaining('of a Deny StringEquals on foo:bar (x)') });
    expect(proof.verdict).toBe('undecided');
  });

  test('a placeholder in the principal is undecided naming its description, never evaluated as the placeholder text', async () => {
    const placeholder = '{{xat:unresolved:TrustedRoleArn}}';
    const proof = await proveTrust(policy(allow({ AWS: placeholder }, withExternalId())),
      { unresolved: [{ placeholder, description: 'parameter TrustedRoleArn' }] });
    expect(decisions(proof.attacks)).toEqual({ 1: 'denied', 2: 'denied', 3: 'undecided', 4: 'undecided', 5: 'undecided', 6: 'undecided' });
    expect(proof.attacks[4]).toMatchObject({ statement: 'statement 0', reason: 'parameter TrustedRoleArn is not known before deployment' });
    expect(proof.verdict).toBe('undecided');
  });

  test('a placeholder in a condition value or the action is undecided too, and other statements stay decided', async () => {
    const placeholder = 'XAT_UNRESOLVED_1';
    const proof = await proveTrust(policy(
      allow({ AWS: VENDOR_ROLE }, withExternalId('StringEquals', placeholder), { Sid: 'ByParameter' }),
      { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${VENDOR}:root` }, Action: `sts:${placeholder}` },
    ), { externalId: EXTERNAL_ID, unresolved: [{ placeholder, description: 'the Arn of custom resource Lookup' }] });
    expect(proof.attacks.map((a) => a.decision)).toEqual(['undecided', 'undecided', 'undecided', 'undecided', 'denied', 'undecided']);
    expect(proof.attacks[0].reason).toBe('the Arn of custom resource Lookup is not known before deployment');
    expect(proof.attacks[5].statement).toBe('statement "ByParameter"');
  });

  test('a policy without Statement is refused at its root, named as the trust policy', async () => {
    const proof = await proveTrust({ Version: '2012-10-17' });
    expect(proof.attacks[0]).toMatchObject({ decision: 'undecided', reason: 'the IAM policy evaluator refused the policy: trust policy: Statement is required' });
  });

  test('a principal naming an assumed-role session depends on the session name, which the prover does not know', async () => {
    const proof = await proveTrust(policy(allow({ AWS: `arn:aws:sts::${VENDOR}:assumed-role/Deputy/nightly` }, withExternalId())));
    expect(proof.attacks[5]).toMatchObject({ decision: 'undecided', reason: 'the role session name (sts:RoleSessionName), which the prover does not know, must be one of nightly' });
  });

  test('a policy the evaluator\'s validator refuses is undecided with the validator\'s message, never safe', async () => {
    const proof = await proveTrust(policy(allow({ AWS: VENDOR_ROLE }, { StringEquals: 'sts:ExternalId' })));
    expect(proof.verdict).toBe('undecided');
    for (const attack of proof.attacks) {
      expect(attack).toMatchObject({ decision: 'undecided', reason: 'the IAM policy evaluator refused the policy: trust policy Statement[0].Condition.StringEquals: Found data type string allowed type(s) are object' });
    }
  });
});

describe('trust proofs over generated names and ExternalIds', () => {
  const roleName = fc.stringMatching(/^[\w+=,.@-]{1,64}$/);
  const externalId = fc.stringMatching(/^[\w+=,.@:/-]{2,64}$/);

  test('the hardened trust is safe and the account root is attackable by 3 and 4, whatever the names', async () => {
    await fc.assert(fc.asyncProperty(roleName, roleName, externalId, async (vendorName, roleNameValue, id) => {
      const vendorRoleArn = `arn:aws:iam::${VENDOR}:role/${vendorName}`;
      const roleArn = `arn:aws:iam::${CUSTOMER}:role/${roleNameValue}`;
      const safe = await prover.proveTrust({ policy: policy(allow({ AWS: vendorRoleArn }, withExternalId('StringEquals', id))), roleArn, vendorRoleArn });
      expect(safe.verdict).toBe('safe');
      const root = await prover.proveTrust({ policy: policy(allow({ AWS: `arn:aws:iam::${VENDOR}:root` }, withExternalId('StringEquals', id))), roleArn, vendorRoleArn });
      expect(decisions(root.attacks)).toEqual({ 1: 'denied', 2: 'denied', 3: 'allowed', 4: 'allowed', 5: 'denied', 6: 'allowed' });
    }), { numRuns: 40 });
  });
});

describe('bad trust proof input', () => {
  test.each<[string, Partial<TrustProofInput>, RegExp]>([
    ['roleArn', { roleArn: 'VendorAccess' }, /^proveTrust: roleArn: invalid role ARN "VendorAccess": expected arn:<partition>:iam::<12-digit account>:role\/<path\/><name>/],
    ['roleArn', { roleArn: `arn:aws:iam::${CUSTOMER}:user/VendorAccess` }, /roleArn: invalid role ARN "arn:aws:iam::444455556666:user\/VendorAccess"/],
    ['vendorRoleArn', { vendorRoleArn: 'arn:aws:iam::1111:role/Deputy' }, /vendorRoleArn: invalid role ARN "arn:aws:iam::1111:role\/Deputy"/],
    ['vendorRoleArn', { vendorRoleArn: `arn:aws:iam::${CUSTOMER}:role/Deputy` }, /invalid vendorRoleArn "arn:aws:iam::444455556666:role\/Deputy": expected a role of another account than the role proven \(444455556666\)/],
    ['externalId', { externalId: 'a' }, /externalId: invalid ExternalId "a": expected what STS sends, 2 to 1224 characters/],
    ['policy', { policy: '{"Statement":[]}' }, /policy: invalid policy "\{\\"Statement\\":\[\]\}": expected an IAM policy document as a JSON object/],
    ['policy', { policy: [] }, /invalid policy \[\]: expected an IAM policy document/],
    ['unresolved', { unresolved: [{ placeholder: 'P', description: 'a' }, { placeholder: 'P', description: 'b' }] }, /unresolved\[1\]: invalid placeholder "P": expected each placeholder once/],
    ['unresolved', { unresolved: [{ placeholder: '', description: 'a' }] }, /unresolved\[0\]: invalid value \{"placeholder":"","description":"a"\}: expected \{ placeholder, description \}, both non-empty strings/],
  ])('%s', async (_, input, message) => {
    const run = proveTrust(SAFE, input);
    await expect(run).rejects.toThrow(InvalidProofInputError);
    await expect(proveTrust(SAFE, input)).rejects.toThrow(message);
  });
});

describe('deputy proofs', () => {
  const DEPUTY = `arn:aws:iam::${VENDOR}:role/Deputy`;
  const proveDeputy = (...statements: unknown[]) =>
    prover.proveDeputy({ deputyRoleArn: DEPUTY, customerRoleName: 'VendorAccess', policies: [{ name: 'inline policy "AssumeCustomerRoles"', policy: policy(...statements) }] });
  const assume = (resource: unknown, extra: Record<string, unknown> = {}) => ({ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: resource, ...extra });
  const byNumber = (attacks: readonly AttackResult[]) => Object.fromEntries(attacks.map((a, i) => [i + 1, a.decision]));

  test('sts:AssumeRole on * is attackable: the vendor\'s own roles (the own-account takeover) and any third account', async () => {
    const proof = await proveDeputy(assume('*'));
    expect(proof.kind).toBe('deputy');
    expect(proof.attacks.map((a) => a.id)).toEqual(DEPUTY_ATTACKS.map((a) => a.id));
    expect(byNumber(proof.attacks)).toEqual({ 1: 'allowed', 2: 'allowed', 3: 'allowed', 4: 'allowed' });
    expect(proof.attacks[1].statement).toBe('inline policy "AssumeCustomerRoles" statement 0');
    expect(proof.verdict).toBe('attackable');
  });

  test('arn:aws:iam::*:role/<customer role name> is attackable: the same-named role in the vendor\'s own account', async () => {
    const proof = await proveDeputy(assume('arn:aws:iam::*:role/VendorAccess', { Sid: 'CustomerRoles' }));
    expect(byNumber(proof.attacks)).toEqual({ 1: 'allowed', 2: 'allowed', 3: 'denied', 4: 'denied' });
    expect(proof.attacks[1].statement).toBe('inline policy "AssumeCustomerRoles" statement "CustomerRoles"');
    expect(proof.verdict).toBe('attackable');
  });

  test('confined by a Deny when aws:ResourceAccount is the deputy\'s own account, it is safe; the Deny is named', async () => {
    const proof = await proveDeputy(
      assume('arn:aws:iam::*:role/VendorAccess'),
      { Sid: 'DenyOwnAccount', Effect: 'Deny', Action: 'sts:AssumeRole', Resource: '*', Condition: { StringEquals: { 'aws:ResourceAccount': '${aws:PrincipalAccount}' } } },
    );
    expect(byNumber(proof.attacks)).toEqual({ 1: 'allowed', 2: 'denied', 3: 'denied', 4: 'denied' });
    expect(proof.attacks[1].statement).toBe('inline policy "AssumeCustomerRoles" statement "DenyOwnAccount"');
    expect(proof.verdict).toBe('safe');
  });

  test('confined by StringNotEquals aws:ResourceAccount on its own account, it is safe', async () => {
    const proof = await proveDeputy(assume('arn:aws:iam::*:role/VendorAccess', { Condition: { StringNotEquals: { 'aws:ResourceAccount': VENDOR } } }));
    expect(proof.verdict).toBe('safe');
  });

  test('even confined, * reaches arbitrary roles of third accounts', async () => {
    const proof = await proveDeputy(assume('*', { Condition: { StringNotEquals: { 'aws:ResourceAccount': VENDOR } } }));
    expect(byNumber(proof.attacks)).toEqual({ 1: 'allowed', 2: 'denied', 3: 'denied', 4: 'allowed' });
    expect(proof.verdict).toBe('attackable');
  });

  test('a policy that does not reach the customer role name is unusable', async () => {
    const proof = await proveDeputy(assume('arn:aws:iam::*:role/SomethingElse'));
    expect(proof.verdict).toBe('unusable');
  });

  test('a customer role name with a path is matched with its path', async () => {
    const proof = await prover.proveDeputy({
      deputyRoleArn: DEPUTY,
      customerRoleName: 'vendor/VendorAccess',
      policies: [{ name: 'managed policy "Assume"', policy: policy(assume('arn:aws:iam::*:role/vendor/VendorAccess', { Condition: { StringNotEquals: { 'aws:ResourceAccount': VENDOR } } })) }],
    });
    expect(proof.verdict).toBe('safe');
  });

  test('several policies: the one that decides is named', async () => {
    const proof = await prover.proveDeputy({
      deputyRoleArn: DEPUTY,
      customerRoleName: 'VendorAccess',
      policies: [
        { name: 'inline policy "Logs"', policy: policy({ Effect: 'Allow', Action: 'logs:*', Resource: '*' }) },
        { name: 'managed policy "Broad"', policy: policy(assume('*')) },
      ],
    });
    expect(proof.attacks[2].statement).toBe('managed policy "Broad" statement 0');
  });

  test('a placeholder in the Resource is undecided naming it', async () => {
    const placeholder = '{{xat:CustomerRoleArn}}';
    const proof = await prover.proveDeputy({
      deputyRoleArn: DEPUTY,
      customerRoleName: 'VendorAccess',
      policies: [{ name: 'inline policy "P"', policy: policy(assume(placeholder)) }],
      unresolved: [{ placeholder, description: 'parameter CustomerRoleArn' }],
    });
    expect(proof.verdict).toBe('undecided');
    expect(proof.attacks[1]).toMatchObject({ decision: 'undecided', reason: 'parameter CustomerRoleArn is not known before deployment', statement: 'inline policy "P" statement 0' });
  });

  test('a refused identity policy is undecided naming the policy', async () => {
    const proof = await proveDeputy({ Effect: 'Allow', Action: 'sts:AssumeRole' });
    expect(proof.verdict).toBe('undecided');
    expect(proof.attacks[0].reason).toMatch(/^the IAM policy evaluator refused the policy: inline policy "AssumeCustomerRoles" Statement\[0\]/);
  });

  test.each<[string, Record<string, unknown>, RegExp]>([
    ['deputyRoleArn', { deputyRoleArn: 'Deputy' }, /^proveDeputy: deputyRoleArn: invalid role ARN "Deputy"/],
    ['customerRoleName', { customerRoleName: 'role/Vendor Access' }, /customerRoleName: invalid role name "role\/Vendor Access": expected a role name \(with its path, without role\/\)/],
    ['policies', { policies: {} }, /proveDeputy: invalid policies \{\}: expected an array of \{ name, policy \}/],
    ['policies', { policies: [{ name: 'a', policy: {} }, { name: 'a', policy: {} }] }, /policies\[1\].name "a": expected each policy name once/],
    ['policies', { policies: ['a'] }, /policies\[0\] "a": expected \{ name, policy \} with a non-empty name/],
    ['policies', { policies: [{ name: 'a', policy: null }] }, /policies\[0\] \(a\) policy: invalid policy null/],
  ])('bad input: %s', async (_, input, message) => {
    await expect(prover.proveDeputy({ deputyRoleArn: DEPUTY, customerRoleName: 'VendorAccess', policies: [], ...input } as any)).rejects.toThrow(message);
  });
});
