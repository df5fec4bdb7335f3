import { externalIdUsages } from './helpers';
import { patternConfinedToStsCharset } from '../engine/principals';
import { Rule, RuleFinding } from '../engine/rule';
import { parameterPath } from '../engine/template';
import { ParamInfo } from '../engine/values';
import { EXTERNAL_ID_ALLOWED_PATTERN, STS_MAX_LENGTH } from '../private/sts';

/** What is wrong with the constraints of an ExternalId parameter. */
export function parameterProblems(p: ParamInfo, minLength: number): string[] {
  const problems: string[] = [];
  if (p.default !== undefined) problems.push('it has a Default, a value every deployer gets unless they change it');
  if (p.minLength === undefined) problems.push('it has no MinLength');
  else if (p.minLength < minLength) problems.push(`its MinLength ${p.minLength} is below ${minLength}`);
  if (p.maxLength !== undefined && p.maxLength > STS_MAX_LENGTH) problems.push(`its MaxLength ${p.maxLength} is above the STS limit of ${STS_MAX_LENGTH}`);
  const pattern = patternConfinedToStsCharset(p.allowedPattern);
  if (!pattern.ok) problems.push(pattern.reason!);
  return problems;
}

export const XAT5: Rule = {
  id: 'XAT5',
  level: 'error',
  cause: 'The ExternalId parameter has a Default, a MinLength missing or below the minimum, a MaxLength above 1224, or no AllowedPattern confined to the STS charset.',
  explanation:
    'A Default turns the ExternalId into a documented value shared by everyone who deploys the template: another customer of the vendor '
    + 'knows it and can replay it. A short value can be guessed. STS accepts 2 to 1224 characters of [\\w+=,.@:/-]; IAM accepts a trust '
    + 'condition STS will never send, which silently makes the role unusable, so the parameter must reject such values at deploy time.',
  fix: 'Declare the parameter with no Default, "MinLength": 32 (or the configured minimum), "MaxLength": 1224 and '
    + `"AllowedPattern": ${JSON.stringify(EXTERNAL_ID_ALLOWED_PATTERN)} (the ExternalIdParameter construct of this library does).`,
  check(app) {
    const out: RuleFinding[] = [];
    const min = app.options.minExternalIdLength;
    for (const u of externalIdUsages(app)) {
      for (const param of u.source.params) {
        const problems = parameterProblems(param, min);
        if (problems.length === 0) continue;
        out.push({
          resource: u.resource,
          variant: u.variant,
          findingId: `Parameter-${param.name}`,
          path: parameterPath(u.resource.template, param.name),
          message: `The ExternalId of ${u.trust.statement.name} comes from parameter ${param.name}: ${problems.join('; ')}. Declare it with no `
            + `Default, "MinLength": ${min}, "MaxLength": ${STS_MAX_LENGTH} and "AllowedPattern": ${JSON.stringify(EXTERNAL_ID_ALLOWED_PATTERN)}.`,
        });
      }
    }
    return out;
  },
};
