/**
 * What a template's transforms change before CloudFormation deploys it. The rules check the template as written,
 * so: the `Fn::ForEach` loops of `AWS::LanguageExtensions` are expanded here, as CloudFormation expands them; SAM's
 * resources are read by the rules themselves (see policy-types.ts); macros, `AWS::Include` and other transforms
 * produce a template this check never sees, which the report says in a notice.
 */
import { isObject } from '../private/json';

export const LANGUAGE_EXTENSIONS = 'AWS::LanguageExtensions';
export const SAM_TRANSFORM = 'AWS::Serverless-2016-10-31';
export const SNIPPET_TRANSFORM = 'Fn::Transform';

/** SAM resource types whose expansion holds no trust or identity policy beyond what policy-types.ts reads. */
const SAM_TYPES_WITHOUT_POLICIES = new Set([
  'AWS::Serverless::Api', 'AWS::Serverless::HttpApi', 'AWS::Serverless::SimpleTable', 'AWS::Serverless::LayerVersion',
  'AWS::Serverless::Function', 'AWS::Serverless::StateMachine',
]);

/** Sections where CloudFormation accepts `Fn::ForEach`. */
const FOR_EACH_SECTIONS = ['Conditions', 'Resources', 'Outputs'];
const FOR_EACH = /^Fn::ForEach::(.*)$/s;
/** Keys a template's loops may generate in all; far above the 500 resources a stack may hold. */
const MAX_GENERATED_KEYS = 10_000;
const MAX_LOOP_NESTING = 16;

export interface TransformProblem {
  readonly message: string;
  /** Where in the template, for line numbers. */
  readonly path: ReadonlyArray<string | number>;
}

export interface TransformedTemplate {
  readonly template: unknown;
  /** Constructs that could not be expanded: what they would create is not checked. */
  readonly errors: TransformProblem[];
  /** What the check cannot see of the deployed template. */
  readonly notices: TransformProblem[];
}

class LoopError extends Error {}

/** Names of the template's top-level transforms (`Transform: X` or `Transform: [X, Y]`), with their positions. */
function transformNames(template: Record<string, unknown>): Array<{ name: unknown; path: Array<string | number> }> {
  const t = template.Transform;
  if (t === undefined) return [];
  return Array.isArray(t) ? t.map((name, i) => ({ name, path: ['Transform', i] })) : [{ name: t, path: ['Transform'] }];
}

/** The notices and expansions of one template (or StackSet body). Never throws. */
export function applyTransforms(template: unknown): TransformedTemplate {
  if (!isObject(template)) return { template, errors: [], notices: [] };
  const errors: TransformProblem[] = [];
  const notices: TransformProblem[] = [];
  for (const { name, path } of transformNames(template)) {
    const macro = typeof name === 'string' ? name : isObject(name) && typeof name.Name === 'string' ? name.Name : undefined;
    if (macro === LANGUAGE_EXTENSIONS) continue;
    if (macro === SAM_TRANSFORM) {
      notices.push(...samNotices(template));
      continue;
    }
    notices.push({
      path,
      message: macro === undefined
        ? `the template's Transform ${JSON.stringify(name)} is not a transform name; CloudFormation rejects it, and it was not expanded`
        : `the template declares Transform ${macro}, a macro or transform this check does not run: what was checked is the template before `
          + `${macro} processes it, and the template CloudFormation deploys may differ (resources, roles and policies it adds are not checked)`,
    });
  }
  notices.push(...snippetTransformNotices(template));
  let expanded: Record<string, unknown> = template;
  if (FOR_EACH_SECTIONS.some((s) => containsForEach(template[s], 0))) {
    const loops = new LoopExpander(template, errors, notices);
    expanded = { ...template };
    for (const section of FOR_EACH_SECTIONS) {
      if (template[section] !== undefined) expanded[section] = loops.expand(template[section], new Map(), [section], 0);
    }
  }
  return { template: expanded, errors, notices };
}

function containsForEach(node: unknown, depth: number): boolean {
  if (depth > 64 || typeof node !== 'object' || node === null) return false;
  if (Array.isArray(node)) {
    for (const x of node) if (containsForEach(x, depth + 1)) return true;
    return false;
  }
  // Every template is walked: no arrays of entries or closures per node.
  const record = node as Record<string, unknown>;
  for (const k of Object.keys(record)) if (FOR_EACH.test(k) || containsForEach(record[k], depth + 1)) return true;
  return false;
}

/** SAM resources whose expansion this check does not read. */
function samNotices(template: Record<string, unknown>): TransformProblem[] {
  const resources = isObject(template.Resources) ? template.Resources : {};
  const out: TransformProblem[] = [];
  for (const [id, r] of Object.entries(resources)) {
    const type = isObject(r) && typeof r.Type === 'string' ? r.Type : '';
    if (!type.startsWith('AWS::Serverless::') || SAM_TYPES_WITHOUT_POLICIES.has(type)) continue;
    out.push({
      path: ['Resources', id],
      message: type === 'AWS::Serverless::Application'
        ? `${id} (AWS::Serverless::Application) deploys a nested application whose template is not in this file, so its roles are not checked`
        : `${id} (${type}) is a SAM resource this check does not expand: roles and policies SAM creates for it are not checked`,
    });
  }
  return out;
}

/** `Fn::Transform` anywhere (AWS::Include and snippet macros): the snippet they produce is not in the file. */
function snippetTransformNotices(template: Record<string, unknown>): TransformProblem[] {
  const out: TransformProblem[] = [];
  // One path, extended and shortened on the way: every template is walked, and a copy is made only for a notice.
  const path: Array<string | number> = [];
  const walk = (node: unknown, depth: number) => {
    if (depth > 64 || typeof node !== 'object' || node === null || out.length >= 20) return;
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        path.push(i);
        walk(node[i], depth + 1);
        path.pop();
      }
      return;
    }
    const record = node as Record<string, unknown>;
    for (const k of Object.keys(record)) {
      const v = record[k];
      if (k === SNIPPET_TRANSFORM) {
        // One transform, or (as some vendors write it) a list of them.
        const specs = (Array.isArray(v) ? v : [v]).map((x) => (isObject(x) ? x : {}));
        const names = specs.map((spec) => (typeof spec.Name === 'string' ? spec.Name : JSON.stringify(spec.Name ?? null)));
        const name = names.join(', ');
        const locations = specs.flatMap((spec) => (isObject(spec.Parameters) && typeof spec.Parameters.Location === 'string' ? [spec.Parameters.Location] : []));
        const location = locations.length > 0 ? ` from ${locations.join(', ')}` : '';
        out.push({
          path: [...path, k],
          message: names.every((n) => n === 'AWS::Include')
            ? `Fn::Transform AWS::Include at ${path.join('.') || 'the top level'} inserts a template snippet${location} that is not in this file: `
              + 'what it adds is not checked, and the template CloudFormation deploys may differ'
            : `Fn::Transform ${name} at ${path.join('.') || 'the top level'} runs a macro this check does not run: the template CloudFormation `
              + 'deploys may differ from what was checked',
        });
      } else {
        path.push(k);
        walk(v, depth + 1);
        path.pop();
      }
    }
  };
  walk(template, 0);
  return out;
}

/**
 * Expands `Fn::ForEach::Name: [Identifier, Collection, {OutputKey: OutputValue}]`: one copy of the fragment per item,
 * with every `${Identifier}` in keys and strings replaced by the item, every `&{Identifier}` by the item without its
 * non-alphanumeric characters, and every `{"Ref": "Identifier"}` by the item. Loops nest.
 */
class LoopExpander {
  private generated = 0;

  constructor(
    private readonly template: Record<string, unknown>,
    private readonly errors: TransformProblem[],
    private readonly notices: TransformProblem[],
  ) {}

  public expand(node: unknown, bindings: ReadonlyMap<string, string>, path: Array<string | number>, depth: number): unknown {
    if (typeof node === 'string') return substitute(node, bindings);
    if (typeof node !== 'object' || node === null || depth > 64) return node;
    if (Array.isArray(node)) return node.map((x, i) => this.expand(x, bindings, [...path, i], depth + 1));
    const keys = Object.keys(node);
    const record = node as Record<string, unknown>;
    if (keys.length === 1 && keys[0] === 'Ref' && typeof record.Ref === 'string' && bindings.has(record.Ref)) return bindings.get(record.Ref);
    const out: Record<string, unknown> = {};
    const add = (key: string, value: unknown, at: Array<string | number>) => {
      if (Object.prototype.hasOwnProperty.call(out, key)) {
        throw new LoopError(`it gives ${at.slice(0, -1).join('.')} the key ${JSON.stringify(key)} twice`);
      }
      out[key] = value;
    };
    for (const key of keys) {
      const loop = FOR_EACH.exec(key);
      if (loop === null) {
        add(substitute(key, bindings), this.expand(record[key], bindings, [...path, key], depth + 1), [...path, key]);
        continue;
      }
      try {
        for (const [k, v] of this.loop(loop[1], record[key], bindings, [...path, key], depth)) add(k, v, [...path, k]);
      } catch (e) {
        if (!(e instanceof LoopError)) throw e;
        this.errors.push({
          path: [...path, key],
          message: `${key} at ${path.join('.')} could not be expanded: ${e.message}; the resources, conditions or outputs it creates were not `
            + 'checked. Expected [Identifier, Collection, {OutputKey: OutputValue}] with a Collection that is a list of literal values, or a Ref to '
            + 'a list parameter with a Default (AWS::LanguageExtensions)',
        });
      }
    }
    return out;
  }

  private loop(
    name: string, arg: unknown, bindings: ReadonlyMap<string, string>, path: Array<string | number>, depth: number,
  ): Array<[string, unknown]> {
    if (depth > MAX_LOOP_NESTING * 8) throw new LoopError(`loops nest more than ${MAX_LOOP_NESTING} levels deep`);
    if (!Array.isArray(arg) || arg.length !== 3) throw new LoopError('it is not a list of three values');
    const [identifier, collection, fragment] = arg;
    if (typeof identifier !== 'string' || identifier === '') throw new LoopError(`its identifier is ${JSON.stringify(identifier)}, not a name`);
    if (!isObject(fragment)) throw new LoopError('its third value is not an object of OutputKey: OutputValue');
    const items = this.collection(name, collection, bindings, path);
    const out: Array<[string, unknown]> = [];
    for (const item of items) {
      const inner = new Map(bindings).set(identifier, item);
      const copy = this.expand(fragment, inner, path, depth + 1) as Record<string, unknown>;
      this.generated += Object.keys(copy).length;
      if (this.generated > MAX_GENERATED_KEYS) throw new LoopError(`the loops of the template generate more than ${MAX_GENERATED_KEYS} keys`);
      out.push(...Object.entries(copy));
    }
    return out;
  }

  /** The items of a loop's Collection, as strings. */
  private collection(name: string, collection: unknown, bindings: ReadonlyMap<string, string>, path: Array<string | number>): string[] {
    if (Array.isArray(collection)) {
      return collection.map((item, i) => {
        const value = this.expand(item, bindings, [...path, 1, i], 0);
        if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
        throw new LoopError(`item ${i} of its Collection is ${JSON.stringify(item)}, which is decided at deploy time`);
      });
    }
    const ref = isObject(collection) && Object.keys(collection).length === 1 ? collection.Ref : undefined;
    if (typeof ref === 'string') {
      const params = isObject(this.template.Parameters) ? this.template.Parameters : {};
      const param = isObject(params[ref]) ? params[ref] : undefined;
      if (param === undefined) throw new LoopError(`its Collection is a Ref to ${ref}, which is not a parameter of the template`);
      const type = typeof param.Type === 'string' ? param.Type : 'String';
      const def = param.Default;
      if (!(type === 'CommaDelimitedList' || type.startsWith('List<'))) throw new LoopError(`its Collection is parameter ${ref} of type ${type}, not a list`);
      if (def === undefined || def === null) throw new LoopError(`its Collection is parameter ${ref}, which has no Default: its items are chosen at deploy time`);
      const items = (Array.isArray(def) ? def.map(String) : String(def).split(',')).map((s) => s.trim());
      this.notices.push({
        path: [...path, 1],
        message: `Fn::ForEach::${name} iterates over parameter ${ref}, so it was checked with the parameter's Default (${items.join(', ')}); `
          + 'a deployment with other values gets other copies of the same fragment',
      });
      return items;
    }
    throw new LoopError(`its Collection is ${JSON.stringify(collection)}; only literal lists and Refs to list parameters are expanded`);
  }
}

/** Replaces `${Id}` by the value and `&{Id}` by the value without its non-alphanumeric characters. */
function substitute(text: string, bindings: ReadonlyMap<string, string>): string {
  if (bindings.size === 0 || !/[$&]\{/.test(text)) return text;
  return text.replace(/([$&])\{([^}]*)\}/g, (whole, sigil: string, id: string) => {
    const value = bindings.get(id);
    if (value === undefined) return whole;
    return sigil === '$' ? value : value.replace(/[^A-Za-z0-9]/g, '');
  });
}
