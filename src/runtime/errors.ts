// The run-time subpath's errors (the registry's and the verifier's): one class per outcome a caller handles differently, each with a stable `name`
// (minifiers rename classes, so `name` is set explicitly rather than taken from the constructor). No message ever
// holds an ExternalId: a caller may log errors, and an ExternalId belongs in the table and the customer's role only.

/** Base class of every error the run-time registry throws on purpose (bad input, a refused registration). */
export class AccountRegistryError extends Error {
  /** A stable identifier of the error class, for callers that cannot use `instanceof` (other realms, logs). */
  public override readonly name: string = 'AccountRegistryError';
}

/** The options given to `new AccountRegistry(...)` are unusable; the message names the option and what is expected. */
export class InvalidRegistryOptionsError extends AccountRegistryError {
  public override readonly name = 'InvalidRegistryOptionsError';
}

/** The account id is not a string of exactly 12 digits. */
export class InvalidAccountIdError extends AccountRegistryError {
  public override readonly name = 'InvalidAccountIdError';
}

/** The tenant id cannot be an STS source identity (2 to 64 of letters, digits and `_+=,.@-`). */
export class InvalidTenantIdError extends AccountRegistryError {
  public override readonly name = 'InvalidTenantIdError';
}

/** The account can never be registered: it is the vendor's own account or one of the registry's forbidden accounts. */
export class ForbiddenAccountError extends AccountRegistryError {
  public override readonly name = 'ForbiddenAccountError';
}

/**
 * The account is registered to another tenant. The message is the same whoever holds it, so that it tells the caller
 * nothing about the holder.
 */
export class AccountAlreadyRegisteredError extends AccountRegistryError {
  public override readonly name = 'AccountAlreadyRegisteredError';
}

/**
 * A supplied ExternalId fails `ExternalId.validate` (default minimum length 32, minimum estimated entropy 112 bits),
 * or is no string. `problems` says why, without quoting the value.
 */
export class WeakExternalIdError extends AccountRegistryError {
  public override readonly name = 'WeakExternalIdError';

  public constructor(message: string, public readonly problems: readonly string[]) {
    super(message);
  }
}

/** A supplied ExternalId was issued before, to this or another account, and is never issued again. */
export class ExternalIdReusedError extends AccountRegistryError {
  public override readonly name = 'ExternalIdReusedError';
}

/**
 * The account is registered to the calling tenant with another ExternalId than the one supplied: the registration is
 * left as it is (deregister it first to register the account with a new ExternalId).
 */
export class ExternalIdMismatchError extends AccountRegistryError {
  public override readonly name = 'ExternalIdMismatchError';
}

/**
 * The account is not registered to the calling tenant: unknown, registered to another tenant (`deregister`, with the
 * same message as unknown), or, for `recordVerification` with a `registrationId`, registered anew since.
 */
export class NotRegisteredError extends AccountRegistryError {
  public override readonly name = 'NotRegisteredError';
}

/** The outcome, reason or role ARN given to `recordVerification` is unusable. */
export class InvalidVerificationError extends AccountRegistryError {
  public override readonly name = 'InvalidVerificationError';
}

/**
 * An item in the table does not have the registry's layout (an attribute missing or of the wrong type): the table was
 * written by something else. The message names the item's key and the attribute, never an ExternalId.
 */
export class InvalidRegistryItemError extends AccountRegistryError {
  public override readonly name = 'InvalidRegistryItemError';
}

/**
 * The account's registration changed under a `register` call again and again (registered and deregistered by others
 * in between each of its reads and writes); calling `register` again is safe.
 */
export class ConcurrentRegistrationError extends AccountRegistryError {
  public override readonly name = 'ConcurrentRegistrationError';
}

/**
 * The options given to `verifyAccount` or `verifyAll` are unusable; the message names the function, the option, the
 * value received and what is expected (never an ExternalId: no option holds one).
 */
export class InvalidVerifierOptionsError extends Error {
  public override readonly name = 'InvalidVerifierOptionsError';
}
