// The prover subpath `cdk-cross-account-trust/prover`: proofs of trust and deputy policies on a real IAM policy
// evaluator (@cloud-copilot/iam-simulate, an optional peer under AGPL-3.0). TypeScript only (not part of the jsii
// assembly); nothing outside this subpath and `check --prove` loads it.
export * from './types';
