import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { VENDOR_ROLE, checkOne, goodExternalIdParameter, ofRule } from './fixtures';

function role(hours: number, principal: iam.IPrincipal = new iam.ArnPrincipal(VENDOR_ROLE)) {
  return (s: any) => new iam.Role(s, 'Role', {
    assumedBy: principal,
    externalIds: [goodExternalIdParameter(s).valueAsString],
    maxSessionDuration: Duration.hours(hours),
  });
}

describe('XAT10: long sessions on cross-account roles', () => {
  test('3600 seconds is compliant', () => {
    expect(checkOne(role(1)).findings).toEqual([]);
  });

  test('43200 seconds is a warning', () => {
    const f = ofRule(checkOne(role(12)), 'XAT10');
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ level: 'warning', findingId: 'MaxSessionDuration' });
    expect(f[0].message).toContain('43200 seconds, above the maximum of 3600');
  });

  test('maxSessionDurationSeconds raises the maximum', () => {
    expect(ofRule(checkOne(role(12), { maxSessionDurationSeconds: 43200 }), 'XAT10')).toEqual([]);
  });

  test('roles trusted only by internal accounts are exempt', () => {
    const internal = role(12, new iam.ArnPrincipal('arn:aws:iam::999988887777:role/Ops'));
    expect(ofRule(checkOne(internal), 'XAT10')).toHaveLength(1);
    expect(checkOne(internal, { internalAccounts: ['999988887777'] }).findings).toEqual([]);
  });

  test('a long session on a role without cross-account trust is not this rule\'s business', () => {
    expect(checkOne((s) => new iam.Role(s, 'Role', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'), maxSessionDuration: Duration.hours(12) })).findings).toEqual([]);
  });
});
