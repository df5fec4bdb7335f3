import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ts from 'typescript';
import { blockAfter } from './readme-blocks';
import * as library from '../src';

const HEADING = '### The customer account registry';

/** Runs the README's snippet as a user's app would, with the package name resolved to this checkout, and returns its `app`. */
function runSnippet(): App {
  const code = `${blockAfter(HEADING, 'ts')}\nexports.app = app;\n`;
  const js = ts.transpileModule(code, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
  const exported: { app?: App } = {};
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const load = (name: string) => (name === 'cdk-cross-account-trust' ? library : require(name));
  new Function('require', 'exports', js)(load, exported);
  return exported.app!;
}

describe('README: the customer account registry', () => {
  const app = runSnippet();
  const stack = app.node.children.find(Stack.isStack)!;
  const template = Template.fromStack(stack);

  test('the snippet creates the table and the template bucket with its per-account read policy', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', { BillingMode: 'PAY_PER_REQUEST', DeletionProtectionEnabled: true });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Resource: { 'Fn::Join': ['', [Match.anyValue(), '/onboarding/${aws:PrincipalAccount}/*']] } })]) },
    });
  });

  test('the back end gets exactly the actions the comments name', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^OnboardingBackEnd') }],
      PolicyDocument: {
        Statement: [
          Match.objectLike({ Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem'] }),
          Match.objectLike({ Action: 's3:PutObject', Resource: { 'Fn::Join': ['', [Match.anyValue(), '/onboarding/*']] } }),
        ],
      },
    });
  });

  test('the vendor\'s own account is forbidden first, then the listed one', () => {
    const registry = stack.node.findChild('Registry') as library.CustomerAccountRegistry;
    expect(registry.forbiddenAccounts).toEqual(['111122223333', '111122224444']);
    expect(registry.templatePrefix).toBe('onboarding');
  });

  test('the stack passes the pack', () => {
    expect(new library.CrossAccountTrustChecks(app).validateScope(app).violations).toEqual([]);
  });
});
