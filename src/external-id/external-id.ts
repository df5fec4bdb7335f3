import { Token } from 'aws-cdk-lib';
import {
  DEFAULT_MIN_ENTROPY_BITS, DEFAULT_MIN_LENGTH, estimateExternalIdEntropyBits, generateExternalId, validateExternalId,
} from '../private/external-id-core';
import { EXTERNAL_ID_ALLOWED_PATTERN, STS_MAX_LENGTH, STS_MIN_LENGTH } from '../private/sts';

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
 * **The entropy estimate** (`estimateEntropyBits`) is log2 of the guesses an attacker who knows how such
 * values are made would need: the length, in bits, of the shortest description of the value the
 * estimator finds (minimum description length; Rissanen, "Modeling by shortest data description",
 * 1978). It credits only what is plausibly random and charges structure at what it costs to state. It
 * is the minimum over these models:
 *
 * 1. **Random characters**: the value's length times log2 of the smallest common alphabet of random
 *    values that has all its characters: digits (10), hexadecimal of one case (16), letters of one case
 *    (26), base32 (32), lower case and digits (36), letters (52), base58 (58), letters and digits (62),
 *    base64url or base64 (64; `=` padding at the end is free), the STS characters (71); otherwise the
 *    sum of the classes present (lower case 26, upper case 26, digits 10, STS symbols 9, others 33).
 * 2. **A description as segments**, the shortest of all (a dynamic programme over the positions of the
 *    value, linear in its length). Each segment first names its kind (a prefix code: word 1.3 bits,
 *    separator 1.7, number 3.6, random run 4.1, repeat, sequence or keyboard run 5.6, one of 16
 *    structures 7.3), then its content:
 *    - a word of the lists of the zxcvbn project (common passwords, English words from subtitles and
 *      Wikipedia, US census last names, first names, the EFF diceware list, months, days...) or of this
 *      project's lists of ExternalId, AWS and web vocabulary, vendor names and placeholders: log2 of its
 *      rank in the list (of the list's size when it is not ranked), as zxcvbn does (Wheeler, "zxcvbn:
 *      Low-Budget Password Strength Estimation", USENIX Security 2016), plus a bit for the list; a plural
 *      one more bit. Leetspeak is undone before the lookup (`0` o, `1` i or l, `3` e, `4` and `@` a, `5`
 *      s, `7` t, `8` b, `9` g), at 1 bit plus which of the letters that have a leet form are written so;
 *      a leet word has at least 3 characters, at least half of them letters;
 *    - a letter string that is no listed word but is short (up to 4 letters) or pronounceable (up to
 *      12): one of 2^20 words (several times the 180,000 entries of the lists, for brand and product
 *      names, abbreviations and other languages), or, from 6 letters, 3.9 bits a letter (about 2^(3.9 L)
 *      strings of L letters are pronounceable, measured by sampling), plus its length (Elias gamma),
 *      since it does not end where a listed word would;
 *    - a word's capitals: nothing when the value has one case, else 1, 2 or 3 bits for lower case,
 *      Capitalised or UPPER (a camelCase value is words), else one bit a letter;
 *    - a separator (any character but letters and digits): which of the symbols the value uses, plus its
 *      share of naming that set;
 *    - a number: log2 of its value as a counter (plus its width when zero-padded) or its digits;
 *    - an AWS account id (12 digits): log2 100, since it is no secret (it is in every ARN of the
 *      account): the target's, the vendor's and a few well-known ones; an AWS Region: log2 40;
 *    - years (1900-2099), dates in 8 layouts (log2 of the days from 1900 to 2099, plus layout and
 *      separator), dates with a time of day, Unix times in seconds or milliseconds from 2000 to a year
 *      from now (log2 of the times in that span), version tags (`v2`, `1.4.2`), IPv4 addresses (33 bits);
 *    - the fixed part of an ARN (partition, service, Region, account), a URL (scheme, then host name and
 *      path segments, each described on its own), an email address, a host name ending in a known
 *      top-level domain;
 *    - identifiers by the random bits they carry, their other fields being guessable, hyphenated or as
 *      32 digits, alone or after a prefix: a UUID of version 1 or 6 costs 14 bits (only the clock
 *      sequence is random: the rest is the time it was made and the MAC address of the machine that
 *      made it), of version 7 74 bits (the first 48 are the time), of version 2 6 bits (hyphenated
 *      only), of other versions 122, the nil and max UUIDs 0; a ULID 80 bits; a MongoDB ObjectId 64 (its
 *      per-process value and counter); a snowflake id (Twitter's or Discord's epoch) 23; ULIDs, ObjectIds
 *      and snowflake ids only when their timestamp is plausible. Without
 *      hyphens, 32 random hexadecimal digits have the version and variant digits of a time-based UUID
 *      once in 64, so they are only taken for one when the timestamp lies between 2000 (2020 for
 *      versions 6 and 7) and a year from now; even so, about one random 32-digit hexadecimal value in
 *      6,000 passes for a time-based UUID and fails;
 *    - repeats: one character repeated (which, how often) or a copy of what came up to 128 characters
 *      before (the offset and the length, Elias gamma); sequences such as `abcd`, `2468` or `ZYX` (first
 *      character, step, length); keyboard runs on QWERTY, Dvorak or a keypad (layout, first key, then 1
 *      bit to go on in the same direction or 1 bit and which direction, and Shift); a sequence or keyboard
 *      run right after another costs 1 bit instead of its kind;
 *    - hexadecimal, base64, base64url or base32 that decodes to printable text: 2 bits plus the estimate
 *      of the text;
 *    - random characters, in the value's alphabet or in digits, hexadecimal or letters of one case: log2
 *      of that alphabet a character, plus 4 bits to end the run (none at the end of the value).
 *
 *    These costs keep coincidences out of random values: a word, a year or a number inside random
 *    characters saves fewer bits than it takes to say what it is and to end and restart the random run
 *    around it.
 * 3. **Decoding**: a value that is hexadecimal, base64, base64url or base32 of printable text costs 2
 *    bits plus the estimate of the text.
 * 4. **A UUID**: a value that is one costs the random bits of its version, and is also described as
 *    its 32 digits.
 *
 * Values are analysed up to the STS maximum of 1224 characters, so the estimate of a longer value is a
 * lower bound. `crypto.randomUUID()` scores 122 bits; 16 random bytes in hexadecimal, base64, base64url,
 * base32 or base58, 21-character nanoids and a short vendor prefix followed by 128 random bits score 112
 * or more (`generate()` about 250); values made of words, names, dates, account ids, counters, ARNs,
 * URLs, encodings of text, time-based UUIDs and placeholders score far below the default minimum of 112
 * bits. The word lists are loaded on first use (about a second) and kept; after that, an estimate takes
 * well under a millisecond for values up to 128 characters.
 *
 * The estimate cannot see how a value was made: a vendor's template of words the lists lack, or a value
 * derived from a secret by a hash, can still score above the minimum. Validation catches careless
 * values; it is no substitute for `generate()`.
 *
 * @example
 * import { ExternalId } from 'cdk-cross-account-trust';
 *
 * // In the vendor's back end, once per customer AWS account (never in CDK code):
 * const externalId = ExternalId.generate();
 * // A value received from elsewhere, checked before it is used: this one is not valid, and
 * // result.problems says why (an account id, a guessable prefix) without quoting the value.
 * const result = ExternalId.validate('acme-444455556666');
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
  public static readonly DEFAULT_MIN_LENGTH = DEFAULT_MIN_LENGTH;

  /** Default minimum estimated entropy, in bits, of `validate`. */
  public static readonly DEFAULT_MIN_ENTROPY_BITS = DEFAULT_MIN_ENTROPY_BITS;

  /**
   * Checks a literal ExternalId against the STS rules, a minimum length and a minimum estimated entropy.
   *
   * Problems with the value are reported in the result; invalid options throw.
   *
   * @param value the ExternalId (a literal string, not an unresolved token)
   * @param options minimum length and entropy
   */
  public static validate(value: string, options: ExternalIdValidationOptions = {}): ExternalIdValidationResult {
    return validateExternalId(value, options, Token.isUnresolved);
  }

  /**
   * Estimates the entropy of a value in bits, rounded down to an integer.
   *
   * See the class documentation for how the estimate is computed. Values are analysed up to 1224
   * characters (the STS maximum).
   *
   * @param value a literal string (not an unresolved token)
   */
  public static estimateEntropyBits(value: string): number {
    return estimateExternalIdEntropyBits(value, Token.isUnresolved);
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
    return generateExternalId();
  }

  private constructor() {}
}
