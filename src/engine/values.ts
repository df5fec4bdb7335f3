/**
 * Intrinsic function resolution: a CloudFormation value becomes a tree of resolved values whose
 * strings are symbolic (literal text mixed with parameters, pseudo parameters, resource attributes
 * and unknowns), with every possible alternative kept. Done once here so that no rule evaluates
 * intrinsics on its own.
 */
import { describeType, isObject } from '../private/json';
import { YamlOctal } from '../private/yaml-octal';

/** One piece of a symbolic string. `fragment` marks a piece cut out of a larger symbolic value by `Fn::Split`. */
export type Part =
  /** `written`: the YAML text of a number that YAML 1.1 read as octal (`012345670123` for 1402433619), for messages. */
  | { readonly kind: 'lit'; readonly text: string; readonly written?: string }
  | { readonly kind: 'param'; readonly name: string; readonly fragment?: boolean }
  | { readonly kind: 'pseudo'; readonly name: string; readonly fragment?: boolean }
  /** `stack`: the source of the template that defines the resource, when it is another template's (through `Fn::ImportValue`). */
  | { readonly kind: 'resource'; readonly logicalId: string; readonly type: string; readonly attribute?: string; readonly stack?: string; readonly fragment?: boolean }
  | { readonly kind: 'unknown'; readonly reason: string; readonly fragment?: boolean }
  /**
   * The result of a deterministic function (`Fn::Base64`, `Fn::ToJsonString`...) of symbolic inputs: its text is
   * not known before deployment, but it is a pure function of `inputs`, so it is as secret or as predictable as they are.
   */
  | { readonly kind: 'derived'; readonly fn: string; readonly inputs: readonly SymStr[]; readonly fragment?: boolean };

/** A string whose value may depend on deploy-time inputs. */
export interface SymStr {
  readonly parts: readonly Part[];
}

/** A resolved CloudFormation value. `Fn::If` branches are decided by the caller's condition assignment. */
export type RValue =
  | { readonly t: 'str'; readonly alts: readonly SymStr[] }
  /** `written`: the YAML text of a number read as octal. */
  | { readonly t: 'num'; readonly v: number; readonly written?: string }
  | { readonly t: 'bool'; readonly v: boolean }
  | { readonly t: 'null' }
  /** `open`: the list has unknown length (a list parameter, a split of a symbolic string); items show its shape. */
  | { readonly t: 'list'; readonly items: readonly RValue[]; readonly open?: boolean }
  | { readonly t: 'obj'; readonly entries: ReadonlyArray<readonly [string, RValue]> }
  | { readonly t: 'unknown'; readonly reason: string };

const NO_VALUE = { t: 'novalue' } as const;
type Resolved = RValue | typeof NO_VALUE;

/** Parameter as declared in the template's `Parameters` section. */
export interface ParamInfo {
  readonly name: string;
  readonly type: string;
  /** The default as a string, when there is one. */
  readonly default?: string;
  readonly noEcho: boolean;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly maxValue?: number;
  readonly allowedPattern?: string;
  readonly isList: boolean;
  /**
   * In a StackSet body: the literal values the StackSet gives the parameter (its `Parameters`, and the
   * `ParameterOverrides` of its stack instances as alternatives), which replace any deploy-time input.
   */
  readonly stackSetValues?: readonly string[];
  /** In a StackSet body: why the value the StackSet gives the parameter could not be carried into the body. */
  readonly unresolvedValue?: string;
  /** Where the parameter is declared, when another template declares it (an outer parameter passed to a StackSet body). */
  readonly path?: ReadonlyArray<string | number>;
}

export const PSEUDO_PARAMETERS = new Set([
  'AWS::AccountId', 'AWS::Region', 'AWS::StackId', 'AWS::StackName', 'AWS::Partition', 'AWS::URLSuffix',
]);

/** What the resolver needs from the template. */
export interface ResolveScope {
  readonly parameters: ReadonlyMap<string, ParamInfo>;
  readonly resourceTypes: ReadonlyMap<string, string>;
  readonly mappings: unknown;
  /** Shared work budget of the template; resolution degrades to unknowns when it runs out. */
  readonly budget: { steps: number };
  /** The truth value of a condition, `undefined` when it depends on deploy-time input and was not assigned. */
  conditionValue(name: string): boolean | undefined;
  /** The value another template of the same check exports under `name`, when one does (see `ExportRegistry`). */
  importValue?(name: string): RValue | undefined;
}

/** Conditions of one resource that depend on deploy-time input are enumerated up to this many. */
export const MAX_ENUMERATED_CONDITIONS = 8;

/**
 * How the resolver evaluates each intrinsic function, for RULES.md (scripts/rules-md.ts renders this table; a test
 * checks it against the resolver and the short forms the parser reads). A function not listed is not evaluated.
 */
export const INTRINSIC_FUNCTIONS: ReadonlyArray<{ readonly fn: string; readonly evaluation: string }> = [
  { fn: 'Ref', evaluation: 'A parameter, pseudo parameter or resource of the template, kept symbolic and judged by what it is: a parameter by its NoEcho, Default and constraints (its Default is not taken as its value), `AWS::AccountId` as the own account, a resource by its type.' },
  { fn: 'Fn::GetAtt', evaluation: 'An attribute of a resource of the template, judged by the resource\'s type: the `Arn` of an `AWS::IAM::Role` is that role in the own account; a custom resource, a nested stack output or an SSM parameter `Value` may be anything.' },
  { fn: 'Fn::Sub', evaluation: 'Evaluated: literal text, `${Parameter}`, `${AWS::...}`, `${Resource.Attribute}`, `${!Literal}` and the variable map.' },
  { fn: 'Fn::Join', evaluation: 'Evaluated over a list of known length.' },
  { fn: 'Fn::Select', evaluation: 'Evaluated with a literal index; with an index decided at deploy time, every item of the list is a possible value.' },
  { fn: 'Fn::Split', evaluation: 'Evaluated at literal delimiters; a piece of a parameter or attribute is marked as such.' },
  { fn: 'Fn::FindInMap', evaluation: 'Evaluated; with a key decided at deploy time every value the key can reach is a possible value, and lookups that share a key expression are combined consistently. `DefaultValue` is used when no key matches.' },
  { fn: 'Fn::If', evaluation: `Both branches: each combination of the conditions a resource uses (up to ${MAX_ENUMERATED_CONDITIONS}) is checked as its own variant, and a finding says under which conditions it holds.` },
  { fn: 'Fn::Base64', evaluation: 'Computed for literal text; otherwise a value derived from its input and judged by its source (the ExternalId `Fn::Base64: !Ref Key` is judged by parameter `Key`, which needs MinLength and at most 918 characters, and no AllowedPattern since Base64 text is in the STS charset).' },
  { fn: 'Fn::ToJsonString', evaluation: 'Computed (compact JSON) when everything in it is literal; otherwise a value derived from every string in it.' },
  { fn: 'Fn::Length', evaluation: 'The number of items of a list of known length; otherwise a value derived from the list.' },
  { fn: 'Fn::Cidr', evaluation: 'A list of unknown length whose items derive from the arguments.' },
  { fn: 'Fn::GetAZs', evaluation: 'A list of unknown length whose items derive from the region (the stack\'s own for `""`).' },
  { fn: 'Fn::ImportValue', evaluation: 'The value exported under that name by another template of the same check (the stacks of a CDK app, the files of a CLI run), resolved in that template: exports are per account and region, so a role it names is a role of the own account. A parameter of the exporting template is reported as not resolved; an export name built with intrinsics other than literal text, or exported by no template of the check, is not resolved.' },
];

export const MAX_DEPTH = 64;
export const MAX_ALTERNATIVES = 64;

export function lit(text: string): SymStr {
  return { parts: text === '' ? [] : [{ kind: 'lit', text }] };
}

export function unknownStr(reason: string): RValue {
  return { t: 'str', alts: [{ parts: [{ kind: 'unknown', reason }] }] };
}

export function isLiteral(s: SymStr): boolean {
  return s.parts.every((p) => p.kind === 'lit');
}

export function literalText(s: SymStr): string | undefined {
  return isLiteral(s) ? s.parts.map((p) => (p as { text: string }).text).join('') : undefined;
}

/**
 * Human-readable form: literals as they are, the rest as `${...}` placeholders; a number read as octal says so, since
 * the value shown is not what the template's author wrote.
 */
export function displaySym(s: SymStr): string {
  const octal = s.parts.flatMap((p) => (p.kind === 'lit' && p.written !== undefined ? [`${p.written} as the octal number ${p.text}`] : []));
  const text = s.parts.map(displayPart).join('');
  return octal.length === 0 ? text : `${text} (YAML 1.1, as CloudFormation reads it, took the unquoted ${octal.join(' and ')}: quote it to keep its digits)`;
}

export function displayPart(p: Part): string {
  switch (p.kind) {
    case 'lit': return p.text;
    case 'param': return `\${${p.name}}`;
    case 'pseudo': return `\${${p.name}}`;
    case 'resource': return `\${${p.logicalId}${p.attribute ? `.${p.attribute}` : ''}${p.stack !== undefined ? ` of ${p.stack}` : ''}}`;
    case 'unknown': return `\${?${p.reason}}`;
    case 'derived': return `\${${p.fn}(${p.inputs.map(displaySym).join(', ')})}`;
  }
}

/**
 * Every part a symbolic string is made of, the inputs of derived parts included (depth-first), each with the
 * deterministic functions it passes through on the way (innermost last).
 */
export function leafParts(s: SymStr, via: readonly string[] = []): Array<{ part: Exclude<Part, { kind: 'derived' }>; via: readonly string[] }> {
  return s.parts.flatMap((p) => (p.kind === 'derived'
    ? p.inputs.flatMap((input) => leafParts(input, [...via, p.fn]))
    : [{ part: p, via }]));
}

function concat(a: SymStr, b: SymStr): SymStr {
  const parts = [...a.parts];
  for (const p of b.parts) {
    const last = parts[parts.length - 1];
    if (p.kind === 'lit' && last?.kind === 'lit' && p.written === undefined && last.written === undefined) {
      parts[parts.length - 1] = { kind: 'lit', text: last.text + p.text };
    } else {
      parts.push(p);
    }
  }
  return { parts };
}

/**
 * Alternatives without repeats. Mappings often give several keys the same value (one vendor account for many
 * regions); kept apart, each copy would become a principal and a finding of its own.
 */
export function uniqueAlts(alts: readonly SymStr[]): SymStr[] {
  const seen = new Set<string>();
  return alts.filter((a) => {
    const key = JSON.stringify(a.parts);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Every combination of the alternatives of a sequence of strings, concatenated; `undefined` past the bound. */
function cartesian(seq: ReadonlyArray<readonly SymStr[]>): SymStr[] | undefined {
  let acc: SymStr[] = [{ parts: [] }];
  for (const raw of seq) {
    const alts = uniqueAlts(raw);
    if (acc.length * alts.length > MAX_ALTERNATIVES) return undefined;
    const next: SymStr[] = [];
    for (const a of acc) for (const b of alts) next.push(concat(a, b));
    acc = uniqueAlts(next);
  }
  return acc;
}

/**
 * An integer that lost the leading zeros of a 12-digit account id (YAML reads `012345678901` as a number).
 * Only long integers are treated as account ids, so small numbers keep their value.
 */
export function numberText(n: number): string {
  if (Number.isInteger(n) && n >= 1e8 && n < 1e12) return String(n).padStart(12, '0');
  return String(n);
}

/** The possible strings of a resolved value, or the reason it is not a string. */
export function asStrings(v: RValue): { strs: SymStr[]; problem?: string } {
  switch (v.t) {
    case 'str': return { strs: [...v.alts] };
    case 'num': return { strs: [v.written !== undefined ? { parts: [{ kind: 'lit', text: String(v.v), written: v.written }] } : lit(numberText(v.v))] };
    case 'bool': return { strs: [lit(String(v.v))] };
    case 'unknown': return { strs: [{ parts: [{ kind: 'unknown', reason: v.reason }] }], problem: v.reason };
    default: return { strs: [], problem: `expected a string, got ${v.t === 'obj' ? 'an object' : v.t === 'list' ? 'a list' : 'null'}` };
  }
}

/**
 * The possible strings of a string-or-list value, item by item: the strings of one item are alternatives (only
 * one of them is in a deployed template), those of different items are all there together.
 */
export function stringItems(v: RValue | undefined): { items: SymStr[][]; problems: string[] } {
  if (v === undefined) return { items: [], problems: [] };
  const items: SymStr[][] = [];
  const problems: string[] = [];
  for (const item of v.t === 'list' ? v.items : [v]) {
    const r = asStrings(item);
    items.push(r.strs);
    if (r.problem) problems.push(r.problem);
  }
  return { items, problems };
}

/** Flattens a string-or-list value into its possible strings (all alternatives of all items). */
export function stringList(v: RValue | undefined): { strs: SymStr[]; problems: string[] } {
  const { items, problems } = stringItems(v);
  return { strs: items.flat(), problems };
}

/** Looks up a key of a resolved object, exact case first, then case-insensitively (templates in the wild vary). */
export function getKey(v: RValue | undefined, key: string): RValue | undefined {
  if (!v || v.t !== 'obj') return undefined;
  const exact = v.entries.find(([k]) => k === key);
  if (exact) return exact[1];
  const lower = key.toLowerCase();
  return v.entries.find(([k]) => k.toLowerCase() === lower)?.[1];
}

/** Identity of a small raw value (a lookup key expression such as `{"Ref": "Site"}`); `undefined` when it is large. */
function keyExpression(node: unknown): string | undefined {
  let budget = 64;
  const walk = (n: unknown, depth: number): unknown => {
    if (--budget < 0 || depth > 8) throw new RangeError('too large');
    if (Array.isArray(n)) return n.map((x) => walk(x, depth + 1));
    if (isObject(n)) return Object.keys(n).sort().map((k) => [k, walk(n[k], depth + 1)]);
    return n;
  };
  try {
    return JSON.stringify(walk(node, 0));
  } catch {
    return undefined;
  }
}

function hasDefaultValue(lookup: readonly unknown[]): boolean {
  return lookup.length > 3 && isObject(lookup[3]) && 'DefaultValue' in lookup[3];
}

/** One place where a key expression is used: the lookup's arguments and the key position (0 map, 1 top-level key, 2 second-level key). */
interface KeyUse {
  readonly lookup: readonly unknown[];
  readonly position: number;
}

export class Resolver {
  /**
   * Values given to key expressions of Fn::FindInMap (by `keyExpression`) while a string built from several
   * lookups with the same key is evaluated: one deployment gives such an expression one value in every lookup.
   */
  private readonly boundKeys = new Map<string, string>();

  constructor(private readonly scope: ResolveScope) {}

  /** Resolves a raw template value; never throws. */
  public resolve(node: unknown): RValue {
    const r = this.value(node, 0);
    return r.t === 'novalue' ? { t: 'unknown', reason: 'AWS::NoValue where a value is required' } : r;
  }

  private value(node: unknown, depth: number): Resolved {
    if (--this.scope.budget.steps < 0) return { t: 'unknown', reason: 'the template is too large or complex to evaluate' };
    if (depth > MAX_DEPTH) return { t: 'unknown', reason: `values nested more than ${MAX_DEPTH} levels deep` };
    if (typeof node === 'string') return { t: 'str', alts: [lit(node)] };
    if (typeof node === 'number') return Number.isFinite(node) ? { t: 'num', v: node } : { t: 'unknown', reason: 'a non-finite number' };
    if (node instanceof YamlOctal) return { t: 'num', v: node.value, written: node.text };
    if (typeof node === 'boolean') return { t: 'bool', v: node };
    if (node === null || node === undefined) return { t: 'null' };
    if (Array.isArray(node)) {
      const items: RValue[] = [];
      for (const item of node) {
        const r = this.value(item, depth + 1);
        if (r.t !== 'novalue') items.push(r);
      }
      return { t: 'list', items };
    }
    if (typeof node !== 'object') return { t: 'unknown', reason: `unsupported value of type ${typeof node}` };
    const keys = Object.keys(node);
    if (keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'))) {
      return this.intrinsic(keys[0], (node as Record<string, unknown>)[keys[0]], depth + 1);
    }
    const entries: Array<[string, RValue]> = [];
    for (const k of keys) {
      if ((node as Record<string, unknown>)[k] === undefined) continue;
      const r = this.value((node as Record<string, unknown>)[k], depth + 1);
      if (r.t !== 'novalue') entries.push([k, r]);
    }
    return { t: 'obj', entries };
  }

  private str(node: unknown, depth: number): SymStr[] {
    const r = this.value(node, depth);
    if (r.t === 'novalue') return [{ parts: [{ kind: 'unknown', reason: 'AWS::NoValue inside a string' }] }];
    const s = asStrings(r);
    return s.strs.length > 0 ? s.strs : [{ parts: [{ kind: 'unknown', reason: s.problem ?? 'not a string' }] }];
  }

  private intrinsic(fn: string, arg: unknown, depth: number): Resolved {
    switch (fn) {
      case 'Ref': return this.ref(arg);
      case 'Fn::GetAtt': return this.getAtt(arg);
      case 'Fn::Sub': return this.correlated('Fn::Sub', arg, depth, () => this.sub(arg, depth));
      case 'Fn::Join': return this.correlated('Fn::Join', arg, depth, () => this.join(arg, depth));
      case 'Fn::Select': return this.select(arg, depth);
      case 'Fn::Split': return this.split(arg, depth);
      case 'Fn::FindInMap': return this.findInMap(arg, depth);
      case 'Fn::If': return this.ifFn(arg, depth);
      case 'Fn::Base64': return this.base64(arg, depth);
      case 'Fn::ToJsonString': return this.toJsonString(arg, depth);
      case 'Fn::Length': return this.length(arg, depth);
      case 'Fn::Cidr': return this.openList('Fn::Cidr', this.value(arg, depth));
      case 'Fn::GetAZs': {
        // The Availability Zones of a region (the stack's own when the argument is empty), in the account's order.
        const region = this.str(arg, depth).map((s) => (literalText(s) === '' ? { parts: [{ kind: 'pseudo', name: 'AWS::Region' } as Part] } : s));
        return this.openList('Fn::GetAZs', { t: 'str', alts: region });
      }
      case 'Fn::ImportValue': {
        const names = this.str(arg, depth);
        const literal = names.length === 1 ? literalText(names[0]) : undefined;
        const imported = literal === undefined ? undefined : this.scope.importValue?.(literal);
        return imported ?? unknownStr(`Fn::ImportValue ${names.map(displaySym).join(' | ')}, which no template of this check exports`);
      }
      default:
        return { t: 'unknown', reason: `${fn} is not evaluated` };
    }
  }

  /** `Fn::Base64`: computed for literal text (UTF-8, as CloudFormation encodes it), a derived value otherwise. */
  private base64(arg: unknown, depth: number): RValue {
    const alts = this.str(arg, depth).map((s): SymStr => {
      const text = literalText(s);
      return text !== undefined ? lit(Buffer.from(text, 'utf8').toString('base64')) : derived('Fn::Base64', [s]);
    });
    return { t: 'str', alts: uniqueAlts(alts) };
  }

  /**
   * `Fn::ToJsonString` (AWS::LanguageExtensions): the compact JSON text of an object or list, computed when every
   * value in it is literal, a value derived from its strings otherwise.
   */
  private toJsonString(arg: unknown, depth: number): RValue {
    const v = this.value(arg, depth);
    if (v.t === 'novalue' || v.t === 'unknown') return unknownStr(`Fn::ToJsonString of ${v.t === 'unknown' ? `a value that could not be resolved (${v.reason})` : 'AWS::NoValue'}`);
    const json = literalJson(v);
    if (json !== undefined) return { t: 'str', alts: [lit(JSON.stringify(json))] };
    return { t: 'str', alts: [derived('Fn::ToJsonString', stringLeaves(v))] };
  }

  /** `Fn::Length` (AWS::LanguageExtensions): the number of items of a list whose length is known. */
  private length(arg: unknown, depth: number): RValue {
    const v = this.value(arg, depth);
    if (v.t === 'list' && !v.open) return { t: 'num', v: v.items.length };
    if (v.t === 'list') return { t: 'str', alts: [derived('Fn::Length', stringLeaves(v))] };
    return unknownStr(`Fn::Length of ${v.t === 'unknown' ? `a value that could not be resolved (${v.reason})` : 'a value that is not a list'}`);
  }

  /** A list function (`Fn::Cidr`, `Fn::GetAZs`) whose items are a pure function of its arguments but are not computed here. */
  private openList(fn: string, args: Resolved): RValue {
    if (args.t === 'novalue' || args.t === 'unknown') return unknownStr(`${fn} of ${args.t === 'unknown' ? `a value that could not be resolved (${args.reason})` : 'AWS::NoValue'}`);
    return { t: 'list', items: [{ t: 'str', alts: [derived(fn, stringLeaves(args))] }], open: true };
  }

  private ref(arg: unknown): Resolved {
    if (typeof arg !== 'string') return { t: 'unknown', reason: `Ref to ${describeType(arg)}` };
    if (arg === 'AWS::NoValue') return NO_VALUE;
    if (arg === 'AWS::NotificationARNs') return { t: 'list', items: [unknownStr(arg)], open: true };
    if (PSEUDO_PARAMETERS.has(arg)) return { t: 'str', alts: [{ parts: [{ kind: 'pseudo', name: arg }] }] };
    const param = this.scope.parameters.get(arg);
    if (param?.unresolvedValue !== undefined) {
      const s = unknownStr(param.unresolvedValue);
      return param.isList ? { t: 'list', items: [s], open: true } : s;
    }
    if (param?.stackSetValues !== undefined) {
      const values = param.stackSetValues;
      if (!param.isList) return { t: 'str', alts: uniqueAlts(values.map(lit)) };
      // A list parameter's value is a comma-separated string; alternative values make the list's length unknown.
      const items = values.flatMap((v) => v.split(',').map((x): RValue => ({ t: 'str', alts: [lit(x.trim())] })));
      return { t: 'list', items, open: values.length > 1 };
    }
    if (param) {
      const s: RValue = { t: 'str', alts: [{ parts: [{ kind: 'param', name: arg }] }] };
      return param.isList ? { t: 'list', items: [s], open: true } : s;
    }
    const type = this.scope.resourceTypes.get(arg);
    if (type !== undefined) return { t: 'str', alts: [{ parts: [{ kind: 'resource', logicalId: arg, type }] }] };
    return unknownStr(`Ref to ${arg}, which the template does not define`);
  }

  private getAtt(arg: unknown): Resolved {
    let id: unknown;
    let attr: unknown;
    if (typeof arg === 'string') {
      const dot = arg.indexOf('.');
      [id, attr] = dot < 0 ? [arg, undefined] : [arg.slice(0, dot), arg.slice(dot + 1)];
    } else if (Array.isArray(arg)) {
      [id, attr] = arg;
    }
    if (typeof id !== 'string' || typeof attr !== 'string') return unknownStr('Fn::GetAtt with a computed name');
    return this.attribute(id, attr);
  }

  private attribute(id: string, attr: string): Resolved {
    const type = this.scope.resourceTypes.get(id);
    if (type === undefined) return unknownStr(`Fn::GetAtt ${id}.${attr}, which the template does not define`);
    return { t: 'str', alts: [{ parts: [{ kind: 'resource', logicalId: id, type, attribute: attr }] }] };
  }

  private sub(arg: unknown, depth: number): RValue {
    let text: unknown = arg;
    let vars: Record<string, unknown> = {};
    if (Array.isArray(arg)) {
      text = arg[0];
      if (arg.length > 1) {
        if (!isObject(arg[1])) return unknownStr('Fn::Sub with variables that are not an object');
        vars = arg[1];
      }
    }
    if (typeof text !== 'string') return unknownStr(`Fn::Sub of ${describeType(text)}`);
    const seq: SymStr[][] = [];
    const re = /\$\{([^}]*)\}/g;
    let last = 0;
    let m: RegExpExecArray | null;
    while ((m = re.exec(text)) !== null) {
      seq.push([lit(text.slice(last, m.index))]);
      last = m.index + m[0].length;
      const name = m[1];
      if (name.startsWith('!')) {
        seq.push([lit(`\${${name.slice(1)}}`)]);
      } else if (Object.prototype.hasOwnProperty.call(vars, name)) {
        seq.push(this.str(vars[name], depth + 1));
      } else {
        seq.push(this.subVariable(name.trim()));
      }
    }
    seq.push([lit(text.slice(last))]);
    const alts = cartesian(seq);
    return alts ? { t: 'str', alts } : unknownStr('Fn::Sub with too many possible values');
  }

  private subVariable(name: string): SymStr[] {
    const asRef = this.ref(name);
    const fromRef = asRef.t === 'str' && !asRef.alts.some((a) => a.parts.some((p) => p.kind === 'unknown')) ? asRef : undefined;
    if (fromRef) return [...fromRef.alts];
    if (asRef.t === 'list') return [{ parts: [{ kind: 'unknown', reason: `\${${name}} names a list parameter` }] }];
    const dot = name.indexOf('.');
    if (dot > 0) {
      const r = this.attribute(name.slice(0, dot), name.slice(dot + 1));
      if (r.t === 'str') return [...r.alts];
    }
    return [{ parts: [{ kind: 'unknown', reason: `\${${name}} in Fn::Sub, which the template does not define` }] }];
  }

  private join(arg: unknown, depth: number): RValue {
    if (!Array.isArray(arg) || arg.length !== 2 || typeof arg[0] !== 'string') return unknownStr('Fn::Join without a literal delimiter and a list');
    const list = this.value(arg[1], depth);
    if (list.t !== 'list' || list.open) {
      return unknownStr(`Fn::Join over ${list.t === 'list' ? 'a list of unknown length' : 'a value that is not a list'}`);
    }
    const seq: SymStr[][] = [];
    list.items.forEach((item, i) => {
      if (i > 0) seq.push([lit(arg[0])]);
      const s = asStrings(item);
      seq.push(s.strs.length > 0 ? s.strs : [{ parts: [{ kind: 'unknown', reason: s.problem ?? 'not a string' }] }]);
    });
    const alts = cartesian(seq);
    return alts ? { t: 'str', alts } : unknownStr('Fn::Join with too many possible values');
  }

  private select(arg: unknown, depth: number): Resolved {
    if (!Array.isArray(arg) || arg.length !== 2) return unknownStr('Fn::Select without an index and a list');
    const idx = this.value(arg[0], depth);
    const index = idx.t === 'num' ? idx.v : idx.t === 'str' && idx.alts.length === 1 ? Number(literalText(idx.alts[0]) ?? NaN) : NaN;
    const list = this.value(arg[1], depth);
    if (list.t !== 'list') return unknownStr('Fn::Select over a value that is not a list');
    if (idx.t !== 'num' && !(idx.t === 'str' && idx.alts.length === 1 && literalText(idx.alts[0]) !== undefined)) {
      // An index decided at deploy time picks one of the items: every item is an alternative.
      const items = list.items.map((item) => (item.t === 'str' || item.t === 'num' || item.t === 'bool' ? asStrings(item).strs : undefined));
      if (list.items.length > 0 && items.every((x) => x !== undefined)) {
        const alts = uniqueAlts(items.flat() as SymStr[]);
        if (alts.length <= MAX_ALTERNATIVES) return { t: 'str', alts };
      }
      return unknownStr('Fn::Select with an index decided at deploy time over items that are not all strings');
    }
    if (!Number.isInteger(index) || index < 0) return unknownStr('Fn::Select with an index that is not a whole number');
    if (index < list.items.length) return list.items[index];
    if (list.open && list.items.length > 0) return list.items[list.items.length - 1];
    return unknownStr(`Fn::Select index ${index} beyond the end of the list`);
  }

  private split(arg: unknown, depth: number): Resolved {
    if (!Array.isArray(arg) || arg.length !== 2 || typeof arg[0] !== 'string' || arg[0] === '') {
      return { t: 'unknown', reason: 'Fn::Split without a literal delimiter' };
    }
    const delim = arg[0];
    const alts = this.str(arg[1], depth);
    const pieces = alts.map((s) => splitSym(s, delim));
    const open = pieces.some((p) => p.open) || new Set(pieces.map((p) => p.items.length)).size > 1;
    const width = Math.max(...pieces.map((p) => p.items.length));
    const items: RValue[] = [];
    for (let i = 0; i < width; i++) {
      const at = pieces.flatMap((p) => (i < p.items.length ? [p.items[i]] : []));
      items.push({ t: 'str', alts: uniqueAlts(at) });
    }
    return { t: 'list', items, open };
  }

  /** The keys one level of a lookup may take: its bound value, its literal values, or `undefined` for any key. */
  private lookupKeys(node: unknown, depth: number): string[] | undefined {
    const expression = typeof node === 'string' || this.boundKeys.size === 0 ? undefined : keyExpression(node);
    const bound = expression === undefined ? undefined : this.boundKeys.get(expression);
    if (bound !== undefined) return [bound];
    const keys = this.str(node, depth).map(literalText);
    return keys.some((k) => k === undefined) ? undefined : (keys as string[]);
  }

  /** What a lookup reaches after its first `levels` keys (level 0: the Mappings section itself). */
  private mapLevel(lookup: readonly unknown[], levels: number, depth: number): unknown[] {
    let level: unknown[] = [this.scope.mappings];
    for (let i = 0; i < levels; i++) {
      const keys = this.lookupKeys(lookup[i], depth);
      const next: unknown[] = [];
      for (const container of level) {
        if (!isObject(container)) continue;
        if (keys === undefined) {
          next.push(...Object.values(container));
        } else {
          for (const k of keys) if (Object.prototype.hasOwnProperty.call(container, k)) next.push(container[k]);
        }
      }
      level = next;
    }
    return level;
  }

  private findInMap(arg: unknown, depth: number): Resolved {
    if (!Array.isArray(arg) || arg.length < 3) return unknownStr('Fn::FindInMap without a map name and two keys');
    const level = this.mapLevel(arg, 3, depth);
    if (level.length === 0) {
      return hasDefaultValue(arg)
        ? this.value((arg[3] as Record<string, unknown>).DefaultValue, depth)
        : unknownStr('Fn::FindInMap of a key the Mappings do not hold');
    }
    const values = level.map((v) => this.value(v, depth));
    if (values.length === 1) return values[0];
    if (values.every((v) => v.t === 'str' || v.t === 'num' || v.t === 'bool')) {
      const strs = uniqueAlts(values.flatMap((v) => asStrings(v as RValue).strs));
      return strs.length <= MAX_ALTERNATIVES ? { t: 'str', alts: strs } : unknownStr('Fn::FindInMap with too many possible values');
    }
    // Lists from different keys: any of their items may be in effect, so analysis sees all of them.
    if (values.every((v) => v.t === 'list')) {
      return { t: 'list', items: values.flatMap((v) => (v.t === 'list' ? v.items : [])), open: true };
    }
    return { t: 'unknown', reason: 'Fn::FindInMap with computed keys over values of different shapes' };
  }

  /**
   * Builds a string in which the same deploy-time key expression is looked up in Mappings more than once
   * (`!FindInMap [Env, !Ref Site, Account]` beside `!FindInMap [Env, !Ref Site, RoleSuffix]`). One deployment gives
   * that expression one value, so the string is built once per possible key: combining the lookups independently
   * would pair the account of one entry with the suffix of another and multiply the alternatives past the bound.
   */
  private correlated(fn: string, arg: unknown, depth: number, build: () => RValue): RValue {
    const shared = this.sharedKeyExpressions(arg, depth);
    const combinations = shared.reduce((n, s) => n * s.domain.length, 1);
    if (shared.length === 0 || combinations > MAX_ALTERNATIVES) return build();
    const alts: SymStr[] = [];
    const bindAll = (i: number): RValue | undefined => {
      if (i === shared.length) {
        const r = build();
        if (r.t !== 'str') return r;
        alts.push(...r.alts);
        return undefined;
      }
      for (const key of shared[i].domain) {
        this.boundKeys.set(shared[i].expression, key);
        const r = bindAll(i + 1);
        this.boundKeys.delete(shared[i].expression);
        if (r) return r;
      }
      return undefined;
    };
    const other = bindAll(0);
    if (other) return other;
    const unique = uniqueAlts(alts);
    return unique.length <= MAX_ALTERNATIVES ? { t: 'str', alts: unique } : unknownStr(`${fn} with too many possible values`);
  }

  /**
   * Key expressions that are not yet bound and that more than one lookup inside `node` uses, each with the keys a
   * deployment can give it: the keys every lookup without a DefaultValue holds (another key fails the deployment).
   */
  private sharedKeyExpressions(node: unknown, depth: number): Array<{ expression: string; domain: string[] }> {
    const uses = new Map<string, { node: unknown; uses: KeyUse[] }>();
    const walk = (n: unknown, d: number): void => {
      if (--this.scope.budget.steps < 0 || d > MAX_DEPTH || typeof n !== 'object' || n === null) return;
      if (Array.isArray(n)) {
        for (const x of n) walk(x, d + 1);
        return;
      }
      const keys = Object.keys(n);
      const arg = (n as Record<string, unknown>)[keys[0]];
      if (keys.length === 1 && keys[0] === 'Fn::If' && Array.isArray(arg) && typeof arg[0] === 'string') {
        // Only the branch the assignment takes: a lookup in the other one says nothing about this deployment.
        const v = this.scope.conditionValue(arg[0]);
        if (v !== false) walk(arg[1], d + 1);
        if (v !== true) walk(arg[2], d + 1);
        return;
      }
      if (keys.length === 1 && keys[0] === 'Fn::FindInMap' && Array.isArray(arg) && arg.length >= 3) {
        for (let position = 0; position < 3; position++) {
          if (typeof arg[position] === 'string') continue;
          const expression = keyExpression(arg[position]);
          if (expression === undefined || this.boundKeys.has(expression)) continue;
          const entry = uses.get(expression) ?? { node: arg[position], uses: [] as KeyUse[] };
          entry.uses.push({ lookup: arg, position });
          uses.set(expression, entry);
        }
      }
      for (const k of keys) walk((n as Record<string, unknown>)[k], d + 1);
    };
    walk(node, depth);
    const out: Array<{ expression: string; domain: string[] }> = [];
    for (const [expression, entry] of uses) {
      if (entry.uses.length < 2) continue;
      const keysAt = (u: KeyUse) => new Set(this.mapLevel(u.lookup, u.position, depth).flatMap((c) => (isObject(c) ? Object.keys(c) : [])));
      const constraining = entry.uses.filter((u) => !hasDefaultValue(u.lookup));
      let domain: Set<string>;
      if (constraining.length > 0) {
        domain = keysAt(constraining[0]);
        for (const u of constraining.slice(1)) {
          const keys = keysAt(u);
          domain = new Set([...domain].filter((k) => keys.has(k)));
        }
      } else {
        domain = new Set(entry.uses.flatMap((u) => [...keysAt(u)]));
      }
      // A key expression whose own value is known (a literal, or one of a few literals) keeps to those values.
      const own = this.str(entry.node, depth).map(literalText);
      if (own.every((k) => k !== undefined)) domain = new Set(own.filter((k) => domain.has(k!)) as string[]);
      if (domain.size > 0) out.push({ expression, domain: [...domain] });
    }
    return out;
  }

  private ifFn(arg: unknown, depth: number): Resolved {
    if (!Array.isArray(arg) || arg.length !== 3 || typeof arg[0] !== 'string') return { t: 'unknown', reason: 'Fn::If without a condition name and two branches' };
    const v = this.scope.conditionValue(arg[0]);
    if (v === undefined) return { t: 'unknown', reason: `Fn::If on condition ${arg[0]}, which could not be enumerated` };
    return this.value(v ? arg[1] : arg[2], depth);
  }
}

function derived(fn: string, inputs: readonly SymStr[]): SymStr {
  return { parts: [{ kind: 'derived', fn, inputs }] };
}

/** Every string (and number or boolean, as text) inside a resolved value, every alternative included. */
function stringLeaves(v: RValue): SymStr[] {
  switch (v.t) {
    case 'str': return [...v.alts];
    case 'num': case 'bool': return [lit(String(v.v))];
    case 'list': return v.items.flatMap(stringLeaves);
    case 'obj': return v.entries.flatMap(([k, x]) => [lit(k), ...stringLeaves(x)]);
    case 'unknown': return [{ parts: [{ kind: 'unknown', reason: v.reason }] }];
    case 'null': return [];
  }
}

/** The plain JSON of a resolved value made only of literals (one alternative each), or `undefined`. */
function literalJson(v: RValue): unknown {
  switch (v.t) {
    case 'str': return v.alts.length === 1 ? literalText(v.alts[0]) : undefined;
    case 'num': case 'bool': return v.v;
    case 'null': return null;
    case 'unknown': return undefined;
    case 'list': {
      if (v.open) return undefined;
      const items = v.items.map(literalJson);
      return items.includes(undefined) ? undefined : items;
    }
    case 'obj': {
      const entries = v.entries.map(([k, x]) => [k, literalJson(x)] as const);
      return entries.some(([, x]) => x === undefined) ? undefined : Object.fromEntries(entries);
    }
  }
}

/**
 * A value exported by another template, as the importing template sees it. CloudFormation resolves an import only
 * against exports of the same account and region, so pseudo parameters keep their meaning; resources are marked
 * with the exporting template, and its parameters (which the importer does not declare) are not resolved.
 */
export function importedValue(v: RValue, stack: string, exportName: string): RValue {
  const part = (p: Part): Part => {
    switch (p.kind) {
      case 'param': return { kind: 'unknown', reason: `parameter ${p.name} of ${stack}, imported as ${exportName}`, fragment: p.fragment };
      case 'resource': return p.stack === undefined ? { ...p, stack } : p;
      case 'derived': return { ...p, inputs: p.inputs.map(sym) };
      default: return p;
    }
  };
  const sym = (s: SymStr): SymStr => ({ parts: s.parts.map(part) });
  switch (v.t) {
    case 'str': return { t: 'str', alts: v.alts.map(sym) };
    case 'list': return { ...v, items: v.items.map((x) => importedValue(x, stack, exportName)) };
    case 'obj': return { t: 'obj', entries: v.entries.map(([k, x]) => [k, importedValue(x, stack, exportName)] as const) };
    default: return v;
  }
}

/** Splits a symbolic string at a literal delimiter; symbolic pieces stay glued to their neighbours. */
function splitSym(s: SymStr, delim: string): { items: SymStr[]; open: boolean } {
  const items: SymStr[] = [];
  let current: SymStr = { parts: [] };
  let open = false;
  for (const p of s.parts) {
    if (p.kind !== 'lit') {
      // A parameter or attribute may itself contain the delimiter: the item count is then unknown.
      open = true;
      current = concat(current, { parts: [{ ...p, fragment: true }] });
      continue;
    }
    const chunks = p.text.split(delim);
    chunks.forEach((chunk, i) => {
      if (i > 0) {
        items.push(current);
        current = { parts: [] };
      }
      current = concat(current, lit(chunk));
    });
  }
  items.push(current);
  return { items, open };
}

/** Every `Fn::If` condition name used inside a raw value (bounded walk). */
export function conditionNames(node: unknown, budget: { steps: number }): Set<string> {
  const names = new Set<string>();
  const walk = (n: unknown, depth: number): void => {
    if (--budget.steps < 0 || depth > MAX_DEPTH || typeof n !== 'object' || n === null) return;
    if (Array.isArray(n)) {
      for (const x of n) walk(x, depth + 1);
      return;
    }
    const rec = n as Record<string, unknown>;
    const fnIf = rec['Fn::If'];
    if (Array.isArray(fnIf) && typeof fnIf[0] === 'string') names.add(fnIf[0]);
    for (const k of Object.keys(rec)) walk(rec[k], depth + 1);
  };
  walk(node, 0);
  return names;
}
