/**
 * What the Ref or an attribute of a resource stands for, for resources of the template itself and, through
 * `Fn::ImportValue`, of another template of the same check. Rules ask this instead of guessing from a logical id.
 */
import { Part } from './values';

export type ResourceValue =
  /** `Fn::GetAtt <AWS::IAM::Role>.Arn`: the ARN of that role, in the account the template deploys to. */
  | { readonly kind: 'roleArn' }
  /** The Ref of an `AWS::IAM::Role`: its name, which IAM keeps to `[\w+=,.@-]` (no wildcard). */
  | { readonly kind: 'roleName' }
  /** Any other Ref or attribute of a type AWS defines: a name, id or ARN of that resource in the own account, never an IAM wildcard. */
  | { readonly kind: 'own' }
  /** A value the resource's author chooses (custom resources, stack outputs, parameter values): it may be anything. */
  | { readonly kind: 'anything'; readonly why: string };

/** AWS types whose Ref or attributes pass on a value written elsewhere rather than one AWS assigns. */
const PASS_THROUGH_TYPES = new Set([
  'AWS::CloudFormation::CustomResource',
  'AWS::CloudFormation::Stack',
  'AWS::CloudFormation::WaitCondition',
  'AWS::ServiceCatalog::CloudFormationProvisionedProduct',
  'AWS::Serverless::Application',
]);

/** Attributes that return a stored value as it was written. */
const PASS_THROUGH_ATTRIBUTES: ReadonlyArray<readonly [type: string, attribute: string]> = [
  ['AWS::SSM::Parameter', 'Value'],
];

export function resourceValue(p: Extract<Part, { kind: 'resource' }>): ResourceValue {
  const type = p.type;
  const attribute = p.attribute;
  if (p.fragment) return { kind: 'anything', why: 'is a piece cut out of a resource value by Fn::Split' };
  if (!type.startsWith('AWS::')) {
    return { kind: 'anything', why: `is returned by ${type ? `${type}, a custom or third-party resource type` : 'a resource without a type'}, which may return any value` };
  }
  if (PASS_THROUGH_TYPES.has(type) || attribute?.startsWith('Outputs.')) {
    return { kind: 'anything', why: `is returned by a ${type}, whose values are written by its author and may be anything` };
  }
  if (attribute !== undefined && PASS_THROUGH_ATTRIBUTES.some(([t, a]) => t === type && a === attribute)) {
    return { kind: 'anything', why: `is the stored ${attribute} of a ${type}, which may be anything` };
  }
  if (type === 'AWS::IAM::Role' && attribute === 'Arn') return { kind: 'roleArn' };
  if (type === 'AWS::IAM::Role' && attribute === undefined) return { kind: 'roleName' };
  return { kind: 'own' };
}
