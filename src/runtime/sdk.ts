/**
 * The AWS SDK v3 clients the run-time registry sends its commands with. They are optional peer dependencies of
 * `cdk-cross-account-trust/runtime` (see `optionalPeers` in .projenrc.ts), so the run-time modules use them in two
 * ways only: `import type` (compiles to nothing) for the client and command types, and these loaders for the values
 * (command classes), called when a registry is created (`loadS3` only when it writes templates) or a verification
 * starts (`loadSts`, `loadIam`), never on import.
 * Without the package, a loader throws `MissingPeerDependencyError` naming what to install and why.
 */
import type * as DynamoDb from '@aws-sdk/client-dynamodb';
import type * as Iam from '@aws-sdk/client-iam';
import type * as S3 from '@aws-sdk/client-s3';
import type * as Sts from '@aws-sdk/client-sts';
import { requireOptionalPeer } from '../private/optional-peer';

const SUBPATH = 'cdk-cross-account-trust/runtime';

/** The DynamoDB client package: `AccountRegistry` reads and writes the registry table with its commands. */
export function loadDynamoDb(): typeof DynamoDb {
  return requireOptionalPeer('@aws-sdk/client-dynamodb', SUBPATH, 'AccountRegistry reads and writes the registry table with it',
    // eslint-disable-next-line @typescript-eslint/no-require-imports, import/no-extraneous-dependencies -- an optional peer, loaded on use
    () => require('@aws-sdk/client-dynamodb'));
}

/** The S3 client package: `AccountRegistry` writes the onboarding templates with it when `templates` is set. */
export function loadS3(): typeof S3 {
  return requireOptionalPeer('@aws-sdk/client-s3', SUBPATH, 'AccountRegistry writes the onboarding templates to S3 with it when templates are set',
    // eslint-disable-next-line @typescript-eslint/no-require-imports, import/no-extraneous-dependencies -- an optional peer, loaded on use
    () => require('@aws-sdk/client-s3'));
}

/** The STS client package: the verifier assumes each customer role with its `AssumeRoleCommand`. */
export function loadSts(): typeof Sts {
  return requireOptionalPeer('@aws-sdk/client-sts', SUBPATH, 'verifyAccount and verifyAll assume the customer roles with it',
    // eslint-disable-next-line @typescript-eslint/no-require-imports, import/no-extraneous-dependencies -- an optional peer, loaded on use
    () => require('@aws-sdk/client-sts'));
}

/** The IAM client package: the verifier reads each customer role's live trust policy with its `GetRoleCommand`. */
export function loadIam(): typeof Iam {
  return requireOptionalPeer('@aws-sdk/client-iam', SUBPATH, 'verifyAccount and verifyAll read the customer role\'s live trust policy with it',
    // eslint-disable-next-line @typescript-eslint/no-require-imports, import/no-extraneous-dependencies -- an optional peer, loaded on use
    () => require('@aws-sdk/client-iam'));
}
