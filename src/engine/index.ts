/**
 * The rule engine: `check()` turns parsed templates into findings. Pure, and it never throws on a
 * template: problems with a template as a whole are `errors`, values it cannot resolve are findings.
 */
import { ALL_RULES } from '../rules';
import { AppModel, EffectiveOptions, analyse, describeAssignment } from './analysis';
import { FindingResource, Rule, RuleFinding, findingResource, findingVariant } from './rule';
import { BuiltModel, ExportRegistry, ModelError, ResourceModel, addTemplate } from './template';
import { CheckOptions, CheckResult, Finding, TemplateError, TemplateInput, TemplateNotice } from './types';

export * from './types';
export type { Rule, RuleFinding, CrossInputCheck, FindingResource, FindingVariant } from './rule';
export type { AppModel } from './analysis';

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
  if (options.rules !== undefined) {
    const known = ALL_RULES.map((r) => r.id);
    if (!Array.isArray(options.rules)) {
      problems.push(`rules must be a list of rule ids (${known.join(', ')}), received ${JSON.stringify(options.rules)}`);
    } else {
      for (const id of options.rules) {
        if (!known.includes(id)) problems.push(`rules must hold rule ids (${known.join(', ')}), received ${JSON.stringify(id)}`);
      }
    }
  }
  return problems;
}

export function effectiveOptions(options: CheckOptions): EffectiveOptions {
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
function whenHolds(resource: FindingResource, firing: readonly RuleFinding[]): string {
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
  for (const f of fs) {
    const same = byMessage.get(f.message);
    if (same === undefined) byMessage.set(f.message, [f]);
    else same.push(f);
  }
  return [...byMessage].map(([text, firing]) => {
    const when = whenHolds(fs[0].resource, firing);
    return when
      ? `${text} This holds ${when}: an Fn::If on that condition changes the policy, and a deployment with that value gets the unsafe branch.`
      : text;
  }).join(' ');
}

/** The findings of one rule, the raw findings of each id (in the order of the inputs) merged into one. */
export function mergedFindings(rule: Rule, raw: readonly RuleFinding[]): Finding[] {
  const byKey = new Map<string, RuleFinding[]>();
  for (const f of raw) {
    const key = `${f.resource.template.source}\u0000${f.resource.id}\u0000${f.resource.findingPrefix}${f.findingId}`;
    const same = byKey.get(key);
    if (same === undefined) byKey.set(key, [f]);
    else same.push(f);
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

const RULE_ORDER = new Map(ALL_RULES.map((r, i) => [r.id, i]));

/** Sorts findings in place by source, resource, rule and finding id. */
export function sortFindings(findings: Finding[]): void {
  findings.sort((a, b) => a.source.localeCompare(b.source) || a.resource.localeCompare(b.resource)
    || RULE_ORDER.get(a.ruleId)! - RULE_ORDER.get(b.ruleId)! || a.findingId.localeCompare(b.findingId));
}

/** A raw finding that keeps no model: its resource and variant replaced by their small copies. */
function kept(f: RuleFinding): RuleFinding {
  if (!isResourceModel(f.resource)) return f;
  return { ...f, resource: findingResource(f.resource), variant: findingVariant(f.resource, f.variant) };
}

function isResourceModel(r: FindingResource): r is ResourceModel {
  return 'variants' in r && 'logicalId' in r && 'type' in r;
}

/** Checks templates one at a time and reports on all of them at the end; see `createChecker`. */
export interface Checker {
  /**
   * Checks one template: right away, keeping only its findings, errors, notices and what XAT7 compares across
   * templates; a template with an `Fn::ImportValue` is kept and checked in `finish()`, once every export is known.
   */
  add(input: TemplateInput): void;
  /** The result of every template added, in the order they were added (as `check()` of them in that order). Call once. */
  finish(): CheckResult;
}

/** What a front end may see of each template while it is checked (the prover's subjects are built from its model). */
export interface CheckerHooks {
  /** Called with the analysed model of each template added, once (when it imports a value: once every export is known). */
  readonly analysed?: (app: AppModel) => void;
}

/** What one added template leaves behind. */
interface Slot {
  readonly source: string;
  /** The input, while it waits for every export to be known (it imports one). */
  waiting?: TemplateInput;
  buildErrors: ModelError[];
  analysisErrors: ModelError[];
  notices: ModelError[];
  resources: number;
  /** The ids of the resources the rules ran on. */
  checked: string[];
  /** Per rule (by index in ALL_RULES): raw findings of a per-input rule, contributions of a cross-input one. */
  readonly raw: RuleFinding[][];
  readonly contributions: unknown[][];
}

/** Thrown out of a template's analysis when it imports a value before every export is known. */
const WAIT_FOR_EXPORTS = Symbol('wait for exports');

/**
 * An incremental check: `add` each template, then `finish`. It keeps findings, not models: a template's model is
 * dropped once its rules have run, so memory grows with the findings (and the templates that import an export,
 * kept until `finish`), not with the templates. `finish()` returns exactly what `check()` of the same inputs in
 * the same order returns; XAT7 compares every template added.
 */
export function createChecker(options: CheckOptions = {}, hooks: CheckerHooks = {}): Checker {
  const optionProblems = validateOptions(options);
  const effective = optionProblems.length === 0 ? effectiveOptions(options) : undefined;
  const parseTemplateBody = options.parseTemplateBody ?? ((text: string) => JSON.parse(text));
  // Deselected rules are not run: a rule the user skipped cannot fail the run, nor cost its time.
  const selected = new Set(options.rules ?? ALL_RULES.map((r) => r.id));
  const exports = new ExportRegistry();
  const exportErrors: ModelError[] = [];
  const engineErrors: ModelError[] = [];
  /** Rule failures, once per rule and message. */
  const ruleErrors = ALL_RULES.map(() => new Set<string>());
  const slots: Slot[] = [];
  let finished = false;

  function analyseInput(slot: Slot, input: TemplateInput, allExportsKnown: boolean): void {
    const model: BuiltModel = { templates: [], resources: [], errors: [], notices: [], resourceCount: 0 };
    const lookup = (name: string) => {
      // Exports of templates added later could change what the import resolves to.
      if (!allExportsKnown) throw WAIT_FOR_EXPORTS;
      return exports.lookup(name);
    };
    try {
      addTemplate(model, { source: slot.source, template: input?.template, account: input?.account }, { parseTemplateBody, exports: { lookup } });
    } catch (e) {
      if (e === WAIT_FOR_EXPORTS) {
        slot.waiting = input;
        return;
      }
      model.errors.push({ source: slot.source, message: `the template could not be analysed: ${message(e)}` });
    }
    slot.resources = model.resourceCount;
    slot.checked = model.resources.map((r) => r.id);
    slot.notices = model.notices;
    const built = model.errors.length;
    let app: AppModel | undefined;
    try {
      app = analyse(model, effective!);
    } catch (e) {
      engineErrors.push({ source: '(engine)', message: `the templates could not be analysed: ${message(e)}` });
    }
    // Analysis reports what it could not read (a SAM policy it does not know) with the model's errors.
    slot.buildErrors = model.errors.slice(0, built);
    slot.analysisErrors = model.errors.slice(built);
    if (app === undefined) return;
    hooks.analysed?.(app);
    ALL_RULES.forEach((rule, i) => {
      if (!selected.has(rule.id)) return;
      try {
        if (rule.across) slot.contributions[i] = rule.across.collect(app);
        else slot.raw[i] = rule.check!(app).map(kept);
      } catch (e) {
        ruleErrors[i].add(`rule ${rule.id} failed: ${message(e)}`);
      }
    });
  }

  return {
    add(input: TemplateInput): void {
      if (finished) throw new Error('createChecker: add() was called after finish()');
      if (effective === undefined) return;
      const source = typeof input?.source === 'string' ? input.source : String(input?.source);
      const slot: Slot = { source, buildErrors: [], analysisErrors: [], notices: [], resources: 0, checked: [], raw: [], contributions: [] };
      slots.push(slot);
      try {
        exports.add(source, input?.template);
      } catch (e) {
        exportErrors.push({ source, message: `the Outputs of the template could not be read: ${message(e)}` });
      }
      analyseInput(slot, input, false);
    },

    finish(): CheckResult {
      if (finished) throw new Error('createChecker: finish() was called twice');
      finished = true;
      if (effective === undefined) {
        return { findings: [], errors: optionProblems.map((m) => ({ source: '(options)', message: m })), notices: [], resources: 0, checked: [] };
      }
      for (const slot of slots) {
        const input = slot.waiting;
        if (input === undefined) continue;
        slot.waiting = undefined;
        analyseInput(slot, input, true);
      }
      const located = (e: ModelError) => ({
        source: e.source,
        message: e.message,
        ...(e.resource ? { resource: e.resource } : {}),
        ...(e.path ? { path: [...e.path] } : {}),
      });
      const findings = ALL_RULES.flatMap((rule, i) => {
        if (!selected.has(rule.id)) return [];
        let raw: RuleFinding[] = slots.flatMap((s) => s.raw[i] ?? []);
        if (rule.across) {
          try {
            raw = rule.across.compare(slots.flatMap((s) => s.contributions[i] ?? []));
          } catch (e) {
            ruleErrors[i].add(`rule ${rule.id} failed: ${message(e)}`);
          }
        }
        return mergedFindings(rule, raw);
      });
      sortFindings(findings);
      const errors: TemplateError[] = [
        ...exportErrors,
        ...slots.flatMap((s) => s.buildErrors),
        ...slots.flatMap((s) => s.analysisErrors),
        ...engineErrors,
      ].map(located);
      for (const messages of ruleErrors) for (const m of messages) errors.push({ source: '(rules)', message: m });
      const notices: TemplateNotice[] = slots.flatMap((s) => s.notices).map(located);
      const checked = slots.map((s) => ({ source: s.source, resources: s.checked }));
      return { findings, errors, notices, resources: slots.reduce((n, s) => n + s.resources, 0), checked };
    },
  };
}

/**
 * Checks templates against every rule. XAT7 (shared ExternalIds) compares all inputs of one call, so pass
 * every stack of an app, every file of a run, together (or add them to one `createChecker`).
 */
export function check(inputs: readonly TemplateInput[], options: CheckOptions = {}): CheckResult {
  const checker = createChecker(options);
  for (const input of Array.isArray(inputs) ? inputs : []) checker.add(input);
  return checker.finish();
}
