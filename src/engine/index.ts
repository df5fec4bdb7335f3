/**
 * The rule engine: `check()` turns parsed templates into findings. Pure, and it never throws on a
 * template: problems with a template as a whole are `errors`, values it cannot resolve are findings.
 */
import { ALL_RULES } from '../rules';
import { AppModel, EffectiveOptions, analyse, describeAssignment } from './analysis';
import { Rule, RuleFinding } from './rule';
import { BuiltModel, addTemplate } from './template';
import { CheckOptions, CheckResult, Finding, TemplateError, TemplateInput } from './types';

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

/** Adds the conditions under which a finding holds when it does not hold in every variant of its resource. */
function qualify(f: RuleFinding, firing: readonly RuleFinding[]): string {
  const total = f.resource.variants.length;
  const variants = new Set(firing.map((x) => x.variant).filter((v) => v !== undefined));
  if (total <= 1 || variants.size === 0 || variants.size === total) return f.message;
  const first = [...variants][0]!;
  const fixed = new Map([...first.assignment].filter(([k, v]) => [...variants].every((x) => x!.assignment.get(k) === v)));
  const when = describeAssignment(fixed);
  return when ? `${f.message} This holds ${when}: an Fn::If on that condition changes the policy, and a deployment with that value gets the unsafe branch.` : f.message;
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
      message: qualify(f, fs),
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
    return { findings: [], errors: optionProblems.map((m) => ({ source: '(options)', message: m })), resources: 0 };
  }
  const model: BuiltModel = { templates: [], resources: [], errors: [], resourceCount: 0 };
  const parseTemplateBody = options.parseTemplateBody ?? ((text: string) => JSON.parse(text));
  for (const input of Array.isArray(inputs) ? inputs : []) {
    const source = typeof input?.source === 'string' ? input.source : String(input?.source);
    try {
      addTemplate(model, { source, template: input?.template, account: input?.account }, { parseTemplateBody });
    } catch (e) {
      model.errors.push({ source, message: `the template could not be analysed: ${message(e)}` });
    }
  }
  errors.push(...model.errors.map((e) => ({ source: e.source, message: e.message, ...(e.resource ? { resource: e.resource } : {}) })));
  let app: AppModel;
  try {
    app = analyse(model, effectiveOptions(options));
  } catch (e) {
    errors.push({ source: '(engine)', message: `the templates could not be analysed: ${message(e)}` });
    return { findings: [], errors, resources: model.resourceCount };
  }
  const findings = ALL_RULES.flatMap((rule) => runRule(rule, app, errors));
  const order = new Map(ALL_RULES.map((r, i) => [r.id, i]));
  findings.sort((a, b) => a.source.localeCompare(b.source) || a.resource.localeCompare(b.resource)
    || order.get(a.ruleId)! - order.get(b.ruleId)! || a.findingId.localeCompare(b.findingId));
  return { findings, errors, resources: model.resourceCount };
}
