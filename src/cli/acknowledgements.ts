/**
 * Acknowledgements recorded in a CDK cloud assembly, so that checking cdk.out agrees with the rule pack at
 * synth time. `Validations.of(scope).acknowledge({ id, reason })` writes `aws:cdk:acknowledged-rules`
 * metadata on `scope`, which reaches the assembly only for scopes inside a stack; the rule pack records those made
 * on the App or a Stage in the metadata of the stacks below them. As in the pack, `CrossAccountTrust-XAT3` covers
 * every XAT3 finding of the resources under `scope` and `CrossAccountTrust-XAT3[<finding id>]` one finding.
 */

import { INHERITED_ACKNOWLEDGMENTS, acknowledgingIds, unqualifiedId } from '../private/acknowledgement-ids';
import { isObject } from '../private/json';

const ACKNOWLEDGED_RULES = 'aws:cdk:acknowledged-rules';
const LOGICAL_ID = 'aws:cdk:logicalId';

/** An acknowledgment made in the CDK app. */
export interface CdkAcknowledgement {
  /** The id as recorded, without the namespace aws-cdk-lib adds: `CrossAccountTrust-XAT3[Statement0.Principal0]`. */
  readonly id: string;
  readonly reason: string;
  /** The construct path of the scope it was made on. */
  readonly constructPath: string;
}

/** The acknowledgment of a finding, or undefined when it has none. */
export type AcknowledgementLookup = (
  finding: { readonly resource: string; readonly rule: string; readonly findingId: string },
) => CdkAcknowledgement | undefined;

/**
 * Reads the metadata of one stack artifact (construct path to metadata entries, as in `<stack>.metadata.json`).
 * Without `aws:cdk:logicalId` entries (path metadata turned off) no finding can be placed, so none is acknowledged.
 */
export function acknowledgementsFrom(metadata: Record<string, unknown>): AcknowledgementLookup | undefined {
  const constructPath = new Map<string, string>();
  const acknowledged: Array<{ readonly path: string; readonly id: string; readonly reason: string }> = [];
  for (const [path, entries] of Object.entries(metadata)) {
    if (!Array.isArray(entries)) continue;
    for (const entry of entries) {
      if (!isObject(entry)) continue;
      if (entry.type === LOGICAL_ID && typeof entry.data === 'string') constructPath.set(entry.data, path);
      if (entry.type === ACKNOWLEDGED_RULES && isObject(entry.data)) {
        // Validations.acknowledge() stores ids with the prefix of the validation source that routes them.
        for (const [id, reason] of Object.entries(entry.data)) acknowledged.push({ path, id: unqualifiedId(id), reason: String(reason) });
      }
      // Made on the App or a Stage above the stack, recorded on the stack by the rule pack.
      if (entry.type === INHERITED_ACKNOWLEDGMENTS && isObject(entry.data) && typeof entry.data.path === 'string' && isObject(entry.data.acknowledged)) {
        for (const [id, reason] of Object.entries(entry.data.acknowledged)) {
          acknowledged.push({ path: `/${entry.data.path}`, id: unqualifiedId(id), reason: String(reason) });
        }
      }
    }
  }
  if (acknowledged.length === 0) return undefined;
  return ({ resource, rule, findingId }) => {
    // A StackSet's inner resources are acknowledged on the StackSet.
    const path = constructPath.get(resource.split('/')[0]);
    if (path === undefined) return undefined;
    const ids = acknowledgingIds(rule, findingId);
    const found = acknowledged.find((a) => (path === a.path || path.startsWith(a.path.endsWith('/') ? a.path : `${a.path}/`)) && ids.includes(a.id));
    return found && { id: found.id, reason: found.reason, constructPath: found.path };
  };
}
