/**
 * What an identity policy lets its holder assume, shared by XAT8 (which role names) and XAT9 (which accounts).
 */
import { ASSUME_ROLE, AppModel, PolicyDoc } from '../engine/analysis';
import { NStatement, coversAction, globMatches } from '../engine/policy';
import { SymStr, displaySym, literalText } from '../engine/values';

export interface AssumeTarget {
  readonly display: string;
  /** The role-name part may be anything (`*`, `role/*`, `role/cdk-*`...). */
  readonly anyName: boolean;
  /** The account part may be any account (`*`). */
  readonly anyAccount: boolean;
  /** What could not be resolved, when the target is not literal enough to judge. */
  readonly unresolved?: string;
}

export interface AssumeGrant {
  readonly doc: PolicyDoc;
  readonly statement: NStatement;
  readonly targets: readonly AssumeTarget[];
}

const PLACEHOLDER = '\u0001';
const SAMPLE_ROLE = 'arn:aws:iam::123456789012:role/any-role-name';

/** Classifies one Resource entry of a statement that allows sts:AssumeRole. */
export function assumeTarget(s: SymStr): AssumeTarget {
  const display = displaySym(s);
  const text = literalText(s);
  if (text !== undefined && !/^arn:[^:]*:[^:]*:[^:]*:[^:]*:/.test(text)) {
    const wild = globMatches(text, SAMPLE_ROLE);
    return { display, anyName: wild, anyAccount: wild };
  }
  const flat = s.parts.map((p) => (p.kind === 'lit' ? p.text : PLACEHOLDER)).join('');
  const m = /^arn:([^:]*):([^:]*):([^:]*):([^:]*):(.*)$/s.exec(flat);
  if (!m) {
    const unknown = s.parts.find((p) => p.kind === 'unknown');
    return { display, anyName: false, anyAccount: false, unresolved: unknown ? (unknown as { reason: string }).reason : 'it is not a recognisable ARN' };
  }
  const [, , service, , account, resource] = m;
  const anyAccount = /[*?]/.test(account);
  if (service.includes(PLACEHOLDER) || resource.includes(PLACEHOLDER)) {
    if (resource.startsWith('role/') && !resource.slice(resource.lastIndexOf('/') + 1).includes(PLACEHOLDER) && !service.includes(PLACEHOLDER)) {
      const name = resource.slice(resource.lastIndexOf('/') + 1);
      return { display, anyName: /[*?]/.test(name), anyAccount };
    }
    return { display, anyName: false, anyAccount, unresolved: 'its service or role name is decided at deploy time' };
  }
  if (!globMatches(service, 'iam')) return { display, anyName: false, anyAccount: false };
  if (resource.startsWith('role/')) {
    const name = resource.slice(resource.lastIndexOf('/') + 1);
    return { display, anyName: /[*?]/.test(name), anyAccount };
  }
  // `arn:aws:iam::*:*` and the like reach roles without naming them.
  return { display, anyName: globMatches(resource, 'role/any-role-name'), anyAccount: anyAccount && globMatches(resource, 'role/any-role-name') };
}

/** Every Allow statement of an identity policy that covers sts:AssumeRole, with what it can assume. */
export function assumeGrants(app: AppModel): AssumeGrant[] {
  const out: AssumeGrant[] = [];
  for (const doc of app.policies) {
    for (const statement of doc.policy.statements) {
      if (statement.effect === 'Deny' || coversAction(statement, ASSUME_ROLE) === 'no') continue;
      let targets: AssumeTarget[];
      if (statement.notResource) {
        targets = [{ display: `NotResource ${statement.resources.map(displaySym).join(', ')}`, anyName: true, anyAccount: true }];
      } else {
        targets = statement.resources.map(assumeTarget);
        if (statement.resourceProblems.length > 0) {
          targets.push({ display: '?', anyName: false, anyAccount: false, unresolved: statement.resourceProblems.join('; ') });
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
