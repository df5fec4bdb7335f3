import { listText } from './helpers';
import { AssumeTarget, assumeGrants, docText, narrowedArn } from './identity';
import { Rule, RuleFinding, acknowledgeHint } from '../engine/rule';

/** What to write instead, never wider than what is there: the account part of each target is kept as written. */
function advice(wild: readonly AssumeTarget[], unresolved: readonly AssumeTarget[]): string {
  const out: string[] = [];
  if (wild.length > 0) {
    const arns = [...new Set(wild.map(narrowedArn))];
    out.push(`Name the one role it needs instead: ${listText(arns.map((a) => `"${a}"`), ' or ')}.`);
  }
  if (unresolved.length > 0) {
    out.push('Write the role name as literal text, or take the ARN of a role of the template ("Fn::GetAtt": [Role, Arn]).');
  }
  return out.join(' ');
}

export const XAT8: Rule = {
  id: 'XAT8',
  level: 'error',
  title: 'A deputy allowed to assume any role name',
  cause: 'An identity policy allows sts:AssumeRole on "*" or on role ARNs whose role-name part is a wildcard, in an account that may be another one.',
  explanation:
    'A deputy that may assume any role name can be pointed by a tenant at any role that trusts the vendor\'s account: roles of other '
    + 'customers that trust the account root, and the vendor\'s own roles (CDK bootstrap roles trust their account root). Naming the one '
    + 'role the vendor asks customers to create confines the deputy to roles created for it. A grant inside the account the template '
    + 'deploys to (a role of the template or of the app, `AWS::AccountId` or the stack\'s own account id in the ARN) cannot reach another '
    + 'account and is out of scope here.',
  fix: 'Replace the wildcard in the role-name part with the one role name the principal needs, keeping the account part as it is (never '
    + 'wider): for a role of the same account its ARN ("Fn::GetAtt": [Role, Arn]); for a vendor deputy "arn:aws:iam::*:role/<the customer '
    + 'role name the vendor owns>" with the Deny of XAT9 (the VendorDeputyRole construct of this library does).',
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
                Resource: 'arn:aws:iam::*:role/*'
              - Effect: Deny
                Action: sts:AssumeRole
                Resource: '*'
                Condition: { StringEquals: { aws:ResourceAccount: '\${aws:PrincipalAccount}' } }
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
      const wild = g.targets.filter((t) => t.anyName);
      const unresolved = g.targets.filter((t) => t.unresolved !== undefined);
      if (wild.length === 0 && unresolved.length === 0) continue;
      const issues = [
        ...(wild.length ? [`allows sts:AssumeRole on ${listText(wild.map((t) => t.display))}, which matches any role name`] : []),
        ...(unresolved.length ? [`allows sts:AssumeRole on ${listText(unresolved.map((t) => `${t.display} (${t.unresolved})`))}, which could not be resolved to a role name`] : []),
      ];
      out.push({
        resource: g.doc.resource,
        variant: g.doc.variant,
        findingId: `${g.doc.label}${g.statement.label}`,
        path: [...g.doc.path, ...g.statement.path],
        message: `${docText(g.doc)}${g.statement.name} ${issues.join('; ')}. ${advice(wild, unresolved)}`
          .replace(/^./, (c) => c.toUpperCase())
          + (unresolved.length ? ` ${acknowledgeHint('XAT8', g.doc.resource, `${g.doc.label}${g.statement.label}`)}` : ''),
      });
    }
    return out;
  },
};
