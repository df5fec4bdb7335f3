import { cap, isWildcardPattern, listText, statementText } from './helpers';
import { STRING_EQUALS_EXAMPLE } from '../engine/analysis';
import { NCondition, isPlain } from '../engine/policy';
import { Rule, RuleFinding } from '../engine/rule';
import { displaySym } from '../engine/values';

/**
 * The conditions on `sts:ExternalId` whose operator is not a plain StringEquals. A plain StringEquals whose value
 * is missing or unreadable is not an operator problem: XAT1 and XAT6 report it.
 */
export function weakConditions(conditions: readonly NCondition[]): NCondition[] {
  return conditions.filter((c) => !isPlain(c, 'StringEquals'));
}

/** Why an operator on `sts:ExternalId` does not make AWS enforce the exact value. */
export function weakness(c: NCondition): string {
  if (c.qualifier === 'ForAllValues') return `${c.operator} is true when the request carries no ExternalId at all`;
  if (c.qualifier === 'ForAnyValue') return `${c.operator} treats the single-valued ExternalId as a set, which AWS documents as unreliable for single-valued keys`;
  if (c.ifExists) return `${c.operator} lets a request without an ExternalId through`;
  switch (c.base) {
    case 'StringLike': {
      const patterns = c.values.filter((v) => isWildcardPattern(c, v)).map(displaySym);
      if (patterns.some((p) => /^[*?]*\*[*?]*$/.test(p))) return `${c.operator} "*" matches every ExternalId, so any request passes`;
      if (patterns.length > 0) return `${c.operator} accepts any value matching ${listText(patterns.map((p) => JSON.stringify(p)))}`;
      return `${c.operator} reads its value as a pattern, which accepts more than one value as soon as it holds a wildcard (* or ?)`;
    }
    case 'StringNotEquals':
    case 'StringNotEqualsIgnoreCase':
    case 'StringNotLike': return `${c.operator} accepts every value except the listed ones`;
    case 'Null': return `${c.operator} only checks whether an ExternalId is present, not its value`;
    case 'StringEqualsIgnoreCase': return `${c.operator} ignores case, so more values match`;
    default: return `${c.operator} is not an exact string comparison`;
  }
}

export const XAT2: Rule = {
  id: 'XAT2',
  level: 'error',
  title: 'A bypassable or weak sts:ExternalId operator',
  cause: 'The sts:ExternalId condition of a cross-account trust statement uses a bypassable or weak operator.',
  explanation:
    'A plain StringEquals makes AWS require the exact ExternalId (so does a StringEqualsIfExists or ForAllValues:StringEquals beside '
    + '"Null": {"sts:ExternalId": "false"}, which requires one). On their own, any ...IfExists operator and ForAllValues: pass requests that '
    + 'carry no ExternalId; StringLike accepts whatever its wildcards match; StringNotEquals accepts every other value; Null only asks that '
    + 'some ExternalId be present; StringEqualsIgnoreCase accepts the ExternalId in any case. Each lets the confused-deputy request of another '
    + 'customer through. The rule is deliberately stricter than IAM for two forms that IAM enforces today: ForAnyValue:StringEquals (it '
    + 'fails without an ExternalId, but applies set logic to a single-valued key, which AWS advises against) and StringLike whose value holds '
    + 'no wildcard (it compares like StringEquals until a * or ? enters the value).',
  fix: `Write exactly ${STRING_EQUALS_EXAMPLE}: no ForAnyValue:/ForAllValues: qualifier, no IfExists, no StringLike, StringEqualsIgnoreCase, StringNotEquals or Null alone.`,
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
            Condition: { StringLike: { sts:ExternalId: !Ref ExternalId } }
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
          const weak = weakConditions(t.externalIdConditions);
          if (weak.length === 0 || t.enforced) continue;
          const reasons = weak.map(weakness);
          out.push({
            resource: role.resource,
            variant: v.variant,
            findingId: t.statement.label,
            path: t.path,
            message: `${cap(statementText(t))} checks sts:ExternalId only with ${listText(weak.map((c) => c.operator))}: `
              + `${listText(reasons, '; ')}. Write ${STRING_EQUALS_EXAMPLE} instead.`,
          });
        }
      }
    }
    return out;
  },
};
