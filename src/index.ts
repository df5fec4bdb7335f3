export * from './external-id';
export * from './external-id/external-id-parameter';
export * from './customer/vendor-access-role';
export * from './vendor/vendor-deputy-role';
export * from './vendor/customer-role-template';
export * from './nag/cross-account-trust-checks';
export * from './vendor/customer-account-registry';
export * from './vendor/trust-verifier';
