import { listText } from './helpers';
import { assumeGrants, docText } from './identity';
import { ASSUME_ROLE, AppModel, PolicyDoc, derived } from '../engine/analysis';
import { NStatement, conditionsOn, coversAction, globMatches, isPlain } from '../engine/policy';
import { Rule, RuleFinding } from '../engine/rule';
import { TemplateModel } from '../engine/template';
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

/**
 * The identity policy documents attached to each role, by template and role logical id, each role's documents
 * grouped by document (one group holds the variants of one document). Built once per analysed model, so that
 * looking for a Deny costs what the role holds, not what the template holds.
 */
type AttachedDocs = ReadonlyMap<TemplateModel, ReadonlyMap<string, ReadonlyArray<readonly PolicyDoc[]>>>;

const ATTACHED_DOCS = Symbol('attachedDocs');

function attachedDocs(app: AppModel): AttachedDocs {
  return derived(app, ATTACHED_DOCS, indexAttachedDocs);
}

function indexAttachedDocs(app: AppModel): AttachedDocs {
  const groups = new Map<TemplateModel, Map<string, Map<string, PolicyDoc[]>>>();
  for (const d of app.policies) {
    let byRole = groups.get(d.resource.template);
    if (byRole === undefined) groups.set(d.resource.template, (byRole = new Map()));
    const key = `${d.resource.id}\u0000${d.label}`;
    for (const role of new Set(d.attachedTo)) {
      let byDoc = byRole.get(role);
      if (byDoc === undefined) byRole.set(role, (byDoc = new Map()));
      const variants = byDoc.get(key);
      if (variants === undefined) byDoc.set(key, [d]);
      else variants.push(d);
    }
  }
  return new Map([...groups].map(([tm, byRole]) => [tm, new Map([...byRole].map(([role, byDoc]) => [role, [...byDoc.values()]]))]));
}

/** Whether the principal holding `doc` also holds a qualifying Deny: in the same document or in every variant of a document attached to the same roles. */
function hasDeny(app: AppModel, doc: PolicyDoc, targets: readonly string[]): boolean {
  if (doc.policy.statements.some((s) => deniesOwnAccount(s, doc, targets))) return true;
  if (doc.attachedTo.length === 0) return false;
  const byRole = attachedDocs(app).get(doc.resource.template);
  const denies = (d: PolicyDoc) => d.policy.statements.some((s) => deniesOwnAccount(s, d, targets));
  return doc.attachedTo.every((role) => (byRole?.get(role) ?? []).some((variants) => variants.every(denies)));
}

export const XAT9: Rule = {
  id: 'XAT9',
  level: 'error',
  title: 'A deputy not denied its own account',
  cause: 'An identity policy allows sts:AssumeRole into any account ("*" account part or Resource "*") without a Deny of sts:AssumeRole when aws:ResourceAccount equals ${aws:PrincipalAccount}.',
  explanation:
    'The vendor\'s deputy assumes roles in whatever account a tenant registers. A tenant who registers the vendor\'s own account id makes the '
    + 'deputy assume roles of the vendor itself that trust their own account root, CDK bootstrap roles for instance, and so takes over the '
    + 'vendor. A Deny on the principal\'s own account closes that path whatever the allow says.',
  fix: `Add to the same policy ${DENY_EXAMPLE} (the VendorDeputyRole construct of this library does).`,
  examples: {
    failing: `Resources:
  ScannerDeputy:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Principal: { Service: lambda.amazonaws.com }
            Action: sts:AssumeRole
      Policies:
        - PolicyName: AssumeCustomerRoles
          PolicyDocument:
            Version: '2012-10-17'
            Statement:
              - Effect: Allow
                Action: sts:AssumeRole
                Resource: arn:aws:iam::*:role/AcmeScannerAccess
`,
    passing: `Resources:
  ScannerDeputy:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Principal: { Service: lambda.amazonaws.com }
            Action: sts:AssumeRole
      Policies:
        - PolicyName: AssumeCustomerRoles
          PolicyDocument:
            Version: '2012-10-17'
            Statement:
              - Effect: Allow
                Action: sts:AssumeRole
                Resource: arn:aws:iam::*:role/AcmeScannerAccess
              - Effect: Deny
                Action: sts:AssumeRole
                Resource: '*'
                Condition: { StringEquals: { aws:ResourceAccount: '\${aws:PrincipalAccount}' } }
`,
  },
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
