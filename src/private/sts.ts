// The STS limits for an ExternalId, shared by the constructs, the rule engine and the pack. Kept free
// of aws-cdk-lib so that the engine (and the CLI over it) load without the CDK.

/** Shortest ExternalId STS accepts. */
export const STS_MIN_LENGTH = 2;

/** Longest ExternalId STS accepts. */
export const STS_MAX_LENGTH = 1224;

/** One character STS accepts in an ExternalId: letters, digits and `_+=,.@:/-`. */
export const STS_CHARACTER = '[\\w+=,.@:\\/-]';

/** CloudFormation `AllowedPattern` (matched against the whole value) for an ExternalId. */
export const EXTERNAL_ID_ALLOWED_PATTERN = `^${STS_CHARACTER}+$`;
