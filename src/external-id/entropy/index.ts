import { decodeText, ENCODING_BITS } from './decode';
import { charset, Context, describe, Finding, FindingKind } from './describe';
import { uuidAt } from './identifiers';
import { STS_MAX_LENGTH } from '../../private/sts';

// The estimator behind ExternalId.estimateEntropyBits: the minimum over three models (random
// characters, a pattern description, decoding) and, for a whole UUID, the random bits of its version.
// The method, and why, is documented for users on the ExternalId class.

/** An entropy estimate and what makes the value guessable. */
export interface EntropyEstimate {
  /** Estimated entropy in bits (not rounded). */
  readonly bits: number;
  /**
   * What makes the value guessable, as a clause after "It" ("contains an AWS account id and dictionary
   * words", "is base64 of the text '...'"), never quoting the value; undefined when the value is only
   * too short for its character set.
   */
  readonly explanation?: string;
}

/** Estimates the entropy of a value; see the ExternalId class documentation for the method. */
export function estimateEntropy(value: string): EntropyEstimate {
  const text = value.slice(0, STS_MAX_LENGTH);
  if (text.length === 0) {
    return { bits: 0 };
  }
  const ctx: Context = { now: Date.now(), memo: new Map(), depth: 0 };
  const own = charset(text);
  const estimates: EntropyEstimate[] = [{ bits: own.length * Math.log2(own.size) }];

  if (UUID_LAYOUT.test(text)) {
    // A value in the layout of a UUID is its 32 digits: the hyphens are format (1 bit: whether they are
    // there), and the groups are not separate fields (a group of 12 decimal digits is no account id).
    const digits = describe(text.replace(/-/g, ''), ctx);
    estimates.push({ bits: 1 + digits.bits, explanation: contains(digits.findings) });
  } else {
    estimates.push(describeWhole(text, ctx));
  }
  const uuid = uuidAt(text, 0, ctx.now);
  if (uuid && uuid.end === text.length) {
    estimates.push({ bits: uuid.bits, explanation: uuid.kind === 'uuid' ? undefined : `is ${WHOLE_UUID[uuid.kind]}` });
  }
  const decoded = decodeText(text);
  if (decoded) {
    const inner = describe(decoded.text, { ...ctx, depth: 1 });
    estimates.push({ bits: ENCODING_BITS + inner.bits, explanation: `is ${encoded(decoded.encoding, decoded.text, inner.findings)}` });
  }
  return estimates.reduce((best, e) => (e.bits < best.bits ? e : best));
}

function describeWhole(text: string, ctx: Context): EntropyEstimate {
  const description = describe(text, ctx);
  return { bits: description.bits, explanation: contains(description.findings) };
}

const UUID_LAYOUT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const WHOLE_UUID: Record<string, string> = {
  uuid1: 'a time-based (version 1) UUID: only its 14-bit clock sequence is random, the rest is the time it was made and the MAC address of the machine that made it',
  uuid2: 'a DCE security (version 2) UUID: only 6 of its bits are random, the rest is the time it was made, a user or group id and a MAC address',
  uuid6: 'a time-based (version 6) UUID: only its 14-bit clock sequence is random, the rest is the time it was made and the MAC address of the machine that made it',
  uuid7: 'a version 7 UUID: only 74 of its bits are random, the first 48 are the time it was made',
  nilUuid: 'the nil UUID (all zeros)',
  maxUuid: 'the max UUID (all ones)',
};

/** How each finding is named in a problem, as the object of "contains". */
const NAMES: Record<Exclude<FindingKind, 'encoded'>, string> = {
  word: 'dictionary words',
  placeholder: 'placeholder text (words that stand in for a real value, or example names)',
  password: 'common passwords',
  name: 'first or last names',
  unknownWord: 'short or pronounceable letter strings (such as brand names and abbreviations)',
  leet: 'words in leetspeak (digits or @ for letters)',
  accountId: 'an AWS account id',
  region: 'an AWS Region',
  arn: 'an ARN',
  url: 'a URL',
  email: 'an email address',
  host: 'a host name',
  ipAddress: 'an IP address',
  number: 'a number or counter',
  version: 'a version tag',
  year: 'a year',
  date: 'a date',
  timestamp: 'a date and time',
  unixTime: 'a Unix timestamp',
  repeat: 'a repeated character or block',
  sequence: 'a character sequence (such as abcd or 1234)',
  keyboard: 'a keyboard run (such as qwerty)',
  uuid1: 'a time-based (version 1) UUID, of which only the 14-bit clock sequence is random',
  uuid2: 'a DCE security (version 2) UUID, of which only 6 bits are random',
  uuid6: 'a time-based (version 6) UUID, of which only the 14-bit clock sequence is random',
  uuid7: 'a version 7 UUID, of which only 74 bits are random (the first 48 are the time it was made)',
  uuid: 'a UUID',
  nilUuid: 'the nil UUID',
  maxUuid: 'the max UUID',
  ulid: 'a ULID, of which only the last 80 bits are random (the first 48 are the time it was made)',
  objectId: 'a MongoDB ObjectId (the time it was made, a per-process value and a counter)',
  snowflake: 'a snowflake id (the time it was made, a worker id and a sequence number)',
};

/** "contains a, b and c" for the findings of a description; undefined when there are none. */
function contains(findings: readonly Finding[]): string | undefined {
  const names = [...new Set(findings.map((f) => (f.kind === 'encoded' ? encoded(f.encoding!, f.text!, f.inner ?? []) : NAMES[f.kind])))];
  return names.length === 0 ? undefined : `contains ${joinWords(names)}`;
}

/** Characters of a decoded text quoted in a problem: enough to recognise it, never all of it (at most 60%). */
const QUOTED_CHARACTERS = 14;

function encoded(encoding: string, text: string, inner: readonly Finding[]): string {
  const shown = Math.min(QUOTED_CHARACTERS, Math.floor(text.length * 0.6));
  const quoted = `'${text.slice(0, shown)}...'`;
  const what = contains(inner);
  return `${encoding} of the text ${quoted}${what ? `, which ${what}` : ''}`;
}

function joinWords(words: readonly string[]): string {
  return words.length <= 1 ? words.join('') : `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}
