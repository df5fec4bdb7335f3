/**
 * Generates RULES.md from the rule metadata in src/rules (its one home). Run it to rewrite RULES.md;
 * test/rules/rules-md.test.ts fails when the committed file drifts from this output.
 */
import * as fs from 'fs';
import * as path from 'path';
import { OTHER_POLICY_PROPERTIES, OTHER_POLICY_REASONS, OtherPolicyReason, POLICY_BEARING_TYPES } from '../src/engine/policy-types';
import { Rule } from '../src/engine/rule';
import { INTRINSIC_FUNCTIONS } from '../src/engine/values';
import { ALL_RULES, ruleAnchor } from '../src/rules';

/** How templates are read before the rules see them: what is expanded, and what is reported when it cannot be. */
const TEMPLATE_SCOPE: readonly string[] = [
  'Templates in JSON or YAML. YAML 1.1 merge keys (`<<: *anchor`, `<<: [*a, *b]`) are expanded as `aws cloudformation package`'
    + ' and the SAM CLI expand them before CloudFormation sees the template: keys of the mapping itself win over merged ones, and of a'
    + ' list of sources the earlier one wins. A merge key whose value is not a mapping, an alias of one or a list of them is an error'
    + ' that names its line.',
  'StackSet bodies: the `TemplateBody` of an `AWS::CloudFormation::StackSet` (a literal string, JSON or YAML) is checked as a template of its own,'
    + ' its resources named `<StackSet>/<Resource>`. The StackSet\'s `Parameters` and the `ParameterOverrides` of its `StackInstancesGroup`'
    + ' fix the values of the body\'s parameters: a literal value is checked as the literal it is (an ExternalId given there is a literal'
    + ' ExternalId, XAT6), a parameter of the outer template passed through is judged as that parameter, and any other value (pseudo'
    + ' parameters and attributes of the outer template belong to the administrator account, not to the target accounts) is unresolved.'
    + ' A StackSet with a `TemplateURL`, or with neither, is an error that fails the run: the template it deploys is not in the file, so'
    + ' check that template itself.',
  'CDK cloud assemblies (`cdk.out`): every stack of the manifest, of nested assemblies (Stages) too, with its stack name, account and'
    + ' acknowledgments. The template of each `NestedStack` (a file asset `*.nested.template.json` of its parent, nested stacks of nested'
    + ' stacks included) is checked too, reported with the parent\'s stack name and the NestedStack\'s construct path (`nestedStack`), in'
    + ' the parent\'s account; a nested template that no stack lists is checked on its own. Outside a cloud assembly, the `TemplateURL` of'
    + ' an `AWS::CloudFormation::Stack` is not followed: a notice says so; check the nested template file itself.',
  'Transforms: what is checked is the template as written, before CloudFormation runs its transforms. `Fn::ForEach` loops'
    + ' (`AWS::LanguageExtensions`, in Resources, Conditions, Outputs and resource properties, nested loops too) are expanded as CloudFormation'
    + ' expands them: `${Identifier}` in keys and strings becomes the item, `&{Identifier}` the item without its non-alphanumeric characters,'
    + ' `{"Ref": "Identifier"}` the item. A Collection must be a list of literal values or a Ref to a list parameter with a Default (then a'
    + ' notice says the loop was checked with that Default); any other loop is an error that names it and fails the run. SAM'
    + ' (`AWS::Serverless-2016-10-31`) is read as described under Resource types; a SAM resource whose roles are not read'
    + ' (`AWS::Serverless::Application`, unknown types) gets a notice. Any other transform or macro in `Transform`, and every `Fn::Transform`'
    + ' (`AWS::Include` snippets, snippet macros), gets a notice that the deployed template may differ from what was checked. Notices are'
    + ' listed in the report (text, JSON `notices`, SARIF note-level tool notifications; the metadata of the rule pack\'s report) and do not'
    + ' fail a run.',
];

/** Which resource types are read, where their policies are, and what is not read and why. */
function resourceTypes(): string[] {
  const rows = Object.entries(POLICY_BEARING_TYPES).map(([type, b]) => `| \`${type}\` | ${b.trust ? `\`${b.trust}\`` : ''} | `
    + `${b.identity.map((i) => `\`${i.property}\``).join(', ')} | ${b.holder} |`);
  return [
    '## Resource types',
    '',
    'The trust policies (XAT1 to XAT7, XAT10) and identity policies (XAT8, XAT9) of these resource types are read, in templates, in StackSet',
    'bodies and in the cloud assemblies of CDK apps. The list is derived from the CloudFormation and SAM resource specifications:',
    'a test walks the specifications shipped with aws-cdk-lib and fails when a property that holds a policy document is neither read',
    'nor listed below with the reason it grants no identity permissions.',
    '',
    '| Resource type | Trust policy | Identity policies | Whose permissions |',
    '|---|---|---|---|',
    ...rows,
    '',
    'SAM (`Transform: AWS::Serverless-2016-10-31`): a function or state machine with a `Role` property gets no role from SAM, which then',
    'ignores `AssumeRolePolicyDocument` and `Policies`; they are checked only where SAM creates the role (without `AssumeRolePolicyDocument`,',
    'that role trusts its own service). Each entry of `Policies` is a managed policy name or ARN (a reference, not read, like an IAM role\'s',
    '`ManagedPolicyArns`), a policy document (read), or a SAM policy template: none of SAM\'s policy templates allows an `sts:` action, so',
    'they are not read, and a template name this version does not know, or an entry of another shape, is an error that fails the run.',
    '',
    'Managed policies referenced by ARN or name (AWS managed policies, or policies outside the template) are not read.',
    '',
    'Not read, because they grant no identity permissions:',
    '',
    ...(Object.keys(OTHER_POLICY_REASONS) as OtherPolicyReason[]).map((reason) => `- ${cap(OTHER_POLICY_REASONS[reason])}. `
      + `Properties: ${OTHER_POLICY_PROPERTIES[reason].map((p) => `\`${p}\``).join(', ')}.`),
    '',
  ];
}

/** The anchor of a rule's section, which SARIF `helpUri` links to as well. */
export const anchor = (r: Rule) => ruleAnchor(r);

/** A rule's section: what it checks, why, the fix, and a template it reports beside the same template fixed. */
function ruleSection(r: Rule): string[] {
  return [
    `<a id="${anchor(r)}"></a>`,
    '',
    `## ${r.id}: ${r.title}`,
    '',
    `**Level:** ${r.level}`,
    '',
    `**What it checks.** ${r.cause}`,
    '',
    `**Why.** ${r.explanation}`,
    '',
    `**Fix.** ${r.fix}`,
    '',
    `Reported (\`CrossAccountTrust-${r.id}\`):`,
    '',
    '```yaml',
    r.examples.failing.trimEnd(),
    '```',
    '',
    'Not reported:',
    '',
    '```yaml',
    r.examples.passing.trimEnd(),
    '```',
    '',
  ];
}

/**
 * Every way of handling a finding that is not fixed, one `###` subsection each: how it is identified, then the
 * CDK acknowledgment. Further ways (acknowledgments in a template's Metadata, the CLI's config file and baseline)
 * are subsections of their own after the CDK one.
 */
function handlingFindings(): string[] {
  return [
    '## Handling findings',
    '',
    'Fix a finding where you can: each rule\'s section above says how. A finding you have reviewed and accept is acknowledged with',
    'the reason, and no longer fails the run; it stays listed as acknowledged.',
    '',
    'Each finding has an id within its rule and resource, such as `Statement0`, `Sid-VendorTrust` or `Statement1.Principal0`,',
    'printed as `CrossAccountTrust-XAT3[Statement1.Principal0]`. `CrossAccountTrust-XAT3` without the brackets stands for every',
    'XAT3 finding.',
    '',
    '### In a CDK app',
    '',
    'Acknowledge it on the resource or any scope above it, with the reason you accept the risk:',
    '',
    '```ts',
    "Validations.of(role).acknowledge({ id: 'CrossAccountTrust-XAT3[Statement0.Principal0]', reason: 'vendor X only supports account-root trust; ticket SEC-123' });",
    '```',
    '',
    '`Validations.of(scope).acknowledge({ id: \'CrossAccountTrust-XAT6\', reason })` acknowledges every XAT6 finding of the',
    'resources under `scope`.',
    '',
    'aws-cdk-lib 2.258 prints the id to acknowledge as it is, `CrossAccountTrust-XAT3[Statement0.Principal0]`. Newer aws-cdk-lib',
    'versions print it with the plugin name as a namespace, `CrossAccountTrust::CrossAccountTrust-XAT3[Statement0.Principal0]`; that',
    'form is accepted too, by the pack and by the CLI. aws-cdk-lib 2.258 applies an acknowledgment written in that namespaced form to',
    'the rule name across the whole app, wherever it was made (aws/aws-cdk#38495, fixed in later versions), so with 2.258 write the',
    'id without the namespace.',
    '',
    'The CLI honours the acknowledgments recorded in a cloud assembly (`cdk-cross-account-trust check cdk.out`). aws-cdk-lib writes there',
    'only the metadata of constructs inside stacks, so the pack, created with the app (`new CrossAccountTrustChecks(app)`), records',
    'the acknowledgments made on the App or a Stage in the metadata of every stack below them, for the Stages that exist when the',
    'pack is created. For a stack whose acknowledgments above it could not be recorded (a Stage created after the pack), the report',
    'carries a `CrossAccountTrust-AcknowledgmentsNotRecorded` warning that does not fail synth.',
    '',
    '### In a template\'s Metadata',
    '',
    ...templateAcknowledgementLines(),
    ...cliHandling(),
  ];
}

/** The CLI's ways: rule selection and excluded paths (in its config file or on the command line), and a baseline. */
function cliHandling(): string[] {
  return [
    '### In the CLI\'s config file: rules and paths',
    '',
    'A rule that does not apply to your organisation is skipped for every template, and files that are not yours to fix are left',
    'out, in `.cross-account-trust.yaml` (in the folder `check` runs in, or named with `--config`) or with the same options on the',
    'command line:',
    '',
    '```yaml',
    'skip-rule: [XAT10]        # or rule: [XAT1, XAT3] to run only these',
    'exclude: [vendor/legacy]  # relative to the folder of this file',
    '```',
    '',
    'A skipped rule is not run at all, so it records no reason and no finding: prefer an acknowledgment, which names the finding and',
    'the reason, when only some findings are accepted. Excluded files are counted in the summary. A run that checked no template',
    '(everything excluded, say) exits 2.',
    '',
    '### In a baseline',
    '',
    'To gate templates that already have findings, `cdk-cross-account-trust check --write-baseline cross-account-trust-baseline.json <paths>`',
    'records every finding of the run in a sorted JSON file to review and commit, and `--baseline cross-account-trust-baseline.json`',
    '(or `baseline:` in the config file, relative to its folder) reports and fails on new findings only. Entries name a finding by the',
    'template\'s path (relative to the baseline file), the resource\'s logical id, the rule and the finding id, not by line: inserted',
    'lines and reformatting keep them matching. Entries that no longer match (the finding was fixed, or its file, resource or finding',
    'id changed) are counted as stale in the report; writing the baseline again drops them. A baseline accepts findings without a',
    'reason each: acknowledge the ones you mean to keep, and fix the rest.',
    '',
  ];
}

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

/**
 * A template that acknowledges its one finding in its Metadata: the example of README.md and RULES.md, which
 * test/cli/template-acknowledgements.test.ts checks with the CLI (exit code 0, one acknowledged finding).
 */
export const TEMPLATE_ACKNOWLEDGEMENT_EXAMPLE: readonly string[] = [
  'Parameters:',
  '  ExternalId: { Type: String, NoEcho: true, MinLength: 32, MaxLength: 1224, AllowedPattern: \'[\\w+=,.@:/-]*\' }',
  'Resources:',
  '  VendorRole:',
  '    Type: AWS::IAM::Role',
  '    Metadata:',
  '      cross-account-trust:',
  '        acknowledge:',
  '          - id: XAT3[Statement0.Principal0]   # or XAT3 for every XAT3 finding of the resource; the CrossAccountTrust- prefix is optional',
  '            reason: Vendor documents account-root trust only; tracked in SEC-1423',
  '    Properties:',
  '      AssumeRolePolicyDocument:',
  '        Version: \'2012-10-17\'',
  '        Statement:',
  '          - Effect: Allow',
  '            Principal: { AWS: arn:aws:iam::111122223333:root }',
  '            Action: sts:AssumeRole',
  '            Condition: { StringEquals: { sts:ExternalId: !Ref ExternalId } }',
];

/** How a template acknowledges its findings in its own Metadata (the CLI reads it from any template). */
export function templateAcknowledgementLines(): string[] {
  return [
    'A template that does not come from a CDK app (a vendor\'s onboarding template, a StackSet, hand-written CloudFormation)',
    'acknowledges a finding in its own `Metadata`, which the CLI reads:',
    '',
    '```yaml',
    ...TEMPLATE_ACKNOWLEDGEMENT_EXAMPLE,
    '```',
    '',
    '- Under a resource\'s `Metadata`, an entry covers the findings of that resource; on a StackSet, those of the resources of its',
    '  `TemplateBody` too (as an acknowledgment on a StackSet construct does). Under the template\'s top-level `Metadata`, it covers',
    '  every resource of the file, StackSet bodies included.',
    '- The id is the rule id, for every finding of that rule (`XAT3`), or the rule id with the finding id in brackets, for one',
    '  (`XAT3[Statement0.Principal0]`), as the report prints them; `CrossAccountTrust-XAT3[...]` and',
    '  `CrossAccountTrust::CrossAccountTrust-XAT3[...]` are accepted too. Findings of a StackSet body\'s resources are printed with',
    '  their resource in front (`XAT3[VendorRole.Statement0.Principal0]` for `Deploy/VendorRole`).',
    '- A `TemplateBody` is a template too: its own top-level `Metadata` and its resources\' are read the same way (when it is a',
    '  literal string, as the rules need it), and there an id may also be written as it is when the body is checked alone',
    '  (`XAT3[Statement0.Principal0]`).',
    '- A missing or empty reason, an unknown rule id, an entry that is not `{ id, reason }`, an `acknowledge` that is not a list,',
    '  and an id that matches no finding of the resource (of the file, for the top-level `Metadata`) are input errors: the run',
    '  exits with 2 and names the file, the resource, the value received and what was expected. Such an entry acknowledges',
    '  nothing, so the findings it meant are reported too; the file\'s other entries still count. An entry for a rule the run',
    '  did not run is not judged.',
    '- Acknowledged findings do not fail the run. The text report counts them; the JSON report lists them under `acknowledged`',
    '  with `reason`, `acknowledgedIn` (`template` or `cdk`), `acknowledgedId`, `acknowledgedAt` (the path of the entry in the',
    '  template, or the construct path of the acknowledging scope) and `acknowledgedLine`; SARIF reports them as results with a',
    '  `suppressions` entry (`kind: inSource`, `status: accepted`, the reason as `justification`, the entry\'s location), which',
    '  GitHub code scanning shows as suppressed.',
    '- A CDK app can write the same Metadata (`CfnResource.addMetadata(\'cross-account-trust\', { acknowledge: [...] })`,',
    '  `Stack.addMetadata(...)` for the whole template): the rule pack at synth time and the CLI on the cloud assembly honour it',
    '  beside `Validations.of(scope).acknowledge()`. Where both apply to one finding, the CLI lists the template\'s entry. In the',
    '  pack, a mistake in an entry is a `CrossAccountTrust-InvalidAcknowledgement` error on the resource (on the stack, for',
    '  `Stack.addMetadata`).',
    '',
  ];
}

/** The full text of RULES.md. */
export function rulesMarkdown(): string {
  const lines = [
    '<!-- Generated by scripts/rules-md.ts from the rule metadata in src/rules. Do not edit by hand. -->',
    '# CrossAccountTrust rules',
    '',
    'The rules of the `CrossAccountTrust` cdk-nag pack (`CrossAccountTrustChecks`) and of the `cdk-cross-account-trust check` CLI.',
    'A *cross-account trust statement* is an Allow statement of an `AWS::IAM::Role` trust policy whose Action covers',
    '`sts:AssumeRole` and whose Principal includes an AWS principal that is not provably in the own account (the stack\'s',
    'account or `AWS::AccountId`) or in one of the configured internal accounts: a 12-digit account id or an ARN with one, `*`,',
    'or a value that cannot be resolved. XAT1 to XAT7 and XAT10 look only at such statements; XAT8 and XAT9 look at identity policies.',
    'A value the rules cannot resolve is never silently compliant: it is a finding that says what could not be resolved.',
    '',
    '| Rule | Level | What it reports |',
    '|---|---|---|',
    ...ALL_RULES.map((r) => `| [${r.id}](#${anchor(r)}) | ${r.level} | ${cell(r.title)} |`),
    '',
    'Each rule\'s section ends with a template the rule reports and the same template fixed, checked as the CLI checks a file',
    '(test/rules/examples.test.ts runs the rules on both). A finding you cannot fix is handled as described under',
    '[Handling findings](#handling-findings).',
    '',
    ...ALL_RULES.flatMap(ruleSection),
    ...handlingFindings(),
    ...resourceTypes(),
    '## What is read',
    '',
    ...TEMPLATE_SCOPE.map((line) => `- ${line}`),
    '',
    '## Intrinsic functions',
    '',
    'Values are resolved once, by the engine, with every possible alternative kept. A value that cannot be resolved (a function',
    'not listed here, `Fn::Transform`, a `Ref` to something the template does not define) is never taken as safe: the finding',
    'names what could not be resolved and how to acknowledge it after checking it by hand.',
    '',
    '| Function | How it is evaluated |',
    '|---|---|',
    ...INTRINSIC_FUNCTIONS.map((f) => `| \`${f.fn}\` | ${cell(f.evaluation)} |`),
    '',
    '## In the CDK policy validation report',
    '',
    'The pack (`Validations.of(app).addPlugins(new CrossAccountTrustChecks(app))`) reports each finding as a violation whose rule name',
    'is its acknowledgment id, `CrossAccountTrust-<rule>[<finding id>]`, with the finding\'s own message as the description. Findings',
    'of several resources with the same rule name and the same message are one violation listing those resources; resources whose',
    'messages differ (two roles trusting different principals) get one violation each, so every message is shown with its resource.',
    'A resource the pack cannot read is a `CrossAccountTrust-TemplateError` violation on that resource; a problem with a stack as a',
    'whole is one on the stack. Neither stops the other stacks from being checked. A stack without a `Resources` section (one with',
    'only assets or outputs) has nothing to check and is skipped, by the pack and by the CLI.',
    '',
  ];
  return lines.join('\n');
}

if (require.main === module) {
  fs.writeFileSync(path.join(__dirname, '..', 'RULES.md'), rulesMarkdown());
}
