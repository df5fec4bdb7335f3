/**
 * What the prover is asked about a template: the engine's model of it turned into proof inputs. Each role with
 * cross-account trust gives a trust proof per variant (combination of its conditions); each role whose identity
 * policies allow sts:AssumeRole into another account (what XAT8 and XAT9 read) gives a deputy proof per variant.
 *
 * Pure, and it loads neither the prover's implementation nor the IAM policy evaluator, so the CLI's scan imports it
 * for every run; only `check --prove` calls it (while the engine checks each template) and hands the subjects to the prover.
 *
 * A value the model cannot give as text (a parameter, a resource attribute, an unresolved intrinsic) becomes a
 * placeholder listed in `unresolved`, so that the prover reports what depends on it as undecided. Values that cannot
 * change an attack's outcome are bound to example values instead: pseudo parameters (the role's account, partition
 * `aws`), the ExternalId a condition compares with (the right one, which the vendor sends), and parameters in the
 * account or name part of a trusted principal's ARN (the vendor role's, from `--vendor-role-arn`, or example values).
 * A principal given whole by a parameter stays unresolved, and its statement is proven a second time with the vendor
 * role as that parameter's value (see `withVendorRoleStatements`).
 */
import { DeputyProofInput, TrustProofInput, UnresolvedValue } from './types';
import { AppModel, EXTERNAL_ID_KEY, PolicyDoc, RoleAnalysis } from '../engine/analysis';
import { NStatement, operatorInterpretsWildcards, parseOperator } from '../engine/policy';
import { POLICY_BEARING_TYPES } from '../engine/policy-types';
import { wildcardIn } from '../engine/principals';
import { resourceValue } from '../engine/resources';
import { ResourceModel, TemplateModel } from '../engine/template';
import { Part, RValue, SymStr, displaySym, getKey, literalText, numberText } from '../engine/values';
import { AssumeTarget, assumeGrants } from '../rules/identity';

/** The account of a role whose template does not say where it deploys (a StackSet body, a template without `--account`). */
export const EXAMPLE_OWN_ACCOUNT = '100000000001';
/** Accounts standing for account parameters of trusted principals, when no `--vendor-role-arn` names the vendor's. */
export const EXAMPLE_VENDOR_ACCOUNTS = ['200000000001', '200000000002', '200000000003', '200000000004'] as const;
/** The name of the vendor role when the trusted principal names no role (an account root, `*`). */
export const EXAMPLE_VENDOR_ROLE_NAME = 'VendorRole';
/** The customer role name of a deputy proof when the deputy's policies name none (`Resource: "*"`). */
export const EXAMPLE_CUSTOMER_ROLE_NAME = 'CustomerRole';

/**
 * Combinations of alternatives (values of a string decided at deploy time, such as an `Fn::FindInMap` with a key given
 * by a parameter) proven one by one; beyond this many, the strings with alternatives become unresolved values.
 */
export const MAX_ALTERNATIVE_COMBINATIONS = 16;

interface SubjectBase {
  /** `TemplateInput.source` of the template holding the resource. */
  readonly source: string;
  /** Logical id of the resource, `<StackSet>/<Inner>` inside a StackSet body (as findings name it). */
  readonly resource: string;
  /** The finding-id prefix of a resource inside a StackSet body; `''` otherwise. */
  readonly findingIdPrefix: string;
  /**
   * The conditions (and deploy-time alternatives) under which this input holds, when the resource has several inputs:
   * `when condition UseLegacy is true`; undefined when it has one.
   */
  readonly variant?: string;
}

export type ProofSubject =
  | (SubjectBase & { readonly kind: 'trust'; readonly input: TrustProofInput })
  | (SubjectBase & { readonly kind: 'deputy'; readonly input: DeputyProofInput });

export interface SubjectOptions {
  /** The vendor role expected to assume the roles (`--vendor-role-arn`). @default the role each template trusts */
  readonly vendorRoleArn?: string;
}

const ROLE_ARN = /^arn:aws[\w-]*:iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*[\w+=,.@-]+$/;

/** Why `arn` cannot be the vendor role of a proof, or undefined when it can. */
export function vendorRoleArnProblem(arn: string): string | undefined {
  return ROLE_ARN.test(arn) ? undefined : `expected the ARN of an IAM role (arn:aws:iam::<12-digit account>:role/<name>), received ${JSON.stringify(arn)}`;
}

function accountOf(arn: string): string {
  return arn.split(':')[4];
}

/** The proof inputs of every resource of `app` the prover has something to say about, in the order of the resources. */
export function proofSubjects(app: AppModel, options: SubjectOptions = {}): ProofSubject[] {
  if (options.vendorRoleArn !== undefined) {
    const problem = vendorRoleArnProblem(options.vendorRoleArn);
    if (problem) throw new Error(`vendorRoleArn: ${problem}`);
  }
  const deputies = deputySubjects(app);
  const out: ProofSubject[] = [];
  for (const r of app.resources) {
    const role = app.roles.find((x) => x.resource === r);
    if (role !== undefined) out.push(...trustSubjects(role, options));
    out.push(...(deputies.get(r) ?? []));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Resolved values to plain JSON

type AltString = Extract<RValue, { t: 'str' }>;

/** Strings with several possible values in one variant (by identity), each with where it is (`Statement[0].Principal.AWS`). */
function alternativeStrings(v: RValue | undefined, at = '', out: Array<{ str: AltString; at: string }> = []): Array<{ str: AltString; at: string }> {
  if (v === undefined) return out;
  if (v.t === 'str' && v.alts.length > 1) out.push({ str: v, at });
  if (v.t === 'list') v.items.forEach((x, i) => alternativeStrings(x, `${at}[${i}]`, out));
  if (v.t === 'obj') for (const [k, x] of v.entries) alternativeStrings(x, at ? `${at}.${k}` : k, out);
  return out;
}

/** Every way of picking one alternative of each string, or undefined when there are more than the bound. */
function alternativeChoices(strs: ReadonlyArray<{ str: AltString }>): Array<Map<RValue, number>> | undefined {
  const count = strs.reduce((n, s) => n * s.str.alts.length, 1);
  if (count > MAX_ALTERNATIVE_COMBINATIONS) return undefined;
  let out: Array<Map<RValue, number>> = [new Map()];
  for (const { str } of strs) out = out.flatMap((m) => str.alts.map((_, i) => new Map([...m, [str as RValue, i]])));
  return out;
}

function isPlaceholder(x: unknown): boolean {
  return typeof x === 'string' && x.startsWith(PLACEHOLDER_START);
}

const PLACEHOLDER_START = '<unresolved ';

/** Turns resolved values into plain JSON for one proof input, recording what it could not give as text. */
class JsonWriter {
  public readonly unresolved: UnresolvedValue[] = [];
  private readonly placeholders = new Map<string, string>();
  /** The tokens standing for ExternalId values that are not literal, by the value's display form. */
  private readonly externalIds = new Map<string, string>();

  constructor(
    private readonly tm: TemplateModel,
    private readonly ownAccount: string,
    /** Parameter values bound for this proof (account and name parts of trusted principals). */
    private readonly params: ReadonlyMap<string, string>,
    /** The alternative each string with several takes, for this proof; a string not in it with several is unresolved. */
    private readonly choices: ReadonlyMap<RValue, number>,
  ) {}

  /** The placeholder for a value, one per description. */
  public placeholder(description: string): string {
    let p = this.placeholders.get(description);
    if (p === undefined) {
      // `<` and spaces are in no ARN, account id or ExternalId, and `*`/`?`/`$` are left out so that no evaluator reads a wildcard or variable.
      p = `${PLACEHOLDER_START}${this.placeholders.size + 1}>`;
      this.placeholders.set(description, p);
      this.unresolved.push({ placeholder: p, description });
    }
    return p;
  }

  /** The token that stands for a non-literal ExternalId value: the right ExternalId, whatever the deployment makes it. */
  public externalIdToken(s: SymStr): string {
    const key = displaySym(s);
    let t = this.externalIds.get(key);
    if (t === undefined) {
      t = `right-external-id-${this.externalIds.size + 1}-${key.replace(/[^\w+=,.@:/-]/g, '')}`.slice(0, 96);
      this.externalIds.set(key, t);
    }
    return t;
  }

  public json(v: RValue | undefined, context: { externalId?: 'bind' | 'keep' } = {}): unknown {
    if (v === undefined) return undefined;
    switch (v.t) {
      case 'str': {
        let alts = v.alts;
        if (alts.length > 1) {
          const chosen = this.choices.get(v);
          if (chosen === undefined) {
            return this.placeholder(`one of ${alts.length} values decided at deploy time (${alts.slice(0, 4).map(displaySym).join(', ')}${alts.length > 4 ? ', ...' : ''})`);
          }
          alts = [alts[chosen]];
        }
        if (alts.length === 0) return this.placeholder('a string without a value');
        return this.text(alts[0], context.externalId);
      }
      case 'num': return v.written !== undefined ? v.v : /^\d{12}$/.test(numberText(v.v)) ? numberText(v.v) : v.v;
      case 'bool': return v.v;
      case 'null': return null;
      case 'unknown': return this.placeholder(`a value that could not be resolved (${v.reason})`);
      case 'list': {
        const items = v.items.map((x) => this.json(x, context));
        // A list of unknown length (a list parameter, a split of a parameter) may hold more than its known items.
        return v.open && !items.some(isPlaceholder) ? [...items, this.placeholder('the other items of a list of unknown length')] : items;
      }
      case 'obj': return this.object(v);
    }
  }

  private object(v: Extract<RValue, { t: 'obj' }>): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [k, x] of v.entries) {
      if (k === 'Condition' && x.t === 'obj') {
        out[k] = Object.fromEntries(x.entries.map(([operator, block]) => [operator, block.t !== 'obj' ? this.json(block)
          : Object.fromEntries(block.entries.map(([key, values]) => [key, this.json(values, key.toLowerCase() === EXTERNAL_ID_KEY.toLowerCase()
            ? { externalId: externalIdBinding(operator) } : {})]))]));
      } else {
        out[k] = this.json(x);
      }
    }
    return out;
  }

  /** The text of a symbolic string, or a placeholder for the whole of it. */
  public text(s: SymStr, externalId?: 'bind' | 'keep'): string {
    const literal = literalText(s);
    if (literal !== undefined) return literal;
    if (externalId === 'bind' || (externalId === 'keep' && wildcardIn(s, this.tm) === undefined)) return this.externalIdToken(s);
    const pieces: string[] = [];
    for (const p of s.parts) {
      const piece = this.part(p);
      if (piece.unresolved !== undefined) return this.placeholder(piece.unresolved);
      pieces.push(piece.text);
    }
    return pieces.join('');
  }

  private part(p: Part): { text: string; unresolved?: undefined } | { text?: undefined; unresolved: string } {
    switch (p.kind) {
      case 'lit': return { text: p.text };
      case 'pseudo': {
        if (p.fragment) return { unresolved: `a piece of pseudo parameter ${p.name}` };
        // The customer's own values: no attacker chooses them, and none of them can hold a wildcard.
        const value = PSEUDO_VALUES[p.name] ?? (p.name === 'AWS::AccountId' ? this.ownAccount : undefined);
        return value !== undefined ? { text: value } : { unresolved: `pseudo parameter ${p.name}` };
      }
      case 'param': {
        const bound = p.fragment ? undefined : this.params.get(p.name);
        return bound !== undefined ? { text: bound } : { unresolved: `${p.fragment ? 'a piece of ' : ''}parameter ${p.name}` };
      }
      case 'resource': {
        const value = resourceValue(p);
        if (value.kind === 'roleArn') return { text: `arn:aws:iam::${this.ownAccount}:role/${p.logicalId}` };
        if (value.kind === 'roleName') return { text: p.logicalId };
        return { unresolved: `the ${p.attribute !== undefined ? `${p.attribute} attribute` : 'Ref'} of ${p.type || 'resource'} ${p.logicalId}${p.stack !== undefined ? ` of ${p.stack}` : ''}` };
      }
      case 'unknown': return { unresolved: `a value that could not be resolved (${p.reason})` };
      case 'derived': {
        if (p.fn === 'Fn::Base64' && p.inputs.length === 1) {
          const input = this.text(p.inputs[0]);
          if (!isPlaceholder(input)) return { text: Buffer.from(input, 'utf8').toString('base64') };
        }
        return { unresolved: `the result of ${p.fn} of ${p.inputs.map(displaySym).join(', ')}` };
      }
    }
  }
}

/**
 * Pseudo parameters given example values: the partition and URL suffix of the commercial partition, and values no
 * attacker chooses (the stack's name, id and region), so that a role name or condition built from them stays readable.
 */
const PSEUDO_VALUES: Readonly<Record<string, string>> = {
  'AWS::Partition': 'aws',
  'AWS::URLSuffix': 'amazonaws.com',
  'AWS::Region': 'us-east-1',
  'AWS::StackName': 'customer-stack',
  'AWS::StackId': 'arn:aws:cloudformation:us-east-1:000000000000:stack/customer-stack/00000000-0000-0000-0000-000000000000',
};

/**
 * How an ExternalId value that is not literal is written: as the token of the right ExternalId (whatever the
 * deployment makes it, the vendor sends it) for operators that compare text exactly; under operators that read
 * wildcards, only when the value cannot hold one (otherwise it is unresolved, since `*` there would match anything).
 */
function externalIdBinding(operator: string): 'bind' | 'keep' {
  return operatorInterpretsWildcards(parseOperator(operator).base) ? 'keep' : 'bind';
}

// ---------------------------------------------------------------------------------------------------------------
// Trust subjects

/** The role's ARN in `account`: its literal RoleName (and Path) when it has them, its logical id otherwise. */
function roleArnOf(resource: ResourceModel, props: RValue, account: string): string {
  const literal = (key: string) => {
    const v = getKey(props, key);
    return v?.t === 'str' && v.alts.length === 1 ? literalText(v.alts[0]) : undefined;
  };
  const name = literal('RoleName') ?? resource.logicalId.replace(/[^\w+=,.@-]/g, '');
  const path = literal('Path') ?? '/';
  return `arn:aws:iam::${account}:role${path.startsWith('/') ? path : `/${path}`}${name}`;
}

/** The account and name values of parameters inside the trusted principals' ARNs of a variant's Allow statements. */
function principalParameters(statements: readonly NStatement[], vendorRoleArn: string | undefined): Map<string, string> {
  const bound = new Map<string, string>();
  const accounts = new Map<string, string>();
  const exampleAccount = (name: string) => {
    let a = accounts.get(name);
    if (a === undefined) {
      a = EXAMPLE_VENDOR_ACCOUNTS[Math.min(accounts.size, EXAMPLE_VENDOR_ACCOUNTS.length - 1)];
      accounts.set(name, a);
    }
    return a;
  };
  for (const stmt of statements) {
    for (const s of stmt.principal?.aws ?? []) {
      // A whole principal given by a parameter may be anything (an account, "*"): it stays unresolved.
      if (s.parts.length < 2 || s.parts[0].kind !== 'lit' || !s.parts[0].text.startsWith('arn:')) continue;
      const fromVendor = vendorRoleArn === undefined ? undefined : matchParameters(s, vendorRoleArn);
      let colons = 0;
      for (const p of s.parts) {
        if (p.kind === 'lit') {
          colons += p.text.split(':').length - 1;
          continue;
        }
        if (p.kind !== 'param' || p.fragment || bound.has(p.name)) continue;
        if (fromVendor?.has(p.name)) bound.set(p.name, fromVendor.get(p.name)!);
        else if (colons === 4) bound.set(p.name, vendorRoleArn !== undefined ? accountOf(vendorRoleArn) : exampleAccount(p.name));
        else if (colons >= 5) bound.set(p.name, p.name);
      }
    }
  }
  return bound;
}

/** The values `s`'s parameters take when `s` is `arn` (or the root of `arn`'s account), or undefined when it cannot be. */
function matchParameters(s: SymStr, arn: string): Map<string, string> | undefined {
  const names: string[] = [];
  let source = '';
  for (const p of s.parts) {
    if (p.kind === 'lit') {
      source += p.text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    } else if (p.kind === 'pseudo' && p.name === 'AWS::Partition') {
      source += 'aws[\\w-]*';
    } else if (p.kind === 'param' && !p.fragment) {
      names.push(p.name);
      source += '([^:]+?)';
    } else {
      return undefined;
    }
  }
  const re = new RegExp(`^${source}$`);
  for (const candidate of [arn, `arn:aws:iam::${accountOf(arn)}:root`]) {
    const m = re.exec(candidate);
    if (m === null) continue;
    const values = new Map<string, string>();
    if (names.every((n, i) => (values.get(n) ?? m[i + 1]) === m[i + 1] && values.set(n, m[i + 1]))) return values;
  }
  return undefined;
}

/**
 * The vendor role of a proof when none is given: the first role ARN of another account among the trusted principals;
 * else a role of the first other account they trust (a root, an account id, a role pattern); else an example role.
 */
function trustedVendorRole(policy: unknown, ownAccount: string): string {
  const principals: string[] = [];
  for (const stmt of statementsOf(policy)) {
    if (stmt.Effect !== 'Allow' || typeof stmt.Principal !== 'object' || stmt.Principal === null) continue;
    const aws = (stmt.Principal as Record<string, unknown>).AWS;
    for (const p of Array.isArray(aws) ? aws : [aws]) if (typeof p === 'string') principals.push(p);
  }
  const exact = principals.find((p) => ROLE_ARN.test(p) && accountOf(p) !== ownAccount);
  if (exact !== undefined) return exact;
  for (const p of principals) {
    const account = /^\d{12}$/.test(p) ? p : /^arn:aws[\w-]*:iam::(\d{12}):/.exec(p)?.[1];
    if (account === undefined || account === ownAccount) continue;
    const pattern = /^arn:aws[\w-]*:iam::\d{12}:role\/(.+)$/.exec(p)?.[1];
    // A role pattern (`role/vendor-*`): a role it matches.
    const name = pattern !== undefined && !pattern.includes('<') ? pattern.replace(/\*/g, 'vendor').replace(/\?/g, 'x') : EXAMPLE_VENDOR_ROLE_NAME;
    return `arn:aws:iam::${account}:role/${name}`;
  }
  return `arn:aws:iam::${EXAMPLE_VENDOR_ACCOUNTS[0]}:role/${EXAMPLE_VENDOR_ROLE_NAME}`;
}

function statementsOf(policy: unknown): Array<Record<string, unknown>> {
  const st = typeof policy === 'object' && policy !== null ? (policy as Record<string, unknown>).Statement : undefined;
  return (Array.isArray(st) ? st : [st]).filter((s): s is Record<string, unknown> => typeof s === 'object' && s !== null);
}

/**
 * A principal given whole by a parameter (`AWS: !Ref TrustedArn`) is the vendor's role by the template's own intent,
 * and may also be anything the deployer passes ("*", an account). So each Allow statement trusting one is proven
 * twice: as written, where the parameter stays unresolved (so another role, a user or a third account is undecided),
 * and as a copy, appended with a Sid saying so, whose principal is the vendor role (so a request of the vendor role
 * itself, without or with the right ExternalId, is decided).
 */
function withVendorRoleStatements(policy: unknown, unresolved: readonly UnresolvedValue[], vendorRoleArn: string): unknown {
  const parameters = new Set(unresolved.filter((u) => /^parameter \S+$/.test(u.description)).map((u) => u.placeholder));
  if (parameters.size === 0) return policy;
  const statements = statementsOf(policy);
  const copies = statements.flatMap((stmt, i) => {
    const principal = stmt.Principal;
    const aws = typeof principal === 'object' && principal !== null ? (principal as Record<string, unknown>).AWS : undefined;
    const entries = Array.isArray(aws) ? aws : [aws];
    if (stmt.Effect !== 'Allow' || !entries.some((e) => typeof e === 'string' && parameters.has(e))) return [];
    const sid = `${typeof stmt.Sid === 'string' && stmt.Sid !== '' ? stmt.Sid.replace(/[^A-Za-z0-9]/g, '') : `Statement${i}`}WithTheVendorRoleAsItsParameter`;
    return [{ ...stmt, Sid: sid, Principal: { ...(principal as Record<string, unknown>), AWS: vendorRoleArn } }];
  });
  return copies.length === 0 ? policy : { ...(policy as Record<string, unknown>), Statement: [...statements, ...copies] };
}

/**
 * The ExternalId the vendor sends: the token of the first non-literal value a condition on sts:ExternalId of a
 * cross-account Allow statement compares with (the prover finds a literal one itself).
 */
function rightExternalId(policy: unknown): string | undefined {
  for (const stmt of statementsOf(policy)) {
    if (stmt.Effect !== 'Allow' || typeof stmt.Condition !== 'object' || stmt.Condition === null) continue;
    for (const [operator, block] of Object.entries(stmt.Condition as Record<string, unknown>)) {
      if (/Not|^Null$/i.test(operator) || typeof block !== 'object' || block === null) continue;
      for (const [key, values] of Object.entries(block as Record<string, unknown>)) {
        if (key.toLowerCase() !== EXTERNAL_ID_KEY.toLowerCase()) continue;
        const token = (Array.isArray(values) ? values : [values]).find((x) => typeof x === 'string' && x.startsWith('right-external-id-'));
        if (token !== undefined) return token as string;
      }
    }
  }
  return undefined;
}

/** What an input assumes of the deployment: condition values and deploy-time choices, as `[what, value]` pairs. */
type When = ReadonlyArray<readonly [string, string]>;

/**
 * One subject per distinct input, with what the deployment must be for it (`when condition A is true, or when ...`)
 * when there are several distinct inputs. A condition or choice that changes no input is left out of the text.
 */
function grouped<T extends { readonly input: unknown; readonly when: When }>(items: readonly T[]): Array<T & { variant?: string }> {
  const key = (x: T) => JSON.stringify(x.input);
  const inputs = new Set(items.map(key));
  if (inputs.size <= 1) return items.length === 0 ? [] : [items[0]];
  const whats = [...new Set(items.flatMap((x) => x.when.map(([what]) => what)))];
  // A condition matters when two items that differ only in it have different inputs.
  const matters = new Set(whats.filter((what) => {
    const rest = (x: T) => JSON.stringify(x.when.filter(([w]) => w !== what));
    const byRest = new Map<string, Set<string>>();
    for (const x of items) byRest.set(rest(x), (byRest.get(rest(x)) ?? new Set()).add(key(x)));
    return [...byRest.values()].some((keys) => keys.size > 1);
  }));
  const byInput = new Map<string, { item: T; texts: Set<string> }>();
  for (const x of items) {
    const text = x.when.filter(([what]) => matters.has(what)).map(([what, value]) => `${what} is ${value}`).join(' and ');
    const entry = byInput.get(key(x)) ?? { item: x, texts: new Set<string>() };
    entry.texts.add(text);
    byInput.set(key(x), entry);
  }
  return [...byInput.values()].map(({ item, texts }) => {
    const named = [...texts].filter((t) => t !== '');
    return named.length === 0 ? item : { ...item, variant: named.map((t) => `when ${t}`).join(', or ') };
  });
}

function trustSubjects(role: RoleAnalysis, options: SubjectOptions): ProofSubject[] {
  const bearing = POLICY_BEARING_TYPES[role.resource.type];
  const tm = role.resource.template;
  const ownAccount = tm.account ?? EXAMPLE_OWN_ACCOUNT;
  const items: Array<{ input: TrustProofInput; when: When }> = [];
  for (const analysis of role.variants) {
    if (analysis.trust.length === 0 || bearing?.trust === undefined) continue;
    const props = analysis.variant.properties;
    const document = getKey(props, bearing.trust);
    const params = principalParameters(analysis.allowStatements, options.vendorRoleArn);
    const roleArn = roleArnOf(role.resource, props, ownAccount);
    const strs = alternativeStrings(document);
    for (const choice of alternativeChoices(strs) ?? [new Map()]) {
      const writer = new JsonWriter(tm, ownAccount, params, choice);
      const written = writer.json(document);
      const externalId = rightExternalId(written);
      const vendorRoleArn = options.vendorRoleArn ?? trustedVendorRole(written, ownAccount);
      const input: TrustProofInput = {
        policy: withVendorRoleStatements(written, writer.unresolved, vendorRoleArn),
        roleArn,
        vendorRoleArn,
        ...(externalId !== undefined ? { externalId } : {}),
        ...(writer.unresolved.length > 0 ? { unresolved: writer.unresolved } : {}),
      };
      items.push({ input, when: whenOf(analysis.variant.assignment, choice, strs) });
    }
  }
  return grouped(items).map(({ input, variant }) => ({
    kind: 'trust',
    source: tm.source,
    resource: role.resource.id,
    findingIdPrefix: role.resource.findingPrefix,
    ...(variant !== undefined ? { variant } : {}),
    input,
  }));
}

/** The conditions and chosen alternatives of an input. */
function whenOf(
  assignment: ReadonlyMap<string, boolean>, choice: ReadonlyMap<RValue, number>, strs: ReadonlyArray<{ str: AltString; at: string }>,
): When {
  return [
    ...[...assignment].map(([k, v]) => [`condition ${k}`, String(v)] as const),
    ...strs.filter(({ str }) => choice.has(str)).map(({ str, at }) => [at, JSON.stringify(displaySym(str.alts[choice.get(str)!]))] as const),
  ];
}

// ---------------------------------------------------------------------------------------------------------------
// Deputy subjects

/** Whether an sts:AssumeRole target may be a role of another account than the template's. */
function crossAccount(t: AssumeTarget, tm: TemplateModel): boolean {
  if (t.unresolved !== undefined || t.anyAccount) return true;
  if (t.account === undefined) return false;
  return t.account !== '${AWS::AccountId}' && t.account !== tm.account;
}

/** The customer role name a deputy's grants name (path included, without `role/`), when one names exactly one. */
function customerRoleName(targets: readonly AssumeTarget[]): string | undefined {
  for (const t of targets) {
    const m = /^arn:[^:]*:iam::[^:]*:role\/(.+)$/.exec(t.display);
    if (m && !/[*?$]/.test(m[1])) return m[1];
  }
  return undefined;
}

/** Whether an assignment of conditions agrees with another on the conditions both fix. */
function agrees(a: ReadonlyMap<string, boolean>, b: ReadonlyMap<string, boolean>): boolean {
  return [...a].every(([k, v]) => !b.has(k) || b.get(k) === v);
}

/** The deputy proofs of the roles (by resource) whose identity policies allow sts:AssumeRole into another account. */
function deputySubjects(app: AppModel): Map<ResourceModel, ProofSubject[]> {
  const grants = assumeGrants(app).filter((g) => g.targets.some((t) => crossAccount(t, g.doc.resource.template)));
  const granting = new Set(grants.map((g) => g.doc));
  const roles = new Map<ResourceModel, AssumeTarget[]>();
  for (const g of grants) {
    for (const logicalId of g.doc.attachedTo) {
      const role = app.resources.find((r) => r.template === g.doc.resource.template && r.logicalId === logicalId
        && POLICY_BEARING_TYPES[r.type]?.trust !== undefined);
      if (role !== undefined) roles.set(role, [...(roles.get(role) ?? []), ...g.targets]);
    }
  }
  const out = new Map<ResourceModel, ProofSubject[]>();
  for (const [role, targets] of roles) {
    const tm = role.template;
    const ownAccount = tm.account ?? EXAMPLE_OWN_ACCOUNT;
    // The documents attached to the role, grouped by document: one group holds the variants of one document.
    const groups = new Map<string, PolicyDoc[]>();
    for (const d of app.policies) {
      if (d.resource.template !== tm || !d.attachedTo.includes(role.logicalId)) continue;
      const key = `${d.resource.id}\u0000${d.label}`;
      groups.set(key, [...(groups.get(key) ?? []), d]);
    }
    // Each variant of the role, with the variant of each document that agrees with it (condition names are the template's).
    let combos = role.variants.map((v) => ({ docs: [] as PolicyDoc[], assignment: new Map(v.assignment), properties: v.properties }));
    for (const docs of groups.values()) {
      combos = combos.flatMap((c) => {
        const fitting = docs.filter((d) => agrees(d.variant.assignment, c.assignment));
        // A document absent in this variant (an Fn::If that drops it) adds nothing.
        if (fitting.length === 0) return [c];
        return fitting.map((d) => ({ ...c, docs: [...c.docs, d], assignment: new Map([...c.assignment, ...d.variant.assignment]) }));
      });
    }
    const name = customerRoleName(targets) ?? EXAMPLE_CUSTOMER_ROLE_NAME;
    const items = combos.filter((c) => c.docs.some((d) => granting.has(d))).map((c) => {
      const writer = new JsonWriter(tm, ownAccount, new Map(), new Map());
      const input: DeputyProofInput = {
        policies: c.docs.map((d) => ({ name: policyName(d), policy: writer.json(d.document) })),
        deputyRoleArn: roleArnOf(role, c.properties, ownAccount),
        customerRoleName: name,
        ...(writer.unresolved.length > 0 ? { unresolved: writer.unresolved } : {}),
      };
      return { input, when: whenOf(c.assignment, new Map(), []) };
    });
    out.set(role, grouped(items).map(({ input, variant }) => ({
      kind: 'deputy' as const,
      source: tm.source,
      resource: role.id,
      findingIdPrefix: role.findingPrefix,
      ...(variant !== undefined ? { variant } : {}),
      input,
    })));
  }
  return out;
}

/**
 * The name a deputy proof gives a document, as findings name it (`inline policy "Assume"`), or the resource that holds
 * it (`AWS::IAM::ManagedPolicy Confine`): the proof names the deciding statement after it.
 */
function policyName(d: PolicyDoc): string {
  const holder = `${d.resource.type} ${d.resource.id}`;
  if (/^inline policy /.test(d.name)) return d.name;
  return d.name ? `${d.name} of ${holder}` : holder;
}
