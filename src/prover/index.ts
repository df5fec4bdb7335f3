// The prover subpath `cdk-cross-account-trust/prover`: proofs of trust and deputy policies on a real IAM policy
// evaluator (@cloud-copilot/iam-simulate, an optional peer under AGPL-3.0). TypeScript only (not part of the jsii
// assembly); nothing outside this subpath and `check --prove` loads it, and this module itself loads the evaluator
// only when a TrustPolicyProver is constructed.
export * from './types';
export { TrustPolicyProver, InvalidProofInputError } from './trust-policy-prover';
export { MissingPeerDependencyError } from '../private/optional-peer';
