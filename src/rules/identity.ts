/**
 * What an identity policy lets its holder assume, shared by XAT8 (which role names) and XAT9 (which accounts).
 */
import { ASSUME_ROLE, AppModel, PolicyDoc, derived } from '../engine/analysis';
import { NStatement, coversAction, globMatches } from '../engine/policy';
import { patternConfinedToStsCharset, wildcardIn } from '../engine/principals';
import { resourceValue } from '../engine/resources';
import { TemplateModel } from '../engine/template';
import { Part, SymStr, displaySym, literalText } from '../engine/values';
import { listText } from '../private/text';

export interface AssumeTarget {
  readonly display: string;
  /** The role-name part may be anything (`*`, `role/*`, `role/cdk-*`...). */
  readonly anyName: boolean;
  /** The account part may be any account (`*`). */
  readonly anyAccount: boolean;
  /** The account part as written (`*`, `111122223333`, `${AWS::AccountId}`), when the target is an ARN. */
  readonly account?: string;
  /** What could not be resolved, when the target is not literal enough to judge. */
  readonly unresolved?: string;
}

export interface AssumeGrant {
  readonly doc: PolicyDoc;
  readonly statement: NStatement;
  readonly targets: readonly AssumeTarget[];
}

/** Stands for a symbolic part that cannot hold a wildcard (a pseudo parameter, a name AWS assigns). */
const EXACT = '\u0002';
/** Stands for a symbolic part that may be anything, wildcards included (a parameter, a custom resource value). */
const FREE = '\u0001';
const SAMPLE_ROLE = 'arn:aws:iam::123456789012:role/any-role-name';

/**
 * The target with the ARN of every role of the template (or of the app, through an import) written out:
 * `arn:${AWS::Partition}:iam::${AWS::AccountId}:role/${Role}`, the role's name (with its path) standing for the rest.
 */
function expandRoleArns(s: SymStr): SymStr {
  return {
    parts: s.parts.flatMap((p): Part[] => (p.kind === 'resource' && resourceValue(p).kind === 'roleArn'
      ? [
        { kind: 'lit', text: 'arn:' }, { kind: 'pseudo', name: 'AWS::Partition' }, { kind: 'lit', text: ':iam::' },
        { kind: 'pseudo', name: 'AWS::AccountId' }, { kind: 'lit', text: ':role/' }, { ...p, attribute: undefined },
      ]
      : [p])),
  };
}

function placeholder(p: Part, tm: TemplateModel): string {
  switch (p.kind) {
    case 'lit': return p.text;
    case 'pseudo': return EXACT;
    case 'resource': return resourceValue(p).kind === 'anything' ? FREE : EXACT;
    case 'param': return patternConfinedToStsCharset(tm.parameters.get(p.name)?.allowedPattern).ok ? EXACT : FREE;
    case 'derived': return wildcardIn({ parts: [p] }, tm) === undefined ? EXACT : FREE;
    case 'unknown': return FREE;
  }
}

/**
 * Classifies one Resource entry of a statement that allows sts:AssumeRole. A target in the account the template
 * deploys to (`AWS::AccountId`, the stack's own account id, a role of the template or of the app) cannot reach a
 * role of another account: it is never "any account" or "any role name" here, whatever its name part says.
 */
export function assumeTarget(s: SymStr, tm: TemplateModel): AssumeTarget {
  const display = displaySym(s);
  const text = literalText(s);
  if (text !== undefined && !/^arn:[^:]*:[^:]*:[^:]*:[^:]*:/.test(text)) {
    const wild = globMatches(text, SAMPLE_ROLE);
    return { display, anyName: wild, anyAccount: wild };
  }
  const expanded = expandRoleArns(s);
  if (expanded.parts.length === 1 && expanded.parts[0].kind === 'resource') {
    const p = expanded.parts[0];
    const v = resourceValue(p);
    // The name, id or ARN of a resource of the own account that is not a role ARN: it names no role of another account.
    if (v.kind !== 'anything') return { display, anyName: false, anyAccount: false };
    return { display, anyName: false, anyAccount: false, unresolved: `it ${v.why}` };
  }
  const flat = expanded.parts.map((p) => placeholder(p, tm)).join('');
  const m = /^arn:([^:]*):([^:]*):([^:]*):([^:]*):(.*)$/s.exec(flat);
  if (!m) {
    const unknown = s.parts.find((p) => p.kind === 'unknown');
    return { display, anyName: false, anyAccount: false, unresolved: unknown ? (unknown as { reason: string }).reason : 'it is not a recognisable ARN' };
  }
  const [, , service, , accountField, resource] = m;
  const accountStart = flat.indexOf(':', flat.indexOf(':', flat.indexOf(':', 4) + 1) + 1) + 1;
  const accountParts = partsAt(expanded, tm, accountStart, accountStart + accountField.length);
  const ownAccount = (accountParts.length === 1 && accountParts[0].kind === 'pseudo' && accountParts[0].name === 'AWS::AccountId' && !accountParts[0].fragment)
    || (tm.account !== undefined && accountField === tm.account);
  const account = displaySym({ parts: accountParts });
  if (ownAccount) return { display, anyName: false, anyAccount: false, account };
  const anyAccount = /[*?]/.test(accountField);
  if (service.includes(FREE) || service.includes(EXACT)) {
    return { display, anyName: false, anyAccount, account, unresolved: 'its service is decided at deploy time' };
  }
  if (!globMatches(service, 'iam')) return { display, anyName: false, anyAccount: false, account };
  if (resource.startsWith('role/')) {
    const name = resource.slice(resource.lastIndexOf('/') + 1);
    if (resource.includes(FREE)) return { display, anyName: false, anyAccount, account, unresolved: 'its role name is decided at deploy time and may hold wildcards' };
    return { display, anyName: /[*?]/.test(name), anyAccount, account };
  }
  if (resource.includes(FREE)) return { display, anyName: false, anyAccount, account, unresolved: 'its resource part is decided at deploy time' };
  // `arn:aws:iam::*:*` and the like reach roles without naming them.
  const reachesRoles = globMatches(resource.replace(/\u0002/g, 'x'), 'role/any-role-name');
  return { display, anyName: reachesRoles, anyAccount: anyAccount && reachesRoles, account };
}

/** The parts of `s` that cover the characters [from, to) of its flat form (each symbolic part is one character there). */
function partsAt(s: SymStr, tm: TemplateModel, from: number, to: number): Part[] {
  const out: Part[] = [];
  let at = 0;
  for (const p of s.parts) {
    const width = placeholder(p, tm).length;
    const start = Math.max(from, at);
    const end = Math.min(to, at + width);
    if (start < end) out.push(p.kind === 'lit' ? { kind: 'lit', text: p.text.slice(start - at, end - at) } : p);
    at += width;
  }
  return out;
}

/** The narrow ARN to write instead of a target whose role name is a wildcard: its account part kept as written. */
export function narrowedArn(t: AssumeTarget): string {
  return `arn:aws:iam::${t.account ?? (t.anyAccount ? '*' : '<account>')}:role/<role name>`;
}

const GRANTS = Symbol('assumeGrants');

/**
 * Every Allow statement of an identity policy that covers sts:AssumeRole, with what it can assume. Computed once
 * per analysed model (XAT8 and XAT9 both ask), and forgotten with it.
 */
export function assumeGrants(app: AppModel): readonly AssumeGrant[] {
  return derived(app, GRANTS, findAssumeGrants);
}

function findAssumeGrants(app: AppModel): AssumeGrant[] {
  const out: AssumeGrant[] = [];
  for (const doc of app.policies) {
    for (const statement of doc.policy.statements) {
      if (statement.effect === 'Deny' || coversAction(statement, ASSUME_ROLE) === 'no') continue;
      let targets: AssumeTarget[];
      if (statement.notResource) {
        targets = [{ display: `NotResource ${listText(statement.resources.map(displaySym))}`, anyName: true, anyAccount: true }];
      } else {
        targets = statement.resources.map((r) => assumeTarget(r, doc.resource.template));
        if (statement.resourceProblems.length > 0) {
          targets.push({ display: '?', anyName: false, anyAccount: false, unresolved: listText(statement.resourceProblems, '; ') });
        }
      }
      out.push({ doc, statement, targets });
    }
  }
  return out;
}

export function docText(doc: PolicyDoc): string {
  return doc.name ? `${doc.name}, ` : '';
}
