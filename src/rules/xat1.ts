import { cap, listText, statementText } from './helpers';
import { weakConditions } from './xat2';
import { STRING_EQUALS_EXAMPLE, TrustStatement, externalIdSource } from '../engine/analysis';
import { Rule, RuleFinding, acknowledgeHint } from '../engine/rule';
import { TemplateModel, resourcePath } from '../engine/template';
import { SymStr } from '../engine/values';

/**
 * Why the plain StringEquals conditions on `sts:ExternalId` of a statement do not make AWS enforce a value, when
 * no other rule says so: a weaker operator beside them is XAT2's, and a value that could not be resolved is
 * reported by XAT6 with what could not be resolved. What is left is a StringEquals with no value, or with values
 * that are not strings (an object, a list).
 */
function unreadableStringEquals(t: TrustStatement, tm: TemplateModel): { reasons: string[]; unresolved: boolean } | undefined {
  if (t.enforced || weakConditions(t.externalIdConditions).length > 0) return undefined;
  const reportedByXat6 = (s: SymStr) => {
    const source = externalIdSource(s, tm, []);
    return source.params.length === 0 && source.unresolved.length > 0;
  };
  if (t.externalIdConditions.some((c) => c.values.some(reportedByXat6))) return undefined;
  const reasons = t.externalIdConditions.map((c) =>
    (c.problems.length > 0 ? `${c.operator} has a value that could not be read (${listText(c.problems, '; ')})` : `${c.operator} lists no value`));
  return { reasons, unresolved: t.externalIdConditions.some((c) => c.problems.length > 0) };
}

export const XAT1: Rule = {
  id: 'XAT1',
  level: 'error',
  title: 'Cross-account trust without an enforced sts:ExternalId',
  cause: 'A cross-account trust statement has no sts:ExternalId condition that AWS always enforces.',
  explanation:
    'Without an ExternalId check, anyone who can make the trusted third party act on their behalf (another customer of the same vendor) '
    + 'can point it at your role ARN and have it assume the role for them: the confused deputy attack. The check must hold on every Allow '
    + 'statement for the principal: a second statement without it, or a Condition under an Fn::If with a branch that drops it, lets the '
    + 'same request through without the ExternalId. A Deny statement elsewhere in the policy does not count (one denying requests '
    + 'without the ExternalId): the rule asks each Allow statement to carry the check itself, so that no edit of another statement can open it.',
  fix: `Add ${STRING_EQUALS_EXAMPLE} to every Allow statement that grants a principal of another account sts:AssumeRole, outside any Fn::If.`,
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
            Principal: { AWS: arn:aws:iam::111122223333:role/AcmeScannerDeputy }
            Action: sts:AssumeRole

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
        if (v.trustProblems.length > 0) {
          out.push({
            resource: role.resource,
            variant: v.variant,
            findingId: 'TrustPolicy',
            path: resourcePath(role.resource, 'Properties', 'AssumeRolePolicyDocument'),
            message: `The trust policy of ${role.resource.id} could not be resolved (${listText(v.trustProblems, '; ')}), so it cannot be shown that every `
              + `cross-account statement requires ${STRING_EQUALS_EXAMPLE}. Write the trust policy with literal statements. ${acknowledgeHint('XAT1', role.resource, 'TrustPolicy')}`,
          });
        }
        for (const t of v.trust) {
          const stmt = t.statement;
          if (t.externalIdConditions.length > 0) {
            const unreadable = unreadableStringEquals(t, role.resource.template);
            if (unreadable) {
              out.push({
                resource: role.resource,
                variant: v.variant,
                findingId: stmt.label,
                path: t.path,
                message: `The sts:ExternalId condition of ${statementText(t)} cannot be enforced: ${listText(unreadable.reasons, '; ')}. `
                  + `Write ${STRING_EQUALS_EXAMPLE} with the ExternalId as its one value.`
                  + (unreadable.unresolved ? ` ${acknowledgeHint('XAT1', role.resource, stmt.label)}` : ''),
              });
            }
            continue;
          }
          if (stmt.conditionProblems.length > 0) {
            out.push({
              resource: role.resource,
              variant: v.variant,
              findingId: stmt.label,
              path: t.path,
              message: `The Condition of ${statementText(t)} could not be resolved (${listText(stmt.conditionProblems, '; ')}), so it cannot be shown that AWS `
                + `enforces an ExternalId. Write ${STRING_EQUALS_EXAMPLE} as a literal block. ${acknowledgeHint('XAT1', role.resource, stmt.label)}`,
            });
            continue;
          }
          const shown = new Set(t.thirdParty.map((p) => p.principal.display));
          const guarded = v.trust.filter((o) => o !== t && o.enforced && o.thirdParty.some((p) => shown.has(p.principal.display)));
          const bypass = guarded.length > 0
            ? ` ${listText(guarded.map((o) => o.statement.name))} ${guarded.length > 1 ? 'require' : 'requires'} an ExternalId for the same principal, and this statement lets it in without one, bypassing that check.`
            : '';
          out.push({
            resource: role.resource,
            variant: v.variant,
            findingId: stmt.label,
            path: t.path,
            message: `${cap(statementText(t))} allows sts:AssumeRole without an sts:ExternalId condition.${bypass} `
              + `Add ${STRING_EQUALS_EXAMPLE} to it (or remove the statement).`,
          });
        }
      }
    }
    return out;
  },
};
