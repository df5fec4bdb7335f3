import { clipText, externalIdUsages, listText } from './helpers';
import { EffectiveOptions } from '../engine/analysis';
import { Rule, RuleFinding, acknowledgeHint } from '../engine/rule';
import { literalText } from '../engine/values';
import type * as Entropy from '../external-id/entropy';

/**
 * The estimates of the literals of one check, by value: a literal is estimated once however many statements,
 * variants and templates hold it (the estimator takes up to milliseconds a call on long values). Keyed by the
 * check's options object, so nothing outlives a run.
 */
const estimates = new WeakMap<EffectiveOptions, Map<string, number>>();

let estimator: typeof Entropy | undefined;

function entropyBits(value: string, options: EffectiveOptions): number {
  let known = estimates.get(options);
  if (known === undefined) estimates.set(options, (known = new Map()));
  let bits = known.get(value);
  if (bits === undefined) {
    // Required at the first literal ExternalId, not imported: the estimator's 6 modules cost every CLI command and
    // every synth about 25 ms, and most templates (parameters, no ExternalId) never need them.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    estimator ??= require('../external-id/entropy') as typeof Entropy;
    known.set(value, (bits = Math.floor(estimator.estimateEntropy(value).bits)));
  }
  return bits;
}

/** How guessable a literal is, with the estimator of ExternalId.validate (which the CDK constructs apply too). */
function strength(bits: number, minBits: number): string {
  return bits < minBits
    ? `and its estimated entropy of ${bits} bits is below the minimum of ${minBits}, so it can also be guessed`
    : `even though its estimated entropy of ${bits} bits would make it hard to guess`;
}

export const XAT6: Rule = {
  id: 'XAT6',
  level: 'error',
  title: 'A literal or predictable ExternalId',
  cause: 'The ExternalId is a literal in the template (or computed from literals only), or derives from predictable values (AWS::AccountId, AWS::StackId, AWS::StackName, AWS::Region, the trusted account id).',
  explanation:
    'The ExternalId only stops the confused deputy if another customer of the vendor cannot know it. A literal is read by everyone who '
    + 'sees the template (a vendor\'s published onboarding template is public) and is the same for every account that deploys it. A value '
    + 'computed from the account id, stack id, stack name or region can be computed by anyone who knows those, and account ids are not secret.',
  fix: 'Take the ExternalId from a NoEcho parameter filled with the random value the vendor generated for this account (see XAT4, XAT5), '
    + 'from a {{resolve:secretsmanager:...}} dynamic reference, or from a custom resource that generates it at deploy time.',
  examples: {
    failing: `Resources:
  VendorAccess:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Principal: { AWS: arn:aws:iam::111122223333:role/AcmeScannerDeputy }
            Action: sts:AssumeRole
            Condition: { StringEquals: { sts:ExternalId: acme-customer-444455556666 } }
`,
    passing: `Parameters:
  ExternalId:
    Type: String
    NoEcho: true
    MinLength: 32
    MaxLength: 1224
    AllowedPattern: '[\\w+=,.@:/-]*'
Resources:
  VendorAccess:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Principal: { AWS: arn:aws:iam::111122223333:role/AcmeScannerDeputy }
            Action: sts:AssumeRole
            Condition: { StringEquals: { sts:ExternalId: !Ref ExternalId } }
`,
  },
  check(app) {
    const out: RuleFinding[] = [];
    for (const u of externalIdUsages(app)) {
      const s = u.source;
      const issues: string[] = [];
      if (s.literal) {
        const text = literalText(s.value)!;
        issues.push(`it is a literal of ${text.length} ${text.length === 1 ? 'character' : 'characters'} written in the template, so everyone who reads the template knows it`
          + `, ${strength(entropyBits(text, app.options), app.options.minExternalIdEntropyBits)}`);
      }
      if (s.computedFromLiterals.length > 0) {
        issues.push(`it is computed by ${s.computedFromLiterals.join(' and ')} from literals written in the template, so everyone who reads the template can compute it`);
      }
      if (s.predictable.length > 0) {
        issues.push(`it derives from ${listText([...new Set(s.predictable)])}, which anyone who knows the account or stack can compute`);
      }
      const unresolved = s.params.length === 0 && s.unresolved.length > 0;
      if (unresolved) {
        issues.push(`its source could not be resolved (${listText([...new Set(s.unresolved)], '; ')}), so it cannot be shown to be random`);
      }
      if (issues.length === 0) continue;
      out.push({
        resource: u.resource,
        variant: u.variant,
        findingId: u.trust.statement.label,
        path: u.trust.path,
        message: `The ExternalId of ${u.trust.statement.name}${s.literal ? '' : ` (${clipText(s.display)})`}: ${issues.join('; ')}. Take it from a NoEcho parameter holding the `
          + 'random value the vendor generated for this account, a {{resolve:secretsmanager:...}} reference or a custom resource.'
          + (unresolved ? ` ${acknowledgeHint('XAT6', u.resource, u.trust.statement.label)}` : ''),
      });
    }
    return out;
  },
};
