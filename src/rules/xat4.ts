import { externalIdUsages } from './helpers';
import { viaText } from '../engine/analysis';
import { Rule, RuleFinding } from '../engine/rule';
import { parameterPath } from '../engine/template';

export const XAT4: Rule = {
  id: 'XAT4',
  level: 'error',
  cause: 'The ExternalId comes from a template parameter without NoEcho: true (as it is, or computed from it by a deterministic function such as Fn::Base64).',
  explanation:
    'Without NoEcho the value is shown in the CloudFormation console, in DescribeStacks output and in change sets to everyone who can read '
    + 'the stack. AWS does not treat the ExternalId as a secret, but masking it keeps it out of screenshots, logs and support tickets, where '
    + 'a copied value lets someone else impersonate the customer on the vendor\'s platform.',
  fix: 'Declare the ExternalId parameter with "NoEcho": true (the ExternalIdParameter construct of this library does).',
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
    }
    return out;
  },
};
