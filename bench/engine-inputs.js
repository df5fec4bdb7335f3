'use strict';
/**
 * Deterministic inputs for the engine benchmark: templates of one to five roles of the shapes vendor onboarding
 * templates and CDK apps hold (a role ARN trusted with a NoEcho ExternalId parameter, an account root with a
 * literal ExternalId, Fn::If between two vendor principals, a StackSet with a TemplateBody, an identity policy
 * granting sts:AssumeRole with the own-account Deny, a SAM function), a few literal ExternalIds shared across
 * templates (XAT7) and exports imported by the next template (Fn::ImportValue).
 */

/** A small deterministic generator (mulberry32). */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function randomText(next, length) {
  let s = '';
  for (let i = 0; i < length; i++) s += ALPHABET[Math.floor(next() * ALPHABET.length)];
  return s;
}

function account(next) {
  return String(100000000000 + Math.floor(next() * 899999999999));
}

const EXTERNAL_ID_PARAMETER = {
  Type: 'String',
  NoEcho: true,
  MinLength: 32,
  MaxLength: 1224,
  AllowedPattern: '[\\w+=,.@:/-]*',
  Description: 'The ExternalId the vendor generated for this account',
};

function trust(principal, externalId, sid) {
  return {
    Version: '2012-10-17',
    Statement: [{
      Sid: sid,
      Effect: 'Allow',
      Principal: { AWS: principal },
      Action: 'sts:AssumeRole',
      Condition: { StringEquals: { 'sts:ExternalId': externalId } },
    }],
  };
}

function role(assumeRolePolicyDocument, extra = {}) {
  return {
    Type: 'AWS::IAM::Role',
    Properties: {
      AssumeRolePolicyDocument: assumeRolePolicyDocument,
      ManagedPolicyArns: ['arn:aws:iam::aws:policy/ReadOnlyAccess'],
      Description: 'Read-only access for the vendor',
      ...extra,
    },
  };
}

/** Adds the resources of one role of shape `shape` to `t` (a template under construction). */
function addRole(t, shape, i, next, shared) {
  const vendor = account(next);
  const id = `Role${i}`;
  switch (shape) {
    case 0: // a role ARN trusted with the ExternalId of a NoEcho parameter
      t.Parameters[`ExternalId${i}`] = EXTERNAL_ID_PARAMETER;
      t.Resources[id] = role(trust(`arn:aws:iam::${vendor}:role/vendor-deputy`, { Ref: `ExternalId${i}` }, 'VendorTrust'));
      break;
    case 1: // an account root with a literal ExternalId, now and then one shared with other templates
      t.Resources[id] = role(trust(`arn:aws:iam::${vendor}:root`, shared ?? randomText(next, 40), 'AccountTrust'),
        { MaxSessionDuration: 7200 });
      break;
    case 2: // Fn::If between two vendor principals
      t.Parameters[`ExternalId${i}`] = EXTERNAL_ID_PARAMETER;
      t.Parameters.Region = { Type: 'String', Default: 'eu', AllowedValues: ['eu', 'us'] };
      t.Conditions.InEurope = { 'Fn::Equals': [{ Ref: 'Region' }, 'eu'] };
      t.Resources[id] = role(trust({
        'Fn::If': ['InEurope', `arn:aws:iam::${vendor}:role/deputy-eu`, { 'Fn::Sub': `arn:\${AWS::Partition}:iam::${account(next)}:role/deputy-us` }],
      }, { Ref: `ExternalId${i}` }, 'RegionalTrust'));
      break;
    case 3: { // a StackSet whose TemplateBody holds the role, its ExternalId passed as a parameter
      t.Parameters[`ExternalId${i}`] = EXTERNAL_ID_PARAMETER;
      const body = {
        Parameters: { ExternalId: EXTERNAL_ID_PARAMETER },
        Resources: { CustomerRole: role(trust(`arn:aws:iam::${vendor}:role/vendor-deputy`, { Ref: 'ExternalId' }, 'VendorTrust')) },
      };
      t.Resources[id] = {
        Type: 'AWS::CloudFormation::StackSet',
        Properties: {
          StackSetName: `customer-role-${i}`,
          PermissionModel: 'SERVICE_MANAGED',
          TemplateBody: JSON.stringify(body),
          Parameters: [{ ParameterKey: 'ExternalId', ParameterValue: { Ref: `ExternalId${i}` } }],
          StackInstancesGroup: [{ DeploymentTargets: { OrganizationalUnitIds: ['ou-abcd-12345678'] }, Regions: ['eu-west-1'] }],
        },
      };
      break;
    }
    case 4: // a vendor deputy: an identity policy granting sts:AssumeRole in any account, with the own-account Deny
      t.Resources[id] = {
        Type: 'AWS::IAM::Role',
        Properties: {
          AssumeRolePolicyDocument: { Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
        },
      };
      t.Resources[`${id}Policy`] = {
        Type: 'AWS::IAM::Policy',
        Properties: {
          PolicyName: 'AssumeCustomerRoles',
          Roles: [{ Ref: id }],
          PolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              { Sid: 'AssumeCustomerRole', Effect: 'Allow', Action: 'sts:AssumeRole', Resource: 'arn:aws:iam::*:role/customer-role' },
              {
                Sid: 'NotOwnAccount',
                Effect: 'Deny',
                Action: 'sts:AssumeRole',
                Resource: '*',
                Condition: { StringEquals: { 'aws:ResourceAccount': '${aws:PrincipalAccount}' } },
              },
              { Effect: 'Allow', Action: ['s3:GetObject'], Resource: 'arn:aws:s3:::vendor-bucket/*' },
            ],
          },
        },
      };
      break;
    default: // a SAM function whose generated role may assume one role of another account
      t.Transform = 'AWS::Serverless-2016-10-31';
      t.Resources[id] = {
        Type: 'AWS::Serverless::Function',
        Properties: {
          Runtime: 'nodejs20.x',
          Handler: 'index.handler',
          InlineCode: 'exports.handler = async () => null;',
          Policies: [
            'AWSLambdaBasicExecutionRole',
            { S3ReadPolicy: { BucketName: 'vendor-reports' } },
            { Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: `arn:aws:iam::${vendor}:role/report-reader` }] },
          ],
        },
      };
  }
}

/**
 * Templates holding `roles` roles in all, one to five each (cycling), numbered from 0, one at a time. Every 50th literal
 * ExternalId is one of a few shared values; every 20th template exports a role ARN that the next one imports.
 */
function* generate(roles, seed = 20261201) {
  const next = prng(seed);
  const sharedValues = Array.from({ length: 5 }, () => randomText(next, 40));
  let made = 0;
  for (let n = 0; made < roles; n++) {
    const count = Math.min(1 + (n % 5), roles - made);
    const t = { AWSTemplateFormatVersion: '2010-09-09', Parameters: {}, Conditions: {}, Resources: {}, Outputs: {} };
    for (let i = 0; i < count; i++) {
      const shape = (made + i) % 6;
      const shared = shape === 1 && (made + i) % 50 === 1 ? sharedValues[(made + i) % sharedValues.length] : undefined;
      addRole(t, shape, i, next, shared);
    }
    if (n % 20 === 0) {
      t.Resources.Reader = role(trust(`arn:aws:iam::${account(next)}:role/reader`, { Ref: 'ReaderExternalId' }, 'ReaderTrust'));
      t.Parameters.ReaderExternalId = EXTERNAL_ID_PARAMETER;
      t.Outputs.ReaderArn = { Value: { 'Fn::GetAtt': ['Reader', 'Arn'] }, Export: { Name: `reader-arn-${n}` } };
    } else if (n % 20 === 1) {
      t.Resources.ReaderAccess = {
        Type: 'AWS::IAM::ManagedPolicy',
        Properties: {
          PolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: { 'Fn::ImportValue': `reader-arn-${n - 1}` } }] },
        },
      };
    }
    made += count;
    yield { source: `templates/t${String(n).padStart(5, '0')}.json`, template: t, account: '999988887777' };
  }
}

/** All of `generate` at once. */
function templates(roles, seed) {
  return [...generate(roles, seed)];
}

module.exports = { generate, templates };
