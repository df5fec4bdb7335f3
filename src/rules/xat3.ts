import { roleArnExample } from './helpers';
import { TrustStatement } from '../engine/analysis';
import { conditionsOn, isPlain } from '../engine/policy';
import { ClassifiedPrincipal, classifyPrincipal } from '../engine/principals';
import { Rule, RuleFinding, acknowledgeHint } from '../engine/rule';
import { TemplateModel } from '../engine/template';

/** `aws:PrincipalArn` under StringEquals/ArnEquals with exact role ARNs only: the statement trusts just those roles. */
export function narrowedToRoles(t: TrustStatement, tm: TemplateModel): boolean {
  return conditionsOn(t.statement, 'aws:PrincipalArn').some((c) =>
    (isPlain(c, 'StringEquals') || isPlain(c, 'ArnEquals'))
    && c.values.length > 0
    && c.problems.length === 0
    && c.values.every((s) => {
      const p = classifyPrincipal(s, tm);
      return p.kind === 'role' && p.exactRole;
    }));
}

function what(p: ClassifiedPrincipal): string {
  switch (p.kind) {
    case 'star': return 'trusts "*": every AWS principal of every account';
    case 'account': return `trusts the bare account id ${p.display}, which means the whole account (any user or role there that is allowed sts:AssumeRole)`;
    case 'root': return `trusts the account root ${p.display}, which means the whole account (any user or role there that is allowed sts:AssumeRole)`;
    case 'user': return `trusts the IAM user ${p.display}, whose long-term access keys can leak`;
    case 'session': return `trusts the assumed-role session ${p.display}, not a role`;
    case 'role': return `trusts every role matching ${p.display}, not exactly one role`;
    case 'other': return `trusts ${p.display}, which is not an IAM role ARN`;
    case 'unresolved': return `trusts ${p.display === '?' ? 'a principal' : p.display} that could not be resolved to a role ARN: ${p.reason}`;
  }
}

export const XAT3: Rule = {
  id: 'XAT3',
  level: 'error',
  cause: 'A trusted principal of another account is not exactly one IAM role ARN (account root, bare account id, "*", an IAM user, or a value that cannot be resolved to a role ARN).',
  explanation:
    'Trusting an account (its root or bare id) delegates the decision to every administrator of that account: any of its users or roles '
    + 'that is granted sts:AssumeRole can assume your role, not just the vendor\'s deputy. "*" trusts every AWS account. An IAM user has '
    + 'long-term access keys that leak. A parameter or Fn::If that can become any of these is just as open. A role ARN whose account or '
    + 'name comes from a parameter still counts as a role ARN.',
  fix: 'Trust exactly one role: "Principal": {"AWS": "arn:aws:iam::<account>:role/<name>"}, or keep the account principal and narrow it with '
    + '"Condition": {"ArnEquals": {"aws:PrincipalArn": "arn:aws:iam::<account>:role/<name>"}}.',
  check(app) {
    const out: RuleFinding[] = [];
    for (const role of app.roles) {
      for (const v of role.variants) {
        for (const t of v.trust) {
          if (narrowedToRoles(t, role.resource.template)) continue;
          for (const p of t.thirdParty) {
            if (p.principal.kind === 'role' && p.principal.exactRole) continue;
            const arn = roleArnExample(p.principal);
            out.push({
              resource: role.resource,
              variant: v.variant,
              findingId: `${t.statement.label}.${p.label}`,
              path: t.path,
              message: `${t.statement.name[0].toUpperCase()}${t.statement.name.slice(1)} ${what(p.principal)}. Trust exactly one role: `
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
