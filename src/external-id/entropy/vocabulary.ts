// Word lists written for this project: the vocabulary of ExternalIds, vendor onboarding formats,
// ARNs and URLs, which general word lists rank low or lack (`aws`, `iam`, `tenant`, `extid`, vendor
// names). Each list is in rough order of how often its words appear in such values, most often
// first, since a word costs log2 of its rank (see words.ts).

/** Words of ExternalIds, vendor formats, cloud and web addresses. */
export const ID_WORDS = `
aws id ext external externalid extid customer acme tenant account role api prod dev app cloud
integration vendor partner client org trust access key secret token sts iam arn https http www com io
user admin read readonly write audit security monitor monitoring billing cost data logs log metrics
service services platform agent sync scan scanner connector collector ingest export import backup stream
event events hook hooks webhook callback auth oauth session assume cross crossaccount default main primary
shared internal public private global local region zone east west north south central northeast northwest
southeast southwest gov stage staging stg test testing qa uat sandbox demo preview beta alpha live v
corp inc ltd llc gmbh co company team group project env environment cluster node host server instance
amazon amazonaws s3 ec2 ecs eks lambda rds sns sqs kms ssm sso cloudtrail cloudwatch cloudformation cfn
cdk stack stackset organizations organization ou vpc dynamodb glue athena kinesis firehose config
guardduty securityhub inspector macie route53 elb ecr codebuild codepipeline bucket queue topic table
policy principal permission permissions boundary identity federation saml oidc provider
net org dev ai co us uk de eu jp fr in ca au info biz me tv cc xyz tech app cloud site online
mail email noreply support help info contact hello sales ops devops sre infra platform engineering
datadog snyk cribl panther prowler sysdig crowdstrike wiz orca lacework sumo sumologic coralogix cloudzero
cloudcheckr spot netapp databricks snowflake newrelic splunk elastic dynatrace okta github gitlab
atlassian jira slack pagerduty twilio stripe segment fivetran confluent mongodb hashicorp terraform
vanta drata trendmicro conformity deepwatch rapid7 tenable qualys paloalto prisma fortinet checkpoint
cloudflare fastly akamai vercel netlify heroku grafana honeycomb lightstep chronosphere observe
customerid tenantid accountid roleid clientid vendorid partnerid orgid
ak sk pk rk
hnb659fds bootstrap assets deploy lookup exec
`;

/**
 * Placeholder text: what people type where a real value should go, and the names examples use for
 * a company. Vendors' documentation and templates are full of them.
 */
export const PLACEHOLDER_WORDS = `
changeme change me placeholder your here replace todo tbd xxx xxxx example sample dummy test foo bar baz
qux default none null nil undefined empty value novalue no unknown insert enter put fill fixme temp tmp
pipeline my mycompany yourcompany company name customername accountname contoso fabrikam initech globex
umbrella northwind wayne stark dunder mifflin hooli piedpiper abc xyz demo string text secret password
`;

/**
 * Top-level domains recognised at the end of a host name: the generic ones and country codes most
 * used by software vendors.
 */
export const TOP_LEVEL_DOMAINS = `
com net org io dev ai co app cloud us uk de eu jp fr in ca au info biz me tv cc xyz tech site online
nl se ch no dk fi es it pl br mx sg hk kr cn ru za nz ie at be il gov edu mil int local internal
`;

/**
 * AWS partitions (the second field of an ARN).
 */
export const AWS_PARTITIONS = ['aws', 'aws-cn', 'aws-us-gov', 'aws-iso', 'aws-iso-b', 'aws-iso-e', 'aws-iso-f'];

/** Splits one of the lists above into its words, in order, without repeats. */
export function words(list: string): string[] {
  return [...new Set(list.split(/\s+/).filter((w) => w.length > 0))];
}
