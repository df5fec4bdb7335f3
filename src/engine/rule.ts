import { AppModel } from './analysis';
import { Path, ResourceModel } from './template';
import { RuleInfo } from './types';

/** One combination of the conditions of a resource, as findings refer to it. */
export interface FindingVariant {
  readonly assignment: ReadonlyMap<string, boolean>;
}

/**
 * What the engine needs of the resource of a finding to report it: a `ResourceModel` is one, and so is the small
 * copy (`findingResource`) kept once the model of its template is dropped.
 */
export interface FindingResource {
  readonly template: { readonly source: string };
  readonly id: string;
  /** Prefix of finding ids so that two inner resources of one StackSet do not share ids. */
  readonly findingPrefix: string;
  readonly variants: readonly FindingVariant[];
}

/** A finding as a rule reports it; the engine adds the rule id, level and source and merges variants. */
export interface RuleFinding {
  readonly resource: FindingResource;
  /** The variant it fired in (one of `resource.variants`); findings that hold in only some variants say under which conditions. */
  readonly variant?: FindingVariant;
  /** Unique within the rule and resource; the engine prefixes it inside a StackSet body. */
  readonly findingId: string;
  readonly message: string;
  readonly path: Path;
}

/**
 * A rule: its metadata (the one home of RULES.md, SARIF descriptors and nag messages) and its logic. Most rules
 * look at one input at a time (`check`); a rule that compares inputs (XAT7) has `across` instead.
 */
export interface Rule extends RuleInfo {
  /** A few words for the heading of the rule's section of RULES.md. */
  readonly title: string;
  /**
   * Two complete CloudFormation templates (YAML) shown in RULES.md: one the rule reports and one it does not, with as
   * little between them as the fix needs. test/rules/examples.test.ts checks both with the engine, so they cannot drift.
   */
  readonly examples: RuleExamples;
  /** Pure function over the analysed model of one input: a template and the StackSet bodies inside it. */
  readonly check?: (app: AppModel) => RuleFinding[];
  readonly across?: CrossInputCheck<unknown>;
}

/** The failing and passing templates of a rule's documentation. */
export interface RuleExamples {
  /** A template the rule reports, and no other rule. */
  readonly failing: string;
  /** The same template fixed: no rule reports it. */
  readonly passing: string;
}

/**
 * A rule over every input of a check, in two steps so that a check of many templates keeps no model: what each
 * input contributes (small, with `findingResource` copies rather than models), then the findings over all of it.
 */
export interface CrossInputCheck<T> {
  collect(app: AppModel): T[];
  /** `items` are every input's contributions, in the order of the inputs. */
  compare(items: readonly T[]): RuleFinding[];
}

const kept = new WeakMap<ResourceModel, FindingResource>();

/** The small copy of a resource that findings keep: its source, id, finding prefix and condition assignments. */
export function findingResource(r: ResourceModel): FindingResource {
  let copy = kept.get(r);
  if (copy === undefined) {
    copy = {
      template: { source: r.template.source },
      id: r.id,
      findingPrefix: r.findingPrefix,
      variants: r.variants.map((v) => ({ assignment: v.assignment })),
    };
    kept.set(r, copy);
  }
  return copy;
}

/** The copy of `variant` (one of `r.variants`) in `findingResource(r)`. */
export function findingVariant(r: ResourceModel, variant: FindingVariant | undefined): FindingVariant | undefined {
  if (variant === undefined) return undefined;
  const i = r.variants.indexOf(variant as ResourceModel['variants'][number]);
  return i < 0 ? variant : findingResource(r).variants[i];
}

/** How a finding is acknowledged, for messages about values the rule could not resolve. */
export function acknowledgeHint(ruleId: string, resource: ResourceModel, findingId: string): string {
  // Both ways: the CDK call (rule pack, CLI on a cloud assembly) and the template's Metadata (CLI on any template, and the rule pack).
  return `If you have checked it by hand, acknowledge it with id 'CrossAccountTrust-${ruleId}[${resource.findingPrefix}${findingId}]' and a reason: `
    + 'Validations.of(<the role construct>).acknowledge({ id, reason }) in a CDK app, or in the template an entry { id, reason } under the '
    + 'resource\'s Metadata cross-account-trust: acknowledge.';
}
