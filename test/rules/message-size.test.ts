/**
 * Messages name a few things and count the rest, so that the size of a report grows with the number of findings,
 * not with the number of things one finding is about.
 */
import * as fc from 'fast-check';
import { check } from '../../src/engine';
import { MAX_ITEM_LENGTH, MAX_NAMED_ITEMS, listText } from '../../src/rules/helpers';
import { cli, tempDir, writeFiles } from '../cli/helpers';

const PARAMETER = { Type: 'String', NoEcho: true, MinLength: 32, MaxLength: 1224, AllowedPattern: '[\\w+=,.@:/-]*' };

/** `n` roles, each trusting its own vendor role, all with the ExternalId of one parameter. */
function sharedParameter(n: number): object {
  const resources: Record<string, object> = {};
  for (let i = 0; i < n; i++) {
    resources[`Role${i}`] = {
      Type: 'AWS::IAM::Role',
      Properties: {
        AssumeRolePolicyDocument: {
          Statement: [{
            Effect: 'Allow',
            Action: 'sts:AssumeRole',
            Principal: { AWS: `arn:aws:iam::${String(100000000000 + i)}:role/Vendor${i}` },
            Condition: { StringEquals: { 'sts:ExternalId': { Ref: 'ExternalId' } } },
          }],
        },
      },
    };
  }
  return { Parameters: { ExternalId: PARAMETER }, Resources: resources };
}

describe('message size', () => {
  test('5,000 roles sharing one ExternalId parameter: each XAT7 message names five and counts the rest; text output works', () => {
    const n = 5000;
    const template = sharedParameter(n);
    const { findings, errors } = check([{ source: 'many.json', template }]);
    expect(errors).toEqual([]);
    const xat7 = findings.filter((f) => f.ruleId === 'XAT7');
    expect(xat7).toHaveLength(n);
    for (const f of xat7) {
      expect(f.message.length).toBeLessThan(2000);
      expect(f.message).toContain(`and ${n - MAX_NAMED_ITEMS} more`);
    }
    const dir = tempDir();
    writeFiles(dir, { 'many.json': JSON.stringify(template) });
    const text = cli(['check', 'many.json'], { cwd: dir });
    expect(text.stderr).toBe('');
    expect(text.code).toBe(1);
    expect(text.stdout.split('\n').filter((l) => /: error XAT7 \[/.test(l))).toHaveLength(n);
  });

  test('property: whatever the number of roles, a message stays within a bound', () => {
    fc.assert(fc.property(fc.integer({ min: 2, max: 40 }), (n) => {
      for (const f of check([{ source: 't.json', template: sharedParameter(n) }]).findings) {
        expect(f.message.length).toBeLessThan(2000);
        if (f.ruleId === 'XAT7' && n - 1 > MAX_NAMED_ITEMS) expect(f.message).toMatch(/ and \d+ more/);
      }
    }), { numRuns: 20 });
  });

  test('a principal of a million characters is named by its start and the count of the rest', () => {
    const arn = `arn:aws:iam::111122223333:role/${'a'.repeat(1_000_000)}`;
    const template = { Resources: { R: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { AWS: arn } }] } } } } };
    const xat1 = check([{ source: 't.json', template }]).findings.find((f) => f.ruleId === 'XAT1')!;
    expect(xat1.message.length).toBeLessThan(2000);
    expect(xat1.message).toContain(`(${arn.length - MAX_ITEM_LENGTH} more characters)`);
  });

  test('property: listText names at most five items, each clipped, and counts the others exactly', () => {
    fc.assert(fc.property(fc.array(fc.string({ maxLength: 1000 }), { maxLength: 50 }), (items) => {
      const text = listText(items);
      expect(text.length).toBeLessThanOrEqual(MAX_NAMED_ITEMS * (MAX_ITEM_LENGTH + 40) + 40);
      if (items.length > MAX_NAMED_ITEMS) expect(text.endsWith(` and ${items.length - MAX_NAMED_ITEMS} more`)).toBe(true);
      else if (items.every((i) => i.length <= MAX_ITEM_LENGTH)) expect(text).toBe(items.join(', '));
    }));
  });
});
