import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ts from 'typescript';
import { README, blockAfter } from './readme-blocks';
import * as library from '../src';

const HEADING = '### Verifying customer roles continuously';
const section = README.slice(README.indexOf(HEADING), README.indexOf('\n## ', README.indexOf(HEADING)));

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

describe('README: verifying customer roles continuously', () => {
  const app = runSnippet();
  const stack = app.node.children.find(Stack.isStack)!;
  const template = Template.fromStack(stack);

  test('the worker runs as the deputy with the concurrency the snippet sets, on the default daily schedule', () => {
    template.hasResourceProperties('AWS::Lambda::Function', { Role: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ScannerDeputyRole'), 'Arn'] } });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', { BatchSize: 10, ScalingConfig: { MaximumConcurrency: 20 } });
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(1 day)' });
  });

  test('the back end gets lambda:InvokeFunction on the worker, as the comment says', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^OnboardingBackEnd') }],
      PolicyDocument: { Statement: [Match.objectLike({ Action: 'lambda:InvokeFunction' })] },
    });
  });

  test('the metric names, namespace and dimension the section documents are the alarm\'s', () => {
    const namespace = /namespace `([^`]+)`/.exec(section)![1];
    const dimension = /dimension `([^`]+)`/.exec(section)![1];
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: namespace, MetricName: 'UNSAFE', Dimensions: [Match.objectLike({ Name: dimension })],
    });
    const verifier = stack.node.findChild('Verifier') as library.TrustVerifier;
    expect([verifier.metricActive(), verifier.metricUnsafe(), verifier.metricUnreachable(), verifier.metricFailed()].map((m) => m.metricName))
      .toEqual(['ACTIVE', 'UNSAFE', 'UNREACHABLE', 'FAILED'].filter((name) => section.includes(`\`${name}\``)));
  });

  test('the stack passes the pack', () => {
    expect(new library.CrossAccountTrustChecks(app).validateScope(app).violations).toEqual([]);
  });
});
