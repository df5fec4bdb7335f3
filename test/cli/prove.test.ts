import { cli, cliAsync, fixtureText, sarifValidator, tempDir, writeFiles } from './helpers';
import { TRUST_ATTACKS } from '../../src/prover/types';

const VENDOR_ROLE = 'arn:aws:iam::111122223333:role/VendorDeputy';

async function proveJson(args: string[], options: Parameters<typeof cliAsync>[1] = {}) {
  const r = await cliAsync(['check', '--prove', '--format', 'json', ...args], options);
  return { code: r.code, report: JSON.parse(r.stdout), stderr: r.stderr };
}

describe('check --prove', () => {
  test('adds the proofs beside the findings: the same findings and exit code as without it', async () => {
    const plain = cli(['check', '--format', 'json', 'unsafe-role.json']);
    const proven = await proveJson(['unsafe-role.json']);
    expect(proven.code).toBe(plain.code);
    expect(proven.report.findings).toEqual(JSON.parse(plain.stdout).findings);
    expect(JSON.parse(plain.stdout)).not.toHaveProperty('proofs');
    expect(proven.report.proofs).toEqual([{
      file: 'unsafe-role.json',
      resource: 'AuditRole',
      kind: 'trust',
      verdict: 'attackable',
      attacks: expect.any(Array),
      line: expect.any(Number),
      column: expect.any(Number),
    }]);
    const [proof] = proven.report.proofs;
    expect(proof.attacks.map((a: any) => a.id)).toEqual(TRUST_ATTACKS.map((a) => a.id));
    // The account root without an ExternalId: the vendor role without one may assume it, by the only statement.
    expect(proof.attacks[0]).toEqual({ id: 'vendor-role-without-external-id', decision: 'allowed', statement: 'statement 0' });
  });

  test('a safe role is proven safe; the parameters of its principal are bound to the vendor role of --vendor-role-arn', async () => {
    const { code, report } = await proveJson(['safe-role.yaml', '--vendor-role-arn', VENDOR_ROLE]);
    expect(code).toBe(0);
    expect(report.proofs.map((p: any) => [p.resource, p.verdict])).toEqual([['VendorRole', 'safe']]);
    expect(report.proofs[0].attacks.map((a: any) => a.decision)).toEqual(['denied', 'denied', 'denied', 'denied', 'denied', 'allowed']);
  });

  test('a vendor role the role does not trust cannot use it: unusable', async () => {
    const { report } = await proveJson(['safe-role.yaml', '--vendor-role-arn', 'arn:aws:iam::999988887777:role/Elsewhere']);
    expect(report.proofs.map((p: any) => p.verdict)).toEqual(['unusable']);
  });

  test('each variant of a role is proven on its own, named by its conditions; a StackSet body\'s role carries its finding-id prefix', async () => {
    const dir = tempDir();
    writeFiles(dir, {
      'variants.yaml': `Parameters:
  ExternalId: { Type: String, NoEcho: true, MinLength: 32, AllowedPattern: '[\\w+=,.@:/-]*' }
  Strict: { Type: String }
Conditions:
  IsStrict: !Equals [!Ref Strict, 'yes']
Resources:
  Access:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Principal: { AWS: 'arn:aws:iam::111122223333:role/VendorDeputy' }
            Action: sts:AssumeRole
            Condition: !If [IsStrict, { StringEquals: { sts:ExternalId: !Ref ExternalId } }, !Ref AWS::NoValue]
`,
      'stackset.yaml': fixtureText('stackset.yaml'),
    });
    const { report } = await proveJson(['variants.yaml', 'stackset.yaml'], { cwd: dir });
    const variants = report.proofs.filter((p: any) => p.file === 'variants.yaml');
    expect(variants.map((p: any) => [p.variant, p.verdict])).toEqual([['when condition IsStrict is false', 'attackable'], ['when condition IsStrict is true', 'safe']]);
    const inner = report.proofs.filter((p: any) => p.file === 'stackset.yaml');
    expect(inner.length).toBeGreaterThan(0);
    for (const p of inner) expect(p.findingIdPrefix).toBe(`${p.resource.split('/')[1]}.`);
  });

  test('text: one line per proof, at the resource, saying which requests went other than expected; the summary counts verdicts', async () => {
    const r = await cliAsync(['check', '--prove', 'unsafe-role.json', 'safe-role.yaml', '--vendor-role-arn', VENDOR_ROLE]);
    const lines = r.stdout.split('\n').filter((l) => / proof /.test(l));
    // In the order of the templates read.
    expect(lines).toEqual([
      expect.stringMatching(/^unsafe-role\.json:5:5: proof attackable trust AuditRole: 1 the vendor role, without an ExternalId: allowed by statement 0; 2 /),
      'safe-role.yaml:14:3: proof safe trust VendorRole: every attack denied, the vendor role with the right ExternalId allowed',
    ]);
    expect(r.stdout).toMatch(/2 proofs \(1 attackable, 0 unusable, 0 undecided, 1 safe\)/);
  });

  test('SARIF: a result per proof under its verdict\'s rule (safe as a pass), with the rules described, valid against the schema', async () => {
    const r = await cliAsync(['check', '--prove', '--format', 'sarif', 'unsafe-role.json', 'safe-role.yaml', '--vendor-role-arn', VENDOR_ROLE]);
    const log = JSON.parse(r.stdout);
    expect(sarifValidator()(log)).toEqual([]);
    const run = log.runs[0];
    const proofs = run.results.filter((x: any) => x.ruleId.startsWith('XAT-PROOF-'));
    expect(proofs.map((x: any) => [x.ruleId, x.level, x.kind])).toEqual([
      ['XAT-PROOF-ATTACKABLE', 'error', undefined],
      ['XAT-PROOF-SAFE', 'none', 'pass'],
    ]);
    for (const x of proofs) expect(run.tool.driver.rules[x.ruleIndex].id).toBe(x.ruleId);
    expect(run.tool.driver.rules.map((d: any) => d.id)).toEqual(expect.arrayContaining(['XAT-PROOF-ATTACKABLE', 'XAT-PROOF-UNUSABLE', 'XAT-PROOF-UNDECIDED', 'XAT-PROOF-SAFE']));
    // The findings are those of a run without --prove.
    const plain = JSON.parse(cli(['check', '--format', 'sarif', 'unsafe-role.json', 'safe-role.yaml']).stdout).runs[0].results;
    expect(run.results.filter((x: any) => !x.ruleId.startsWith('XAT-PROOF-'))).toEqual(plain);
  });

  test('a principal given whole by a parameter is undecided, the reason naming the parameter', async () => {
    const dir = tempDir();
    writeFiles(dir, {
      'whole.yaml': `Parameters:
  Trusted: { Type: String }
Resources:
  Access:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement:
          - { Effect: Allow, Principal: { AWS: !Ref Trusted }, Action: sts:AssumeRole, Condition: { StringEquals: { sts:ExternalId: 'fixed-external-id-0123456789abcdef' } } }
`,
    });
    const { report } = await proveJson(['whole.yaml'], { cwd: dir });
    expect(report.proofs.map((p: any) => p.verdict)).toEqual(['undecided']);
    expect(report.proofs[0].attacks.find((a: any) => a.decision === 'undecided').reason).toMatch(/parameter Trusted/);
  });

  test('--vendor-role-arn needs --prove, and a role ARN', () => {
    const without = cli(['check', 'safe-role.yaml', '--vendor-role-arn', VENDOR_ROLE]);
    expect(without.code).toBe(2);
    expect(without.stderr).toMatch(/--vendor-role-arn names the vendor role that proofs try; expected --prove with it/);
    const bad = cli(['check', '--prove', 'safe-role.yaml', '--vendor-role-arn', 'arn:aws:iam::111122223333:root']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/expected the ARN of an IAM role .*received "arn:aws:iam::111122223333:root"/);
  });

  test('the config file may ask for proofs', async () => {
    const dir = tempDir();
    writeFiles(dir, { '.cross-account-trust.yaml': `prove: true\nvendor-role-arn: ${VENDOR_ROLE}\n`, 't.yaml': fixtureText('safe-role.yaml') });
    const r = await cliAsync(['check', '--format', 'json', 't.yaml'], { cwd: dir });
    expect(JSON.parse(r.stdout).proofs.map((p: any) => p.verdict)).toEqual(['safe']);
  });

  test('a deputy role allowed to assume any role of any account is attackable', async () => {
    const dir = tempDir();
    writeFiles(dir, {
      'deputy.yaml': `Resources:
  Deputy:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement: [{ Effect: Allow, Principal: { Service: lambda.amazonaws.com }, Action: sts:AssumeRole }]
      Policies:
        - PolicyName: Assume
          PolicyDocument:
            Version: '2012-10-17'
            Statement: [{ Effect: Allow, Action: sts:AssumeRole, Resource: '*' }]
`,
    });
    const { report } = await proveJson(['deputy.yaml', '--account', '111122223333'], { cwd: dir });
    expect(report.proofs.map((p: any) => [p.resource, p.kind, p.verdict])).toEqual([['Deputy', 'deputy', 'attackable']]);
  });
});
