/**
 * The rule engine: `check()` turns parsed templates into findings. Pure, and it never throws on a
 * template: problems with a template as a whole are `errors`, values it cannot resolve are findings.
 */
import { ALL_RULES } from '../rules';
import { AppModel, EffectiveOptions, analyse, describeAssignment } from './analysis';
import { Rule, RuleFinding } from './rule';
import { BuiltModel, ExportRegistry, ModelError, ResourceModel, addTemplate } from './template';
import { CheckOptions, CheckResult, Finding, TemplateError, TemplateInput, TemplateNotice } from './types';

export * from './types';
export type { Rule, RuleFinding } from './rule';

export const DEFAULT_MIN_EXTERNAL_ID_LENGTH = 32;
export const DEFAULT_MIN_EXTERNAL_ID_ENTROPY_BITS = 112;
export const DEFAULT_MAX_SESSION_DURATION_SECONDS = 3600;

/** Checks option values; returns the problems (empty when valid). Front ends use it to reject bad options early. */
export function validateOptions(options: CheckOptions): string[] {
  const problems: string[] = [];
  const positive = (name: string, v: number | undefined, min: number) => {
    if (v !== undefined && (typeof v !== 'number' || !Number.isInteger(v) || v < min)) {
      problems.push(`${name} must be an integer of at least ${min}, received ${JSON.stringify(v)}`);
    }
  };
  positive('minExternalIdLength', options.minExternalIdLength, 2);
  positive('minExternalIdEntropyBits', options.minExternalIdEntropyBits, 0);
  positive('maxSessionDurationSeconds', options.maxSessionDurationSeconds, 1);
  if (options.internalAccounts !== undefined) {
    if (!Array.isArray(options.internalAccounts)) {
      problems.push(`internalAccounts must be a list of 12-digit account ids, received ${JSON.stringify(options.internalAccounts)}`);
    } else {
      for (const a of options.internalAccounts) {
        if (typeof a !== 'string' || !/^\d{12}$/.test(a)) problems.push(`internalAccounts must hold 12-digit account ids, received ${JSON.stringify(a)}`);
      }
    }
  }
  return problems;
}

function effectiveOptions(options: CheckOptions): EffectiveOptions {
  return {
    minExternalIdLength: options.minExternalIdLength ?? DEFAULT_MIN_EXTERNAL_ID_LENGTH,
    minExternalIdEntropyBits: options.minExternalIdEntropyBits ?? DEFAULT_MIN_EXTERNAL_ID_ENTROPY_BITS,
    maxSessionDurationSeconds: options.maxSessionDurationSeconds ?? DEFAULT_MAX_SESSION_DURATION_SECONDS,
    internalAccounts: new Set(options.internalAccounts ?? []),
  };
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Beyond this many alternatives, the combinations of conditions under which a finding holds are counted, not listed. */
const MAX_SPELLED_OUT_ALTERNATIVES = 4;

/**
 * When a finding holds in only some variants of its resource, the conditions under which it holds; `''` when it
 * holds in all of them (or the resource has one). The variants are covered by the most general partial assignments
 * that hold only where the finding does (`when A is false, or when B is false` rather than six full combinations).
 */
function whenHolds(resource: ResourceModel, firing: readonly RuleFinding[]): string {
  const all = resource.variants;
  if (firing.some((x) => x.variant === undefined)) return '';
  const holds = new Set(firing.map((x) => x.variant!));
  if (all.length <= 1 || holds.size === 0 || holds.size >= all.length) return '';
  const names = [...all[0].assignment.keys()];
  const counted = `in ${holds.size} of the ${all.length} combinations of conditions ${names.join(', ')}`;
  // Variants are every combination of the conditions (at most MAX_ENUMERATED_CONDITIONS), numbered in base 2.
  if (all.length !== 2 ** names.length) return counted;
  const number = (a: ReadonlyMap<string, boolean>) => names.reduce((i, n, b) => i + (a.get(n) ? 2 ** b : 0), 0);
  const holdsAt = new Set([...holds].map((v) => number(v.assignment)));
  const covered = new Set<number>();
  // Partial assignments (undefined: not fixed), fewer fixed conditions first: 3^n of them.
  let partials: Array<Array<boolean | undefined>> = [[]];
  for (let b = 0; b < names.length; b++) partials = partials.flatMap((p) => [[...p, false], [...p, true], [...p, undefined]]);
  const fixedCount = (p: ReadonlyArray<boolean | undefined>) => p.filter((x) => x !== undefined).length;
  partials.sort((a, b) => fixedCount(a) - fixedCount(b));
  const cover: Array<Map<string, boolean>> = [];
  for (const p of partials) {
    if (covered.size === holdsAt.size || cover.length > MAX_SPELLED_OUT_ALTERNATIVES) break;
    let matching = [0];
    p.forEach((x, b) => {
      matching = x === undefined ? matching.flatMap((i) => [i, i + 2 ** b]) : matching.map((i) => (x ? i + 2 ** b : i));
    });
    if (!matching.every((i) => holdsAt.has(i)) || matching.every((i) => covered.has(i))) continue;
    for (const i of matching) covered.add(i);
    cover.push(new Map(names.flatMap((n, b): Array<[string, boolean]> => (p[b] === undefined ? [] : [[n, p[b]!]]))));
  }
  return cover.length <= MAX_SPELLED_OUT_ALTERNATIVES ? cover.map(describeAssignment).join(', or ') : counted;
}

/**
 * One finding per id. Variants of a resource (combinations of its conditions) can give one id different messages,
 * e.g. the account of each branch of an Fn::If around a principal: every distinct message is kept, each with the
 * conditions under which it holds, so that no branch goes unreported and the id (what acknowledgments name) stays one.
 */
function mergedMessage(fs: readonly RuleFinding[]): string {
  const byMessage = new Map<string, RuleFinding[]>();
  for (const f of fs) byMessage.set(f.message, [...(byMessage.get(f.message) ?? []), f]);
  return [...byMessage].map(([text, firing]) => {
    const when = whenHolds(fs[0].resource, firing);
    return when
      ? `${text} This holds ${when}: an Fn::If on that condition changes the policy, and a deployment with that value gets the unsafe branch.`
      : text;
  }).join(' ');
}

function runRule(rule: Rule, app: AppModel, errors: TemplateError[]): Finding[] {
  let raw: RuleFinding[];
  try {
    raw = rule.check(app);
  } catch (e) {
    errors.push({ source: '(rules)', message: `rule ${rule.id} failed: ${message(e)}` });
    return [];
  }
  const byKey = new Map<string, RuleFinding[]>();
  for (const f of raw) {
    const key = `${f.resource.template.source}\u0000${f.resource.id}\u0000${f.resource.findingPrefix}${f.findingId}`;
    byKey.set(key, [...(byKey.get(key) ?? []), f]);
  }
  return [...byKey.values()].map((fs) => {
    const f = fs[0];
    return {
      ruleId: rule.id,
      level: rule.level,
      source: f.resource.template.source,
      resource: f.resource.id,
      findingId: `${f.resource.findingPrefix}${f.findingId}`,
      message: mergedMessage(fs),
      path: [...f.path],
    };
  });
}

/**
 * Checks templates against every rule. XAT7 (shared ExternalIds) compares all inputs of one call, so pass
 * every stack of an app, every file of a run, together.
 */
export function check(inputs: readonly TemplateInput[], options: CheckOptions = {}): CheckResult {
  const errors: TemplateError[] = [];
  const optionProblems = validateOptions(options);
  if (optionProblems.length > 0) {
    return { findings: [], errors: optionProblems.map((m) => ({ source: '(options)', message: m })), notices: [], resources: 0 };
  }
  const model: BuiltModel = { templates: [], resources: [], errors: [], notices: [], resourceCount: 0 };
  const parseTemplateBody = options.parseTemplateBody ?? ((text: string) => JSON.parse(text));
  const list = Array.isArray(inputs) ? inputs : [];
  const sourceOf = (input: TemplateInput) => (typeof input?.source === 'string' ? input.source : String(input?.source));
  // Every template's exports first, so that an import resolves whatever the order of the inputs.
  const exports = new ExportRegistry();
  for (const input of list) {
    try {
      exports.add(sourceOf(input), input?.template);
    } catch (e) {
      model.errors.push({ source: sourceOf(input), message: `the Outputs of the template could not be read: ${message(e)}` });
    }
  }
  for (const input of list) {
    const source = sourceOf(input);
    try {
      addTemplate(model, { source, template: input?.template, account: input?.account }, { parseTemplateBody, exports });
    } catch (e) {
      model.errors.push({ source, message: `the template could not be analysed: ${message(e)}` });
    }
  }
  let app: AppModel | undefined;
  try {
    app = analyse(model, effectiveOptions(options));
  } catch (e) {
    model.errors.push({ source: '(engine)', message: `the templates could not be analysed: ${message(e)}` });
  }
  // After analysis, which reports what it could not read (a SAM policy it does not know) with the model's errors.
  const located = (e: ModelError) => ({
    source: e.source,
    message: e.message,
    ...(e.resource ? { resource: e.resource } : {}),
    ...(e.path ? { path: [...e.path] } : {}),
  });
  errors.push(...model.errors.map(located));
  const notices: TemplateNotice[] = model.notices.map(located);
  if (app === undefined) return { findings: [], errors, notices, resources: model.resourceCount };
  const findings = ALL_RULES.flatMap((rule) => runRule(rule, app, errors));
  const order = new Map(ALL_RULES.map((r, i) => [r.id, i]));
  findings.sort((a, b) => a.source.localeCompare(b.source) || a.resource.localeCompare(b.resource)
    || order.get(a.ruleId)! - order.get(b.ruleId)! || a.findingId.localeCompare(b.findingId));
  return { findings, errors, notices, resources: model.resourceCount };
}
