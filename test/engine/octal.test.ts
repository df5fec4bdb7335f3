import * as fc from 'fast-check';
import { check } from '../../src/engine';
import { parseTemplate, parseTemplateBody } from '../../src/template/parse';

/** A role trusting `principal` (YAML text) without an ExternalId; a StackSet body holds the same role. */
function trusting(principal: string): unknown {
  return parseTemplate(`
Resources:
  AuditRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: 2012-10-17
        Statement:
          - Effect: Allow
            Action: sts:AssumeRole
            Principal:
              AWS: ${principal}
`).template;
}

const messages = (template: unknown, rule: string) =>
  check([{ source: 'audit.yaml', template }], { parseTemplateBody }).findings.filter((f) => f.ruleId === rule).map((f) => f.message);

describe('a number YAML 1.1 reads as octal says so in the findings', () => {
  test('an unquoted 012345670123 is named as written and as read, never as a made-up 001402433619', () => {
    const [xat3] = messages(trusting('012345670123'), 'XAT3');
    expect(xat3).toContain('trusts 1402433619 (YAML 1.1, as CloudFormation reads it, took the unquoted 012345670123 as the octal number 1402433619: quote it to keep its digits)');
    expect(xat3).not.toContain('001402433619');
  });

  test('inside an ARN built with Fn::Join, the principal says so too', () => {
    const [xat1] = messages(trusting('!Join ["", ["arn:aws:iam::", 012345670123, ":role/Auditor"]]'), 'XAT1');
    expect(xat1).toContain('arn:aws:iam::1402433619:role/Auditor (YAML 1.1, as CloudFormation reads it, took the unquoted 012345670123 as the octal number 1402433619');
  });

  test('quoted, the same digits are the account id they look like', () => {
    const [xat3] = messages(trusting('"012345670123"'), 'XAT3');
    expect(xat3).toContain('bare account id 012345670123');
    expect(xat3).not.toContain('octal');
  });

  test('property: any unquoted octal-looking account id is reported as written and as read', () => {
    fc.assert(fc.property(fc.stringMatching(/^0[0-7]{11}$/), (digits) => {
      const read = String(parseInt(digits, 8));
      const [xat3] = messages(trusting(digits), 'XAT3');
      expect(xat3).toContain(`took the unquoted ${digits} as the octal number ${read}: quote it`);
      // The zero-padded decimal is a number nobody wrote (unless it happens to be the written text itself).
      const madeUp = read.padStart(12, '0');
      if (madeUp !== digits) expect(xat3).not.toContain(madeUp);
    }), { numRuns: 50 });
  });
});
