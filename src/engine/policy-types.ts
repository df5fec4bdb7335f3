/**
 * Which resource types carry a trust or identity policy, and where. Derived from the CloudFormation and SAM
 * resource specifications: every property whose name says "policy" and that holds a JSON document (or a string
 * named like a policy document) is either read here or listed in OTHER_POLICY_PROPERTIES with the reason it grants
 * no identity permissions. test/engine/policy-types.test.ts walks the specification shipped with aws-cdk-lib and
 * fails when it holds such a property that is in neither list.
 */

/** How a property holds its identity policies. */
export type IdentityShape =
  /** One policy document. */
  | 'document'
  /** A list of `{PolicyName, PolicyDocument}` (the inline policies of an IAM role, user or group). */
  | 'inline-list'
  /**
   * SAM `Policies`: one entry or a list of entries, each a managed policy name or ARN, a policy document (an object
   * with `Statement`) or a SAM policy template (an object with one key, the template's name).
   */
  | 'sam-policies';

export interface IdentityProperty {
  readonly property: string;
  readonly shape: IdentityShape;
}

/** Where a resource type holds the policies the rules read. */
export interface PolicyBearingType {
  /** The property holding the trust policy of the role the resource is or creates. */
  readonly trust?: string;
  readonly identity: readonly IdentityProperty[];
  /**
   * The role the trust and identity policies belong to is created by the SAM transform, and only when the resource
   * has no `Role` property: with one, SAM creates no role and ignores these properties.
   */
  readonly samGeneratedRole?: boolean;
  /** Properties naming IAM roles of the template (by `Ref`) the identity policies are attached to. */
  readonly attachedToRoles?: readonly string[];
  /** What holds the policies, for RULES.md. */
  readonly holder: string;
}

export const POLICY_BEARING_TYPES: Readonly<Record<string, PolicyBearingType>> = {
  'AWS::IAM::Role': {
    trust: 'AssumeRolePolicyDocument',
    identity: [{ property: 'Policies', shape: 'inline-list' }],
    holder: 'the role',
  },
  'AWS::IAM::User': { identity: [{ property: 'Policies', shape: 'inline-list' }], holder: 'the user' },
  'AWS::IAM::Group': { identity: [{ property: 'Policies', shape: 'inline-list' }], holder: 'the members of the group' },
  'AWS::IAM::Policy': {
    identity: [{ property: 'PolicyDocument', shape: 'document' }],
    attachedToRoles: ['Roles'],
    holder: 'the roles, users and groups it names',
  },
  'AWS::IAM::ManagedPolicy': {
    identity: [{ property: 'PolicyDocument', shape: 'document' }],
    attachedToRoles: ['Roles'],
    holder: 'the roles, users and groups it names or that attach it',
  },
  'AWS::IAM::RolePolicy': {
    identity: [{ property: 'PolicyDocument', shape: 'document' }],
    attachedToRoles: ['RoleName'],
    holder: 'the role named by RoleName',
  },
  'AWS::IAM::UserPolicy': { identity: [{ property: 'PolicyDocument', shape: 'document' }], holder: 'the user named by UserName' },
  'AWS::IAM::GroupPolicy': { identity: [{ property: 'PolicyDocument', shape: 'document' }], holder: 'the members of the group named by GroupName' },
  'AWS::SSO::PermissionSet': {
    identity: [{ property: 'InlinePolicy', shape: 'document' }],
    holder: 'the role IAM Identity Center creates for the permission set in every account it is assigned to',
  },
  'AWS::Serverless::Function': {
    trust: 'AssumeRolePolicyDocument',
    identity: [{ property: 'Policies', shape: 'sam-policies' }],
    samGeneratedRole: true,
    holder: 'the execution role SAM creates for the function',
  },
  'AWS::Serverless::StateMachine': {
    identity: [{ property: 'Policies', shape: 'sam-policies' }],
    samGeneratedRole: true,
    holder: 'the execution role SAM creates for the state machine',
  },
};

/** Why a property named like a policy is not read. */
export const OTHER_POLICY_REASONS = {
  'resource-based': 'a resource-based policy: it says who may use this resource, and sts:AssumeRole into a role is granted only by the role\'s trust policy',
  'narrowing': 'a session, endpoint or scope-down policy: it can only narrow permissions that identity policies grant',
  'not-iam': 'not an IAM policy: a policy in the service\'s own language, a setting named "policy", or the name of one',
} as const;

export type OtherPolicyReason = keyof typeof OTHER_POLICY_REASONS;

/** `Type.Property` of the specification's other policy-like properties, by why they grant no identity permissions. */
export const OTHER_POLICY_PROPERTIES: Readonly<Record<OtherPolicyReason, readonly string[]>> = {
  'resource-based': [
    'AWS::ApiGateway::DomainNameV2.Policy', 'AWS::ApiGateway::RestApi.Policy', 'AWS::APS::ResourcePolicy.PolicyDocument',
    'AWS::Backup::BackupVault.AccessPolicy', 'AWS::Backup::LogicallyAirGappedBackupVault.AccessPolicy', 'AWS::Bedrock::ResourcePolicy.PolicyDocument',
    'AWS::CloudTrail::ResourcePolicy.ResourcePolicy', 'AWS::CodeArtifact::Domain.PermissionsPolicyDocument',
    'AWS::CodeArtifact::Repository.PermissionsPolicyDocument', 'AWS::DSQL::Cluster.PolicyDocument', 'AWS::DynamoDB::Table.ResourcePolicy',
    'AWS::ECR::PublicRepository.RepositoryPolicyText', 'AWS::ECR::RegistryPolicy.PolicyText', 'AWS::ECR::Repository.RepositoryPolicyText',
    'AWS::ECR::RepositoryCreationTemplate.RepositoryPolicy', 'AWS::EFS::FileSystem.FileSystemPolicy', 'AWS::Elasticsearch::Domain.AccessPolicies',
    'AWS::Events::EventBus.Policy', 'AWS::EventSchemas::RegistryPolicy.Policy', 'AWS::Kinesis::ResourcePolicy.ResourcePolicy',
    'AWS::KMS::Key.KeyPolicy', 'AWS::KMS::ReplicaKey.KeyPolicy', 'AWS::Lex::ResourcePolicy.Policy', 'AWS::Logs::DeliveryDestination.DeliveryDestinationPolicy',
    'AWS::Logs::Destination.DestinationPolicy', 'AWS::Logs::LogGroup.ResourcePolicyDocument', 'AWS::Logs::ResourcePolicy.PolicyDocument',
    'AWS::MediaPackageV2::ChannelPolicy.Policy', 'AWS::MediaPackageV2::OriginEndpointPolicy.Policy', 'AWS::MediaStore::Container.Policy',
    'AWS::MediaTailor::ChannelPolicy.Policy', 'AWS::MSK::ClusterPolicy.Policy', 'AWS::Oam::Sink.Policy', 'AWS::Omics::SequenceStore.S3AccessPolicy',
    'AWS::OpenSearchService::Domain.AccessPolicies', 'AWS::OSIS::Pipeline.ResourcePolicy', 'AWS::RAM::Permission.PolicyTemplate',
    'AWS::Redshift::Cluster.NamespaceResourcePolicy', 'AWS::RedshiftServerless::Namespace.NamespaceResourcePolicy', 'AWS::S3::AccessPoint.Policy',
    'AWS::S3::BucketPolicy.PolicyDocument', 'AWS::S3::MultiRegionAccessPointPolicy.Policy', 'AWS::S3Express::AccessPoint.Policy',
    'AWS::S3Express::BucketPolicy.PolicyDocument', 'AWS::S3Files::FileSystemPolicy.Policy', 'AWS::S3ObjectLambda::AccessPointPolicy.PolicyDocument',
    'AWS::S3Outposts::AccessPoint.Policy', 'AWS::S3Outposts::BucketPolicy.PolicyDocument', 'AWS::S3Tables::TableBucketPolicy.ResourcePolicy',
    'AWS::S3Tables::TablePolicy.ResourcePolicy', 'AWS::S3Vectors::VectorBucketPolicy.Policy', 'AWS::SageMaker::ModelPackageGroup.ModelPackageGroupPolicy',
    'AWS::SecretsManager::ResourcePolicy.ResourcePolicy', 'AWS::SMSVOICE::ResourcePolicy.PolicyDocument', 'AWS::SNS::TopicInlinePolicy.PolicyDocument',
    'AWS::SNS::TopicPolicy.PolicyDocument', 'AWS::SQS::QueueInlinePolicy.PolicyDocument', 'AWS::SQS::QueuePolicy.PolicyDocument',
    'AWS::SSM::ResourcePolicy.Policy', 'AWS::VpcLattice::AuthPolicy.Policy', 'AWS::VpcLattice::ResourcePolicy.Policy',
    'AWS::XRay::ResourcePolicy.PolicyDocument',
  ],
  'narrowing': [
    'AWS::EC2::VPCEndpoint.PolicyDocument', 'AWS::EKS::PodIdentityAssociation.Policy', 'AWS::ODB::OdbNetwork.KmsPolicyDocument',
    'AWS::ODB::OdbNetwork.S3PolicyDocument', 'AWS::ODB::OdbNetwork.StsPolicyDocument', 'AWS::RolesAnywhere::Profile.SessionPolicy',
    'AWS::Transfer::User.Policy',
  ],
  'not-iam': [
    'AWS::AIOps::InvestigationGroup.InvestigationGroupPolicy', 'AWS::ApiGateway::DomainName.SecurityPolicy', 'AWS::ApiGateway::DomainNameV2.SecurityPolicy',
    'AWS::ApiGateway::RestApi.SecurityPolicy', 'AWS::Bedrock::DataSource.DataDeletionPolicy', 'AWS::Comprehend::DocumentClassifier.ModelPolicy',
    'AWS::DLM::LifecyclePolicy.DefaultPolicy', 'AWS::DLM::LifecyclePolicy.PolicyDetails', 'AWS::EC2::EC2Fleet.ExcessCapacityTerminationPolicy',
    'AWS::EC2::VerifiedAccessEndpoint.PolicyDocument', 'AWS::EC2::VerifiedAccessGroup.PolicyDocument', 'AWS::ECR::RepositoryCreationTemplate.LifecyclePolicy',
    'AWS::EKS::Capability.DeletePropagationPolicy', 'AWS::ElasticLoadBalancing::LoadBalancer.Policies', 'AWS::ElasticLoadBalancingV2::Listener.SslPolicy',
    'AWS::GameLift::ContainerFleet.NewGameSessionProtectionPolicy', 'AWS::GameLift::Fleet.NewGameSessionProtectionPolicy',
    'AWS::GameLift::GameServerGroup.GameServerProtectionPolicy', 'AWS::IoT::Policy.PolicyDocument', 'AWS::Kendra::Index.UserContextPolicy',
    'AWS::Logs::AccountPolicy.PolicyDocument', 'AWS::Logs::LogGroup.DataProtectionPolicy', 'AWS::Logs::LogGroup.FieldIndexPolicies',
    'AWS::MediaStore::Container.LifecyclePolicy', 'AWS::NetworkManager::CoreNetwork.PolicyDocument', 'AWS::OpenSearchServerless::AccessPolicy.Policy',
    'AWS::OpenSearchServerless::LifecyclePolicy.Policy', 'AWS::OpenSearchServerless::SecurityPolicy.Policy', 'AWS::Serverless::LayerVersion.RetentionPolicy',
    'AWS::SES::MailManagerIngressPoint.TlsPolicy', 'AWS::SNS::Subscription.DeliveryPolicy', 'AWS::SNS::Subscription.FilterPolicy',
    'AWS::SNS::Subscription.RedrivePolicy', 'AWS::SNS::Subscription.ReplayPolicy', 'AWS::SNS::Topic.ArchivePolicy', 'AWS::SNS::Topic.DataProtectionPolicy',
    'AWS::SQS::Queue.RedriveAllowPolicy', 'AWS::SQS::Queue.RedrivePolicy', 'AWS::SSM::Parameter.Policies', 'AWS::Transfer::WebApp.WebAppEndpointPolicy',
    'AWS::WorkSpacesWeb::BrowserSettings.BrowserPolicy',
  ],
};

/**
 * The SAM policy templates (`Policies: [{S3ReadPolicy: {BucketName: x}}]`), as listed in SAM's
 * samtranslator/policy_templates_data/policy_templates.json (aws/serverless-application-model at 7000d0a3b).
 * None of them allows an `sts:` action, so none can grant sts:AssumeRole; a template not listed here is reported
 * as unchecked rather than assumed to be as harmless.
 */
export const SAM_POLICY_TEMPLATES: readonly string[] = [
  'AMIDescribePolicy', 'AWSSecretsManagerGetSecretValuePolicy', 'AWSSecretsManagerRotationPolicy', 'AcmGetCertificatePolicy', 'AthenaQueryPolicy',
  'CloudFormationDescribeStacksPolicy', 'CloudWatchDashboardPolicy', 'CloudWatchDescribeAlarmHistoryPolicy', 'CloudWatchPutMetricPolicy',
  'CodeCommitCrudPolicy', 'CodeCommitReadPolicy', 'CodePipelineLambdaExecutionPolicy', 'CodePipelineReadOnlyPolicy', 'ComprehendBasicAccessPolicy',
  'CostExplorerReadOnlyPolicy', 'DynamoDBBackupFullAccessPolicy', 'DynamoDBCrudPolicy', 'DynamoDBReadPolicy', 'DynamoDBReconfigurePolicy',
  'DynamoDBRestoreFromBackupPolicy', 'DynamoDBStreamReadPolicy', 'DynamoDBWritePolicy', 'EC2CopyImagePolicy', 'EC2DescribePolicy',
  'EFSWriteAccessPolicy', 'EKSDescribePolicy', 'EcsRunTaskPolicy', 'ElasticMapReduceAddJobFlowStepsPolicy', 'ElasticMapReduceCancelStepsPolicy',
  'ElasticMapReduceModifyInstanceFleetPolicy', 'ElasticMapReduceModifyInstanceGroupsPolicy', 'ElasticMapReduceSetTerminationProtectionPolicy',
  'ElasticMapReduceTerminateJobFlowsPolicy', 'ElasticsearchHttpPostPolicy', 'EventBridgePutEventsPolicy', 'FilterLogEventsPolicy',
  'FirehoseCrudPolicy', 'FirehoseWritePolicy', 'KMSDecryptPolicy', 'KMSEncryptPolicy', 'KMSEncryptPolicy_v2', 'KinesisCrudPolicy',
  'KinesisStreamReadPolicy', 'LambdaInvokePolicy', 'MobileAnalyticsWriteOnlyAccessPolicy', 'OrganizationsListAccountsPolicy',
  'PinpointEndpointAccessPolicy', 'PollyFullAccessPolicy', 'RekognitionDetectOnlyPolicy', 'RekognitionFacesManagementPolicy', 'RekognitionFacesPolicy',
  'RekognitionLabelsPolicy', 'RekognitionNoDataAccessPolicy', 'RekognitionReadPolicy', 'RekognitionWriteOnlyAccessPolicy',
  'Route53ChangeResourceRecordSetsPolicy', 'S3CrudPolicy', 'S3FullAccessPolicy', 'S3ReadPolicy', 'S3WritePolicy', 'SESBulkTemplatedCrudPolicy',
  'SESBulkTemplatedCrudPolicy_v2', 'SESCrudPolicy', 'SESEmailTemplateCrudPolicy', 'SESSendBouncePolicy', 'SNSCrudPolicy', 'SNSPublishMessagePolicy',
  'SQSPollerPolicy', 'SQSSendMessagePolicy', 'SSMParameterReadPolicy', 'SSMParameterWithSlashPrefixReadPolicy', 'SageMakerCreateEndpointConfigPolicy',
  'SageMakerCreateEndpointPolicy', 'ServerlessRepoReadWriteAccessPolicy', 'StepFunctionsCallbackPolicy', 'StepFunctionsExecutionPolicy',
  'StepFunctionsExecutionPolicy_v2', 'TextractDetectAnalyzePolicy', 'TextractGetResultPolicy', 'TextractPolicy', 'VPCAccessPolicy',
];
