import { BootstraplessSynthesizer, CfnOutput, Duration, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { PATH_METADATA_ENABLE_CONTEXT } from 'aws-cdk-lib/cx-api';
import { Construct } from 'constructs';
import { VendorAccessRole, VendorTrust } from '../customer/vendor-access-role';
import { ExternalIdParameter } from '../external-id/external-id-parameter';
import { parseRoleArn, propError } from '../private/iam-names';
import { EXTERNAL_ID_PARAMETER_NAME, quickCreateUrl } from '../private/quick-create';

/**
 * An AWS managed policy name with its path, as `iam.ManagedPolicy.fromAwsManagedPolicyName` takes it: IAM name
 * characters in `/`-separated segments (IAM API reference, PolicyName and Path), no ARN.
 */
const AWS_MANAGED_POLICY_NAME = /^[\w+=,.@-]+(\/[\w+=,.@-]+)*$/;

/**
 * What the vendor decides about its customer template, beside the deputy it trusts.
 */
export interface CustomerRoleTemplateOptions {
  /**
   * AWS managed policies the customer role gets, by name (for example `SecurityAudit` or
   * `job-function/ViewOnlyAccess`). At least one of `managedPolicyNames` and `policyStatements`
   * must be given.
   *
   * @default - none
   */
  readonly managedPolicyNames?: string[];

  /**
   * Statements of an inline policy the customer role gets. At least one of `managedPolicyNames`
   * and `policyStatements` must be given.
   *
   * @default - none
   */
  readonly policyStatements?: iam.PolicyStatement[];

  /**
   * How the customer role's trust policy names the vendor role.
   *
   * @default VendorTrust.ROLE_PRINCIPAL
   */
  readonly trust?: VendorTrust;

  /**
   * Longest session the vendor can request in the customer account.
   *
   * @default Duration.hours(1)
   */
  readonly maxSessionDuration?: Duration;

  /**
   * Shortest ExternalId the template's parameter accepts.
   *
   * @default 32
   */
  readonly externalIdMinLength?: number;

  /**
   * Description of the template, shown to the customer in the CloudFormation console.
   *
   * @default - says that the stack creates the role the vendor assumes, protected by an ExternalId
   */
  readonly templateDescription?: string;

  /**
   * Lets the vendor's session read the customer role, and nothing else (`iam:GetRole` on the role's own ARN), so
   * that the vendor's verifier can check the live trust policy; see `VendorAccessRoleProps.allowVerification`.
   *
   * @default true
   */
  readonly allowVerification?: boolean;

  /**
   * Name of the stack in the vendor's CDK app (and the default name of the published template's stack).
   *
   * @default - the construct id
   */
  readonly stackName?: string;
}

/**
 * Properties of a `CustomerRoleTemplate`.
 */
export interface CustomerRoleTemplateProps extends CustomerRoleTemplateOptions {
  /**
   * ARN of the vendor's deputy role, as a literal (the template is deployed in customer accounts,
   * where references to the vendor's stacks cannot resolve).
   */
  readonly vendorRoleArn: string;

  /**
   * Name of the role the customer creates; the deputy may assume only roles with this name.
   */
  readonly customerRoleName: string;

  /**
   * IAM path of the role the customer creates.
   *
   * @default '/'
   */
  readonly customerRolePath?: string;
}

/**
 * Options of `CustomerRoleTemplate.quickCreateUrl`.
 */
export interface QuickCreateUrlOptions {
  /** HTTPS URL of the published template (an S3 object URL readable by the target account). */
  readonly templateUrl: string;

  /** Name of the stack the customer creates. */
  readonly stackName: string;

  /** Region in which the customer creates the stack, for example `eu-west-1`. */
  readonly region: string;

  /**
   * The ExternalId the vendor generated for this customer account, filled into the template's
   * parameter. It is validated with `ExternalId.validate`.
   *
   * @default - the customer pastes it into the form
   */
  readonly externalId?: string;
}

/**
 * The customer onboarding template a vendor publishes: a stack holding an `ExternalIdParameter`, a
 * `VendorAccessRole` that trusts the vendor's deputy role, the permissions the vendor needs, and an
 * output with the role ARN (never the ExternalId).
 *
 * It deploys with plain CloudFormation in an account that was never CDK-bootstrapped: it uses the
 * `BootstraplessSynthesizer` (no bootstrap version parameter or rule; adding an asset fails), and
 * writes no CDK metadata (no `AWS::CDK::Metadata` resource, no `aws:cdk:path` entries). Publish the
 * synthesized template (cdk.out/<stack>.template.json) so that only the target account can read it,
 * and hand the customer `quickCreateUrl(...)`.
 */
export class CustomerRoleTemplate extends Stack {
  /** Logical id of the template's ExternalId parameter (`param_ExternalId` in quick-create links). */
  public static readonly EXTERNAL_ID_PARAMETER_NAME = EXTERNAL_ID_PARAMETER_NAME;

  /** Logical id of the output that holds the role ARN. */
  public static readonly ROLE_ARN_OUTPUT_NAME = 'RoleArn';

  /**
   * Builds the CloudFormation console link that opens the quick-create page for the template.
   *
   * The customer still reviews the stack and acknowledges that it creates a named IAM role.
   * If the ExternalId is passed, it lands in the URL and so in the browser history; it is not a
   * secret, but leave it out if the customer should paste it instead.
   */
  public static quickCreateUrl(options: QuickCreateUrlOptions): string {
    return quickCreateUrl(options, Token.isUnresolved);
  }

  /** The role the vendor assumes in the customer account. */
  public readonly vendorAccessRole: VendorAccessRole;

  /** The ExternalId parameter of the template. */
  public readonly externalIdParameter: ExternalIdParameter;

  constructor(scope: Construct, id: string, props: CustomerRoleTemplateProps) {
    super(scope, id, {
      stackName: props.stackName,
      description: props.templateDescription
        ?? 'Creates the IAM role your vendor assumes in this account. The vendor must present the ExternalId it generated for this account.',
      synthesizer: new BootstraplessSynthesizer(),
      analyticsReporting: false,
    });
    // Customers deploy the file with plain CloudFormation: no CDK path metadata on resources.
    this.node.setContext(PATH_METADATA_ENABLE_CONTEXT, false);

    if (Token.isUnresolved(props.vendorRoleArn) || typeof parseRoleArn(props.vendorRoleArn) === 'string') {
      throw propError(this, 'vendorRoleArn', props.vendorRoleArn,
        'expected the literal ARN of the vendor\'s deputy role (arn:<partition>:iam::<account>:role/<name>): the template is deployed in customer accounts, where references to the vendor\'s stacks cannot resolve');
    }
    const managedPolicyNames = props.managedPolicyNames ?? [];
    managedPolicyNames.forEach((name, i) => {
      // An ARN here would be appended to arn:<partition>:iam::aws:policy/ and fail only when the customer deploys.
      if (!Token.isUnresolved(name) && (typeof name !== 'string' || !AWS_MANAGED_POLICY_NAME.test(name))) {
        throw propError(this, `managedPolicyNames[${i}]`, name,
          'expected the name of an AWS managed policy, the part of its ARN after arn:aws:iam::aws:policy/ (for example "SecurityAudit" or "job-function/ViewOnlyAccess"), not an ARN');
      }
    });
    const statements = props.policyStatements ?? [];
    if (managedPolicyNames.length === 0 && statements.length === 0) {
      throw propError(this, 'managedPolicyNames/policyStatements', [],
        'expected at least one AWS managed policy name or policy statement: the permissions the vendor needs in the customer account');
    }

    this.vendorAccessRole = new VendorAccessRole(this, 'VendorAccess', {
      vendorRoleArn: props.vendorRoleArn,
      roleName: props.customerRoleName,
      path: props.customerRolePath,
      trust: props.trust,
      maxSessionDuration: props.maxSessionDuration,
      externalIdMinLength: props.externalIdMinLength,
      allowVerification: props.allowVerification,
      managedPolicies: managedPolicyNames.map((name) => iam.ManagedPolicy.fromAwsManagedPolicyName(name)),
      inlinePolicies: statements.length > 0 ? { VendorPermissions: new iam.PolicyDocument({ statements }) } : undefined,
    });
    this.externalIdParameter = this.vendorAccessRole.externalIdParameter!;

    new CfnOutput(this, CustomerRoleTemplate.ROLE_ARN_OUTPUT_NAME, {
      value: this.vendorAccessRole.roleArn,
      description: 'ARN of the role to give to the vendor',
    });
  }
}
