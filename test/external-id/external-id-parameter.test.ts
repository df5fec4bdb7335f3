import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ExternalId, ExternalIdParameter } from '../../src';

function synth(build: (stack: Stack) => void): Template {
  const stack = new Stack(new App(), 'Customer');
  build(stack);
  return Template.fromStack(stack);
}

describe('ExternalIdParameter', () => {
  test('is a NoEcho String without Default, with STS length and charset constraints', () => {
    const template = synth((stack) => new ExternalIdParameter(stack, 'ExternalId'));
    const parameter = template.toJSON().Parameters.ExternalId;
    expect(parameter).toEqual({
      Type: 'String',
      NoEcho: true,
      MinLength: 32,
      MaxLength: 1224,
      AllowedPattern: ExternalId.ALLOWED_PATTERN,
      ConstraintDescription: expect.stringMatching(/32 to 1224 characters/),
      Description: ExternalIdParameter.DEFAULT_DESCRIPTION,
    });
    expect(parameter).not.toHaveProperty('Default');
  });

  test('AllowedPattern accepts exactly the STS charset', () => {
    // CloudFormation matches AllowedPattern against the whole value (Java regex semantics).
    const pattern = new RegExp(ExternalId.ALLOWED_PATTERN);
    expect(pattern.test('Abc_123+=,.@:/-xyz')).toBe(true);
    expect(pattern.test('has space')).toBe(false);
    expect(pattern.test('semi;colon')).toBe(false);
    expect(pattern.test('')).toBe(false);
  });

  test('minLength and description can be set', () => {
    const template = synth((stack) => new ExternalIdParameter(stack, 'ExternalId', { minLength: 40, description: 'From Acme' }));
    template.templateMatches({ Parameters: { ExternalId: { MinLength: 40, Description: 'From Acme', NoEcho: true } } });
  });

  test.each([1, 0, -5, 1225, 32.5])('rejects minLength %p', (minLength) => {
    const stack = new Stack(new App(), 'Customer');
    expect(() => new ExternalIdParameter(stack, 'ExternalId', { minLength })).toThrow(
      new RegExp(`Customer/ExternalId: invalid minLength ${minLength}: expected an integer from 2 to 1224`));
  });

  test.each([
    ['a Default', (p: ExternalIdParameter) => { p.default = 'aaaa'; }, /must not have a Default/],
    ['NoEcho turned off', (p: ExternalIdParameter) => { p.noEcho = false; }, /must keep NoEcho: true/],
    ['MinLength lowered below 2', (p: ExternalIdParameter) => { p.minLength = 1; }, /MinLength of at least 2/],
    ['MaxLength raised', (p: ExternalIdParameter) => { p.maxLength = 5000; }, /MaxLength of at most 1224/],
    ['AllowedPattern removed', (p: ExternalIdParameter) => { p.allowedPattern = undefined; }, /must keep AllowedPattern/],
    ['Type changed', (p: ExternalIdParameter) => { p.type = 'Number'; }, /must be of Type String/],
  ])('synthesis fails when the parameter is later given %s', (_what, edit, message) => {
    const app = new App();
    const stack = new Stack(app, 'Customer');
    edit(new ExternalIdParameter(stack, 'ExternalId'));
    expect(() => app.synth()).toThrow(message);
  });
});
