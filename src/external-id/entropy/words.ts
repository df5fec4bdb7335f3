import type * as LanguageCommon from '@zxcvbn-ts/language-common';
import type * as LanguageEnglish from '@zxcvbn-ts/language-en';
import { ID_WORDS, PLACEHOLDER_WORDS, TOP_LEVEL_DOMAINS, words } from './vocabulary';

/** Where a word was found, which decides how a finding names it. */
export type WordSource = 'word' | 'placeholder' | 'password' | 'name';

export interface WordEntry {
  /** log2 of the word's rank in the cheapest list that has it (or of the list's size, for unranked lists). */
  readonly bits: number;
  readonly source: WordSource;
}

export interface Keyboard {
  /** How many characters the layout types. */
  readonly keys: number;
  /** How many directions a key has neighbours in (6 on a keyboard, 8 on a keypad). */
  readonly directions: number;
  /** For each character, the characters next to it: in which direction, and whether with Shift. */
  readonly next: ReadonlyMap<string, ReadonlyMap<string, { readonly direction: number; readonly shifted: boolean }>>;
}

export interface Lexicon {
  /**
   * Lower-case words of at least two characters, each with its entry packed in one number (read it with `wordEntry`):
   * an object per word made the map of 100k+ words several times slower to build and larger.
   */
  readonly words: ReadonlyMap<string, number>;
  /** The first 3 and the first 4 characters of every word: a lookup stops when its start is not among them. */
  readonly prefixes: ReadonlySet<string>;
  readonly topLevelDomains: ReadonlySet<string>;
  /** zxcvbn's keyboard graphs (QWERTY, Dvorak, keypad), as adjacency maps. */
  readonly keyboards: readonly Keyboard[];
  /** The entry of a word of `words`. */
  wordEntry(packed: number): WordEntry;
}

/** Longest word looked up, in characters; longer tokens are described by their parts. */
export const MAX_WORD_LENGTH = 24;

/** Two-letter words are kept from the this many most common English words only (of, to, in, it, is...). */
const COMMON_TWO_LETTER_WORDS = 200;

let lexicon: Lexicon | undefined;

/**
 * The word lists, built on first use (decompressing zxcvbn's lists takes a few hundred ms) and kept.
 *
 * Ranked lists (zxcvbn's common passwords, English words from film and TV subtitles, Wikipedia words,
 * US census last names; the project's own lists) cost log2 of the rank, as in zxcvbn (Wheeler,
 * "zxcvbn: Low-Budget Password Strength Estimation", USENIX Security 2016): an attacker tries words in
 * order of popularity. Alphabetical lists (first names, the EFF diceware list) cost log2 of their
 * size, and the small lists of word sequences (months, days, numbers, colours...) log2 of their size
 * plus log2 of their count.
 */
export function loadLexicon(): Lexicon {
  if (lexicon) {
    return lexicon;
  }
  // Required here, not imported: loading zxcvbn's lists takes longer than everything else the CLI and the rule pack
  // load together, and only a value to estimate needs them (not `--version`, nor a template without an ExternalId literal).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { adjacencyGraphs, dictionary: commonDictionary } = require('@zxcvbn-ts/language-common') as typeof LanguageCommon;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { dictionary: englishDictionary } = require('@zxcvbn-ts/language-en') as typeof LanguageEnglish;
  // Each word keeps the list (and its rank in it) that makes it cheapest: rank * LIST_SLOTS + list.
  const lists: ListCost[] = [];
  const entries = new Map<string, number>();
  const bitsOf = (packed: number) => listBits(lists[packed % LIST_SLOTS], Math.floor(packed / LIST_SLOTS));
  const add = (word: string, list: number, rank: number) => {
    const key = wordKey(word);
    if (key === undefined) {
      return;
    }
    const known = entries.get(key);
    if (known === undefined || listBits(lists[list], rank) < bitsOf(known)) {
      entries.set(key, rank * LIST_SLOTS + list);
    }
  };
  // Two-letter strings are nearly all in some list (as initials, abbreviations, names), which would
  // let any pair of random letters pass for a word: only the most common ones are kept.
  const ranked = (list: readonly string[], source: WordSource, offset: number, twoLetterRanks = list.length) => {
    const id = lists.push({ source, offset, ranked: true }) - 1;
    list.forEach((word, rank) => (word.length > 2 || rank < twoLetterRanks) && add(word, id, rank));
  };
  const unranked = (list: readonly string[], source: WordSource, extra = 0) => {
    const id = lists.push({ source, offset: Math.log2(list.length) + extra, ranked: false }) - 1;
    list.forEach((word) => word.length > 2 && add(word, id, 0));
  };

  const sequenceLists = Object.entries(englishDictionary).filter(([, list]) => list.length < 100);
  // A word also names which list it comes from, roughly: one bit.
  ranked(commonDictionary['passwords-common'], 'password', 1, 0);
  ranked(englishDictionary['commonWords-en'], 'word', 1, COMMON_TWO_LETTER_WORDS);
  ranked(englishDictionary['wikipedia-en'], 'word', 1, 0);
  ranked(englishDictionary['lastnames-en'], 'name', 1, 0);
  unranked(englishDictionary['firstnames-en'], 'name', 1);
  unranked(commonDictionary['diceware-common'], 'word', 1);
  sequenceLists.forEach(([, list]) => unranked(list, 'word', Math.log2(sequenceLists.length)));
  ranked(words(ID_WORDS), 'word', 1);
  ranked(words(PLACEHOLDER_WORDS), 'placeholder', 1);
  if (lists.length > LIST_SLOTS) {
    throw new Error(`The lexicon has ${lists.length} word lists; packed entries have room for ${LIST_SLOTS}`);
  }

  // Lookups check the prefixes of 3 and 4 characters only: shorter words have none to add.
  const prefixes = new Set<string>();
  for (const word of entries.keys()) {
    if (word.length >= 3) prefixes.add(word.slice(0, 3));
    if (word.length >= 4) prefixes.add(word.slice(0, 4));
  }

  const graphs = adjacencyGraphs as unknown as Record<string, Record<string, Array<string | null>>>;
  lexicon = {
    words: entries,
    prefixes,
    topLevelDomains: new Set(words(TOP_LEVEL_DOMAINS)),
    keyboards: [graphs.qwerty, graphs.dvorak, graphs.keypad].map(keyboard),
    wordEntry: (packed) => ({ bits: bitsOf(packed), source: lists[packed % LIST_SLOTS].source }),
  };
  return lexicon;
}

/** Room for this many word lists in a packed entry (ranks stay below 2^20, so entries are small integers). */
const LIST_SLOTS = 32;

interface ListCost {
  readonly source: WordSource;
  /** For a ranked list, the bits added to log2 of the rank; for an unranked one, the bits of every word. */
  readonly offset: number;
  readonly ranked: boolean;
}

function listBits(list: ListCost, rank: number): number {
  return list.ranked ? list.offset + Math.log2(rank + 2) : list.offset;
}

/**
 * A word as a key of the lexicon (lower case, at least two of a-z, 0-9 and @), or undefined. Checked by character
 * code, and lower-cased only when it has capitals: a regular expression and `toLowerCase` per word were most of
 * the cost of building the lexicon. Words with other than ASCII go the slow way, since lower-casing can turn them
 * into ASCII (the Kelvin sign into k).
 */
function wordKey(word: string): string | undefined {
  let capitals = false;
  for (let k = 0; k < word.length; k++) {
    const c = word.charCodeAt(k);
    if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 64) continue;
    if (c >= 65 && c <= 90) {
      capitals = true;
    } else if (c < 128) {
      return undefined;
    } else {
      const key = word.toLowerCase();
      return key.length >= 2 && /^[a-z0-9@]+$/.test(key) ? key : undefined;
    }
  }
  if (word.length < 2) {
    return undefined;
  }
  return capitals ? word.toLowerCase() : word;
}

/**
 * A zxcvbn adjacency graph (for each key, its neighbours by direction, each as the unshifted and the
 * shifted character) as maps from each character to the characters next to it.
 */
function keyboard(graph: Record<string, Array<string | null>>): Keyboard {
  const next = new Map<string, Map<string, { direction: number; shifted: boolean }>>();
  const unshifted = new Map<string, string>();
  for (const neighbours of Object.values(graph)) {
    for (const key of neighbours) {
      if (key && key.length === 2) unshifted.set(key[1], key[0]);
    }
  }
  for (const [key, neighbours] of Object.entries(graph)) {
    const adjacent = new Map<string, { direction: number; shifted: boolean }>();
    neighbours.forEach((neighbour, direction) => {
      [...(neighbour ?? '')].forEach((c, k) => adjacent.set(c, { direction, shifted: k === 1 }));
    });
    next.set(key, adjacent);
  }
  // a shifted character has the neighbours of its key
  for (const [shifted, key] of unshifted) {
    if (!next.has(shifted) && next.has(key)) next.set(shifted, next.get(key)!);
  }
  const directions = Math.max(...Object.values(graph).map((n) => n.length));
  return { keys: next.size, directions, next };
}
