import { assumeGrants, docText } from './identity';
import { Rule, RuleFinding, acknowledgeHint } from '../engine/rule';

export const XAT8: Rule = {
  id: 'XAT8',
  level: 'error',
  cause: 'An identity policy allows sts:AssumeRole on "*" or on role ARNs whose role-name part is a wildcard.',
  explanation:
    'A deputy that may assume any role name can be pointed by a tenant at any role that trusts the vendor\'s account: roles of other '
    + 'customers that trust the account root, and the vendor\'s own roles (CDK bootstrap roles trust their account root). Naming the one '
    + 'role the vendor asks customers to create confines the deputy to roles created for it.',
  fix: 'Allow sts:AssumeRole only on "arn:aws:iam::*:role/<the customer role name the vendor owns>" (the VendorDeputyRole construct of this library does).',
  check(app) {
    const out: RuleFinding[] = [];
    for (const g of assumeGrants(app)) {
      const wild = g.targets.filter((t) => t.anyName);
      const unresolved = g.targets.filter((t) => t.unresolved !== undefined);
      if (wild.length === 0 && unresolved.length === 0) continue;
      const issues = [
        ...(wild.length ? [`allows sts:AssumeRole on ${wild.map((t) => t.display).join(', ')}, which matches any role name`] : []),
        ...(unresolved.length ? [`allows sts:AssumeRole on ${unresolved.map((t) => `${t.display} (${t.unresolved})`).join(', ')}, which could not be resolved to a role name`] : []),
      ];
      out.push({
        resource: g.doc.resource,
        variant: g.doc.variant,
        findingId: `${g.doc.label}${g.statement.label}`,
        path: [...g.doc.path, ...g.statement.path],
        message: `${docText(g.doc)}${g.statement.name} ${issues.join('; ')}. Allow only "arn:aws:iam::*:role/<customer role name>", the one role name the vendor owns.`
          .replace(/^./, (c) => c.toUpperCase())
          + (unresolved.length ? ` ${acknowledgeHint('XAT8', g.doc.resource, `${g.doc.label}${g.statement.label}`)}` : ''),
      });
    }
    return out;
  },
};
