import { createHash } from 'crypto';

/** What identifies a finding across runs: not its line or message, which move and change when the template is edited. */
export interface FindingIdentity {
  readonly rule: string;
  /** The template's path relative to a folder (the working folder for SARIF, the baseline file's folder for a baseline), forward slashes. */
  readonly uri: string;
  readonly resource: string;
  readonly findingId: string;
}

/**
 * The fingerprint of a finding: the same after lines are inserted above it or the template is reformatted, so that
 * code scanning keeps tracking the same alert (SARIF partialFingerprints) and a baseline keeps matching it.
 */
export function findingFingerprint(f: FindingIdentity): string {
  return createHash('sha256').update([f.rule, f.uri, f.resource, f.findingId].join('\u0000')).digest('hex');
}
