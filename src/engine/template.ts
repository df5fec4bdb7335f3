/**
 * The template model: parameters, mappings, conditions and the resources the rules look at, with the
 * resolved properties of every combination of the conditions they depend on. StackSet `TemplateBody`
 * strings are parsed here and their resources join the model with a `<StackSet>/<Inner>` id.
 */
import { POLICY_BEARING_TYPES } from './policy-types';
import { SNIPPET_TRANSFORM, applyTransforms } from './transforms';
import {
  MAX_ENUMERATED_CONDITIONS, ParamInfo, RValue, Resolver, ResolveScope, asStrings, conditionNames, displaySym, getKey, importedValue, literalText,
  uniqueAlts, unknownStr,
} from './values';
import { describeType, isObject } from '../private/json';
import { listText } from '../private/text';
import { YamlOctal } from '../private/yaml-octal';

/** Resource types whose properties the rules read; the others are only counted. */
export const ANALYSED_TYPES: ReadonlySet<string> = new Set(Object.keys(POLICY_BEARING_TYPES));
export const STACKSET_TYPE = 'AWS::CloudFormation::StackSet';
export const NESTED_STACK_TYPE = 'AWS::CloudFormation::Stack';

export { MAX_ENUMERATED_CONDITIONS } from './values';
export const MAX_STACKSET_NESTING = 3;
const STEP_BUDGET = 2_000_000;

export type Path = ReadonlyArray<string | number>;

export interface TemplateModel {
  readonly source: string;
  /** The literal 12-digit own account, when known (never for a StackSet body: it deploys to other accounts). */
  readonly account?: string;
  readonly parameters: ReadonlyMap<string, ParamInfo>;
  /** For a StackSet body: the path of the `TemplateBody` in the outer template, where every path of this template stops. */
  readonly bodyPath?: Path;
  /** `''` for a top-level template; `'<StackSet>/'` (nested: `'<Outer>/<Inner>/'`) for a StackSet body. */
  readonly idPrefix: string;
  /** The template's Outputs, with the value of each under every combination of the conditions it uses. */
  readonly outputs: readonly TemplateOutput[];
}

export interface TemplateOutput {
  readonly name: string;
  readonly values: readonly RValue[];
  /** The output is exported (`Export`), so ListExports shows it and other stacks can import it. */
  readonly exported: boolean;
}

/** One combination of the undecided conditions a resource uses, and its properties under it. */
export interface ResourceVariant {
  readonly assignment: ReadonlyMap<string, boolean>;
  readonly properties: RValue;
}

export interface ResourceModel {
  readonly template: TemplateModel;
  readonly logicalId: string;
  /** The id findings carry: the logical id, prefixed inside a StackSet body. */
  readonly id: string;
  /** Prefix of finding ids so that two inner resources of one StackSet do not share ids. */
  readonly findingPrefix: string;
  readonly type: string;
  readonly variants: readonly ResourceVariant[];
}

export interface ModelError {
  readonly source: string;
  readonly resource?: string;
  readonly message: string;
  readonly path?: Path;
}

export interface BuiltModel {
  readonly templates: TemplateModel[];
  readonly resources: ResourceModel[];
  readonly errors: ModelError[];
  readonly notices: ModelError[];
  resourceCount: number;
}

function num(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (v instanceof YamlOctal) return v.value;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

function parseParameters(raw: unknown): Map<string, ParamInfo> {
  const params = new Map<string, ParamInfo>();
  if (!isObject(raw)) return params;
  for (const [name, p] of Object.entries(raw)) {
    const def = isObject(p) ? p : {};
    const type = typeof def.Type === 'string' ? def.Type : 'String';
    const d = def.Default;
    params.set(name, {
      name,
      type,
      default: d === undefined || d === null ? undefined : typeof d === 'string' ? d : typeof d === 'number' || typeof d === 'boolean' ? String(d)
        : d instanceof YamlOctal ? String(d.value) : JSON.stringify(d),
      noEcho: def.NoEcho === true || (typeof def.NoEcho === 'string' && def.NoEcho.toLowerCase() === 'true'),
      minLength: num(def.MinLength),
      maxLength: num(def.MaxLength),
      maxValue: num(def.MaxValue),
      allowedPattern: typeof def.AllowedPattern === 'string' ? def.AllowedPattern : undefined,
      isList: type.startsWith('List<') || type === 'CommaDelimitedList' || /^AWS::SSM::Parameter::Value<List<|CommaDelimitedList>/.test(type),
    });
  }
  return params;
}

/** Static truth values of the Conditions section; `undefined` where deploy-time input decides. */
function evaluateConditions(raw: unknown, resolver: () => Resolver): Map<string, boolean | undefined> {
  const out = new Map<string, boolean | undefined>();
  if (!isObject(raw)) return out;
  const visiting = new Set<string>();
  const evalNode = (n: unknown, depth: number): boolean | undefined => {
    if (depth > 32 || !isObject(n)) return typeof n === 'boolean' ? n : undefined;
    const keys = Object.keys(n);
    if (keys.length !== 1) return undefined;
    const arg = n[keys[0]];
    switch (keys[0]) {
      case 'Condition': return typeof arg === 'string' ? evalNamed(arg) : undefined;
      case 'Fn::Not': {
        const v = Array.isArray(arg) ? evalNode(arg[0], depth + 1) : undefined;
        return v === undefined ? undefined : !v;
      }
      case 'Fn::And':
      case 'Fn::Or': {
        if (!Array.isArray(arg)) return undefined;
        const vs = arg.map((a) => evalNode(a, depth + 1));
        const decisive = keys[0] === 'Fn::And' ? false : true;
        if (vs.includes(decisive)) return decisive;
        return vs.includes(undefined) ? undefined : !decisive;
      }
      case 'Fn::Equals': {
        if (!Array.isArray(arg) || arg.length !== 2) return undefined;
        const [a, b] = arg.map((x) => resolver().resolve(x));
        const ta = a.t === 'str' && a.alts.length === 1 ? literalText(a.alts[0]) : a.t === 'num' || a.t === 'bool' ? String(a.v) : undefined;
        const tb = b.t === 'str' && b.alts.length === 1 ? literalText(b.alts[0]) : b.t === 'num' || b.t === 'bool' ? String(b.v) : undefined;
        return ta === undefined || tb === undefined ? undefined : ta === tb;
      }
      default: return undefined;
    }
  };
  const evalNamed = (name: string): boolean | undefined => {
    if (out.has(name)) return out.get(name);
    if (visiting.has(name) || !Object.prototype.hasOwnProperty.call(raw, name)) return undefined;
    visiting.add(name);
    const v = evalNode(raw[name], 0);
    visiting.delete(name);
    out.set(name, v);
    return v;
  };
  for (const name of Object.keys(raw)) evalNamed(name);
  return out;
}

/** The value a StackSet gives a parameter of its body. */
type StackSetValue =
  | { readonly kind: 'literal'; readonly values: readonly string[] }
  /** The value of a parameter of the template that holds the StackSet: the body's parameter takes its definition. */
  | { readonly kind: 'param'; readonly info: ParamInfo }
  | { readonly kind: 'unresolved'; readonly reason: string };

export interface BuildOptions {
  readonly parseTemplateBody: (text: string) => unknown;
  /** The exports of every top-level template of the check, for `Fn::ImportValue` (an `ExportRegistry`). */
  readonly exports?: { lookup(name: string): RValue | undefined };
}

/**
 * The `Export`s of the `Outputs` of every top-level template of one check, by literal name. A value is resolved
 * when an import asks for it, in its own template; an export that leads back to itself is not resolved.
 */
export class ExportRegistry {
  private readonly entries = new Map<string, Array<{ source: string; value: () => RValue }>>();
  private readonly resolving = new Set<string>();
  /**
   * What `lookup` returned for a name, until another template exports it too: thousands of templates may import
   * one name that thousands export (copies of one template), and each value is resolved once anyway.
   */
  private readonly combined = new Map<string, RValue>();

  /** Registers the exports of one template; names that are not literal once resolved are left out. */
  public add(source: string, template: unknown): void {
    if (!isObject(template) || !isObject(template.Outputs)) return;
    const scope = templateScope(template, this);
    const resolver = () => new Resolver(scope);
    for (const output of Object.values(template.Outputs)) {
      if (!isObject(output) || !isObject(output.Export) || output.Export.Name === undefined) continue;
      const name = resolver().resolve(output.Export.Name);
      const text = name.t === 'str' && name.alts.length === 1 ? literalText(name.alts[0]) : undefined;
      if (text === undefined) continue;
      let cached: RValue | undefined;
      const value = () => (cached ??= importedValue(resolver().resolve(output.Value), source, text));
      const same = this.entries.get(text);
      if (same === undefined) this.entries.set(text, [{ source, value }]);
      else same.push({ source, value });
      this.combined.delete(text);
    }
  }

  /** The value exported under `name`; the alternatives of every template that exports it. */
  public lookup(name: string): RValue | undefined {
    const found = this.entries.get(name);
    if (found === undefined) return undefined;
    if (this.resolving.has(name)) return unknownStr(`Fn::ImportValue ${name}, whose export leads back to itself`);
    const known = this.combined.get(name);
    if (known !== undefined) return known;
    this.resolving.add(name);
    try {
      // Each value is resolved once (and kept), so the result stands until the name gets another export.
      const values = found.map((e) => e.value());
      const result: RValue = values.length === 1 ? values[0] : values.every((v) => v.t === 'str')
        ? { t: 'str', alts: uniqueAlts(values.flatMap((v) => (v.t === 'str' ? v.alts : []))) }
        : unknownStr(`Fn::ImportValue ${name}, which several templates of this check export with values of different shapes`);
      this.combined.set(name, result);
      return result;
    } finally {
      this.resolving.delete(name);
    }
  }
}

/** The resolver scope of a template's own sections, with its static conditions, for reading its Outputs. */
function templateScope(template: Record<string, unknown>, exports: ExportRegistry): ResolveScope {
  const resourceTypes = new Map<string, string>();
  if (isObject(template.Resources)) {
    for (const [id, r] of Object.entries(template.Resources)) resourceTypes.set(id, isObject(r) && typeof r.Type === 'string' ? r.Type : '');
  }
  let statics = new Map<string, boolean | undefined>();
  const scope: ResolveScope = {
    parameters: parseParameters(template.Parameters),
    resourceTypes,
    mappings: template.Mappings,
    conditionValue: (name) => statics.get(name),
    budget: { steps: STEP_BUDGET },
    importValue: (name) => exports.lookup(name),
  };
  statics = evaluateConditions(template.Conditions, () => new Resolver(scope));
  return scope;
}

/** Adds one template (and the StackSet bodies inside it) to the model; problems become errors, never exceptions. */
export function addTemplate(
  model: BuiltModel,
  input: { source: string; template: unknown; account?: string; stackSetValues?: ReadonlyMap<string, StackSetValue> },
  options: BuildOptions,
  nesting: { bodyPath?: Path; idPrefix: string; depth: number } = { idPrefix: '', depth: 0 },
): void {
  const { source } = input;
  const where = nesting.depth === 0 ? 'the template' : `the TemplateBody of StackSet ${nesting.idPrefix.slice(0, -1)}`;
  const transformed = applyTransforms(input.template);
  const template = transformed.template;
  for (const [list, problems] of [[model.errors, transformed.errors], [model.notices, transformed.notices]] as const) {
    for (const p of problems) {
      list.push({
        source,
        ...(nesting.depth ? { resource: nesting.idPrefix.slice(0, -1) } : {}),
        message: nesting.depth ? `in ${where}: ${p.message}` : p.message,
        path: nesting.bodyPath ?? p.path,
      });
    }
  }
  if (!isObject(template)) {
    model.errors.push({ source, resource: nesting.depth ? nesting.idPrefix.slice(0, -1) : undefined, message: `${where} is ${describeType(template)}, expected an object with a Resources section` });
    return;
  }
  // A template that declares no Resources declares no trust: a CDK stack with only assets or outputs (or with
  // version reporting off and nothing in it) synthesizes to one, and the CDK does not deploy it.
  const resourcesRaw = template.Resources === undefined ? {} : template.Resources;
  if (!isObject(resourcesRaw)) {
    model.errors.push({
      source,
      resource: nesting.depth ? nesting.idPrefix.slice(0, -1) : undefined,
      message: `Resources of ${where} is ${describeType(resourcesRaw)}, expected an object of resources`,
    });
    return;
  }
  const account = typeof input.account === 'string' && /^\d{12}$/.test(input.account) ? input.account : undefined;
  const outputs: TemplateOutput[] = [];
  const tm: TemplateModel = {
    source,
    account,
    parameters: withStackSetValues(parseParameters(template.Parameters), input.stackSetValues),
    bodyPath: nesting.bodyPath,
    idPrefix: nesting.idPrefix,
    outputs,
  };
  model.templates.push(tm);

  const resourceTypes = new Map<string, string>();
  for (const [id, r] of Object.entries(resourcesRaw)) {
    resourceTypes.set(id, isObject(r) && typeof r.Type === 'string' ? r.Type : '');
  }
  const budget = { steps: STEP_BUDGET };
  let statics = new Map<string, boolean | undefined>();
  const scopeFor = (assignment: ReadonlyMap<string, boolean>): ResolveScope => ({
    parameters: tm.parameters,
    resourceTypes,
    mappings: template.Mappings,
    conditionValue: (name) => statics.get(name) ?? assignment.get(name),
    budget,
    // A StackSet body deploys to other accounts, whose exports are not in this check.
    importValue: nesting.depth === 0 ? (name) => options.exports?.lookup(name) : undefined,
  });
  statics = evaluateConditions(template.Conditions, () => new Resolver(scopeFor(new Map())));
  if (isObject(template.Outputs)) {
    for (const [name, o] of Object.entries(template.Outputs)) {
      if (!isObject(o) || o.Value === undefined) continue;
      const undecided = [...conditionNames(o.Value, { steps: 100_000 })].filter((c) => statics.get(c) === undefined);
      // Past the bound, Fn::If branches stay unresolved: an output is only searched for echoed values.
      const assignments = undecided.length > MAX_ENUMERATED_CONDITIONS ? [new Map<string, boolean>()] : allAssignments(undecided);
      outputs.push({ name, values: assignments.map((a) => new Resolver(scopeFor(a)).resolve(o.Value)), exported: isObject(o.Export) });
    }
  }

  for (const [logicalId, r] of Object.entries(resourcesRaw)) {
    // An AWS::Include or snippet macro in the section: a notice says that what it adds is not checked.
    if (logicalId === SNIPPET_TRANSFORM) continue;
    model.resourceCount++;
    const id = nesting.idPrefix + logicalId;
    if (!isObject(r) || typeof r.Type !== 'string') {
      model.errors.push({ source, resource: id, message: `resource ${id} is ${isObject(r) ? 'missing a string Type' : describeType(r)}, expected an object with a Type` });
      continue;
    }
    const type = r.Type;
    if (type === NESTED_STACK_TYPE) model.notices.push(nestedStackNotice(source, id, r, nesting.bodyPath ?? ['Resources', logicalId]));
    if (!ANALYSED_TYPES.has(type) && type !== STACKSET_TYPE) continue;
    const properties = r.Properties ?? {};
    const undecided = [...conditionNames(properties, { steps: 100_000 })].filter((c) => statics.get(c) === undefined);
    if (undecided.length > MAX_ENUMERATED_CONDITIONS) {
      model.errors.push({
        source,
        resource: id,
        message: `resource ${id} depends on ${undecided.length} conditions (${listText(undecided)}); at most ${MAX_ENUMERATED_CONDITIONS} combinations of conditions are enumerated, so it was not checked`,
      });
      continue;
    }
    const variants: ResourceVariant[] = allAssignments(undecided).map((assignment) => ({
      assignment,
      properties: new Resolver(scopeFor(assignment)).resolve(properties),
    }));
    const resource: ResourceModel = {
      template: tm,
      logicalId,
      id,
      findingPrefix: nesting.depth === 0 ? '' : `${id.split('/').slice(1).join('.')}.`,
      type,
      variants,
    };
    if (type === STACKSET_TYPE) {
      addStackSetBody(model, resource, options, nesting);
    } else {
      model.resources.push(resource);
    }
  }
}

/**
 * A nested stack's template is another file: its roles are checked only when that file is checked too (the CLI does
 * so for the NestedStacks of a cloud assembly, and the rule pack checks NestedStacks itself; both drop this notice).
 */
function nestedStackNotice(source: string, id: string, r: Record<string, unknown>, path: Path): ModelError {
  const url = isObject(r.Properties) ? r.Properties.TemplateURL : undefined;
  return {
    source,
    resource: id,
    path,
    message: `nested stack ${id} deploys the template at TemplateURL ${typeof url === 'string' ? url : 'given by an intrinsic function'}, which is `
      + 'not in this file: its roles and policies are checked only if that template is checked too (check it as a file of its own)',
  };
}

/** Every combination of truth values of the given conditions. */
function allAssignments(conditions: readonly string[]): Array<Map<string, boolean>> {
  let out: Array<Map<string, boolean>> = [new Map()];
  for (const c of conditions) {
    out = out.flatMap((a) => [new Map([...a, [c, false]]), new Map([...a, [c, true]])]);
  }
  return out;
}

/** The body's parameters with the values its StackSet gives them. */
function withStackSetValues(params: Map<string, ParamInfo>, values: ReadonlyMap<string, StackSetValue> | undefined): Map<string, ParamInfo> {
  for (const [name, value] of values ?? []) {
    const info = params.get(name);
    // A ParameterKey the body does not declare fails the deployment; it sets nothing to check.
    if (info === undefined) continue;
    if (value.kind === 'literal') params.set(name, { ...info, default: undefined, stackSetValues: value.values });
    else if (value.kind === 'param') params.set(name, { ...value.info, isList: info.isList });
    else params.set(name, { ...info, unresolvedValue: value.reason });
  }
  return params;
}

/**
 * What a StackSet gives each parameter of its body, over all its variants: `Parameters` (one value for every stack
 * instance) and the `ParameterOverrides` of its `StackInstancesGroup` (values for some instances): alternatives.
 */
function stackSetValues(ss: ResourceModel): Map<string, StackSetValue> {
  const given = new Map<string, RValue[]>();
  const collect = (list: RValue | undefined) => {
    for (const entry of list?.t === 'list' ? list.items : []) {
      const key = getKey(entry, 'ParameterKey');
      const name = key?.t === 'str' && key.alts.length === 1 ? literalText(key.alts[0]) : undefined;
      const value = getKey(entry, 'ParameterValue');
      if (name !== undefined && value !== undefined) given.set(name, [...(given.get(name) ?? []), value]);
    }
  };
  for (const variant of ss.variants) {
    collect(getKey(variant.properties, 'Parameters'));
    const groups = getKey(variant.properties, 'StackInstancesGroup');
    for (const group of groups?.t === 'list' ? groups.items : []) collect(getKey(group, 'ParameterOverrides'));
  }
  const out = new Map<string, StackSetValue>();
  for (const [name, values] of given) {
    const strs = uniqueAlts(values.flatMap((v) => asStrings(v).strs));
    const texts = strs.map(literalText);
    const single = strs.length === 1 && strs[0].parts.length === 1 ? strs[0].parts[0] : undefined;
    const outerName = single?.kind === 'param' ? single.name : undefined;
    const outer = outerName === undefined ? undefined : ss.template.parameters.get(outerName);
    if (strs.length > 0 && texts.every((t) => t !== undefined)) {
      out.set(name, { kind: 'literal', values: texts as string[] });
    } else if (outer !== undefined) {
      out.set(name, { kind: 'param', info: { ...outer, path: outer.path ?? parameterPath(ss.template, outerName!) } });
    } else {
      // Pseudo parameters and attributes of the outer template are those of the StackSet's administrator account, not of the
      // target accounts: read in the body, AWS::AccountId would pass for the target's own account.
      out.set(name, {
        kind: 'unresolved',
        reason: `StackSet ${ss.id} gives parameter ${name} the value ${strs.map(displaySym).join(' or ') || 'of another type'} of the template that `
          + 'deploys the StackSet, which is not carried into the TemplateBody',
      });
    }
  }
  return out;
}

function addStackSetBody(model: BuiltModel, ss: ResourceModel, options: BuildOptions, nesting: { bodyPath?: Path; depth: number }): void {
  const { source } = ss.template;
  const bodies = new Set<string>();
  for (const variant of ss.variants) {
    const body = variant.properties.t === 'obj' ? variant.properties.entries.find(([k]) => k === 'TemplateBody')?.[1] : undefined;
    if (body === undefined) {
      const url = getKey(variant.properties, 'TemplateURL');
      const where = describeVariant(variant);
      model.errors.push({
        source,
        resource: ss.id,
        message: url === undefined
          ? `StackSet ${ss.id}${where} has neither TemplateBody nor TemplateURL, so the roles it deploys could not be checked; expected one of them`
          : `StackSet ${ss.id}${where} deploys the template at TemplateURL ${asStrings(url).strs.map(displaySym).join(' or ') || '(not a string)'}, which `
            + 'is outside this template, so the roles it deploys were not checked; check that template itself (download it and run '
            + 'cdk-cross-account-trust check on it), or give the StackSet its TemplateBody',
      });
      continue;
    }
    const texts = body.t === 'str' ? body.alts.map(literalText) : [undefined];
    if (texts.some((t) => t === undefined)) {
      model.errors.push({
        source,
        resource: ss.id,
        message: `the TemplateBody of StackSet ${ss.id} is built with intrinsic functions, so the roles inside it could not be checked; write it as a literal string`,
      });
      return;
    }
    for (const t of texts) bodies.add(t!);
  }
  if (bodies.size === 0) return;
  if (nesting.depth >= MAX_STACKSET_NESTING) {
    model.errors.push({ source, resource: ss.id, message: `StackSet ${ss.id} nests StackSet bodies more than ${MAX_STACKSET_NESTING} levels deep; its body was not checked` });
    return;
  }
  const values = stackSetValues(ss);
  for (const text of bodies) {
    let parsed: unknown;
    try {
      parsed = options.parseTemplateBody(text);
    } catch (e) {
      model.errors.push({ source, resource: ss.id, message: `the TemplateBody of StackSet ${ss.id} could not be parsed: ${e instanceof Error ? e.message : String(e)}` });
      continue;
    }
    addTemplate(model, { source, template: parsed, stackSetValues: values }, options, {
      bodyPath: nesting.bodyPath ?? [...resourcePath(ss), 'Properties', 'TemplateBody'],
      idPrefix: `${ss.id}/`,
      depth: nesting.depth + 1,
    });
  }
}

/** ` (when condition X is true)` for a variant of a resource whose conditions were enumerated, else `''`. */
function describeVariant(variant: ResourceVariant): string {
  if (variant.assignment.size === 0) return '';
  return ` (when ${[...variant.assignment].map(([k, v]) => `condition ${k} is ${v}`).join(' and ')})`;
}

/** Path of a resource in the outermost template, or the `TemplateBody` path for a resource inside a StackSet body. */
export function resourcePath(r: ResourceModel, ...sub: Array<string | number>): Path {
  return r.template.bodyPath ?? ['Resources', r.logicalId, ...sub];
}

/** Path of an output's value (or the enclosing `TemplateBody`). */
export function outputPath(tm: TemplateModel, name: string): Path {
  return tm.bodyPath ?? ['Outputs', name, 'Value'];
}

/** Path of a parameter definition (or the enclosing `TemplateBody`); a parameter passed into a StackSet body is found where it is declared. */
export function parameterPath(tm: TemplateModel, name: string): Path {
  const passed = [...tm.parameters.values()].find((p) => p.name === name && p.path !== undefined);
  return passed?.path ?? tm.bodyPath ?? ['Parameters', name];
}
