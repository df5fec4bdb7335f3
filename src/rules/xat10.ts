import { Rule, RuleFinding, acknowledgeHint } from '../engine/rule';
import { TemplateModel, resourcePath } from '../engine/template';
import { RValue, literalText } from '../engine/values';

/** Default MaxSessionDuration of an IAM role. */
const IAM_DEFAULT_SECONDS = 3600;

function sessionSeconds(v: RValue | undefined, tm: TemplateModel): { seconds?: number; unresolved?: string } {
  if (v === undefined) return { seconds: IAM_DEFAULT_SECONDS };
  if (v.t === 'num') return { seconds: v.v };
  if (v.t === 'str' && v.alts.length > 0) {
    let max = -Infinity;
    for (const alt of v.alts) {
      const text = literalText(alt);
      if (text !== undefined && Number.isFinite(Number(text))) {
        max = Math.max(max, Number(text));
        continue;
      }
      const p = alt.parts.length === 1 && alt.parts[0].kind === 'param' ? tm.parameters.get(alt.parts[0].name) : undefined;
      if (p?.maxValue !== undefined) {
        max = Math.max(max, p.maxValue);
        continue;
      }
      return { unresolved: p ? `parameter ${p.name} has no MaxValue` : 'it could not be resolved' };
    }
    return { seconds: max };
  }
  return { unresolved: v.t === 'unknown' ? v.reason : 'it is not a number' };
}

export const XAT10: Rule = {
  id: 'XAT10',
  level: 'warning',
  title: 'A long session for a role assumed across accounts',
  cause: 'A role with a cross-account trust statement has a MaxSessionDuration above the maximum (1 hour unless configured).',
  explanation:
    'Credentials of a session assumed by a third party keep working until they expire, even after the trust is revoked or the vendor '
    + 'notices a compromise. Short sessions bound how long stolen or misused credentials stay useful.',
  fix: 'Keep MaxSessionDuration at 3600 seconds (the IAM default) or the configured maximum, unless the integration needs more and you acknowledge it (Validations.of(role).acknowledge in a CDK app, the resource\'s Metadata cross-account-trust: acknowledge in a template).',
  examples: {
    failing: `Parameters:
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
      MaxSessionDuration: 43200
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
      MaxSessionDuration: 3600
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
    const max = app.options.maxSessionDurationSeconds;
    for (const role of app.roles) {
      for (const v of role.variants) {
        if (v.trust.length === 0) continue;
        const s = sessionSeconds(v.maxSessionDuration, role.resource.template);
        if (s.unresolved === undefined && s.seconds! <= max) continue;
        const what = s.unresolved !== undefined
          ? `MaxSessionDuration could not be bounded (${s.unresolved})`
          : `MaxSessionDuration is ${s.seconds} seconds, above the maximum of ${max}`;
        out.push({
          resource: role.resource,
          variant: v.variant,
          findingId: 'MaxSessionDuration',
          path: resourcePath(role.resource, 'Properties', ...(v.maxSessionDuration ? ['MaxSessionDuration'] : [])),
          message: `Role ${role.resource.id} is assumed across accounts (${v.trust[0].statement.name}) and its ${what}: credentials of a misused `
            + `session stay valid that long. Set MaxSessionDuration to ${max} seconds or less.${s.unresolved !== undefined ? ` ${acknowledgeHint('XAT10', role.resource, 'MaxSessionDuration')}` : ''}`,
        });
      }
    }
    return out;
  },
};
