/**
 * Policy normalisation: the one place that knows IAM policy grammar. `Statement` as object or list,
 * `Action`/`NotAction`/`Resource`/`Principal` as string or list, condition operators split into
 * qualifier, base operator and `IfExists`, condition keys lowercased.
 */
import { RValue, SymStr, getKey, literalText, stringItems, stringList } from './values';
import { listText } from '../private/text';

export type Effect = 'Allow' | 'Deny' | 'unknown';
export type Tri = 'yes' | 'no' | 'unknown';

export interface NCondition {
  /** The operator as written, e.g. `ForAnyValue:StringLikeIfExists`. */
  readonly operator: string;
  readonly qualifier?: 'ForAnyValue' | 'ForAllValues';
  /** Base operator, canonical case when known (e.g. `StringEquals`). */
  readonly base: string;
  readonly ifExists: boolean;
  /** The key as written. */
  readonly key: string;
  /** The key lowercased: IAM condition keys are case-insensitive. */
  readonly keyLower: string;
  readonly values: readonly SymStr[];
  readonly problems: readonly string[];
}

export interface NPrincipal {
  /** `"Principal": "*"` (or `NotPrincipal`, which grants everyone else). */
  readonly star: boolean;
  /** The `AWS` principals, every alternative of every item, in order. */
  readonly aws: readonly SymStr[];
  /** For each of `aws`, the list item it is an alternative of: alternatives of one item are never in the policy together. */
  readonly awsItem: readonly number[];
  readonly service: readonly SymStr[];
  readonly federated: readonly SymStr[];
  readonly problems: readonly string[];
}

export interface NStatement {
  readonly index: number;
  readonly sid?: string;
  /** Finding-id-safe label: `Sid-<Sid>` or `Statement<index>`. */
  readonly label: string;
  /** For messages: `statement "Sid"` or `statement 0`. */
  readonly name: string;
  /** Path of the statement relative to the policy document. */
  readonly path: ReadonlyArray<string | number>;
  readonly effect: Effect;
  readonly actions: readonly SymStr[];
  readonly notAction: boolean;
  readonly actionProblems: readonly string[];
  readonly principal?: NPrincipal;
  readonly notPrincipal: boolean;
  readonly resources: readonly SymStr[];
  readonly notResource: boolean;
  readonly resourceProblems: readonly string[];
  readonly conditions: readonly NCondition[];
  readonly conditionProblems: readonly string[];
}

export interface NPolicy {
  readonly statements: readonly NStatement[];
  /** Why the document as a whole could not be read. */
  readonly problem?: string;
}

const CANONICAL_OPERATORS = [
  'StringEquals', 'StringNotEquals', 'StringEqualsIgnoreCase', 'StringNotEqualsIgnoreCase', 'StringLike', 'StringNotLike',
  'NumericEquals', 'NumericNotEquals', 'NumericLessThan', 'NumericLessThanEquals', 'NumericGreaterThan', 'NumericGreaterThanEquals',
  'DateEquals', 'DateNotEquals', 'DateLessThan', 'DateLessThanEquals', 'DateGreaterThan', 'DateGreaterThanEquals',
  'Bool', 'BinaryEquals', 'IpAddress', 'NotIpAddress', 'ArnEquals', 'ArnLike', 'ArnNotEquals', 'ArnNotLike', 'Null',
];
const CANONICAL = new Map(CANONICAL_OPERATORS.map((o) => [o.toLowerCase(), o]));

/** Splits a condition operator into its qualifier, base operator and `IfExists` suffix. */
export function parseOperator(operator: string): { qualifier?: 'ForAnyValue' | 'ForAllValues'; base: string; ifExists: boolean } {
  const m = /^(?:(ForAnyValue|ForAllValues):)?(.*?)(IfExists)?$/i.exec(operator)!;
  const qualifier = m[1] === undefined ? undefined : m[1].toLowerCase() === 'foranyvalue' ? 'ForAnyValue' : 'ForAllValues';
  const rawBase = m[2];
  return { qualifier, base: CANONICAL.get(rawBase.toLowerCase()) ?? rawBase, ifExists: m[3] !== undefined };
}

function sanitize(s: string): string {
  return s.replace(/::/g, '_').replace(/[^A-Za-z0-9_.-]/g, '_');
}

function describeKind(v: RValue): string {
  switch (v.t) {
    case 'obj': return 'an object';
    case 'list': return 'a list';
    case 'unknown': return `a value that could not be resolved (${v.reason})`;
    case 'str': {
      const unknown = v.alts.flatMap((a) => a.parts).find((p) => p.kind === 'unknown');
      return unknown ? `a value that could not be resolved (${(unknown as { reason: string }).reason})` : 'a string';
    }
    default: return `a ${v.t === 'num' ? 'number' : v.t === 'bool' ? 'boolean' : 'null'}`;
  }
}

function parsePrincipal(v: RValue): NPrincipal {
  const problems: string[] = [];
  if (v.t === 'str' || v.t === 'num') {
    const { strs, problems: p } = stringList(v);
    const star = strs.some((s) => literalText(s) === '*');
    if (!star) problems.push(...(p.length ? p : [`Principal "${listText(strs.map((s) => literalText(s) ?? '?'), '|')}" is not "*" or an object`]));
    return { star, aws: [], awsItem: [], service: [], federated: [], problems };
  }
  if (v.t !== 'obj') return { star: false, aws: [], awsItem: [], service: [], federated: [], problems: [`Principal is ${describeKind(v)}`] };
  const aws = stringItems(getKey(v, 'AWS'));
  const awsStrs = aws.items.flat();
  const service = stringList(getKey(v, 'Service'));
  const federated = stringList(getKey(v, 'Federated'));
  problems.push(...aws.problems.map((p) => `AWS principal: ${p}`));
  return {
    star: awsStrs.some((s) => literalText(s) === '*'),
    aws: awsStrs,
    awsItem: aws.items.flatMap((alts, item) => alts.map(() => item)),
    service: service.strs,
    federated: federated.strs,
    problems,
  };
}

function parseConditions(v: RValue | undefined): { conditions: NCondition[]; problems: string[] } {
  if (v === undefined) return { conditions: [], problems: [] };
  if (v.t !== 'obj') return { conditions: [], problems: [`Condition is ${describeKind(v)}`] };
  const conditions: NCondition[] = [];
  const problems: string[] = [];
  for (const [operator, block] of v.entries) {
    if (block.t !== 'obj') {
      problems.push(`Condition operator ${operator} holds ${describeKind(block)}`);
      continue;
    }
    const op = parseOperator(operator);
    for (const [key, values] of block.entries) {
      const list = stringList(values);
      conditions.push({ operator, ...op, key, keyLower: key.toLowerCase(), values: list.strs, problems: list.problems });
    }
  }
  return { conditions, problems };
}

function parseStatement(v: RValue, index: number, usedLabels: Set<string>): NStatement {
  const sidValue = getKey(v, 'Sid');
  const sid = sidValue?.t === 'str' && sidValue.alts.length === 1 ? literalText(sidValue.alts[0]) : undefined;
  let label = sid ? `Sid-${sanitize(sid)}` : `Statement${index}`;
  if (usedLabels.has(label)) label = `Statement${index}`;
  usedLabels.add(label);
  const name = sid ? `statement "${sid}"` : `statement ${index}`;
  if (v.t !== 'obj') {
    return {
      index,
      label,
      name,
      path: [index],
      effect: 'unknown',
      actions: [],
      notAction: false,
      actionProblems: [`the statement is ${describeKind(v)}`],
      notPrincipal: false,
      resources: [],
      notResource: false,
      resourceProblems: [],
      conditions: [],
      conditionProblems: [`the statement is ${describeKind(v)}`],
      principal: { star: false, aws: [], awsItem: [], service: [], federated: [], problems: [`the statement is ${describeKind(v)}`] },
    };
  }
  const effectValue = getKey(v, 'Effect');
  const effectText = effectValue?.t === 'str' && effectValue.alts.length === 1 ? literalText(effectValue.alts[0]) : undefined;
  const effect: Effect = effectText === 'Allow' ? 'Allow' : effectText === 'Deny' ? 'Deny' : 'unknown';
  const notActionValue = getKey(v, 'NotAction');
  const actionValue = notActionValue ?? getKey(v, 'Action');
  const actions = stringList(actionValue);
  const notPrincipalValue = getKey(v, 'NotPrincipal');
  const principalValue = getKey(v, 'Principal');
  let principal: NPrincipal | undefined;
  if (notPrincipalValue !== undefined) {
    // Allow with NotPrincipal grants every principal but the listed ones.
    principal = { star: true, aws: [], awsItem: [], service: [], federated: [], problems: [] };
  } else if (principalValue !== undefined) {
    principal = parsePrincipal(principalValue);
  }
  const notResourceValue = getKey(v, 'NotResource');
  const resources = stringList(notResourceValue ?? getKey(v, 'Resource'));
  const cond = parseConditions(getKey(v, 'Condition'));
  return {
    index,
    sid,
    label,
    name,
    path: [index],
    effect,
    actions: actions.strs,
    notAction: notActionValue !== undefined,
    actionProblems: actionValue === undefined ? ['the statement has no Action'] : actions.problems,
    principal,
    notPrincipal: notPrincipalValue !== undefined,
    resources: resources.strs,
    notResource: notResourceValue !== undefined,
    resourceProblems: resources.problems,
    conditions: cond.conditions,
    conditionProblems: cond.problems,
  };
}

/** Normalises a resolved policy document. `Statement` may be one object or a list. */
export function normalizePolicy(doc: RValue | undefined): NPolicy {
  if (doc === undefined) return { statements: [], problem: 'the policy document is missing' };
  if (doc.t !== 'obj') return { statements: [], problem: `the policy document is ${describeKind(doc)}` };
  const st = getKey(doc, 'Statement');
  if (st === undefined) return { statements: [], problem: 'the policy document has no Statement' };
  const used = new Set<string>();
  if (st.t === 'obj') return { statements: [{ ...parseStatement(st, 0, used), path: ['Statement'] }] };
  if (st.t === 'list') {
    const statements = st.items.map((s, i) => parseStatement(s, i, used));
    const withPaths = statements.map((s) => ({ ...s, path: ['Statement', ...s.path] }));
    return { statements: withPaths, problem: st.open ? 'the Statement list has a length that could not be resolved' : undefined };
  }
  return { statements: [], problem: `Statement is ${describeKind(st)}` };
}

function globToRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'is');
}

/** Whether an IAM wildcard pattern (`*`, `?`) matches a value; case-insensitive as IAM actions are. */
export function globMatches(pattern: string, value: string): boolean {
  return globToRegExp(pattern).test(value);
}

/** Whether the statement's Action/NotAction covers an action (`sts:AssumeRole` by `sts:*`, `sts:Assume*`, `*`). */
export function coversAction(stmt: NStatement, action: string): Tri {
  let anyMatch = false;
  let anyUnknown = stmt.actionProblems.length > 0;
  for (const a of stmt.actions) {
    const text = literalText(a);
    if (text === undefined) anyUnknown = true;
    else if (globMatches(text, action)) anyMatch = true;
  }
  if (stmt.notAction) {
    if (anyMatch) return 'no';
    return anyUnknown ? 'unknown' : 'yes';
  }
  if (anyMatch) return 'yes';
  return anyUnknown ? 'unknown' : 'no';
}

/** Conditions on one key (case-insensitive). */
export function conditionsOn(stmt: NStatement, key: string): NCondition[] {
  const lower = key.toLowerCase();
  return stmt.conditions.filter((c) => c.keyLower === lower);
}

/**
 * Base operators that read `*` and `?` in their values as wildcards. AWS documents ArnEquals as the same
 * operator as ArnLike, so it matches wildcards too; StringEquals compares them as plain characters.
 */
const WILDCARD_OPERATORS = new Set(['StringLike', 'StringNotLike', 'ArnLike', 'ArnEquals', 'ArnNotLike', 'ArnNotEquals']);

export function interpretsWildcards(c: NCondition): boolean {
  return operatorInterpretsWildcards(c.base);
}

/** Whether a base operator (`StringLike`, as `parseOperator` gives it) reads `*` and `?` in its values as wildcards. */
export function operatorInterpretsWildcards(base: string): boolean {
  return WILDCARD_OPERATORS.has(base);
}

/** Base operators under which the listed values are the ones a request must not carry. */
export function isNegated(c: NCondition): boolean {
  return /^(String|Arn|Numeric|Date)Not/.test(c.base);
}

/** An operator that AWS applies exactly to a single-valued key: no qualifier, no `IfExists`. */
export function isPlain(c: NCondition, base: string): boolean {
  return c.base === base && !c.ifExists && c.qualifier === undefined;
}
