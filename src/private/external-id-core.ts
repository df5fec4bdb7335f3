import { randomBytes } from 'crypto';
import { STS_CHARACTER, STS_MAX_LENGTH, STS_MIN_LENGTH } from './sts';
import { estimateEntropy } from '../external-id/entropy';

// The pure core of `ExternalId.generate` and `ExternalId.validate` (documented on the ExternalId class), free of
// aws-cdk-lib so that the run-time subpath (src/runtime) can use it. The jsii class delegates here and passes
// `Token.isUnresolved`, so that a CDK token is named as such; the run-time has no tokens.

/** Default minimum length of `validate`. */
export const DEFAULT_MIN_LENGTH = 32;

/** Default minimum estimated entropy, in bits, of `validate`. */
export const DEFAULT_MIN_ENTROPY_BITS = 112;

/** Options of `validateExternalId` (the fields of the jsii `ExternalIdValidationOptions`). */
export interface ExternalIdCheckOptions {
  readonly minLength?: number;
  readonly minEntropyBits?: number;
}

/** The outcome of `validateExternalId` (the fields of the jsii `ExternalIdValidationResult`). */
export interface ExternalIdCheckResult {
  readonly valid: boolean;
  readonly estimatedEntropyBits: number;
  readonly problems: string[];
}

/** Tells an unresolved CDK token from a literal; the run-time, which never sees tokens, leaves it out. */
export type IsUnresolved = (value: unknown) => boolean;

const NO_TOKENS: IsUnresolved = () => false;

/** 32 bytes (256 bits) from the platform CSPRNG, base64url encoded (43 characters, no padding). */
export function generateExternalId(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Checks a literal ExternalId against the STS rules, a minimum length and a minimum estimated entropy; problems with
 * the value are in the result (never quoting it), invalid options and a value that is no string throw.
 */
export function validateExternalId(value: string, options: ExternalIdCheckOptions = {},
  isUnresolved: IsUnresolved = NO_TOKENS): ExternalIdCheckResult {
  checkExternalIdValue('validate', value, isUnresolved);
  const minLength = options.minLength ?? DEFAULT_MIN_LENGTH;
  const minEntropyBits = options.minEntropyBits ?? DEFAULT_MIN_ENTROPY_BITS;
  const describeNumber = (n: unknown) => isUnresolved(n) ? '(an unresolved token)' : String(n);
  if (isUnresolved(minLength) || !Number.isInteger(minLength) || minLength < STS_MIN_LENGTH || minLength > STS_MAX_LENGTH) {
    throw new Error(`ExternalId.validate: invalid minLength ${describeNumber(minLength)}: expected an integer from ${STS_MIN_LENGTH} to ${STS_MAX_LENGTH} (the STS limits for an ExternalId)`);
  }
  if (isUnresolved(minEntropyBits) || typeof minEntropyBits !== 'number' || !Number.isFinite(minEntropyBits) || minEntropyBits < 0) {
    throw new Error(`ExternalId.validate: invalid minEntropyBits ${describeNumber(minEntropyBits)}: expected a finite number of bits, at least 0`);
  }

  const problems: string[] = [];
  const length = value.length;
  const characters = length === 1 ? 'character' : 'characters';
  if (length < STS_MIN_LENGTH || length > STS_MAX_LENGTH) {
    problems.push(`The ExternalId is ${length} ${characters} long; STS accepts ${STS_MIN_LENGTH} to ${STS_MAX_LENGTH} characters.`);
  } else if (length < minLength) {
    problems.push(`The ExternalId is ${length} ${characters} long; at least ${minLength} are required.`);
  }

  const charsetProblem = checkCharacters(value);
  if (charsetProblem) {
    problems.push(charsetProblem);
  }

  const estimate = estimateEntropy(value);
  const estimatedEntropyBits = Math.floor(estimate.bits);
  if (estimatedEntropyBits < minEntropyBits) {
    const found = estimate.explanation
      ? `It ${estimate.explanation}; attackers try such patterns long before random characters.`
      : 'Its length and character set cannot carry more.';
    problems.push(`The ExternalId's estimated entropy is ${estimatedEntropyBits} bits; at least ${minEntropyBits} are required. ${found} Use a random value, such as one from ExternalId.generate().`);
  }

  return { valid: problems.length === 0, estimatedEntropyBits, problems };
}

/** The entropy estimate of a literal value in bits, rounded down. */
export function estimateExternalIdEntropyBits(value: string, isUnresolved: IsUnresolved = NO_TOKENS): number {
  checkExternalIdValue('estimateEntropyBits', value, isUnresolved);
  return Math.floor(estimateEntropy(value).bits);
}

function checkExternalIdValue(method: string, value: unknown, isUnresolved: IsUnresolved): asserts value is string {
  if (typeof value !== 'string') {
    throw new Error(`ExternalId.${method}: expected the ExternalId as a string, received ${value === null ? 'null' : typeof value}`);
  }
  if (isUnresolved(value)) {
    throw new Error(`ExternalId.${method}: received an unresolved token (${value}), whose value is only known at deploy time; expected a literal string`);
  }
}

function checkCharacters(value: string): string | undefined {
  const allowed = new RegExp(`^${STS_CHARACTER}$`);
  const characters = Array.from(value);
  const offending = characters.filter((c) => !allowed.test(c));
  if (offending.length === 0) {
    return undefined;
  }
  const first = offending[0];
  const others = offending.length > 1 ? ` (${offending.length - 1} more ${offending.length === 2 ? 'character is' : 'characters are'} outside that set)` : '';
  return `The ExternalId contains ${nameCharacter(first)} at position ${characters.indexOf(first) + 1}; STS accepts only letters, digits and _+=,.@:/-${others}.`;
}

function nameCharacter(c: string): string {
  const names: Record<string, string> = { ' ': 'a space', '\t': 'a tab', '\n': 'a line break', '\r': 'a carriage return' };
  if (names[c]) {
    return names[c];
  }
  const code = c.codePointAt(0)!;
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  return code < 0x20 || code === 0x7f ? `the control character ${hex}` : `"${c}" (${hex})`;
}
