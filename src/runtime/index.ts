// The run-time subpath `cdk-cross-account-trust/runtime`: the vendor's back end for the CustomerAccountRegistry table.
// TypeScript only (not part of the jsii assembly), and it never loads aws-cdk-lib, constructs or cdk-nag: only the
// AWS SDK v3 clients its caller injects, and the pure cores in src/private.
export * from './account-registry';
export * from './errors';
export * from './verifier';
export { MissingPeerDependencyError } from '../private/optional-peer';
