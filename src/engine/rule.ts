import { AppModel } from './analysis';
import { Path, ResourceModel, ResourceVariant } from './template';
import { RuleInfo } from './types';

/** A finding as a rule reports it; the engine adds the rule id, level and source and merges variants. */
export interface RuleFinding {
  readonly resource: ResourceModel;
  /** The variant it fired in; findings that hold in only some variants say under which conditions. */
  readonly variant?: ResourceVariant;
  /** Unique within the rule and resource; the engine prefixes it inside a StackSet body. */
  readonly findingId: string;
  readonly message: string;
  readonly path: Path;
}

/** A rule: its metadata (the one home of RULES.md, SARIF descriptors and nag messages) and its logic. */
export interface Rule extends RuleInfo {
  /** Pure function over the analysed model of every template of one check. */
  check(app: AppModel): RuleFinding[];
}

/** How a finding is acknowledged, for messages about values the rule could not resolve. */
export function acknowledgeHint(ruleId: string, resource: ResourceModel, findingId: string): string {
  // The CLI honours acknowledgments only through a CDK app's cloud assembly, so the hint names the CDK call.
  return `If you have checked it by hand, acknowledge it in the CDK app: Validations.of(<the role construct>).acknowledge({ id: 'CrossAccountTrust-${ruleId}[${resource.findingPrefix}${findingId}]', reason }).`;
}
