/**
 * How findings are named in the CDK policy validation report and acknowledged, shared by the rule pack (at synth
 * time) and the CLI (on a cloud assembly) so that both honour the same acknowledgments.
 */

/** The pack's name: the prefix of every rule name in the report and the namespace newer aws-cdk-lib gives them. */
export const PACK_NAME = 'CrossAccountTrust';

/** The rule name of one finding in the validation report, and its acknowledgment id: `CrossAccountTrust-XAT3[Statement0.Principal0]`. */
export function findingRuleName(ruleId: string, findingId: string): string {
  return `${PACK_NAME}-${ruleId}[${findingId}]`;
}

/** The ids that acknowledge a finding: the bare rule id covers every finding of the rule, the bracketed one this finding. */
export function acknowledgingIds(ruleId: string, findingId: string): readonly string[] {
  return [`${PACK_NAME}-${ruleId}`, findingRuleName(ruleId, findingId)];
}

/**
 * An acknowledged id as `Validations.acknowledge()` recorded it, without the namespace aws-cdk-lib adds:
 * `annotation::` (aws-cdk-lib 2.258 and other versions before 2.262.1) or `Annotation::` (later) for an id given without one, and
 * `CrossAccountTrust::` for the form newer aws-cdk-lib prints as the id to acknowledge
 * (`CrossAccountTrust::CrossAccountTrust-XAT3[Statement0.Principal0]`).
 */
export function unqualifiedId(recorded: string): string {
  return recorded.replace(/^annotation::/i, '').replace(new RegExp(`^${PACK_NAME}::`), '');
}

/**
 * Stack metadata that records the acknowledgments made on the App or a Stage above the stack. aws-cdk-lib writes into
 * a cloud assembly only the metadata of constructs inside stacks, so without it `cdk-cross-account-trust check cdk.out`
 * could not see them. Data: `{ path: <construct path of the acknowledging scope>, acknowledged: { <id>: <reason> } }`.
 */
export const INHERITED_ACKNOWLEDGMENTS = 'cdk-cross-account-trust:inherited-acknowledgments';

/** Whether a recorded acknowledgment id is one of this pack's. */
export function isPackAcknowledgment(recorded: string): boolean {
  return unqualifiedId(recorded).startsWith(`${PACK_NAME}-`);
}
