import { externalIdUsages, listText } from './helpers';
import { viaText } from '../engine/analysis';
import { patternConfinedToStsCharset } from '../engine/principals';
import { Rule, RuleFinding } from '../engine/rule';
import { parameterPath } from '../engine/template';
import { ParamInfo } from '../engine/values';
import { EXTERNAL_ID_ALLOWED_PATTERN, STS_MAX_LENGTH } from '../private/sts';

/**
 * The longest parameter value whose encoding by `layers` nested Fn::Base64 is still an ExternalId STS accepts
 * (Base64 turns every 3 bytes into 4 characters): 918 for one layer.
 */
export function base64InputLimit(layers: number): number {
  let max = STS_MAX_LENGTH;
  for (let i = 0; i < layers; i++) max = Math.floor(max / 4) * 3;
  return max;
}

/** What the parameter must declare: Fn::Base64 output is always in the STS charset but longer than its input. */
function requirements(via: readonly string[]): { maxLength: number; needsPattern: boolean } {
  const onlyBase64 = via.length > 0 && via.every((f) => f === 'Fn::Base64');
  return onlyBase64 ? { maxLength: base64InputLimit(via.length), needsPattern: false } : { maxLength: STS_MAX_LENGTH, needsPattern: true };
}

/** What is wrong with the constraints of an ExternalId parameter, whose value the ExternalId computes through `via`. */
export function parameterProblems(p: ParamInfo, minLength: number, via: readonly string[] = []): string[] {
  const { maxLength, needsPattern } = requirements(via);
  const problems: string[] = [];
  if (p.default !== undefined) problems.push('it has a Default, a value every deployer gets unless they change it');
  if (p.minLength === undefined) problems.push('it has no MinLength');
  else if (p.minLength < minLength) problems.push(`its MinLength ${p.minLength} is below ${minLength}`);
  if (p.maxLength !== undefined && p.maxLength > maxLength) {
    problems.push(maxLength === STS_MAX_LENGTH
      ? `its MaxLength ${p.maxLength} is above the STS limit of ${STS_MAX_LENGTH}`
      : `its MaxLength ${p.maxLength} is above ${maxLength}, whose Base64 encoding reaches the STS limit of ${STS_MAX_LENGTH}`);
  }
  if (needsPattern) {
    const pattern = patternConfinedToStsCharset(p.allowedPattern);
    if (!pattern.ok) problems.push(pattern.reason!);
  }
  return problems;
}

export const XAT5: Rule = {
  id: 'XAT5',
  level: 'error',
  title: 'An ExternalId parameter with a Default or weak constraints',
  cause: 'The ExternalId parameter has a Default, a MinLength missing or below the minimum, a MaxLength above 1224, or no AllowedPattern confined to the STS charset '
    + '(a parameter the ExternalId encodes with Fn::Base64 needs no such pattern, and a MaxLength of at most 918 per encoding).',
  explanation:
    'A Default turns the ExternalId into a documented value shared by everyone who deploys the template: another customer of the vendor '
    + 'knows it and can replay it. A short value can be guessed. STS accepts 2 to 1224 characters of [\\w+=,.@:/-]; IAM accepts a trust '
    + 'condition STS will never send, which silently makes the role unusable, so the parameter must reject such values at deploy time.',
  fix: 'Declare the parameter with no Default, "MinLength": 32 (or the configured minimum), "MaxLength": 1224 and '
    + `"AllowedPattern": ${JSON.stringify(EXTERNAL_ID_ALLOWED_PATTERN)} (the ExternalIdParameter construct of this library does).`,
  examples: {
    failing: `Parameters:
  ExternalId:
    Type: String
    NoEcho: true
    MinLength: 8
Resources:
  VendorAccess:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Principal: { AWS: arn:aws:iam::111122223333:role/AcmeScannerDeputy }
            Action: sts:AssumeRole
            Condition: { StringEquals: { sts:ExternalId: !Ref ExternalId } }
`,
    passing: `Parameters:
  ExternalId:
    Type: String
    NoEcho: true
    MinLength: 32
    MaxLength: 1224
    AllowedPattern: '[\\w+=,.@:/-]*'
Resources:
  VendorAccess:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Principal: { AWS: arn:aws:iam::111122223333:role/AcmeScannerDeputy }
            Action: sts:AssumeRole
            Condition: { StringEquals: { sts:ExternalId: !Ref ExternalId } }
`,
  },
  check(app) {
    const out: RuleFinding[] = [];
    const min = app.options.minExternalIdLength;
    for (const u of externalIdUsages(app)) {
      for (const param of u.source.params) {
        const via = u.source.paramVia.get(param.name) ?? [];
        const problems = parameterProblems(param, min, via);
        if (problems.length === 0) continue;
        const { maxLength, needsPattern } = requirements(via);
        out.push({
          resource: u.resource,
          variant: u.variant,
          findingId: `Parameter-${param.name}`,
          path: parameterPath(u.resource.template, param.name),
          message: `The ExternalId of ${u.trust.statement.name} comes from parameter ${param.name}${viaText(u.source, param.name)}: ${listText(problems, '; ')}. `
            + `Declare it with no Default, "MinLength": ${min}${needsPattern
              ? `, "MaxLength": ${maxLength} and "AllowedPattern": ${JSON.stringify(EXTERNAL_ID_ALLOWED_PATTERN)}`
              : ` and "MaxLength": ${maxLength}`}.`,
        });
      }
    }
    return out;
  },
};
