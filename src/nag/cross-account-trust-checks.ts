import { CfnElement, CfnResource, Duration, PolicyValidationPluginReport, Stack, Token, Validations } from 'aws-cdk-lib';
import { NagMessageLevel, NagPack, NagPackProps, NagRuleCompliance } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { check, validateOptions } from '../engine';
import { CheckOptions, Finding, TemplateError } from '../engine/types';
import { STS_MAX_LENGTH } from '../private/sts';
import { ALL_RULES } from '../rules';

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

const PACK_NAME = 'CrossAccountTrust';

/**
 * cdk-nag v3 rule pack that fails synth on unsafe cross-account trust (rules XAT1 to XAT10, see RULES.md).
 *
 * Register with `Validations.of(app).addPlugins(new CrossAccountTrustChecks(app))`. All stacks under the
 * validated scope are checked together, so an ExternalId shared between stacks is found (XAT7).
 *
 * Acknowledge with `Validations.of(scope).acknowledge({ id, reason })`: `CrossAccountTrust-XAT3` covers every
 * XAT3 finding of the resources under `scope`, `CrossAccountTrust-XAT3[<finding id>]` one finding.
 */
export class CrossAccountTrustChecks extends NagPack {
  public readonly name = PACK_NAME;
  private readonly options: CheckOptions;
  private findingsByNode = new Map<string, Finding[]>();
  private errorsByNode = new Map<string, TemplateError[]>();

  constructor(scope?: IConstruct, props: CrossAccountTrustChecksProps = {}) {
    super(scope, props);
    this.packName = PACK_NAME;
    this.options = toOptions(props);
  }

  /** Checks every stack under `scope` together, then reports the findings of each resource. */
  public validateScope(scope: IConstruct): PolicyValidationPluginReport {
    this.findingsByNode = new Map();
    this.errorsByNode = new Map();
    const stacks = stacksUnder(scope);
    const inputs = stacks.map((stack) => ({
      source: stack.node.path,
      template: stackTemplate(stack),
      account: Token.isUnresolved(stack.account) ? undefined : stack.account,
    }));
    const result = check(inputs, this.options);
    const unplaced = result.errors.filter((e) => e.resource === undefined);
    if (unplaced.length > 0) {
      throw new Error(`${PACK_NAME}: ${unplaced.map((e) => `${e.source}: ${e.message}`).join('; ')}`);
    }
    for (const f of result.findings) push(this.findingsByNode, nodeKey(f.source, f.resource), f);
    for (const e of result.errors) push(this.errorsByNode, nodeKey(e.source, e.resource!), e);
    return super.validateScope(scope);
  }

  protected checkResource(node: CfnResource): void {
    const stack = Stack.of(node);
    const key = nodeKey(stack.node.path, stack.resolve(node.logicalId));
    for (const e of this.errorsByNode.get(key) ?? []) {
      this.applyRule({
        ruleSuffixOverride: 'TemplateError',
        info: e.message,
        explanation: 'The rule pack could not read this resource, so it cannot show that its trust is safe.',
        level: NagMessageLevel.ERROR,
        node,
        rule: () => NagRuleCompliance.NON_COMPLIANT,
      });
    }
    for (const f of this.findingsByNode.get(key) ?? []) {
      // The bare rule id acknowledges every finding of the rule; cdk-nag itself only matches `<rule>[<finding>]`.
      if (isAcknowledged(node, `${PACK_NAME}-${f.ruleId}`)) continue;
      const rule = ALL_RULES.find((r) => r.id === f.ruleId)!;
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
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  map.set(key, [...(map.get(key) ?? []), value]);
}

/** The node a finding belongs to: a StackSet's inner resources report on the StackSet. */
function nodeKey(stackPath: string, resource: string): string {
  return `${stackPath}\u0000${resource.split('/')[0]}`;
}

function isAcknowledged(node: IConstruct, id: string): boolean {
  for (let c: IConstruct | undefined = node; c; c = c.node.scope) {
    for (const entry of c.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY || typeof entry.data !== 'object' || entry.data === null) continue;
      if (Object.keys(entry.data).some((k) => k.replace(/^annotation::/i, '') === id)) return true;
    }
  }
  return false;
}

/** The stacks to check together: every stack under `scope`, or the stack that holds it. */
function stacksUnder(scope: IConstruct): Stack[] {
  const all = scope.node.findAll().filter((c): c is Stack => Stack.isStack(c));
  if (all.length > 0) return all;
  const holder = scope.node.scopes.slice().reverse().find((c): c is Stack => Stack.isStack(c));
  return holder ? [holder] : [];
}

/** The stack's template as synthesis writes it: every CfnElement of the stack (not of nested stacks), resolved and merged. */
function stackTemplate(stack: Stack): Record<string, unknown> {
  const template: Record<string, Record<string, unknown>> = {};
  const visit = (c: IConstruct): void => {
    if (CfnElement.isCfnElement(c)) {
      // Through JSON, as synthesis writes it: unset properties resolve to undefined and vanish there.
      const fragment = JSON.parse(JSON.stringify(stack.resolve((c as unknown as { _toCloudFormation(): object })._toCloudFormation()) ?? {}));
      for (const [section, entries] of Object.entries(fragment as Record<string, unknown>)) {
        template[section] = { ...(template[section] ?? {}), ...(entries as Record<string, unknown>) };
      }
    }
    for (const child of c.node.children) {
      if (!Stack.isStack(child)) visit(child);
    }
  };
  visit(stack);
  return template;
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
