import { randomBytes } from 'crypto';
import { Token } from 'aws-cdk-lib';
import { estimateEntropy } from './entropy';
import { EXTERNAL_ID_ALLOWED_PATTERN, STS_CHARACTER, STS_MAX_LENGTH, STS_MIN_LENGTH } from '../private/sts';

/**
 * Options of `ExternalId.validate`.
 */
export interface ExternalIdValidationOptions {
  /**
   * Minimum length, in characters.
   *
   * Must be an integer from 2 to 1224 (the STS limits).
   *
   * @default 32
   */
  readonly minLength?: number;

  /**
   * Minimum estimated entropy, in bits (see `ExternalId.estimateEntropyBits`).
   *
   * Must be a finite number of at least 0.
   *
   * @default 112
   */
  readonly minEntropyBits?: number;
}

/**
 * The outcome of `ExternalId.validate`.
 */
export interface ExternalIdValidationResult {
  /** Whether the value passed every check. */
  readonly valid: boolean;

  /**
   * The estimated entropy of the value in bits, rounded down to an integer
   * (see `ExternalId.estimateEntropyBits`).
   */
  readonly estimatedEntropyBits: number;

  /**
   * One sentence per failed check, saying what was found and what is expected; empty when the value is valid.
   * The sentences never quote the value, apart from naming a character STS does not accept.
   */
  readonly problems: string[];
}

/**
 * Generates and validates ExternalIds (the `sts:ExternalId` a vendor passes when it assumes a role in a
 * customer's AWS account).
 *
 * An ExternalId is not a secret: anyone who can read the customer role's trust policy sees it. What
 * protects the customer from a confused deputy is that the vendor generates it, at random, once per
 * customer AWS account, so that nobody else can predict or reuse it. `validate` therefore checks that a
 * value is one STS accepts, long enough, and unguessable.
 *
 * **Generating.** `generate()` returns 256 bits from the platform CSPRNG, base64url encoded. Call it
 * in the vendor's back end at run time, when a customer account is onboarded, and store the value with
 * that account. Never call it while a CDK app synthesizes: the value would be written into the
 * template and `cdk.out`, and would change on every synth.
 *
 * **STS rules.** STS accepts 2 to 1224 characters of letters, digits and `_+=,.@:/-` (no spaces). IAM
 * accepts trust policy conditions with other values, which STS then never matches, so the role silently
 * becomes unusable; `validate` checks the STS rules.
 *
 * **The entropy estimate** (`estimateEntropyBits`) is the length, in bits, of the shortest description
 * of the value that the estimator finds. It is built on zxcvbn (`@zxcvbn-ts/core` with its lists of
 * common passwords, English words, first and last names and diceware words, its keyboard layouts, and
 * an added pattern for 12-digit AWS account ids, which are no secret):
 *
 * 1. zxcvbn cuts the value into the segments it finds most guessable: dictionary words and common
 *    passwords, keyboard runs, repeated characters or blocks, sequences such as `abcd` or `1234`, years,
 *    dates, separators, word sequences and account ids, with runs of arbitrary characters between them.
 *    When the value contains separators (`-_.:/,`), the pieces between them are also cut on their own,
 *    since zxcvbn often leaves words between separators unmatched.
 * 2. A pattern costs log2 of zxcvbn's guess count for it, except that a date also names its layout
 *    (log2 28: 14 digit layouts, day and month in either order), a repeated block costs the block's own
 *    estimate plus log2 of its length and of the repeat count, an account id costs log2 100 (the
 *    target's, the vendor's and a few well-known ones), and, when the pieces are described on their
 *    own, each separator costs log2 7 (which of the six it is, or the end of the value).
 *    A run of arbitrary characters costs its length times log2 of the value's character set size:
 *    16 for hexadecimal (digits and `a-f` of one case, separators aside), otherwise the sum of the
 *    classes present (lowercase 26, uppercase 26, digits 10, the STS symbols 9, anything else 33).
 *    zxcvbn itself prices arbitrary characters at 10 guesses each, which suits human passwords but
 *    undercounts machine-random strings (a random 32-digit hexadecimal string would get 106 bits
 *    instead of 128).
 * 3. The description also names each segment's kind (log2 of the 10 kinds, about 3.3 bits a segment)
 *    and the length of every run of arbitrary characters but one (log2 of the value's length each;
 *    when the pieces between separators are described on their own, one run per piece is free).
 *    These costs keep coincidences out of random values: a year, a date or a short word inside random
 *    characters saves fewer bits than it takes to say what and where it is.
 * 4. Any pattern may instead be treated as arbitrary characters; the estimate is the shortest of all
 *    these descriptions, and never more than the value's length times log2 of its character set size.
 *
 * l33t substitutions are not searched (in random strings every digit stands for some letter); common
 * l33t passwords are in the password list as they are.
 *
 * A value in canonical UUID form (8-4-4-4-12 hexadecimal digits) is estimated on its 32 digits (the
 * hyphens are format, not information), then capped by the random bits its version carries: version 4
 * and other versions of the RFC 9562 variant at most 122 (6 bits are version and variant); version 7 at
 * most 74 (its timestamp is guessable); versions 1 and 6 at most 14 (only the clock sequence is random,
 * time and MAC address are guessable); version 2 at most 6; the nil and max UUIDs 0. A name-based UUID
 * (versions 3 and 5) is as guessable as the name it hashes, which the estimator cannot see.
 *
 * Only the first 256 characters are analysed, so the estimate of a longer value is a lower bound.
 * `crypto.randomUUID()` scores about 122 bits; 32 random bytes in hexadecimal, base64 or base64url score
 * well over 200; repeated blocks, sequences, keyboard runs, words with years, account ids, low-entropy
 * UUIDs and documented placeholders score far below the default minimum of 112 bits.
 *
 * The estimate cannot see how a value was made: a vendor's template (say, a customer name, an account
 * id and a product name) can still score above the minimum when zxcvbn does not know its words.
 * Validation catches careless values; it is no substitute for `generate()`.
 */
export class ExternalId {
  /** Shortest ExternalId STS accepts. */
  public static readonly STS_MIN_LENGTH = STS_MIN_LENGTH;

  /** Longest ExternalId STS accepts. */
  public static readonly STS_MAX_LENGTH = STS_MAX_LENGTH;

  /**
   * CloudFormation `AllowedPattern` (a Java regular expression matched against the whole value) for the
   * characters STS accepts in an ExternalId: letters, digits and `_+=,.@:/-`.
   */
  public static readonly ALLOWED_PATTERN = EXTERNAL_ID_ALLOWED_PATTERN;

  /** Default minimum length of `validate`. */
  public static readonly DEFAULT_MIN_LENGTH = 32;

  /** Default minimum estimated entropy, in bits, of `validate`. */
  public static readonly DEFAULT_MIN_ENTROPY_BITS = 112;

  /**
   * Checks a literal ExternalId against the STS rules, a minimum length and a minimum estimated entropy.
   *
   * Problems with the value are reported in the result; invalid options throw.
   *
   * @param value the ExternalId (a literal string, not an unresolved token)
   * @param options minimum length and entropy
   */
  public static validate(value: string, options: ExternalIdValidationOptions = {}): ExternalIdValidationResult {
    checkValue('validate', value);
    const minLength = options.minLength ?? ExternalId.DEFAULT_MIN_LENGTH;
    const minEntropyBits = options.minEntropyBits ?? ExternalId.DEFAULT_MIN_ENTROPY_BITS;
    if (Token.isUnresolved(minLength) || !Number.isInteger(minLength)
      || minLength < ExternalId.STS_MIN_LENGTH || minLength > ExternalId.STS_MAX_LENGTH) {
      throw new Error(`ExternalId.validate: invalid minLength ${describeNumber(minLength)}: expected an integer from ${ExternalId.STS_MIN_LENGTH} to ${ExternalId.STS_MAX_LENGTH} (the STS limits for an ExternalId)`);
    }
    if (Token.isUnresolved(minEntropyBits) || typeof minEntropyBits !== 'number' || !Number.isFinite(minEntropyBits) || minEntropyBits < 0) {
      throw new Error(`ExternalId.validate: invalid minEntropyBits ${describeNumber(minEntropyBits)}: expected a finite number of bits, at least 0`);
    }

    const problems: string[] = [];
    const length = value.length;
    const characters = length === 1 ? 'character' : 'characters';
    if (length < ExternalId.STS_MIN_LENGTH || length > ExternalId.STS_MAX_LENGTH) {
      problems.push(`The ExternalId is ${length} ${characters} long; STS accepts ${ExternalId.STS_MIN_LENGTH} to ${ExternalId.STS_MAX_LENGTH} characters.`);
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
      const found = estimate.patterns.length > 0
        ? `It contains ${joinWords(estimate.patterns)}; attackers try such patterns long before random characters.`
        : 'Its length and character set cannot carry more.';
      problems.push(`The ExternalId's estimated entropy is ${estimatedEntropyBits} bits; at least ${minEntropyBits} are required. ${found} Use a random value, such as one from ExternalId.generate().`);
    }

    return { valid: problems.length === 0, estimatedEntropyBits, problems };
  }

  /**
   * Estimates the entropy of a value in bits, rounded down to an integer.
   *
   * See the class documentation for how the estimate is computed. Only the first 256 characters are
   * analysed.
   *
   * @param value a literal string (not an unresolved token)
   */
  public static estimateEntropyBits(value: string): number {
    checkValue('estimateEntropyBits', value);
    return Math.floor(estimateEntropy(value).bits);
  }

  /**
   * Generates a new ExternalId: 32 bytes (256 bits) from the platform CSPRNG, base64url encoded
   * (43 characters, no padding).
   *
   * For vendor back ends at run time: generate one per customer AWS account when it is onboarded and
   * store it with that account. Never call this while a CDK app synthesizes, since the value would land
   * in the template and `cdk.out` and change on every synth.
   */
  public static generate(): string {
    return randomBytes(32).toString('base64url');
  }

  private constructor() {}
}

function checkValue(method: string, value: unknown): asserts value is string {
  if (typeof value !== 'string') {
    throw new Error(`ExternalId.${method}: expected the ExternalId as a string, received ${value === null ? 'null' : typeof value}`);
  }
  if (Token.isUnresolved(value)) {
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

function describeNumber(value: unknown): string {
  return Token.isUnresolved(value) ? '(an unresolved token)' : String(value);
}

function joinWords(words: readonly string[]): string {
  return words.length <= 1 ? words.join('') : `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}
