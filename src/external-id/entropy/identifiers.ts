// Recognisers for machine-made identifiers and times whose bits are mostly not random. Each returns
// the end of what it recognised at a position, what it costs (log2 of the values an attacker who
// knows the format must try) and what it is.

/** What a recogniser found, in the terms of findings (see index.ts). */
export type IdentifierKind = 'uuid1' | 'uuid2' | 'uuid6' | 'uuid7' | 'uuid' | 'nilUuid' | 'maxUuid' | 'ulid' | 'objectId' | 'snowflake'
| 'unixTime' | 'date' | 'timestamp' | 'year';

export interface Recognised {
  readonly end: number;
  readonly bits: number;
  readonly kind: IdentifierKind;
}

const YEAR_MS = 365.25 * 24 * 3600 * 1000;
const MS_2000 = Date.UTC(2000, 0, 1);

/**
 * Time-based identifiers are believed only when their timestamp lies between `from` and a year from
 * now: a random value with the right version digits has its "timestamp" anywhere in the format's range.
 */
function plausibleTime(ms: number, fromYear: number, now: number): boolean {
  return ms >= Date.UTC(fromYear, 0, 1) && ms <= now + YEAR_MS;
}

/** 100-ns intervals from the Gregorian reform (the UUID v1/v6 epoch) to the Unix epoch. */
const GREGORIAN_OFFSET_100NS = 0x01b21dd213814000;

/** Random bits of an RFC 9562 UUID, by version; the version and variant fields take 6 of the 128 bits. */
const UUID_BITS: Record<string, { readonly bits: number; readonly kind: IdentifierKind }> = {
  // time-based: 60-bit timestamp, 14-bit clock sequence, 48-bit node (usually the MAC address)
  1: { bits: 14, kind: 'uuid1' },
  // DCE security: version 1 with a local id (a uid or gid) in place of part of the timestamp and clock sequence
  2: { bits: 6, kind: 'uuid2' },
  // version 1 with the timestamp's bits in sortable order
  6: { bits: 14, kind: 'uuid6' },
  // 48-bit Unix-millisecond timestamp, then 74 random bits
  7: { bits: 74, kind: 'uuid7' },
};
const UUID_MAX_RANDOM_BITS = 122;

const HYPHENATED_UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/iy;
const PLAIN_UUID = /[0-9a-f]{32}/iy;

/**
 * A UUID at `start`, hyphenated (8-4-4-4-12) or as 32 hexadecimal digits, priced by the random bits its
 * version carries. Without hyphens, 32 random hexadecimal digits have the version and variant digits of a
 * time-based UUID once in 64, so they are only taken for one when the timestamp is plausible too.
 */
export function uuidAt(text: string, start: number, now: number): Recognised | undefined {
  for (const pattern of [HYPHENATED_UUID, PLAIN_UUID]) {
    pattern.lastIndex = start;
    const match = pattern.exec(text);
    if (!match || isAlphanumeric(text.charCodeAt(start + match[0].length)) || !oneCase(match[0])) {
      continue;
    }
    const hex = match[0].replace(/-/g, '').toLowerCase();
    const end = start + match[0].length;
    if (/^0+$/.test(hex)) return { end, bits: 0, kind: 'nilUuid' };
    if (/^f+$/.test(hex)) return { end, bits: 0, kind: 'maxUuid' };
    if (!/[89ab]/.test(hex[16])) {
      // not the RFC 9562 variant: only hexadecimal digits
      return undefined;
    }
    const version = hex[12];
    const layout = UUID_BITS[version];
    if (!layout) {
      return { end, bits: UUID_MAX_RANDOM_BITS, kind: 'uuid' };
    }
    // Version 2 replaces part of the timestamp by a local id, so its time is no evidence; versions 6
    // and 7 were specified in 2022 (RFC 9562 drafts from 2020).
    if (pattern === PLAIN_UUID && (version === '2' || !plausibleTime(uuidTime(hex, version), version === '1' ? 2000 : 2020, now))) {
      return undefined;
    }
    return { end, bits: layout.bits, kind: layout.kind };
  }
  return undefined;
}

/** The creation time of a time-based UUID, in Unix milliseconds (NaN for other versions). */
function uuidTime(hex: string, version: string): number {
  const h = (from: number, to: number) => parseInt(hex.slice(from, to), 16);
  switch (version) {
    case '1':
      return (h(13, 16) * 2 ** 48 + h(8, 12) * 2 ** 32 + h(0, 8) - GREGORIAN_OFFSET_100NS) / 1e4;
    case '6':
      return (h(0, 8) * 2 ** 28 + h(8, 12) * 2 ** 12 + h(13, 16) - GREGORIAN_OFFSET_100NS) / 1e4;
    case '7':
      return h(0, 12);
    default:
      return NaN;
  }
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const ULID = /[0-7][0-9A-HJKMNP-TV-Z]{25}|[0-7][0-9a-hjkmnp-tv-z]{25}/y;
/** A ULID: a 48-bit millisecond timestamp and 80 random bits, in 26 Crockford base32 characters. */
export function ulidAt(text: string, start: number, now: number): Recognised | undefined {
  ULID.lastIndex = start;
  const match = ULID.exec(text);
  if (!match || isAlphanumeric(text.charCodeAt(start + 26))) {
    return undefined;
  }
  let ms = 0;
  for (const c of match[0].slice(0, 10).toUpperCase()) {
    ms = ms * 32 + CROCKFORD.indexOf(c);
  }
  return plausibleTime(ms, 2015, now) ? { end: start + 26, bits: 80, kind: 'ulid' } : undefined;
}

const OBJECT_ID = /[0-9a-f]{24}|[0-9A-F]{24}/y;
/**
 * A MongoDB ObjectId: a 4-byte timestamp in seconds, a 5-byte random value (one per process) and a
 * 3-byte counter, in 24 hexadecimal digits; the random value and the counter are charged in full.
 */
export function objectIdAt(text: string, start: number, now: number): Recognised | undefined {
  OBJECT_ID.lastIndex = start;
  const match = OBJECT_ID.exec(text);
  if (!match || isAlphanumeric(text.charCodeAt(start + 24))) {
    return undefined;
  }
  const ms = parseInt(match[0].slice(0, 8), 16) * 1000;
  return plausibleTime(ms, 2009, now) ? { end: start + 24, bits: 64, kind: 'objectId' } : undefined;
}

/** Epochs of the common snowflake ids (Twitter's, Discord's), in Unix milliseconds. */
const SNOWFLAKE_EPOCHS = [1288834974657, 1420070400000];
/**
 * Recognisers of a maximal run of `digits` decimal digits at `start` (not preceded or followed by a
 * digit): Unix times in seconds or milliseconds, and snowflake ids (a 41-bit millisecond timestamp, a
 * 10-bit worker id and a 12-bit sequence number, of which only the last two are charged, plus the epoch).
 */
export function digitRunIdentifier(text: string, start: number, digits: number, now: number): Recognised | undefined {
  const token = text.slice(start, start + digits);
  if (digits === 10 || digits === 13) {
    const ms = Number(token) * (digits === 10 ? 1000 : 1);
    if (ms >= MS_2000 && ms <= now + YEAR_MS) {
      return { end: start + digits, bits: Math.log2((now + YEAR_MS - MS_2000) / (digits === 10 ? 1000 : 1)), kind: 'unixTime' };
    }
  }
  if (digits >= 17 && digits <= 19) {
    // the top 41 of 63 bits: the id divided by 2^22
    const ms = Number(BigInt(token) / 4194304n);
    if (SNOWFLAKE_EPOCHS.some((epoch) => plausibleTime(ms + epoch, 2010, now))) {
      return { end: start + digits, bits: 22 + Math.log2(SNOWFLAKE_EPOCHS.length), kind: 'snowflake' };
    }
  }
  return undefined;
}

/** Days from 1900 to 2099: the dates a 4-digit year can name. */
const DATE_BITS = Math.log2(200 * 365.25);
/** Which of the 8 layouts (year first, day first or month first; compact or separated; 2- or 4-digit year). */
const DATE_LAYOUT_BITS = 3;
/** Which of `-./_` separates the fields. */
const DATE_SEPARATOR_BITS = 2;
const TIME_BITS = { minutes: Math.log2(24 * 60), seconds: Math.log2(24 * 3600) };
/** `Z`, none, or an offset of 15 minutes' steps from -12:00 to +14:00. */
const ZONE_BITS = Math.log2(2 + 105);

const YMD = /((?:19|20)\d\d)([-./_]?)(\d\d)\2(\d\d)/y;
const DMY = /(\d\d)([-./_]?)(\d\d)\2((?:19|20)\d\d)/y;
const TIME = /[T_.-]?(\d\d)(:?)(\d\d)(?:\2(\d\d)(?:[.,](\d{1,9}))?)?(Z|[+-]\d\d:?\d\d)?/y;
const YEAR = /(?:19|20)\d\d/y;

/**
 * Dates (8 layouts, each field checked), optionally followed by a time of day, and years from 1900 to
 * 2099, at `start`. A date with a time is a timestamp.
 */
export function datesAt(text: string, start: number): Recognised[] {
  const found: Recognised[] = [];
  YEAR.lastIndex = start;
  if (YEAR.test(text)) {
    found.push({ end: start + 4, bits: Math.log2(200), kind: 'year' });
  }
  for (const pattern of [YMD, DMY]) {
    pattern.lastIndex = start;
    const m = pattern.exec(text);
    if (!m) continue;
    const valid = pattern === YMD ? validDate(Number(m[3]), Number(m[4]))
      // day first or month first
      : validDate(Number(m[3]), Number(m[1])) || validDate(Number(m[1]), Number(m[3]));
    if (!valid) continue;
    const dateBits = DATE_BITS + DATE_LAYOUT_BITS + (m[2] ? DATE_SEPARATOR_BITS : 0);
    const end = start + m[0].length;
    found.push({ end, bits: dateBits, kind: 'date' });
    TIME.lastIndex = end;
    const t = TIME.exec(text);
    if (t && Number(t[1]) < 24 && Number(t[3]) < 60 && (t[4] === undefined || Number(t[4]) < 61)) {
      const timeBits = (t[4] === undefined ? TIME_BITS.minutes : TIME_BITS.seconds) + (t[5]?.length ?? 0) * Math.log2(10) + (t[6] ? ZONE_BITS : 0);
      found.push({ end: end + t[0].length, bits: dateBits + timeBits + 1, kind: 'timestamp' });
    }
  }
  return found;
}

function validDate(month: number, day: number): boolean {
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

function oneCase(s: string): boolean {
  return s === s.toLowerCase() || s === s.toUpperCase();
}

export function isAlphanumeric(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}
