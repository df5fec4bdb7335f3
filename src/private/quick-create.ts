import { IsUnresolved, validateExternalId } from './external-id-core';

// The pure core of `CustomerRoleTemplate.quickCreateUrl` (documented there), free of aws-cdk-lib so that the
// run-time registry (src/runtime) builds the same links. The jsii class delegates here and passes
// `Token.isUnresolved`, so that an ExternalId given as a CDK token is named as such.

/** Logical id of the customer template's ExternalId parameter (`param_ExternalId` in quick-create links). */
export const EXTERNAL_ID_PARAMETER_NAME = 'ExternalId';

/** The fields of the jsii `QuickCreateUrlOptions`. */
export interface QuickCreateOptions {
  readonly templateUrl: string;
  readonly stackName: string;
  readonly region: string;
  readonly externalId?: string;
}

/** An AWS Region code such as `eu-west-1`. */
export const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/** A CloudFormation stack name: a letter, then up to 127 letters, digits and hyphens. */
export const STACK_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9-]{0,127}$/;

/** The CloudFormation console link that opens the quick-create page for a published template. */
export function quickCreateUrl(options: QuickCreateOptions, isUnresolved?: IsUnresolved): string {
  const where = 'CustomerRoleTemplate.quickCreateUrl';
  if (!REGION_PATTERN.test(options.region)) {
    throw new Error(`${where}: invalid region ${JSON.stringify(options.region)}: expected an AWS region code such as "eu-west-1"`);
  }
  if (!STACK_NAME_PATTERN.test(options.stackName)) {
    throw new Error(`${where}: invalid stackName ${JSON.stringify(options.stackName)}: expected a letter followed by up to 127 letters, digits and hyphens`);
  }
  let url: URL;
  try {
    url = new URL(options.templateUrl);
  } catch {
    throw new Error(`${where}: invalid templateUrl ${JSON.stringify(options.templateUrl)}: expected an https URL of the published template`);
  }
  if (url.protocol !== 'https:') {
    throw new Error(`${where}: invalid templateUrl ${JSON.stringify(options.templateUrl)}: expected an https URL of the published template`);
  }
  const query = new URLSearchParams({ templateURL: options.templateUrl, stackName: options.stackName });
  if (options.externalId !== undefined) {
    const result = validateExternalId(options.externalId, {}, isUnresolved);
    if (!result.valid) {
      throw new Error(`${where}: invalid externalId (value not shown): ${result.problems.join(' ')}`);
    }
    query.set(`param_${EXTERNAL_ID_PARAMETER_NAME}`, options.externalId);
  }
  const host = options.region.startsWith('cn-')
    ? `https://${options.region}.console.amazonaws.cn`
    : options.region.startsWith('us-gov-')
      ? 'https://console.amazonaws-us-gov.com'
      : `https://${options.region}.console.aws.amazon.com`;
  return `${host}/cloudformation/home?region=${options.region}#/stacks/quickcreate?${query.toString()}`;
}
