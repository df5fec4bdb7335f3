import { MatcherBaseClass, Matcher, MatchExtended, MatchOptions, ZxcvbnFactory } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary as commonDictionary } from '@zxcvbn-ts/language-common';
import { dictionary as englishDictionary } from '@zxcvbn-ts/language-en';

// The estimator behind ExternalId.estimateEntropyBits. The method (and the reasons for each
// choice) is documented for users on the ExternalId class; the comments here say how the code
// maps to it.

/** Characters after this many are not analysed, so the estimate of a longer value is a lower bound. */
const ANALYSED_LENGTH = 256;

/** Characters zxcvbn treats as separators (its SEPERATOR_CHARS) that STS also accepts. */
const SEPARATOR_CHARACTERS = '-_.:/,';
const SEPARATOR = new RegExp(`[${SEPARATOR_CHARACTERS}]`);
const SEPARATORS = new RegExp(SEPARATOR.source, 'g');
/** Separators are part of a description but not worth reporting as something guessable. */
const SEPARATOR_PATTERN = 'separators';

/**
 * A 12-digit AWS account id standing on its own (not inside a longer run of letters or digits, so
 * that random strings do not produce one by chance).
 */
const ACCOUNT_ID = /(?<![0-9A-Za-z])[0-9]{12}(?![0-9A-Za-z])/g;
/**
 * Guesses for an account id: it is no secret (it is in every ARN of the account), so an attacker
 * targeting an account tries its id, the vendor's and a few well-known ones, in a few forms.
 */
const ACCOUNT_ID_GUESSES = 100;

/**
 * The kinds of segment a description can name: zxcvbn's pattern kinds and ours, `bruteforce` being
 * a run of arbitrary characters. Naming the kind of each segment costs log2 of this many bits.
 */
const SEGMENT_KINDS = ['bruteforce', 'dictionary', 'spatial', 'repeat', 'sequence', 'regex', 'date', 'separator', 'wordSequence', 'awsAccountId'];
/** Largest step between characters of a sequence, as in zxcvbn's sequence matcher. */
const MAX_SEQUENCE_DELTA = 5;

const KIND_BITS = Math.log2(SEGMENT_KINDS.length);

/**
 * Bits to name how a date is written: zxcvbn reads 4 to 8 digits in 14 layouts (where the year
 * is, how many digits each part has), each with day and month in either order.
 */
const DATE_LAYOUT_BITS = Math.log2(14 * 2);

/** Random bits a canonical UUID of an RFC 9562 variant can carry, by version. */
const UUID_RANDOM_BITS: Record<string, { readonly bits: number; readonly guessable: string }> = {
  // time-based: 60-bit timestamp, 14-bit clock sequence, 48-bit node (usually the MAC address)
  1: { bits: 14, guessable: 'timestamp and MAC address' },
  // DCE security: version 1 with a local id in place of part of the timestamp and clock sequence
  2: { bits: 6, guessable: 'timestamp, local id and MAC address' },
  // version 1 with the timestamp reordered
  6: { bits: 14, guessable: 'timestamp and MAC address' },
  // 48-bit Unix-millisecond timestamp, then random bits
  7: { bits: 74, guessable: 'timestamp' },
};
/** The version and variant fields of an RFC 9562 UUID take 6 of its 128 bits. */
const UUID_MAX_RANDOM_BITS = 122;
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An entropy estimate and the guessable patterns it found. */
export interface EntropyEstimate {
  /** Estimated entropy in bits (not rounded). */
  readonly bits: number;
  /** What makes the value guessable, in words (without quoting the value); empty when nothing was found. */
  readonly patterns: string[];
}

class AccountIdMatching extends MatcherBaseClass {
  match({ password }: MatchOptions): MatchExtended[] {
    return [...password.matchAll(ACCOUNT_ID)].map((m) => ({ pattern: 'awsAccountId', token: m[0], i: m.index, j: m.index + m[0].length - 1 }));
  }
}

const accountIdMatcher: Matcher = {
  Matching: AccountIdMatching,
  scoring: () => ACCOUNT_ID_GUESSES,
  feedback: () => null,
};

/**
 * Finds every maximal run of whole copies of a block, as `repeat` matches. zxcvbn's own repeat
 * matcher takes the longest prefix made of two or more equal halves, so it splits 7 copies of a
 * block into 6 and 1 (or 3 + 3 and 1) and leaves the last copy as arbitrary characters.
 */
class BlockRepeatMatching extends MatcherBaseClass {
  match({ password }: MatchOptions): MatchExtended[] {
    const matches: MatchExtended[] = [];
    for (let period = 1; period * 2 <= password.length; period++) {
      let start = 0;
      while (start + period < password.length) {
        let end = start + period;
        while (end < password.length && password[end] === password[end - period]) {
          end++;
        }
        const copies = Math.floor((end - start) / period);
        const block = password.slice(start, start + period);
        // A block that is itself repeated ("abab") is found with its own, shorter period.
        if (copies >= 2 && `${block}${block}`.indexOf(block, 1) === period) {
          matches.push({
            pattern: 'repeat',
            token: password.slice(start, start + copies * period),
            i: start,
            j: start + copies * period - 1,
            baseToken: block,
            // Only for zxcvbn's own search, which prices an arbitrary character at 10 guesses;
            // segment() prices the block with the estimator's model.
            baseGuesses: 10 ** period,
            repeatCount: copies,
          });
        }
        start = Math.max(start + 1, end - period + 1);
      }
    }
    return matches;
  }
}

const blockRepeatMatcher: Matcher = {
  Matching: BlockRepeatMatching,
  // Scored by zxcvbn's repeat scoring, since the matches are repeat matches.
  scoring: () => 0,
  feedback: () => null,
};

/**
 * Sequences that start one character after a turn. zxcvbn's sequence matcher starts the next run
 * on the last character of the previous one ("HIJK" + "JIH" gives "HIJK" and "KJIH"), so the two
 * overlap and only one of them can be used; this adds the run without its shared first character.
 */
class SequenceAfterTurnMatching extends MatcherBaseClass {
  match({ password }: MatchOptions): MatchExtended[] {
    const matches: MatchExtended[] = [];
    let start = 0;
    for (let k = 2; k <= password.length; k++) {
      const delta = password.charCodeAt(k - 1) - password.charCodeAt(k - 2);
      const runEnds = k === password.length || password.charCodeAt(k) - password.charCodeAt(k - 1) !== delta;
      if (!runEnds) {
        continue;
      }
      // the run is start..k-1 with a constant delta; its successor starts at k-1
      const i = start + 1;
      const j = k - 1;
      if (start > 0 && j - i >= 2 && Math.abs(delta) >= 1 && Math.abs(delta) <= MAX_SEQUENCE_DELTA) {
        const token = password.slice(i, j + 1);
        matches.push({ pattern: 'sequence', token, i, j, sequenceName: 'unicode', sequenceSpace: 26, ascending: delta > 0 });
      }
      start = k - 1;
    }
    return matches;
  }
}

const sequenceAfterTurnMatcher: Matcher = {
  Matching: SequenceAfterTurnMatching,
  // Scored by zxcvbn's sequence scoring, since the matches are sequence matches.
  scoring: () => 0,
  feedback: () => null,
};

let analyser: ZxcvbnFactory | undefined;

/**
 * zxcvbn with common passwords, English words, first and last names, diceware words, keyboard
 * layouts and AWS account ids; built on first use (loading the lists takes a few hundred ms).
 */
function zxcvbn(): ZxcvbnFactory {
  if (!analyser) {
    // The Wikipedia word list is left out: it adds little for ExternalIds and finds most "words"
    // in random strings.
    const english = Object.fromEntries(Object.entries(englishDictionary).filter(([name]) => name !== 'wikipedia-en'));
    analyser = new ZxcvbnFactory({
      dictionary: { ...commonDictionary, ...english },
      graphs: adjacencyGraphs,
      // l33t substitution finds "words" in random strings (every digit stands for a letter) and
      // multiplies the run time; common l33t passwords are in the password list verbatim.
      l33tMaxSubstitutions: 0,
      maxLength: ANALYSED_LENGTH,
    }, { awsAccountId: accountIdMatcher, blockRepeat: blockRepeatMatcher, sequenceAfterTurn: sequenceAfterTurnMatcher });
  }
  return analyser;
}

/**
 * The number of symbols a random character of the value is drawn from: 16 for hexadecimal (digits
 * and letters a-f of one case, separators aside), otherwise the sum of the classes present:
 * lowercase 26, uppercase 26, digits 10, the STS symbols `_+=,.@:/-` 9, anything else 33 (the rest
 * of printable ASCII).
 */
function cardinality(value: string): number {
  const core = value.replace(SEPARATORS, '');
  if (/[a-f]/i.test(core) && (/^[0-9a-f]+$/.test(core) || /^[0-9A-F]+$/.test(core))) {
    return 16;
  }
  const classes: Array<[RegExp, number]> = [
    [/[a-z]/, 26],
    [/[A-Z]/, 26],
    [/[0-9]/, 10],
    [/[_+=,.@:/-]/, 9],
    [/[^\w+=,.@:/-]/, 33],
  ];
  return Math.max(1, classes.reduce((sum, [present, size]) => sum + (present.test(value) ? size : 0), 0));
}

/** Estimates the entropy of a value; see the ExternalId class documentation for the method. */
export function estimateEntropy(value: string): EntropyEstimate {
  if (UUID_PATTERN.test(value)) {
    return estimateUuid(value.replace(/-/g, '').toLowerCase());
  }
  const analysed = value.slice(0, ANALYSED_LENGTH);
  return describe(analysed, Math.log2(cardinality(analysed)));
}

function estimateUuid(hex: string): EntropyEstimate {
  if (/^0+$/.test(hex) || /^f+$/.test(hex)) {
    return { bits: 0, patterns: [`the ${hex[0] === '0' ? 'nil' : 'max'} UUID`] };
  }
  const digits = describe(hex, Math.log2(16));
  // RFC 9562 variant: the variant digit is 8, 9, a or b.
  if (!/[89ab]/.test(hex[16])) {
    return digits;
  }
  const version = hex[12];
  const layout = UUID_RANDOM_BITS[version];
  const randomBits = layout?.bits ?? UUID_MAX_RANDOM_BITS;
  if (digits.bits <= randomBits) {
    return digits;
  }
  const patterns = layout
    ? [...digits.patterns, `a version ${version} UUID, whose ${layout.guessable} leave only ${layout.bits} random bits`]
    : digits.patterns;
  return { bits: randomBits, patterns };
}

/** A segment of a description: a zxcvbn match, or a run of arbitrary characters. */
interface Segment {
  readonly length: number;
  /** Bits to state the segment's content when it is kept as a pattern. */
  readonly patternBits: number;
  /** What the pattern is, in words; undefined for a run of arbitrary characters. */
  readonly pattern?: string;
}

/** Search state: the shortest description found so far of a prefix of the segments. */
interface Description {
  /** Content and structure bits so far, counting the length of every run of arbitrary characters. */
  readonly bits: number;
  readonly endsInRandomRun: boolean;
  readonly hasRandomRun: boolean;
  readonly patterns: readonly string[];
}

/**
 * The shortest description of `value` the estimator finds. Candidate segmentations: zxcvbn's for the
 * whole value, and, when the value has separators, zxcvbn's for each piece between them (zxcvbn
 * prices arbitrary characters so cheaply that it often leaves words between separators unmatched).
 */
function describe(value: string, bitsPerCharacter: number): EntropyEstimate {
  if (value.length === 0) {
    return { bits: 0, patterns: [] };
  }
  const whole = shortest(matchSegments(value, bitsPerCharacter), value.length, bitsPerCharacter);
  const pieces = value.split(SEPARATOR);
  if (pieces.length === 1) {
    return whole;
  }
  // Pieces joined by separators: each separator names which one it is (or that the value ends), and
  // since pieces hold no separator, a run of arbitrary characters may end at its piece's end without
  // stating its length.
  const described = pieces.map((piece) => piece.length === 0 ? { bits: 0, patterns: [] }
    : shortest(matchSegments(piece, bitsPerCharacter), piece.length, bitsPerCharacter));
  const separated: EntropyEstimate = {
    bits: described.reduce((sum, d) => sum + d.bits, 0) + (pieces.length - 1) * Math.log2(SEPARATOR_CHARACTERS.length + 1),
    patterns: [...new Set(described.flatMap((d) => d.patterns))],
  };
  return separated.bits < whole.bits ? separated : whole;
}

function matchSegments(value: string, bitsPerCharacter: number): Segment[] {
  return zxcvbn().check(value).sequence.map((match) => segment(match, value.length, bitsPerCharacter));
}

/**
 * The shortest description of a value of `length` characters cut into `segments`, where each
 * pattern segment is either kept or treated as arbitrary characters.
 */
function shortest(segments: readonly Segment[], length: number, bitsPerCharacter: number): EntropyEstimate {
  // Each segment names its kind; each run of arbitrary characters gives its length, except one
  // (whose length follows from the value's), taken off at the end. Pattern lengths follow from
  // their content. Since these costs add up segment by segment, the search only needs to know
  // whether the description ends in a run and whether it has one.
  const runLengthBits = Math.log2(length);
  let states: Description[] = [{ bits: 0, endsInRandomRun: false, hasRandomRun: false, patterns: [] }];
  for (const seg of segments) {
    const next = new Map<string, Description>();
    const keep = (state: Description) => {
      const key = `${state.endsInRandomRun}/${state.hasRandomRun}`;
      const known = next.get(key);
      if (!known || state.bits < known.bits) {
        next.set(key, state);
      }
    };
    for (const state of states) {
      const randomBits = seg.length * bitsPerCharacter;
      keep(state.endsInRandomRun
        ? { ...state, bits: state.bits + randomBits }
        : { ...state, bits: state.bits + KIND_BITS + runLengthBits + randomBits, endsInRandomRun: true, hasRandomRun: true });
      if (seg.pattern !== undefined) {
        keep({ ...state, bits: state.bits + KIND_BITS + seg.patternBits, endsInRandomRun: false, patterns: [...state.patterns, seg.pattern] });
      }
    }
    states = [...next.values()];
  }

  let best: EntropyEstimate = { bits: length * bitsPerCharacter, patterns: [] };
  for (const state of states) {
    const bits = state.bits - (state.hasRandomRun ? runLengthBits : 0);
    if (bits < best.bits) {
      best = { bits, patterns: [...new Set(state.patterns)].filter((p) => p !== SEPARATOR_PATTERN) };
    }
  }
  return best;
}

function segment(match: MatchExtended, valueLength: number, bitsPerCharacter: number): Segment {
  const length = match.j - match.i + 1;
  if (match.pattern === 'bruteforce') {
    return { length, patternBits: length * bitsPerCharacter };
  }
  let bits = Math.log2(match.guesses as number);
  if (match.pattern === 'repeat') {
    // zxcvbn prices the block with its 10-guesses-per-character model; price it with ours, and say
    // how long it is.
    const block = Array.isArray(match.baseToken) ? match.baseToken.join('') : String(match.baseToken);
    bits = describe(block, bitsPerCharacter).bits + Math.log2(valueLength) + Math.log2(match.repeatCount as number);
  } else if (match.pattern === 'date') {
    // zxcvbn counts the dates, not the ways to write one: name the layout too.
    bits += DATE_LAYOUT_BITS;
  }
  return { length, patternBits: Math.min(bits, length * bitsPerCharacter), pattern: patternName(match) };
}

function patternName(match: MatchExtended): string {
  switch (match.pattern) {
    case 'dictionary':
      return String(match.dictionaryName).startsWith('passwords') ? 'a common password'
        : /names/.test(String(match.dictionaryName)) ? 'a first or last name'
          : 'a dictionary word';
    case 'spatial': return 'a keyboard run';
    case 'repeat': return 'a repeated character or block';
    case 'sequence': return 'a character sequence (such as abcd or 1234)';
    case 'regex': return match.regexName === 'recentYear' ? 'a year' : 'a common pattern';
    case 'date': return 'a date';
    case 'separator': return SEPARATOR_PATTERN;
    case 'wordSequence': return 'a sequence of words (such as numbers or month names)';
    case 'awsAccountId': return 'an AWS account id';
    default: return `a ${match.pattern} pattern`;
  }
}
