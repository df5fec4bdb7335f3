import { checkJson, fixtureText, lineOfText } from './helpers';

describe('the CLI on a template that echoes its NoEcho ExternalId in Outputs', () => {
  test('exit 1 with XAT4 on the role, at the line of the output', () => {
    const { code, report } = checkJson(['echoed-external-id.yaml']);
    expect(code).toBe(1);
    expect(report.findings.map((f: any) => [f.rule, f.resource, f.findingId, f.line])).toEqual([
      ['XAT4', 'CustomerRole', 'Output-OnboardingLink', lineOfText(fixtureText('echoed-external-id.yaml'), 'Value: !Sub https://vendor.example')],
    ]);
  });
});
