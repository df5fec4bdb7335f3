/**
 * Wording shared by the rules' messages, so that every finding names its statement and principals the same way.
 */
import { AppModel, ExternalIdSource, TrustPrincipal, TrustStatement, derived, externalIdSource, trustedAccountIds } from '../engine/analysis';
import { NCondition, interpretsWildcards, isNegated } from '../engine/policy';
import { ClassifiedPrincipal } from '../engine/principals';
import { ResourceModel, ResourceVariant } from '../engine/template';
import { SymStr } from '../engine/values';
import { listText } from '../private/text';

export { MAX_ITEM_LENGTH, MAX_NAMED_ITEMS, clipText, listText } from '../private/text';

export function principalText(p: ClassifiedPrincipal): string {
  return p.kind === 'star' ? '"*"' : p.display === '?' ? 'an unresolved principal' : p.display;
}

/**
 * Principals grouped by the Principal entry they are alternatives of (an Fn::FindInMap with a deploy-time key):
 * `principal A or B` when only one of them is trusted, `principals (A or B), C` beside others.
 */
export function entriesText(entries: ReadonlyArray<readonly string[]>): string {
  const unique = [...new Map(entries.map((alts) => [alts.join('\u0000'), alts])).values()];
  if (unique.length === 1) return `principal ${listText(unique[0], ' or ')}`;
  return `principals ${listText(unique.map((alts) => (alts.length > 1 ? `(${listText(alts, ' or ')})` : alts[0])))}`;
}

export function principalsText(ps: readonly TrustPrincipal[]): string {
  const entries = new Map<number, Set<string>>();
  for (const p of ps) entries.set(p.entry, (entries.get(p.entry) ?? new Set()).add(principalText(p.principal)));
  return entriesText([...entries.values()].map((alts) => [...alts]));
}

/** `statement "VendorTrust" (principal arn:aws:iam::111122223333:root)` */
export function statementText(t: TrustStatement): string {
  return `${t.statement.name} (${principalsText(t.thirdParty)})`;
}

/** The role ARN to write for a principal, with its account when known. */
export function roleArnExample(p: ClassifiedPrincipal): string {
  const account = p.account?.kind === 'literal' ? p.account.id : '<account>';
  return `arn:aws:iam::${account}:role/<name>`;
}

export function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

const USAGES = Symbol('externalIdUsages');

/**
 * Every ExternalId value of every cross-account trust statement, with where it comes from. Computed once per
 * analysed model (XAT4, XAT5, XAT6 and XAT7 all ask), and forgotten with it.
 */
export function externalIdUsages(app: AppModel): readonly ExternalIdUsage[] {
  return derived(app, USAGES, findExternalIdUsages);
}

function findExternalIdUsages(app: AppModel): ExternalIdUsage[] {
  const out: ExternalIdUsage[] = [];
  for (const role of app.roles) {
    for (const v of role.variants) {
      for (const t of v.trust) {
        // Null compares presence (true/false), not the ExternalId itself; the values of a negated operator are the
        // ones a request must not carry, and a wildcard pattern matches many values: none of them is the ExternalId the
        // role requires, and XAT2 says what is wrong with such a condition.
        for (const c of t.externalIdConditions.filter((x) => x.base !== 'Null' && !isNegated(x))) {
          for (const value of c.values) {
            if (isWildcardPattern(c, value)) continue;
            const source = externalIdSource(value, role.resource.template, trustedAccountIds(t));
            out.push({ resource: role.resource, variant: v.variant, trust: t, source });
          }
        }
      }
    }
  }
  return out;
}

export interface ExternalIdUsage {
  readonly resource: ResourceModel;
  readonly variant: ResourceVariant;
  readonly trust: TrustStatement;
  readonly source: ExternalIdSource;
}

/** A value that its operator reads as a pattern: literal text with `*` or `?` under StringLike (and the other wildcard operators). */
export function isWildcardPattern(c: NCondition, value: SymStr): boolean {
  return interpretsWildcards(c) && value.parts.some((p) => p.kind === 'lit' && /[*?]/.test(p.text));
}
