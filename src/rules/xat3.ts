import { clipText, roleArnExample } from './helpers';
import { ClassifiedPrincipal } from '../engine/principals';
import { Rule, RuleFinding, acknowledgeHint } from '../engine/rule';

function what(p: ClassifiedPrincipal): string {
  switch (p.kind) {
    case 'star': return 'trusts "*": every AWS principal of every account';
    case 'account': return `trusts the bare account id ${clipText(p.display)}, which means the whole account (any user or role there that is allowed sts:AssumeRole)`;
    case 'root': return `trusts the account root ${clipText(p.display)}, which means the whole account (any user or role there that is allowed sts:AssumeRole)`;
    case 'user': return `trusts the IAM user ${clipText(p.display)}, whose long-term access keys can leak`;
    case 'session': return `trusts the assumed-role session ${clipText(p.display)}, not a role`;
    case 'role': return `trusts every role matching ${clipText(p.display)}, not exactly one role`;
    case 'other': return `trusts ${clipText(p.display)}, which is not an IAM role ARN`;
    case 'unresolved': return `trusts ${p.display === '?' ? 'a principal' : clipText(p.display)} that could not be resolved to a role ARN: ${clipText(p.reason ?? '')}`;
  }
}

export const XAT3: Rule = {
  id: 'XAT3',
  level: 'error',
  title: 'A trusted principal that is not one IAM role',
  cause: 'A trusted principal of another account is not exactly one IAM role ARN (account root, bare account id, "*", an IAM user, or a value that cannot be resolved to a role ARN).',
  explanation:
    'Trusting an account (its root or bare id) delegates the decision to every administrator of that account: any of its users or roles '
    + 'that is granted sts:AssumeRole can assume your role, not just the vendor\'s deputy. "*" trusts every AWS account. An IAM user has '
    + 'long-term access keys that leak. A parameter or Fn::If that can become any of these is just as open. A role ARN whose account or '
    + 'name comes from a parameter still counts as a role ARN. An account principal narrowed by an aws:PrincipalArn condition to exact role '
    + 'ARNs trusts just those roles: StringEquals or ArnEquals, and ArnLike or StringLike when the value holds no wildcard (* or ?); '
    + 'ArnEquals, ArnLike and StringLike read wildcards, so a value that may hold one once deployed does not narrow. A principal that such a '
    + 'narrowing excludes (a role of another account) is not trusted by the statement. A Deny statement elsewhere in the policy does not '
    + 'count: the narrowing must be on the Allow statement, so that no edit of another statement can widen it.',
  fix: 'Trust exactly one role: "Principal": {"AWS": "arn:aws:iam::<account>:role/<name>"}, or keep the account principal and narrow it with '
    + '"Condition": {"ArnEquals": {"aws:PrincipalArn": "arn:aws:iam::<account>:role/<name>"}}.',
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
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Principal: { AWS: arn:aws:iam::111122223333:root }
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
    for (const role of app.roles) {
      for (const v of role.variants) {
        for (const t of v.trust) {
          const narrowing = t.narrowing;
          if (narrowing.narrowed) continue;
          for (const p of t.thirdParty) {
            if (p.principal.kind === 'role' && p.principal.exactRole) continue;
            const arn = roleArnExample(p.principal);
            out.push({
              resource: role.resource,
              variant: v.variant,
              findingId: `${t.statement.label}.${p.label}`,
              path: t.path,
              message: `${t.statement.name[0].toUpperCase()}${t.statement.name.slice(1)} ${what(p.principal)}${narrowing.why ? `, and ${narrowing.why}` : ''}. Trust exactly one role: `
                + `"Principal": {"AWS": "${arn}"}, or keep this principal and add "Condition": {"ArnEquals": {"aws:PrincipalArn": "${arn}"}}.`
                + (p.principal.kind === 'unresolved' ? ` ${acknowledgeHint('XAT3', role.resource, `${t.statement.label}.${p.label}`)}` : ''),
            });
          }
        }
      }
    }
    return out;
  },
};
