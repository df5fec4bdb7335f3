import { parseTemplate } from '../../src/template/parse';
import { SHORT_FORMS } from '../../src/template/tags';

function value(yamlValue: string): unknown {
  return (parseTemplate(`Value: ${yamlValue}\n`).template as { Value: unknown }).Value;
}

/** Every short form in each node kind it is written with: [short form, YAML, long form]. */
const CASES: Array<[string, string, unknown]> = [
  ['Ref', '!Ref ExternalId', { Ref: 'ExternalId' }],
  ['Sub', '!Sub arn:${AWS::Partition}:iam::${Vendor}:root', { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${Vendor}:root' }],
  ['Sub', '!Sub ["arn:aws:iam::${A}:root", { A: !Ref Vendor }]', { 'Fn::Sub': ['arn:aws:iam::${A}:root', { A: { Ref: 'Vendor' } }] }],
  ['GetAtt', '!GetAtt Role.Arn', { 'Fn::GetAtt': ['Role', 'Arn'] }],
  ['GetAtt', '!GetAtt Db.Endpoint.Address', { 'Fn::GetAtt': ['Db', 'Endpoint.Address'] }],
  ['GetAtt', '!GetAtt [Role, Arn]', { 'Fn::GetAtt': ['Role', 'Arn'] }],
  ['If', '!If [IsProd, !Ref A, !Ref AWS::NoValue]', { 'Fn::If': ['IsProd', { Ref: 'A' }, { Ref: 'AWS::NoValue' }] }],
  ['Join', '!Join [":", [arn, aws, iam]]', { 'Fn::Join': [':', ['arn', 'aws', 'iam']] }],
  ['Select', '!Select [1, !Split [",", "a,b"]]', { 'Fn::Select': [1, { 'Fn::Split': [',', 'a,b'] }] }],
  ['Split', '!Split ["/", !Ref AWS::StackId]', { 'Fn::Split': ['/', { Ref: 'AWS::StackId' }] }],
  ['FindInMap', '!FindInMap [Accounts, !Ref AWS::Region, Vendor]', { 'Fn::FindInMap': ['Accounts', { Ref: 'AWS::Region' }, 'Vendor'] }],
  ['Base64', '!Base64 text', { 'Fn::Base64': 'text' }],
  ['Base64', '!Base64 { Ref: Org }', { 'Fn::Base64': { Ref: 'Org' } }],
  ['Equals', '!Equals [!Ref Env, prod]', { 'Fn::Equals': [{ Ref: 'Env' }, 'prod'] }],
  ['Not', '!Not [!Condition IsProd]', { 'Fn::Not': [{ Condition: 'IsProd' }] }],
  ['And', '!And [!Condition A, !Condition B]', { 'Fn::And': [{ Condition: 'A' }, { Condition: 'B' }] }],
  ['Or', '!Or [!Condition A, !Equals [x, y]]', { 'Fn::Or': [{ Condition: 'A' }, { 'Fn::Equals': ['x', 'y'] }] }],
  ['Condition', '!Condition IsProd', { Condition: 'IsProd' }],
  ['ImportValue', '!ImportValue shared-vendor-role', { 'Fn::ImportValue': 'shared-vendor-role' }],
  ['ImportValue', '!ImportValue { "Fn::Sub": "${Env}-role" }', { 'Fn::ImportValue': { 'Fn::Sub': '${Env}-role' } }],
  ['Cidr', '!Cidr [10.0.0.0/16, 4, 8]', { 'Fn::Cidr': ['10.0.0.0/16', 4, 8] }],
  ['GetAZs', '!GetAZs ""', { 'Fn::GetAZs': '' }],
  ['GetAZs', '!GetAZs { Ref: AWS::Region }', { 'Fn::GetAZs': { Ref: 'AWS::Region' } }],
  ['Transform', '!Transform { Name: AWS::Include, Parameters: { Location: s3://b/k } }', { 'Fn::Transform': { Name: 'AWS::Include', Parameters: { Location: 's3://b/k' } } }],
  ['Contains', '!Contains [[a, b], !Ref Env]', { 'Fn::Contains': [['a', 'b'], { Ref: 'Env' }] }],
  ['EachMemberEquals', '!EachMemberEquals [!RefAll AWS::EC2::VPC::Id, vpc-1]', { 'Fn::EachMemberEquals': [{ 'Fn::RefAll': 'AWS::EC2::VPC::Id' }, 'vpc-1'] }],
  ['EachMemberIn', '!EachMemberIn [!ValueOfAll [AWS::EC2::Subnet::Id, VpcId], [vpc-1]]',
    { 'Fn::EachMemberIn': [{ 'Fn::ValueOfAll': ['AWS::EC2::Subnet::Id', 'VpcId'] }, ['vpc-1']] }],
  ['RefAll', '!RefAll AWS::EC2::VPC::Id', { 'Fn::RefAll': 'AWS::EC2::VPC::Id' }],
  ['ValueOf', '!ValueOf [SubnetParam, VpcId]', { 'Fn::ValueOf': ['SubnetParam', 'VpcId'] }],
  ['ValueOfAll', '!ValueOfAll [AWS::EC2::Subnet::Id, VpcId]', { 'Fn::ValueOfAll': ['AWS::EC2::Subnet::Id', 'VpcId'] }],
];

describe('CloudFormation short-form tags', () => {
  test.each(CASES)('!%s: %s', (_name, yamlValue, longForm) => {
    expect(value(yamlValue)).toEqual(longForm);
  });

  test('the table covers every supported short form', () => {
    expect(new Set(CASES.map(([name]) => name))).toEqual(new Set(Object.keys(SHORT_FORMS)));
  });

  test.each(Object.entries(SHORT_FORMS))('!%s works on a scalar, a sequence and a mapping (long form %s)', (short, long) => {
    const t = parseTemplate(`S: !${short} x\nQ: !${short} [x, y]\nM: !${short} { k: v }\n`).template as Record<string, unknown>;
    expect(t.S).toEqual({ [long]: short === 'GetAtt' ? ['x'] : 'x' });
    expect(t.Q).toEqual({ [long]: ['x', 'y'] });
    expect(t.M).toEqual({ [long]: { k: 'v' } });
  });

  test('block forms, as real templates write them', () => {
    const t = parseTemplate([
      'Principal:',
      '  AWS: !Join',
      '    - ""',
      '    - - "arn:aws:iam::"',
      '      - !FindInMap',
      '        - Accounts',
      '        - !Ref "AWS::Region"',
      '        - Vendor',
      '      - ":role/deputy"',
      'Id: !Sub |',
      '  ${AWS::StackName}-id',
    ].join('\n')).template;
    expect(t).toEqual({
      Principal: { AWS: { 'Fn::Join': ['', ['arn:aws:iam::', { 'Fn::FindInMap': ['Accounts', { Ref: 'AWS::Region' }, 'Vendor'] }, ':role/deputy']] } },
      Id: { 'Fn::Sub': '${AWS::StackName}-id\n' },
    });
  });

  test('standard YAML tags still work next to the CloudFormation ones', () => {
    expect(value('!!str 012345678901')).toBe('012345678901');
  });
});
