import { decodeText, ENCODING_BITS } from './decode';
import { datesAt, digitRunIdentifier, IdentifierKind, isAlphanumeric, objectIdAt, ulidAt, uuidAt } from './identifiers';
import { Lexicon, loadLexicon, MAX_WORD_LENGTH, WordEntry, WordSource } from './words';

// The pattern model: the shortest description of a text as a sequence of segments, found by a
// dynamic programme over its positions (a minimum description length code; Rissanen, "Modeling by
// shortest data description", Automatica 14, 1978). Every part of a description is charged the bits
// of a code an attacker could enumerate, so the total is log2 of the guesses needed for values made
// the same way. The method is documented for users on the ExternalId class.

/** What a description found; index.ts words them. */
export type FindingKind = WordSource | IdentifierKind | 'unknownWord' | 'leet' | 'accountId' | 'region' | 'arn' | 'url' | 'email' | 'host'
| 'number' | 'version' | 'repeat' | 'sequence' | 'keyboard' | 'encoded' | 'ipAddress';

export interface Finding {
  readonly kind: FindingKind;
  /** For `encoded`: the encoding, the decoded text and what it contains. */
  readonly encoding?: string;
  readonly text?: string;
  readonly inner?: readonly Finding[];
}

export interface Description {
  readonly bits: number;
  readonly findings: readonly Finding[];
}

export interface Context {
  /** The time plausibility checks of time-based identifiers compare with, in Unix milliseconds. */
  readonly now: number;
  /** Descriptions of the parts of URLs, host names and e-mail addresses, which overlapping candidates share. */
  readonly memo: Map<string, Description>;
  /** How many encodings deep the text is; decoding stops at 2. */
  readonly depth: number;
}

/**
 * The bits to say what kind the next segment is: a prefix code with these probabilities. Words and
 * separators are most of what people put in identifiers; a structure names one of 16 kinds
 * (account id, date, UUID, URL...).
 */
const KIND_BITS = {
  word: -Math.log2(0.4),
  separator: -Math.log2(0.3),
  number: -Math.log2(0.08),
  random: -Math.log2(0.06),
  repeat: -Math.log2(0.02),
  sequence: -Math.log2(0.02),
  keyboard: -Math.log2(0.02),
  structure: -Math.log2(0.1 / 16),
};

/**
 * Letter strings not in the word lists, when short (up to 4 letters) or pronounceable (up to 12), count
 * as one of 2^20 words: several times the 180,000 distinct entries of the lists, leaving room for brand
 * and product names, abbreviations and words of other languages. A longer pronounceable string costs
 * what picking one of its length costs: measured by sampling, about 1 in 2^(0.8 L) strings of L random
 * letters passes `pronounceable`, so there are about 2^(3.9 L) of them. Unlike a listed word, such a
 * string does not say where it ends, so its length is charged too (Elias gamma, 5 bits for 4 to 7
 * letters). With that, a run of 3 to 5 random letters inside a random value never costs less as a word
 * than as random characters (5 random base64 characters are 30 bits; as a word, 20 + 5 bits, plus its
 * kind and its case).
 */
const UNKNOWN_WORD_BITS = 20;
const PRONOUNCEABLE_BITS_PER_LETTER = 3.9;
const SHORT_WORD_LENGTH = 4;
const MAX_UNKNOWN_WORD_LENGTH = 12;

/** Guesses for an AWS account id: it is no secret (it is in every ARN of the account); the target's, the vendor's and a few well-known ones. */
const ACCOUNT_ID_BITS = Math.log2(100);
/** About 40 AWS Regions. */
const REGION_BITS = Math.log2(40);
/** Copies look back at most this far, which keeps the search linear. */
const MAX_COPY_OFFSET = 128;
/** Repeats of up to this many characters may end anywhere; longer ones only at their longest. */
const SHORT_REPEAT = 8;
/** Longest sequence or keyboard run considered from one position. */
const MAX_RUN = 40;
/** A run of random characters goes on with probability 15/16 at each character. */
const CONTINUE_BITS = Math.log2(16 / 15);
const END_RUN_BITS = 4;

const LEET: Record<string, string> = { '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '8': 'b', '9': 'g', '@': 'a' };
/** Letters with a leet form; `a` has two (4 and @). */
const LEETABLE = new Set(['a', 'b', 'e', 'g', 'i', 'l', 'o', 's', 't']);

const PRINTABLE_SYMBOLS = 33;
const STS_SYMBOLS = '_+=,.@:/-';

interface Alphabet {
  readonly name: string;
  readonly size: number;
  readonly test: RegExp;
}

/** The alphabets random characters are drawn from, smallest first. */
const ALPHABETS: readonly Alphabet[] = [
  { name: 'digits', size: 10, test: /^[0-9]*$/ },
  { name: 'hex', size: 16, test: /^[0-9a-f]*$/ },
  { name: 'HEX', size: 16, test: /^[0-9A-F]*$/ },
  { name: 'lower', size: 26, test: /^[a-z]*$/ },
  { name: 'upper', size: 26, test: /^[A-Z]*$/ },
  { name: 'base32', size: 32, test: /^[A-Z2-7]*$/ },
  { name: 'base32 lower', size: 32, test: /^[a-z2-7]*$/ },
  { name: 'lower+digits', size: 36, test: /^[a-z0-9]*$/ },
  { name: 'upper+digits', size: 36, test: /^[A-Z0-9]*$/ },
  { name: 'letters', size: 52, test: /^[A-Za-z]*$/ },
  { name: 'base58', size: 58, test: /^[1-9A-HJ-NP-Za-km-z]*$/ },
  { name: 'alphanumeric', size: 62, test: /^[A-Za-z0-9]*$/ },
  { name: 'base64url', size: 64, test: /^[A-Za-z0-9_-]*$/ },
  { name: 'base64', size: 64, test: /^[A-Za-z0-9+/]*$/ },
  { name: 'STS', size: 62 + STS_SYMBOLS.length, test: /^[A-Za-z0-9_+=,.@:/-]*$/ },
];
const RUN_ALPHABETS = ['digits', 'hex', 'HEX', 'lower', 'upper'].map((name) => ALPHABETS.find((a) => a.name === name)!);

/** The characters of a value that carry information, and the smallest alphabet they come from. */
export interface Charset {
  /** Characters other than base64 or base32 padding at the end. */
  readonly length: number;
  readonly size: number;
}

/**
 * The smallest of the common alphabets of random values that has every character of `text`, ignoring
 * `=` padding at its end; otherwise the sum of the classes present (lower case 26, upper case 26,
 * digits 10, the STS symbols 9, other printable ASCII 33).
 */
export function charset(text: string): Charset {
  const core = text.replace(/=+$/, '');
  const padded = core.length > 0 && core.length < text.length && ALPHABETS.some((a) => (a.name === 'base64' || a.name.startsWith('base32')) && a.test.test(core));
  const chars = padded ? core : text;
  const alphabet = ALPHABETS.find((a) => a.test.test(chars));
  if (alphabet) {
    return { length: chars.length, size: alphabet.size };
  }
  const classes: Array<[RegExp, number]> = [[/[a-z]/, 26], [/[A-Z]/, 26], [/[0-9]/, 10], [/[_+=,.@:/-]/, 9], [/[^A-Za-z0-9_+=,.@:/-]/, PRINTABLE_SYMBOLS]];
  const size = classes.reduce((sum, [present, n]) => sum + (present.test(text) ? n : 0), 0);
  return { length: text.length, size: Math.max(size, 1) };
}

/**
 * Offers the search a segment from the current position to `end`, costing `bits`, with what it found.
 * `chainKindBits`: for a segment that may follow another of a chain for one bit, the bits of its kind
 * that then go.
 */
type Add = (end: number, bits: number, findings: readonly Finding[], chainKindBits?: number) => void;

const NO_FINDINGS: readonly Finding[] = [];
const FINDINGS = new Map<FindingKind, readonly Finding[]>();
/** The findings of a segment that found one thing (shared: segments are offered by the ten thousand). */
function found(kind: FindingKind): readonly Finding[] {
  let findings = FINDINGS.get(kind);
  if (!findings) {
    findings = [{ kind }];
    FINDINGS.set(kind, findings);
  }
  return findings;
}
const LEET_WORD: Record<WordSource, readonly Finding[]> = {
  word: [{ kind: 'word' }, { kind: 'leet' }],
  placeholder: [{ kind: 'placeholder' }, { kind: 'leet' }],
  password: [{ kind: 'password' }, { kind: 'leet' }],
  name: [{ kind: 'name' }, { kind: 'leet' }],
};
const ARN_WITH_ACCOUNT: readonly Finding[] = [{ kind: 'arn' }, { kind: 'accountId' }];


/**
 * Where a repeat from `start` may end: after each of its first characters, then only at its longest.
 * A repeat cut short in the middle is rarely part of the shortest description, and offering every
 * length would make the search quadratic in the length of a long repeat.
 */
function* repeatEnds(start: number, shortest: number, longest: number): Generator<number> {
  for (let length = shortest; length <= Math.min(longest, SHORT_REPEAT); length++) {
    yield start + length;
  }
  if (longest > SHORT_REPEAT) {
    yield start + longest;
  }
}

/** The shortest description of `text` the search finds. */
export function describe(text: string, ctx: Context): Description {
  const known = ctx.memo.get(`${ctx.depth}:${text}`);
  if (known) {
    return known;
  }
  const result = new Search(text, ctx, loadLexicon()).run();
  ctx.memo.set(`${ctx.depth}:${text}`, result);
  return result;
}

class Search {
  private readonly n: number;
  private readonly lower: string;
  /** `lower` with leet undone, reading 1 as i, and as l. */
  private readonly deleetI: string;
  private readonly deleetL: string;
  private readonly mixedCase: boolean;
  private readonly separatorBits: number;
  private readonly runAlphabets: readonly Alphabet[];
  private readonly runAlphabetBits: number;
  /** Bits of one character of the value's own alphabet. */
  private readonly characterBits: number;
  /** Where the letter token starting at each position ends (lower case, Capitalised or UPPER). */
  private readonly tokenEnd: Int32Array;

  constructor(private readonly text: string, private readonly ctx: Context, private readonly lexicon: Lexicon) {
    this.n = text.length;
    this.lower = text.toLowerCase();
    this.deleetI = this.lower.replace(/[0134578@9]/g, (c) => LEET[c]);
    this.deleetL = this.lower.replace(/[0134578@9]/g, (c) => (c === '1' ? 'l' : LEET[c]));
    this.mixedCase = /[a-z]/.test(text) && /[A-Z]/.test(text);

    // Separators: the set used is stated once (which of the possible symbols), then each separator
    // names one of that set. Stating the set is spread over the separators, so that a description
    // whose structures (a URL, a UUID) take in the separators does not pay for it in full.
    const symbols = [...text].filter((c) => !isAlphanumeric(c.charCodeAt(0)));
    const separators = new Set(symbols);
    const pool = [...separators].every((c) => STS_SYMBOLS.includes(c)) ? STS_SYMBOLS.length : PRINTABLE_SYMBOLS;
    const setBits = separators.size === 0 ? 0 : Math.log2(binomial(pool, separators.size));
    this.separatorBits = KIND_BITS.separator + Math.log2(Math.max(1, separators.size)) + setBits / Math.max(1, symbols.length);

    const own = charset(text);
    this.characterBits = Math.log2(own.size);
    const valueAlphabet: Alphabet = { name: 'value', size: own.size, test: /[^]/ };
    this.runAlphabets = [valueAlphabet, ...RUN_ALPHABETS.filter((a) => a.size < own.size)];
    this.runAlphabetBits = Math.log2(this.runAlphabets.length);

    this.tokenEnd = new Int32Array(this.n).fill(-1);
    for (const m of text.matchAll(/[A-Z]+(?![a-z])|[A-Z]?[a-z]+/g)) {
      this.tokenEnd[m.index] = m.index + m[0].length;
    }
  }

  run(): Description {
    const n = this.n;
    const runs = this.runAlphabets.length;
    // boundary[i]: the cheapest description of text[0, i) that ends with a complete segment;
    // chain[i]: the same, ending with a sequence or keyboard run that another may follow for one bit
    // instead of naming its kind (abcXYZ, qwertyasdf);
    // run[a][i]: the same, ending inside a run of random characters of alphabet a.
    // For boundary and chain, how each was reached: from which position and state (BOUNDARY, CHAIN),
    // and by which segment (its findings; none for a random run).
    const boundary = new Reached(n);
    const chain = new Reached(n);
    const run = Array.from({ length: runs }, () => new Float64Array(n + 1).fill(Infinity));
    const runStart = Array.from({ length: runs }, () => new Int32Array(n + 1));
    const members = this.runAlphabets.map((a) => a.name === 'value' ? undefined : a.test);
    boundary.bits[0] = 0;

    const repeats = new RepeatIndex(this.text);
    for (let i = 0; i <= n; i++) {
      boundary.offer(i, chain.bits[i] + 1, i, CHAIN, undefined);
      for (let a = 0; a < runs; a++) {
        boundary.offer(i, run[a][i] + (i === n ? 0 : END_RUN_BITS), runStart[a][i], BOUNDARY, undefined);
      }
      if (i === n) break;

      const c = this.text[i];
      for (let a = 0; a < runs; a++) {
        const test = members[a];
        if (test && !test.test(c)) continue;
        const charBits = Math.log2(this.runAlphabets[a].size) + CONTINUE_BITS;
        const started = boundary.bits[i] + KIND_BITS.random + this.runAlphabetBits + charBits;
        const continued = run[a][i] + charBits;
        if (continued <= started) {
          run[a][i + 1] = continued;
          runStart[a][i + 1] = runStart[a][i];
        } else {
          run[a][i + 1] = started;
          runStart[a][i + 1] = i;
        }
      }

      const fromBoundary = boundary.bits[i];
      const fromChain = chain.bits[i];
      if (fromBoundary === Infinity && fromChain === Infinity) continue;
      this.segmentsAt(i, repeats.longestAt(i), (end, bits, findings, chainKindBits) => {
        if (chainKindBits === undefined) {
          boundary.offer(end, fromBoundary + bits, i, BOUNDARY, findings);
        } else {
          chain.offer(end, fromBoundary + bits, i, BOUNDARY, findings);
          chain.offer(end, fromChain + 1 + bits - chainKindBits, i, CHAIN, findings);
        }
      });
    }

    const findings: Finding[] = [];
    let state = BOUNDARY;
    for (let j = n; j > 0;) {
      const reached = state === BOUNDARY ? boundary : chain;
      const from = reached.from[j];
      const segment = reached.findings[j];
      if (segment) {
        findings.unshift(...segment);
      }
      state = reached.state[j];
      j = from;
    }
    // A host name described as words and dots (cheaper than as a host name when it has few labels) is
    // still named as one.
    if (!findings.some((f) => f.kind === 'url' || f.kind === 'email' || f.kind === 'host') && this.hasHostName()) {
      findings.push({ kind: 'host' });
    }
    return { bits: boundary.bits[n], findings };
  }

  private hasHostName(): boolean {
    for (const m of this.text.matchAll(HOST_NAME)) {
      if (this.lexicon.topLevelDomains.has(m[1].toLowerCase())) return true;
    }
    return false;
  }

  /** Every segment that starts at `i`. */
  private segmentsAt(i: number, longestRepeat: number, add: Add): void {
    const text = this.text;
    const code = text.charCodeAt(i);
    const prev = i > 0 ? text.charCodeAt(i - 1) : -1;
    const startsToken = prev < 0 || !isAlphanumeric(prev);

    if (!isAlphanumeric(code)) {
      add(i + 1, this.separatorBits, NO_FINDINGS);
    }
    this.words(i, add);
    this.numbers(i, prev, add);
    this.structures(i, prev, startsToken, add);
    this.sequences(i, add);
    this.keyboardRuns(i, add);
    // One character repeated: which, and how many times.
    let same = i + 1;
    while (same < this.n && text.charCodeAt(same) === code && same - i < MAX_RUN) same++;
    for (const end of repeatEnds(i, 3, same - i)) {
      add(end, KIND_BITS.repeat + this.characterBits + eliasGamma(end - i), found('repeat'));
    }
    // A copy of what came `offset` characters before: which offset (small ones are likelier), then how long.
    if (longestRepeat >= 2) {
      const offsetBits = eliasGamma(Math.min(i, MAX_COPY_OFFSET));
      for (const end of repeatEnds(i, 2, longestRepeat)) {
        add(end, KIND_BITS.repeat + offsetBits + eliasGamma(end - i), found('repeat'));
      }
    }
  }

  /** Dictionary words (leet undone), and letter tokens that read as words. */
  private words(i: number, add: Add): void {
    const text = this.text;
    const { prefixes } = this.lexicon;
    // the text as written, and with leet read as letters (1 as i, and as l)
    const variants = [this.lower, this.deleetI, this.deleetL];
    const dead = [false, false, false];
    let letters = 0;
    let leet = false;
    let one = false;
    const last = Math.min(this.n, i + MAX_WORD_LENGTH);
    for (let j = i + 1; j <= last; j++) {
      const c = text.charCodeAt(j - 1);
      if (!isAlphanumeric(c) && c !== 64 /* @ */) break;
      // a word does not go on from a lower-case letter to an upper-case one (camelCase)
      if (j - 1 > i && isUpper(c) && isLower(text.charCodeAt(j - 2))) break;
      if (isLetter(c)) letters++;
      leet ||= LEET[text[j - 1]] !== undefined;
      one ||= c === 49; /* 1 */
      for (let v = 0; v < variants.length; v++) {
        if (dead[v] || (v === 1 && !leet) || (v === 2 && !one)) continue;
        const candidate = variants[v].slice(i, j);
        if ((j - i === 3 || j - i === 4) && !prefixes.has(candidate)) {
          dead[v] = true;
          continue;
        }
        const entry = j - i >= 2 && letters > 0 ? lookup(this.lexicon, candidate) : undefined;
        if (!entry) continue;
        if (v === 0) {
          this.word(i, j, entry.bits, entry.source, 0, add);
        } else if (/^[a-z]+$/.test(candidate) && j - i >= 3 && 2 * letters >= j - i) {
          // leet: at least 3 characters, at least half of them letters (else random digits and letters
          // read as words too easily)
          this.word(i, j, entry.bits, entry.source, leetBits(this.lower.slice(i, j), candidate), add);
        }
      }
      if (dead[0] && (dead[1] || !leet) && (dead[2] || !one)) break;
    }
    const end = this.tokenEnd[i];
    if (end - i >= 2 && (end - i <= SHORT_WORD_LENGTH || (end - i <= MAX_UNKNOWN_WORD_LENGTH && pronounceable(this.lower.slice(i, end))))) {
      const bits = Math.max(UNKNOWN_WORD_BITS, (end - i) * PRONOUNCEABLE_BITS_PER_LETTER) + eliasGamma(end - i);
      add(end, KIND_BITS.word + bits + this.caseBits(i, end), found('unknownWord'));
    }
  }

  private word(i: number, j: number, bits: number, source: WordSource, leet: number, add: Add): void {
    add(j, KIND_BITS.word + bits + this.caseBits(i, j) + leet, leet > 0 ? LEET_WORD[source] : found(source));
  }

  /**
   * How a word's letters are capitalised: nothing to say when the value has one case; otherwise lower
   * case, Capitalised or UPPER (1, 2 or 3 bits), or each letter's case.
   */
  private caseBits(i: number, j: number): number {
    if (!this.mixedCase) {
      return 0;
    }
    const letters = this.text.slice(i, j).replace(/[^A-Za-z]/g, '');
    if (letters === letters.toLowerCase()) return 1;
    if (letters[0] === letters[0].toUpperCase() && letters.slice(1) === letters.slice(1).toLowerCase()) return 2;
    if (letters === letters.toUpperCase()) return 3;
    return 3 + letters.length;
  }

  /** Numbers, AWS account ids, Unix times, snowflake ids, dates and timestamps in runs of digits. */
  private numbers(i: number, prev: number, add: Add): void {
    const text = this.text;
    if (!isDigit(text.charCodeAt(i)) || isDigit(prev)) {
      return;
    }
    let end = i;
    while (end < this.n && isDigit(text.charCodeAt(end))) end++;
    const digits = end - i;
    add(end, KIND_BITS.number + numberBits(text.slice(i, end)), found('number'));
    // Inside a hexadecimal token, long digit runs are common (one in 300 random 32-digit tokens has 12
    // digits in a row), so they are only read as account ids or times in tokens of their own or with
    // letters beyond f.
    if (this.inHexToken(i, end)) {
      return;
    }
    if (digits === 12) {
      add(end, KIND_BITS.structure + ACCOUNT_ID_BITS, found('accountId'));
    }
    const identifier = digitRunIdentifier(text, i, digits, this.ctx.now);
    if (identifier) {
      add(end, KIND_BITS.structure + identifier.bits, found(identifier.kind));
    }
    for (const date of datesAt(text, i)) {
      add(date.end, KIND_BITS.structure + date.bits, found(date.kind));
    }
    IPV4.lastIndex = i;
    const ip = IPV4.exec(text);
    if (ip && [ip[1], ip[3], ip[4], ip[5]].every((octet) => Number(octet) <= 255)) {
      add(i + ip[0].length, KIND_BITS.structure + IPV4_BITS, found('ipAddress'));
    }
    SEMVER.lastIndex = i;
    const semver = SEMVER.exec(text);
    if (semver) {
      add(i + semver[0].length, KIND_BITS.structure + versionBits(semver[0]), found('version'));
    }
  }

  /** Whether text[start, end) is part of a longer run of letters and digits that is all hexadecimal. */
  private inHexToken(start: number, end: number): boolean {
    let from = start;
    let to = end;
    while (from > 0 && isAlphanumeric(this.text.charCodeAt(from - 1))) from--;
    while (to < this.n && isAlphanumeric(this.text.charCodeAt(to))) to++;
    return (from < start || to > end) && /^[0-9a-f]+$/i.test(this.text.slice(from, to));
  }

  private structures(i: number, prev: number, startsToken: boolean, add: Add): void {
    const text = this.text;
    const code = text.charCodeAt(i);
    const now = this.ctx.now;
    if (code === 118 || code === 86) { // v, V
      VERSION.lastIndex = i;
      const version = VERSION.exec(text);
      if (version) {
        add(i + version[0].length, KIND_BITS.structure + 1 + versionBits(version[0].slice(1)), found('version'));
      }
    }
    if (isLetter(code) && !isLetter(prev)) {
      REGION.lastIndex = i;
      const region = REGION.exec(text);
      if (region) {
        add(i + region[0].length, KIND_BITS.structure + REGION_BITS, found('region'));
      }
      this.arn(i, add);
      this.url(i, add);
    }
    if (!startsToken) {
      return;
    }
    for (const id of [uuidAt(text, i, now), ulidAt(text, i, now), objectIdAt(text, i, now)]) {
      if (id) {
        add(id.end, KIND_BITS.structure + id.bits, found(id.kind));
      }
    }
    this.hostsAndEmails(i, add);
    // encoded text: maximal runs of the base64 alphabet only, so that the runs tried do not overlap
    if (this.ctx.depth < 2 && !(prev >= 0 && BASE64_CHARACTER.test(text[i - 1]))) {
      ENCODED.lastIndex = i;
      const token = ENCODED.exec(text);
      const decoded = token && decodeText(token[0]);
      if (decoded) {
        const inner = describe(decoded.text, { ...this.ctx, depth: this.ctx.depth + 1 });
        add(i + token[0].length, KIND_BITS.structure + ENCODING_BITS + inner.bits,
          [{ kind: 'encoded', encoding: decoded.encoding, text: decoded.text, inner: inner.findings }]);
      }
    }
  }

  /** The fixed part of an ARN, up to the resource: partition, service, Region and account. */
  private arn(i: number, add: Add): void {
    ARN.lastIndex = i;
    const m = ARN.exec(this.text);
    if (!m) {
      return;
    }
    const [, partition, service, region, account] = m;
    const part = (value: string | undefined, known: number) => 1 + (!value ? 0 : known);
    add(i + m[0].length,
      KIND_BITS.structure
        + (partition === 'aws' ? 1 : 1 + Math.log2(6))
        + part(service, this.sub(service))
        + part(region, REGION_PATTERN.test(region) ? REGION_BITS : this.sub(region))
        + part(account, account === 'aws' ? 1 : ACCOUNT_ID_BITS),
      account && account !== 'aws' ? ARN_WITH_ACCOUNT : found('arn'));
  }

  /** A URL: which scheme, its host name, and the path segments after it (each segment a possible end). */
  private url(i: number, add: Add): void {
    SCHEME.lastIndex = i;
    const scheme = SCHEME.exec(this.text);
    if (!scheme) {
      return;
    }
    const start = i + scheme[0].length;
    for (const host of this.hostsFrom(start, false, 1)) {
      let bits = KIND_BITS.structure + Math.log2(8) + host.bits;
      let end = host.end;
      PORT.lastIndex = end;
      const port = PORT.exec(this.text);
      bits += 1 + (port ? numberBits(port[0].slice(1)) : 0);
      end += port ? port[0].length : 0;
      add(end, bits + 1, found('url'));
      // each path segment: one bit to say there is another, then its description
      let guard = 0;
      while (this.text[end] === '/' && guard++ < MAX_RUN) {
        let next = end + 1;
        while (next < this.n && this.text[next] !== '/') next++;
        bits += 1 + (next > end + 1 ? this.sub(this.text.slice(end + 1, next)) : 0);
        end = next;
        add(end, bits + 1, found('url'));
      }
      // only the longest host is followed by a path
      break;
    }
  }

  /** Host names ending in a known top-level domain, and e-mail addresses, starting at `i`. */
  private hostsAndEmails(i: number, add: Add): void {
    for (const host of this.hostsFrom(i, true)) {
      add(host.end, KIND_BITS.structure + host.bits, found('host'));
    }
    LOCAL_PART.lastIndex = i;
    const local = LOCAL_PART.exec(this.text);
    if (local) {
      const localBits = this.sub(local[0].slice(0, -1));
      for (const host of this.hostsFrom(i + local[0].length, false)) {
        add(host.end, KIND_BITS.structure + localBits + host.bits, found('email'));
      }
    }
  }

  /**
   * Host names of `minLabels` or more labels from `start`, longest first: the number of labels and each
   * label's description. With `knownDomain`, only those ending in a known top-level domain.
   */
  private hostsFrom(start: number, knownDomain: boolean, minLabels = 2): Array<{ end: number; bits: number }> {
    HOST.lastIndex = start;
    const m = HOST.exec(this.text) ?? (minLabels === 1 ? LABEL.exec(this.text.slice(start)) : null);
    if (!m) {
      return [];
    }
    const labels = m[0].split('.');
    const hosts: Array<{ end: number; bits: number }> = [];
    let bits = 0;
    let end = start - 1;
    for (let k = 0; k < labels.length && k < MAX_RUN; k++) {
      bits += this.sub(labels[k]);
      end += labels[k].length + 1;
      if (k + 1 >= minLabels && (!knownDomain || this.lexicon.topLevelDomains.has(labels[k].toLowerCase()))) {
        hosts.push({ end, bits: bits + eliasGamma(k + 1) });
      }
    }
    return hosts.reverse();
  }

  /** Bits of a part of a structure (a host label, a path segment...), described on its own. */
  private sub(part: string): number {
    return part.length === 0 ? 0 : describe(part, this.ctx).bits;
  }

  /**
   * Runs of characters whose codes step by the same amount (abcd, 2468, ZYX), in one class: the first
   * character (1 of 7 obvious ones such as a, z, 0 or 9, or any), the step (1 up or down, or up to 5),
   * and the length, of those the class leaves room for.
   */
  private sequences(i: number, add: Add): void {
    const text = this.text;
    const first = text.charCodeAt(i);
    const size = isDigit(first) ? 10 : isLetter(first) ? 26 : 0;
    if (size === 0 || i + 2 >= this.n) return;
    const delta = text.charCodeAt(i + 1) - first;
    if (delta === 0 || Math.abs(delta) > 5) return;
    const startBits = 1 + (OBVIOUS_STARTS.includes(text[i]) ? Math.log2(OBVIOUS_STARTS.length) : Math.log2(size));
    const stepBits = Math.abs(delta) === 1 ? 2 : 2 + Math.log2(8);
    const base = isDigit(first) ? 48 : isUpper(first) ? 65 : 97;
    const room = delta > 0 ? Math.floor((base + size - 1 - first) / delta) + 1 : Math.floor((first - base) / -delta) + 1;
    // short runs are likelier: a bit to choose between an Elias gamma code and a uniform one
    const lengthBits = (length: number) => 1 + Math.min(eliasGamma(length - 2), Math.log2(Math.max(1, room - 2)));
    let end = i + 1;
    while (end < this.n && end - i < MAX_RUN && text.charCodeAt(end) - text.charCodeAt(end - 1) === delta && sameClass(first, text.charCodeAt(end))) {
      end++;
      if (end - i >= 3) {
        add(end, KIND_BITS.sequence + startBits + stepBits + lengthBits(end - i), found('sequence'), KIND_BITS.sequence);
      }
    }
  }

  /**
   * Runs of keys next to each other on a keyboard (zxcvbn's QWERTY, Dvorak and keypad graphs): which
   * layout and first key, then at each key whether it goes on in the same direction (1 bit) or turns
   * (1 bit and which direction), and whether Shift changes.
   */
  private keyboardRuns(i: number, add: Add): void {
    const text = this.text;
    const layouts = this.lexicon.keyboards.length;
    for (const keyboard of this.lexicon.keyboards) {
      let adjacent = keyboard.next.get(text[i]);
      if (!adjacent) continue;
      let bits = KIND_BITS.keyboard + Math.log2(layouts) + Math.log2(keyboard.keys);
      let direction = -1;
      let shifted = false;
      for (let j = i + 1; j < this.n && j - i < MAX_RUN && adjacent; j++) {
        const step = adjacent.get(text[j]);
        if (!step) break;
        bits += step.direction === direction ? 1 : 1 + Math.log2(keyboard.directions);
        bits += step.shifted === shifted ? 0 : 1;
        direction = step.direction;
        shifted = step.shifted;
        adjacent = keyboard.next.get(text[j]);
        if (j + 1 - i >= 4) {
          add(j + 1, bits + eliasGamma(j + 1 - i), found('keyboard'), KIND_BITS.keyboard);
        }
      }
    }
  }
}

const BOUNDARY = 0;
const CHAIN = 1;

/** The cheapest bits found to reach each position in one state of the search, and how (typed arrays: no allocation per step). */
class Reached {
  readonly bits: Float64Array;
  readonly from: Int32Array;
  readonly state: Uint8Array;
  readonly findings: Array<readonly Finding[] | undefined>;

  constructor(n: number) {
    this.bits = new Float64Array(n + 1).fill(Infinity);
    this.from = new Int32Array(n + 1);
    this.state = new Uint8Array(n + 1);
    this.findings = new Array(n + 1);
  }

  offer(at: number, bits: number, from: number, state: number, findings: readonly Finding[] | undefined): void {
    if (bits < this.bits[at]) {
      this.bits[at] = bits;
      this.from[at] = from;
      this.state[at] = state;
      this.findings[at] = findings;
    }
  }
}

/**
 * For each position, the longest stretch equal to the text some offset (up to MAX_COPY_OFFSET) before
 * it; built from the end in O(length x MAX_COPY_OFFSET).
 */
class RepeatIndex {
  private readonly longest: Int32Array;

  constructor(text: string) {
    const n = text.length;
    this.longest = new Int32Array(n + 1);
    const current = new Int32Array(MAX_COPY_OFFSET + 1);
    for (let i = n - 1; i >= 1; i--) {
      let best = 0;
      const c = text.charCodeAt(i);
      for (let offset = 1; offset <= Math.min(i, MAX_COPY_OFFSET); offset++) {
        current[offset] = c === text.charCodeAt(i - offset) ? current[offset] + 1 : 0;
        if (current[offset] > best) best = current[offset];
      }
      this.longest[i] = best;
    }
  }

  longestAt(i: number): number {
    return this.longest[i];
  }
}

const OBVIOUS_STARTS = 'aAzZ019';
/** An IPv4 address, written with dots or (as in EC2 host names) hyphens. */
const IPV4 = /(\d{1,3})([.-])(\d{1,3})\2(\d{1,3})\2(\d{1,3})(?![0-9])/y;
/** 32 bits of address and 1 for the separator. */
const IPV4_BITS = 33;
const SEMVER = /\d{1,3}\.\d{1,3}\.\d{1,4}(?![0-9])/y;
const VERSION = /[vV]\d{1,4}(?:\.\d{1,4}){0,3}(?![0-9])/y;
const REGION_PATTERN = /^(?:us|eu|ap|sa|ca|me|af|il|mx|cn)-(?:gov-|iso-|isob-)?(?:east|west|north|south|central|northeast|southeast|northwest|southwest)-\d$/;
const REGION = new RegExp(REGION_PATTERN.source.slice(1, -1), 'y');
const ARN = /arn:(aws(?:-cn|-us-gov|-iso(?:-[bef])?)?):([a-z0-9-]*):([a-z0-9-]*):(\d{12}|aws)?:/y;
const SCHEME = /(?:https?|wss?|ftps?|s3|git|ssh|sftp):\/\//y;
const PORT = /:\d{1,5}(?![0-9])/y;
const HOST = /[A-Za-z0-9][A-Za-z0-9-]{0,62}(?:\.[A-Za-z0-9][A-Za-z0-9-]{0,62}){1,39}/y;
const HOST_NAME = /(?<![A-Za-z0-9.-])[A-Za-z0-9][A-Za-z0-9-]{0,62}(?:\.[A-Za-z0-9][A-Za-z0-9-]{0,62}){0,38}\.([A-Za-z]{2,63})(?![A-Za-z0-9-])/g;
const LABEL = /^[A-Za-z0-9][A-Za-z0-9-]{0,62}/;
const LOCAL_PART = /[A-Za-z0-9._+-]{1,64}@/y;
const ENCODED = /[A-Za-z0-9+/]+=*/y;
const BASE64_CHARACTER = /[A-Za-z0-9+/=]/;

/** A listed word, or the plural (-s, -es) of one at one bit more. */
function lookup(lexicon: Lexicon, candidate: string): WordEntry | undefined {
  const { words, wordEntry } = lexicon;
  const entry = words.get(candidate);
  if (entry !== undefined || candidate.length < 4 || !candidate.endsWith('s')) {
    return entry === undefined ? undefined : wordEntry(entry);
  }
  const singular = words.get(candidate.slice(0, -1)) ?? (candidate.endsWith('es') ? words.get(candidate.slice(0, -2)) : undefined);
  if (singular === undefined) {
    return undefined;
  }
  const { bits, source } = wordEntry(singular);
  return { bits: bits + 1, source };
}

/** A number as a counter (log2 of its value, plus its width when zero-padded) or as digits, whichever is shorter. */
function numberBits(digits: string): number {
  const asDigits = digits.length * Math.log2(10);
  if (digits.length > 15) {
    return asDigits;
  }
  const counter = Math.log2(Number(digits) + 2) + 1 + (digits.length > 1 && digits[0] === '0' ? Math.log2(digits.length) : 0);
  return Math.min(asDigits, counter);
}

/** A version: how many components (up to 4), then each as a number. */
function versionBits(version: string): number {
  return 2 + version.split('.').reduce((sum, part) => sum + numberBits(part), 0);
}

/**
 * Which letters of a word are written in leet: 1 bit to say there are some, which of the letters that
 * have a leet form (log2 of the choices), and for each `a`, whether 4 or @.
 */
function leetBits(written: string, plain: string): number {
  let leetable = 0;
  let substituted = 0;
  let extra = 0;
  for (let k = 0; k < plain.length; k++) {
    if (LEETABLE.has(plain[k])) leetable++;
    if (written[k] !== plain[k]) {
      substituted++;
      if (plain[k] === 'a') extra++;
    }
  }
  return 1 + Math.log2(binomial(leetable, substituted)) + extra;
}

/** Elias gamma code length of a positive integer: a length that is not known in advance. */
function eliasGamma(n: number): number {
  return 2 * Math.floor(Math.log2(n)) + 1;
}

function binomial(n: number, k: number): number {
  let result = 1;
  for (let i = 1; i <= k; i++) {
    result = (result * (n - k + i)) / i;
  }
  return result;
}

/**
 * Consonant clusters English spelling uses at the start, inside or at the end of a syllable (and across
 * two syllables): a letter string whose clusters are all among them can be read aloud.
 */
const CLUSTERS = new Set(`
bl br ch cl cr dr fl fr gl gr kl kn pl pr ph sc sh sk sl sm sn sp st sw th tr tw wh wr
bb cc dd ff gg ll mm nn pp rr ss tt zz ck ct ft ld lf lk lm ln lp ls lt lv mb mp ms nc nd ng nk ns nt nf nv
pt rb rc rd rf rg rk rl rm rn rp rs rt rv rz ts ds gs ks ps bs ws ns ls lc lg lb dg gh gn mn tl tn dn dl gm
nch nct nds ngs nks nts nst rch rst rth rts lds lts lms mps ght str spr scr spl squ thr shr sch chr phr
`.split(/\s+/).filter((c) => c.length > 0));
/** Vowel pairs English spelling uses (y counts as a vowel). */
const VOWEL_PAIRS = new Set('ai au ay ea ee ei eo eu ey ia ie io iu oa oe oi oo ou oy ua ue ui uo ya ye yo'.split(' '));

/**
 * Letters that can be read aloud: every consonant cluster is one English spelling uses, vowels come
 * alone or in common pairs, and no letter appears three times in a row. A random string of six or
 * more letters rarely passes.
 */
function pronounceable(word: string): boolean {
  if (!/[aeiouy]/.test(word) || /(.)\1\1|q(?!u)/.test(word)) {
    return false;
  }
  for (const cluster of word.match(/[^aeiouy]+|[aeiouy]+/g) ?? []) {
    const vowels = /[aeiouy]/.test(cluster[0]);
    if (cluster.length > 1 && !(vowels ? VOWEL_PAIRS : CLUSTERS).has(cluster)) {
      return false;
    }
  }
  return true;
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

function isUpper(code: number): boolean {
  return code >= 65 && code <= 90;
}

function isLower(code: number): boolean {
  return code >= 97 && code <= 122;
}

function isLetter(code: number): boolean {
  return isUpper(code) || isLower(code);
}

function sameClass(a: number, b: number): boolean {
  return (isDigit(a) && isDigit(b)) || (isUpper(a) && isUpper(b)) || (isLower(a) && isLower(b));
}
