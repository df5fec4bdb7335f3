import { ExternalIdUsage, externalIdUsages } from './helpers';
import { viaText } from '../engine/analysis';
import { Rule, RuleFinding } from '../engine/rule';
import { TemplateOutput, outputPath, parameterPath } from '../engine/template';
import { Part, RValue, SymStr, leafParts } from '../engine/values';

/**
 * The NoEcho parameters an ExternalId is made of. (A custom resource's Ref is its physical id, which the console
 * lists anyway, and whether its attributes are masked is up to its handler, so only parameters are masked here.)
 */
function maskedSources(u: ExternalIdUsage): Array<{ part: Part; what: string }> {
  const out: Array<{ part: Part; what: string }> = [];
  for (const { part } of leafParts(u.source.value)) {
    if (part.kind === 'param' && u.resource.template.parameters.get(part.name)?.noEcho) {
      out.push({ part, what: `NoEcho parameter ${part.name}` });
    }
  }
  return out;
}

function samePart(a: Part, b: Part): boolean {
  return a.kind === 'param' && b.kind === 'param' && a.name === b.name;
}

/** Every symbolic string inside a resolved output value. */
function stringsOf(v: RValue): SymStr[] {
  switch (v.t) {
    case 'str': return [...v.alts];
    case 'list': return v.items.flatMap(stringsOf);
    case 'obj': return v.entries.flatMap(([, x]) => stringsOf(x));
    default: return [];
  }
}

function echoes(output: TemplateOutput, part: Part): boolean {
  return output.values.some((v) => stringsOf(v).some((s) => leafParts(s).some((l) => samePart(part, l.part))));
}

export const XAT4: Rule = {
  id: 'XAT4',
  level: 'error',
  title: 'An ExternalId parameter without NoEcho, or an Output that shows it',
  cause: 'The ExternalId comes from a template parameter without NoEcho: true (as it is, or computed from it by a deterministic function such as '
    + 'Fn::Base64), or an Output of the template shows the value of a NoEcho ExternalId parameter.',
  explanation:
    'Without NoEcho the value is shown in the CloudFormation console, in DescribeStacks output and in change sets to everyone who can read '
    + 'the stack. AWS does not treat the ExternalId as a secret, but masking it keeps it out of screenshots, logs and support tickets, where '
    + 'a copied value lets someone else impersonate the customer on the vendor\'s platform. CloudFormation does not mask Outputs: an Output '
    + 'whose value holds the NoEcho parameter (as it is, in an Fn::Sub or Fn::Join, Base64-encoded...) shows it to the same readers, and an '
    + 'exported one to every reader of ListExports too.',
  fix: 'Declare the ExternalId parameter with "NoEcho": true (the ExternalIdParameter construct of this library does), and output nothing '
    + 'that holds the ExternalId.',
  examples: {
    failing: `Parameters:
  ExternalId:
    Type: String
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
      for (const param of u.source.params) {
        if (param.noEcho) continue;
        out.push({
          resource: u.resource,
          variant: u.variant,
          findingId: `Parameter-${param.name}`,
          path: parameterPath(u.resource.template, param.name),
          message: `The ExternalId of ${u.trust.statement.name} comes from parameter ${param.name}${viaText(u.source, param.name)}, which is not NoEcho, `
            + `so the console and DescribeStacks show it to anyone who can read the stack. Add "NoEcho": true to parameter ${param.name}.`,
        });
      }
      // The finding sits on the role (an Output is not a resource the CDK report can name) and points at the Output.
      for (const source of maskedSources(u)) {
        for (const output of u.resource.template.outputs) {
          if (!echoes(output, source.part)) continue;
          out.push({
            resource: u.resource,
            variant: u.variant,
            findingId: `Output-${output.name.replace(/[^A-Za-z0-9_.-]/g, '_')}`,
            path: outputPath(u.resource.template, output.name),
            message: `Output ${output.name}${output.exported ? ', which is exported,' : ''} shows the ExternalId of ${u.resource.id} (${source.what}): `
              + `CloudFormation does not mask Outputs, so the console and DescribeStacks${output.exported ? ', ListExports and every stack that imports it' : ''} `
              + 'show it to anyone who can read the stack. Remove the output, or output nothing that holds the ExternalId.',
          });
        }
      }
    }
    return out;
  },
};
