import { listText } from './helpers';
import { assumeGrants, docText } from './identity';
import { ASSUME_ROLE, AppModel, PolicyDoc } from '../engine/analysis';
import { NStatement, conditionsOn, coversAction, globMatches, isPlain } from '../engine/policy';
import { Rule, RuleFinding } from '../engine/rule';
import { literalText } from '../engine/values';

const DENY_EXAMPLE = '{"Effect": "Deny", "Action": "sts:AssumeRole", "Resource": "*", "Condition": {"StringEquals": {"aws:ResourceAccount": "${aws:PrincipalAccount}"}}}';

/** A Deny of sts:AssumeRole into the principal's own account, covering the allowed targets. */
function deniesOwnAccount(s: NStatement, doc: PolicyDoc, targets: readonly string[]): boolean {
  if (s.effect !== 'Deny' || coversAction(s, ASSUME_ROLE) !== 'yes' || s.notResource) return false;
  const resources = s.resources.map(literalText);
  const covers = targets.every((t) => resources.some((r) => r === '*' || (r !== undefined && (r === t || globMatches(r, t.replace(/[*?]/g, 'x'))))));
  if (!covers) return false;
  const own = doc.resource.template.account;
  return conditionsOn(s, 'aws:ResourceAccount').some((c) => isPlain(c, 'StringEquals') && c.values.length > 0 && c.values.every((v) => {
    const text = literalText(v);
    if (text !== undefined) return text === '${aws:PrincipalAccount}' || (own !== undefined && text === own);
    return v.parts.length === 1 && v.parts[0].kind === 'pseudo' && v.parts[0].name === 'AWS::AccountId';
  }));
}

/** Whether the principal holding `doc` also holds a qualifying Deny: in the same document or in every variant of a document attached to the same roles. */
function hasDeny(app: AppModel, doc: PolicyDoc, targets: readonly string[]): boolean {
  if (doc.policy.statements.some((s) => deniesOwnAccount(s, doc, targets))) return true;
  if (doc.attachedTo.length === 0) return false;
  const tm = doc.resource.template;
  return doc.attachedTo.every((role) => {
    const groups = new Map<string, PolicyDoc[]>();
    for (const d of app.policies) {
      if (d.resource.template !== tm || !d.attachedTo.includes(role)) continue;
      const key = `${d.resource.id}\u0000${d.label}`;
      groups.set(key, [...(groups.get(key) ?? []), d]);
    }
    return [...groups.values()].some((ds) => ds.every((d) => d.policy.statements.some((s) => deniesOwnAccount(s, d, targets))));
  });
}

export const XAT9: Rule = {
  id: 'XAT9',
  level: 'error',
  cause: 'An identity policy allows sts:AssumeRole into any account ("*" account part or Resource "*") without a Deny of sts:AssumeRole when aws:ResourceAccount equals ${aws:PrincipalAccount}.',
  explanation:
    'The vendor\'s deputy assumes roles in whatever account a tenant registers. A tenant who registers the vendor\'s own account id makes the '
    + 'deputy assume roles of the vendor itself that trust their own account root, CDK bootstrap roles for instance, and so takes over the '
    + 'vendor. A Deny on the principal\'s own account closes that path whatever the allow says.',
  fix: `Add to the same policy ${DENY_EXAMPLE} (the VendorDeputyRole construct of this library does).`,
  check(app) {
    const out: RuleFinding[] = [];
    for (const g of assumeGrants(app)) {
      const anyAccount = g.targets.filter((t) => t.anyAccount);
      if (anyAccount.length === 0) continue;
      const targets = anyAccount.map((t) => t.display);
      if (hasDeny(app, g.doc, targets)) continue;
      out.push({
        resource: g.doc.resource,
        variant: g.doc.variant,
        findingId: `${g.doc.label}${g.statement.label}`,
        path: [...g.doc.path, ...g.statement.path],
        message: `${docText(g.doc)}${g.statement.name} allows sts:AssumeRole on ${listText(targets)} in any account, and no Deny stops it at the `
          .replace(/^./, (c) => c.toUpperCase())
          + 'principal\'s own account: a tenant who registers the vendor\'s own account id turns the deputy on the vendor\'s own roles. '
          + `Add ${DENY_EXAMPLE}.`,
      });
    }
    return out;
  },
};
