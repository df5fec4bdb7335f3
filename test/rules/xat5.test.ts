import { CfnParameter } from 'aws-cdk-lib';
import * as fc from 'fast-check';
import { checkOne, goodRole, ofRule } from './fixtures';
import { patternConfinedToStsCharset } from '../../src/engine/principals';

function withParam(props: Record<string, unknown>) {
  return checkOne((s) => goodRole(s, 'Role', new CfnParameter(s, 'ExternalId', {
    type: 'String', noEcho: true, minLength: 32, maxLength: 1224, allowedPattern: '[\\w+=,.@:/-]*', ...props,
  })));
}

describe('XAT5: weak ExternalId parameter constraints', () => {
  test.each([
    ['a Default', { default: 'x'.repeat(40) }, /has a Default/],
    ['no MinLength', { minLength: undefined }, /no MinLength/],
    ['a short MinLength', { minLength: 8 }, /MinLength 8 is below 32/],
    ['a MaxLength above 1224', { maxLength: 2048 }, /MaxLength 2048 is above the STS limit of 1224/],
    ['no AllowedPattern', { allowedPattern: undefined }, /no AllowedPattern/],
    ['an AllowedPattern with .', { allowedPattern: '.*' }, /any character/],
    ['an AllowedPattern with a space', { allowedPattern: '[a-z ]*' }, /" "/],
  ])('%s', (_name, props, why) => {
    const f = ofRule(withParam(props), 'XAT5');
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ resource: expect.stringMatching(/^Role[0-9A-F]{8}$/), findingId: 'Parameter-ExternalId', path: ['Parameters', 'ExternalId'] });
    expect(f[0].message).toMatch(why);
    expect(f[0].message).toContain('"MaxLength": 1224');
  });

  test('minExternalIdLength changes the minimum', () => {
    expect(ofRule(checkOne((s) => goodRole(s, 'Role', new CfnParameter(s, 'ExternalId', {
      type: 'String', noEcho: true, minLength: 32, maxLength: 1224, allowedPattern: '[\\w+=,.@:/-]*',
    })), { minExternalIdLength: 40 }), 'XAT5')[0].message).toMatch(/MinLength 32 is below 40/);
  });

  test('patterns confined to the STS charset are accepted, others rejected', () => {
    for (const ok of ['[\\w+=,.@:/-]*', '[A-Za-z0-9]{32,64}', '^[a-zA-Z0-9_+=,.@:\\/-]+$', '(?:[a-f0-9]{8}-){3}[a-f0-9]+']) {
      expect(patternConfinedToStsCharset(ok)).toEqual({ ok: true });
    }
    for (const bad of ['.*', '[^ ]*', '\\S+', '[ -~]*', '[a-z\\s]*', '[', undefined]) {
      expect(patternConfinedToStsCharset(bad).ok).toBe(false);
    }
  });

  test('a pattern is judged confined only if no string it matches leaves the charset (property)', () => {
    const pieces = fc.constantFrom('[a-z]', '\\w', '\\d', '[A-Z0-9_]', '.', '[^a]', '\\s', ' ', '#', '-', '[+=,.@:/-]', '(?:ab)', '|');
    fc.assert(fc.property(fc.array(pieces, { minLength: 1, maxLength: 6 }), fc.string({ maxLength: 12 }), (ps, probe) => {
      const pattern = `(?:${ps.join('')})*`;
      let re: RegExp;
      try {
        re = new RegExp(`^${pattern}$`);
      } catch {
        return;
      }
      if (patternConfinedToStsCharset(pattern).ok && re.test(probe)) {
        expect(probe).toMatch(/^[\w+=,.@:/-]*$/);
      }
    }), { numRuns: 300 });
  });
});
