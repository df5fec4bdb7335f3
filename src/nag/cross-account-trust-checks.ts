import * as fs from 'fs';
import * as path from 'path';
import {
  Aspects, CfnElement, CfnResource, Duration, IAspect, IPolicyValidationContext, PolicyValidationPluginReport, PolicyViolatingResource,
  PolicyViolation, Stack, Stage, Token, Validations,
} from 'aws-cdk-lib';
// cdk-nag's index loads every pack it ships (about 270 modules, a quarter of a second); these two modules are all this pack uses.
import { NagPack, NagPackProps } from 'cdk-nag/lib/nag-pack';
import { NagMessageLevel, NagRuleCompliance } from 'cdk-nag/lib/nag-rules';
import { IConstruct } from 'constructs';
import { check, validateOptions } from '../engine';
import { CheckOptions, Finding, TemplateError } from '../engine/types';
import {
  INHERITED_ACKNOWLEDGMENTS, PACK_NAME, acknowledgingIds, findingRuleName, isPackAcknowledgment, unqualifiedId,
} from '../private/acknowledgement-ids';
import { STS_MAX_LENGTH } from '../private/sts';
import { ALL_RULES } from '../rules';
import { AcknowledgementProblem, matchAcknowledgements, readAcknowledgements } from '../template/acknowledgements';

/**
 * Props of the CrossAccountTrust rule pack.
 */
export interface CrossAccountTrustChecksProps extends NagPackProps {
  /**
   * Minimum `MinLength` an ExternalId parameter must declare (XAT5).
   * @default 32
   */
  readonly minExternalIdLength?: number;
  /**
   * Minimum estimated entropy, in bits, of an ExternalId, with the estimator of `ExternalId.validate`.
   * Literal ExternalIds are findings whatever their entropy (XAT6); this judges the values the messages describe.
   * @default 112
   */
  readonly minExternalIdEntropyBits?: number;
  /**
   * Longest `MaxSessionDuration` of a role trusted by another account (XAT10).
   * @default Duration.hours(1)
   */
  readonly maxSessionDuration?: Duration;
  /**
   * 12-digit ids of the accounts of your own organisation. The ExternalId is a control between you and a
   * third party (it stops a vendor from being used as a confused deputy by its other customers), so trust
   * from these accounts is out of scope for XAT1 to XAT7 and XAT10. XAT8 and XAT9 still apply.
   * @default - no internal accounts
   */
  readonly internalAccounts?: string[];
}

/**
 * cdk-nag v3 rule pack that fails synth on unsafe cross-account trust (rules XAT1 to XAT10, see RULES.md).
 *
 * Register with `Validations.of(app).addPlugins(new CrossAccountTrustChecks(app))`. All stacks under the
 * validated scope are checked together, so an ExternalId shared between stacks is found (XAT7).
 *
 * Each finding is a violation named `CrossAccountTrust-<rule>[<finding id>]` with its own message; resources whose
 * findings share a name and a message are listed under one violation. Acknowledge with
 * `Validations.of(scope).acknowledge({ id, reason })`: `CrossAccountTrust-XAT3` covers every XAT3 finding of the
 * resources under `scope`, `CrossAccountTrust-XAT3[<finding id>]` one finding; the
 * `CrossAccountTrust::CrossAccountTrust-XAT3[<finding id>]` form newer aws-cdk-lib prints is accepted too. Entries in the
 * template's own Metadata (`CfnResource.addMetadata('cross-account-trust', { acknowledge: [{ id, reason }] })`, or
 * `Stack.addMetadata` for every resource of the stack) acknowledge findings too, as the CLI reads them in any template; a
 * malformed entry, or one that matches no finding, is a `CrossAccountTrust-InvalidAcknowledgement` error.
 *
 * @example
 * import { App, Validations } from 'aws-cdk-lib';
 * import { CrossAccountTrustChecks } from 'cdk-cross-account-trust';
 *
 * const app = new App();
 * Validations.of(app).addPlugins(new CrossAccountTrustChecks(app, { internalAccounts: ['123456789012'] }));
 */
export class CrossAccountTrustChecks extends NagPack {
  public readonly name = PACK_NAME;
  private readonly options: CheckOptions;
  private readonly verboseDescriptions: boolean;
  private findingsByNode = new Map<string, Finding[]>();
  private errorsByNode = new Map<string, TemplateError[]>();
  /** Mistakes in the acknowledgements of a resource's Metadata (of a StackSet's body too), by node. */
  private invalidAcknowledgementsByNode = new Map<string, string[]>();
  /** The construct paths of the stacks with a finding or an error on a resource: only their resources' logical ids are resolved. */
  private stacksWithFindings = new Set<string>();
  /** The description of each (rule name, construct path) reported, so that every resource keeps its own message. */
  private descriptions = new Map<string, string>();
  /** The App and Stages whose stacks get the acknowledgments above them recorded in their metadata. */
  private readonly recordingStages = new Set<IConstruct>();
  /** The template files this synthesis wrote, while `validate()` runs: the stacks' templates are read from them. */
  private synthesizedTemplates?: ReadonlySet<string>;

  constructor(scope?: IConstruct, props: CrossAccountTrustChecksProps = {}) {
    super(scope, props);
    this.packName = PACK_NAME;
    this.options = toOptions(props);
    this.verboseDescriptions = props.verbose ?? false;
    if (scope !== undefined) {
      // Aspects do not cross Stage boundaries (a Stage synthesizes its stacks with its own aspects, before the App's
      // run), so the recorder goes on the App and on every Stage there is now.
      const root = scope.node.root;
      const recorder = new RecordAcknowledgmentsAbove();
      for (const stage of root.node.findAll().filter((c) => c === root || Stage.isStage(c))) {
        Aspects.of(stage).add(recorder);
        this.recordingStages.add(stage);
      }
    }
  }

  /**
   * Entry point called by the CDK validation framework during synthesis. The stacks' templates are read from the files
   * this synthesis wrote (the context's `templatePaths`) rather than resolved again from the construct tree.
   * For direct invocation, use `validateScope(scope)`.
   */
  public validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    this.synthesizedTemplates = new Set(context.templatePaths.map((p) => path.resolve(p)));
    try {
      return super.validate(context);
    } finally {
      this.synthesizedTemplates = undefined;
    }
  }

  /** Checks every stack under `scope` together, then reports the findings of each resource. */
  public validateScope(scope: IConstruct): PolicyValidationPluginReport {
    this.findingsByNode = new Map();
    this.errorsByNode = new Map();
    this.invalidAcknowledgementsByNode = new Map();
    this.descriptions = new Map();
    this.stacksWithFindings = new Set();
    const stacks = stacksUnder(scope);
    const inputs = stacks.map((stack) => ({
      source: stack.node.path,
      template: this.synthesizedTemplate(stack) ?? stackTemplate(stack),
      account: Token.isUnresolved(stack.account) ? undefined : stack.account,
    }));
    const result = check(inputs, this.options);
    const inTemplate = templateAcknowledgements(inputs, result.findings, this.options.rules);
    const unplacedAcknowledgements: Array<AcknowledgementProblem & { source: string }> = [];
    for (const p of inTemplate.problems) {
      if (p.resource === undefined) {
        unplacedAcknowledgements.push(p);
      } else {
        push(this.invalidAcknowledgementsByNode, nodeKey(p.source, p.resource), p.message);
        this.stacksWithFindings.add(p.source);
      }
    }
    for (const f of result.findings) {
      if (inTemplate.acknowledged.has(f)) continue;
      push(this.findingsByNode, nodeKey(f.source, f.resource), f);
      this.stacksWithFindings.add(f.source);
    }
    const unplaced: TemplateError[] = [];
    for (const e of result.errors) {
      if (e.resource === undefined) {
        unplaced.push(e);
      } else {
        push(this.errorsByNode, nodeKey(e.source, e.resource), e);
        this.stacksWithFindings.add(e.source);
      }
    }
    const report = super.validateScope(scope);
    // cdk-nag groups the resources of one rule name under the description of the first; split them by their own.
    const violations = report.violations.flatMap((v) => this.byDescription(v));
    // A problem with a stack as a whole (or with the engine) is reported, not thrown, so the other stacks' findings still show.
    for (const e of unplaced) {
      violations.push({
        ruleName: `${PACK_NAME}-${TEMPLATE_ERROR}`,
        description: this.describe(`${e.source}: ${e.message}`, TEMPLATE_ERROR_EXPLANATION),
        severity: 'error',
        violatingResources: [{ constructPath: stacks.some((s) => s.node.path === e.source) ? e.source : scope.node.path, locations: [] }],
      });
    }
    for (const p of unplacedAcknowledgements) {
      violations.push({
        ruleName: `${PACK_NAME}-${INVALID_ACKNOWLEDGEMENT}`,
        description: this.describe(`${p.source}: ${p.message}`, INVALID_ACKNOWLEDGEMENT_EXPLANATION),
        severity: 'error',
        violatingResources: [{ constructPath: p.source, locations: [] }],
      });
    }
    const success = report.success && unplaced.length === 0 && unplacedAcknowledgements.length === 0;
    // A notice, not a failure: synth-time results are right, only a later check of the cloud assembly would differ.
    for (const stack of stacks.filter((s) => !s.nested && !this.recordingStages.has(Stage.of(s) ?? s.node.root))) {
      const above = acknowledgmentsAbove(stack);
      if (above.length === 0) continue;
      violations.push({
        ruleName: `${PACK_NAME}-AcknowledgmentsNotRecorded`,
        description: `Acknowledgments made on ${above.map((a) => (a.path === '' ? 'the App' : a.path)).join(', ')} apply to this stack here, but `
          + 'aws-cdk-lib writes into the cloud assembly only the metadata of constructs inside stacks, so `cdk-cross-account-trust check` on '
          + 'it would report those findings. Create the pack with the app, after the Stages (new CrossAccountTrustChecks(app)): it '
          + 'records them in the metadata of every stack of the Stages that exist then. Or acknowledge on the stack or below it.',
        severity: 'warning',
        violatingResources: [{ constructPath: stack.node.path, locations: [] }],
      });
    }
    // Notices (a stack's macro whose output was not checked) concern no one resource: they go in the report's metadata.
    // That a nested stack's template is another file is moot for a NestedStack of the app: it is one of the stacks checked.
    const nestedStacks = new Set(stacks.flatMap((s) => {
      const resource = s.nestedStackResource;
      return resource ? [nodeKey(Stack.of(resource).node.path, Stack.of(resource).resolve(resource.logicalId))] : [];
    }));
    const notices = result.notices.filter((n) => n.resource === undefined || !nestedStacks.has(nodeKey(n.source, n.resource)));
    const metadata = Object.fromEntries(notices.map((n, i) => [`notice ${i + 1}`, `${n.source}${n.resource ? ` ${n.resource}` : ''}: ${n.message}`]));
    return { success, violations, ...(notices.length > 0 ? { metadata } : {}) };
  }

  protected checkResource(node: CfnResource): void {
    const stack = Stack.of(node);
    if (!this.stacksWithFindings.has(stack.node.path)) return;
    const key = nodeKey(stack.node.path, stack.resolve(node.logicalId));
    for (const e of this.errorsByNode.get(key) ?? []) {
      this.descriptions.set(descriptionKey(`${PACK_NAME}-${TEMPLATE_ERROR}`, node.node.path), this.describe(e.message, TEMPLATE_ERROR_EXPLANATION));
      this.applyRule({
        ruleSuffixOverride: TEMPLATE_ERROR,
        info: e.message,
        explanation: TEMPLATE_ERROR_EXPLANATION,
        level: NagMessageLevel.ERROR,
        node,
        rule: () => NagRuleCompliance.NON_COMPLIANT,
      });
    }
    const invalid = this.invalidAcknowledgementsByNode.get(key);
    if (invalid !== undefined) {
      // One violation per resource (cdk-nag keeps one description per rule name and resource), naming every mistake.
      const info = invalid.join(' ');
      this.descriptions.set(descriptionKey(`${PACK_NAME}-${INVALID_ACKNOWLEDGEMENT}`, node.node.path), this.describe(info, INVALID_ACKNOWLEDGEMENT_EXPLANATION));
      this.applyRule({
        ruleSuffixOverride: INVALID_ACKNOWLEDGEMENT,
        info,
        explanation: INVALID_ACKNOWLEDGEMENT_EXPLANATION,
        level: NagMessageLevel.ERROR,
        node,
        rule: () => NagRuleCompliance.NON_COMPLIANT,
      });
    }
    for (const f of this.findingsByNode.get(key) ?? []) {
      // cdk-nag itself matches only `<rule>[<finding>]` without a namespace; the bare rule id and the namespaced form count too.
      if (isAcknowledged(node, acknowledgingIds(f.ruleId, f.findingId))) continue;
      const rule = ALL_RULES.find((r) => r.id === f.ruleId)!;
      this.descriptions.set(descriptionKey(findingRuleName(f.ruleId, f.findingId), node.node.path), this.describe(f.message, rule.explanation));
      this.applyRule({
        ruleSuffixOverride: f.ruleId,
        info: f.message,
        explanation: rule.explanation,
        level: f.level === 'error' ? NagMessageLevel.ERROR : NagMessageLevel.WARN,
        node,
        rule: () => [f.findingId],
      });
    }
  }

  /** The description cdk-nag gives a violation: the message, followed by the rule's explanation when verbose. */
  private describe(info: string, explanation: string): string {
    return this.verboseDescriptions ? `${info} ${explanation}` : info;
  }

  /**
   * The template synthesis wrote for `stack`, when `validate()` was given its file; undefined for a nested stack (its
   * template is an asset, not one of the files), or when `validateScope()` is called directly.
   */
  private synthesizedTemplate(stack: Stack): unknown {
    const stage = Stage.of(stack);
    if (this.synthesizedTemplates === undefined || stack.nested || stage === undefined) return undefined;
    const file = path.resolve(stage.outdir, stack.templateFile);
    if (!this.synthesizedTemplates.has(file)) return undefined;
    try {
      return JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (e) {
      throw new Error(`CrossAccountTrustChecks: cannot read the template of ${stack.node.path} that synthesis wrote to ${file}: ${(e as Error).message}`);
    }
  }

  /** One violation per distinct description among its resources, in the order cdk-nag found them. */
  private byDescription(v: PolicyViolation): PolicyViolation[] {
    const groups = new Map<string, PolicyViolatingResource[]>();
    for (const r of v.violatingResources) {
      const own = r.constructPath !== undefined ? this.descriptions.get(descriptionKey(v.ruleName, r.constructPath)) : undefined;
      const description = own ?? v.description;
      const group = groups.get(description);
      if (group) group.push(r);
      else groups.set(description, [r]);
    }
    return [...groups].map(([description, violatingResources]) => ({ ...v, description, violatingResources }));
  }
}

const TEMPLATE_ERROR = 'TemplateError';
const TEMPLATE_ERROR_EXPLANATION = 'The rule pack could not read this resource, so it cannot show that its trust is safe.';

const INVALID_ACKNOWLEDGEMENT = 'InvalidAcknowledgement';
const INVALID_ACKNOWLEDGEMENT_EXPLANATION = 'An entry of cross-account-trust: acknowledge in the template\'s Metadata is malformed or matches no finding, '
  + 'so it acknowledges nothing: the findings it was meant for are reported.';

/**
 * The findings acknowledged in the templates' own Metadata, and the mistakes there, read as the CLI reads them (the
 * templates are JSON, so a StackSet body is read with JSON.parse, as the engine reads it here).
 */
function templateAcknowledgements(
  inputs: ReadonlyArray<{ source: string; template: unknown }>, findings: readonly Finding[], rules: readonly string[] | undefined,
): { acknowledged: Set<Finding>; problems: Array<AcknowledgementProblem & { source: string }> } {
  const acknowledged = new Set<Finding>();
  const problems: Array<AcknowledgementProblem & { source: string }> = [];
  for (const input of inputs) {
    const read = readAcknowledgements(input.template);
    for (const p of read.problems) problems.push({ ...p, source: input.source });
    if (read.acknowledgements.length === 0) continue;
    const matched = matchAcknowledgements(read.acknowledgements, findings.filter((f) => f.source === input.source), { rules });
    for (const f of matched.acknowledged.keys()) acknowledged.add(f);
    for (const p of matched.problems) problems.push({ ...p, source: input.source });
  }
  return { acknowledged, problems };
}

function descriptionKey(ruleName: string, constructPath: string): string {
  return `${ruleName}\u0000${constructPath}`;
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** The node a finding belongs to: a StackSet's inner resources report on the StackSet. */
function nodeKey(stackPath: string, resource: string): string {
  return `${stackPath}\u0000${resource.split('/')[0]}`;
}

function isAcknowledged(node: IConstruct, ids: readonly string[]): boolean {
  for (let c: IConstruct | undefined = node; c; c = c.node.scope) {
    for (const entry of c.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY || typeof entry.data !== 'object' || entry.data === null) continue;
      if (Object.keys(entry.data).some((k) => ids.includes(unqualifiedId(k)))) return true;
    }
  }
  return false;
}

/** The acknowledgments of this pack made on the constructs above a stack (the App, Stages), by scope. */
function acknowledgmentsAbove(stack: Stack): Array<{ readonly path: string; readonly acknowledged: Record<string, string> }> {
  const out: Array<{ path: string; acknowledged: Record<string, string> }> = [];
  for (const scope of stack.node.scopes.slice(0, -1)) {
    const acknowledged: Record<string, string> = {};
    for (const entry of scope.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY || typeof entry.data !== 'object' || entry.data === null) continue;
      for (const [id, reason] of Object.entries(entry.data as Record<string, unknown>)) {
        if (isPackAcknowledgment(id)) acknowledged[id] = String(reason);
      }
    }
    if (Object.keys(acknowledged).length > 0) out.push({ path: scope.node.path, acknowledged });
  }
  return out;
}

/** Records in each stack's metadata the acknowledgments made above it, which the cloud assembly would not hold otherwise. */
class RecordAcknowledgmentsAbove implements IAspect {
  public visit(node: IConstruct): void {
    // A nested stack's metadata goes into its parent's, whose record covers it.
    if (!Stack.isStack(node) || node.nested) return;
    for (const record of acknowledgmentsAbove(node)) {
      const known = node.node.metadata.some((m) => m.type === INHERITED_ACKNOWLEDGMENTS && JSON.stringify(m.data) === JSON.stringify(record));
      if (!known) node.node.addMetadata(INHERITED_ACKNOWLEDGMENTS, record);
    }
  }
}

/** The stacks to check together: every stack under `scope`, or the stack that holds it. */
function stacksUnder(scope: IConstruct): Stack[] {
  const all = scope.node.findAll().filter((c): c is Stack => Stack.isStack(c));
  if (all.length > 0) return all;
  const holder = scope.node.scopes.slice().reverse().find((c): c is Stack => Stack.isStack(c));
  return holder ? [holder] : [];
}

/**
 * The stack's template as synthesis writes it (Stack._toCloudFormation in aws-cdk-lib, without its side effects):
 * the template options, then every CfnElement of the stack (not of nested stacks), resolved and merged section by section.
 */
function stackTemplate(stack: Stack): Record<string, unknown> {
  const options = stack.templateOptions;
  const transforms = options.transforms ?? [];
  // The elements' fragments are resolved one by one; only these options may still hold tokens.
  const template: Record<string, unknown> = {
    Description: stack.resolve(options.description),
    Transform: transforms.length === 0 ? undefined : transforms.length === 1 ? transforms[0] : [...new Set(transforms)],
    AWSTemplateFormatVersion: options.templateFormatVersion,
    Metadata: stack.resolve(options.metadata),
  };
  const visit = (c: IConstruct): void => {
    if (CfnElement.isCfnElement(c)) {
      const fragment = stack.resolve((c as unknown as { _toCloudFormation(): object })._toCloudFormation()) ?? {};
      for (const [section, value] of Object.entries(fragment as Record<string, unknown>)) mergeSection(stack, template, section, value);
    }
    for (const child of c.node.children) {
      if (!Stack.isStack(child)) visit(child);
    }
  };
  visit(stack);
  // Through JSON, as synthesis writes it: unset properties resolve to undefined and vanish there.
  return JSON.parse(JSON.stringify(template));
}

/** Merges one element's section into the template as aws-cdk-lib does, in place (a copy per element would be quadratic). */
function mergeSection(stack: Stack, template: Record<string, unknown>, section: string, value: unknown): void {
  const prior = template[section];
  if (!prior) {
    template[section] = value;
  } else if (section === 'Description') {
    template[section] = `${prior}\n${value}`;
  } else if (section === 'Transform') {
    const merged = [...new Set([prior, value].flat())];
    template[section] = merged.length === 1 ? merged[0] : merged;
  } else if (section !== 'AWSTemplateFormatVersion') {
    const into = prior as Record<string, unknown>;
    for (const [id, entry] of Object.entries(value as Record<string, unknown>)) {
      if (id in into) throw new Error(`CrossAccountTrustChecks: the template of ${stack.node.path} has two elements named ${id} in ${section}`);
      into[id] = entry;
    }
  }
}

function toOptions(props: CrossAccountTrustChecksProps): CheckOptions {
  const where = (name: string, value: unknown) => {
    if (Token.isUnresolved(value)) throw new Error(`CrossAccountTrustChecks: ${name} must be a literal value, received an unresolved token`);
  };
  where('minExternalIdLength', props.minExternalIdLength);
  where('minExternalIdEntropyBits', props.minExternalIdEntropyBits);
  let maxSessionDurationSeconds: number | undefined;
  if (props.maxSessionDuration !== undefined) {
    maxSessionDurationSeconds = props.maxSessionDuration.toSeconds();
    where('maxSessionDuration', maxSessionDurationSeconds);
    if (!(maxSessionDurationSeconds >= 1)) {
      throw new Error(`CrossAccountTrustChecks: maxSessionDuration must be at least 1 second, received ${maxSessionDurationSeconds} seconds`);
    }
  }
  for (const a of props.internalAccounts ?? []) where('internalAccounts', a);
  const options: CheckOptions = {
    minExternalIdLength: props.minExternalIdLength,
    minExternalIdEntropyBits: props.minExternalIdEntropyBits,
    maxSessionDurationSeconds,
    internalAccounts: props.internalAccounts,
  };
  const problems = validateOptions(options);
  if (props.minExternalIdLength !== undefined && props.minExternalIdLength > STS_MAX_LENGTH) {
    problems.push(`minExternalIdLength must be at most ${STS_MAX_LENGTH} (the STS limit), received ${props.minExternalIdLength}`);
  }
  if (problems.length > 0) {
    throw new Error(`CrossAccountTrustChecks: ${problems.join('; ')}`);
  }
  return options;
}
