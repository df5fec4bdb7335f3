import { loadLexicon } from '../../../src/external-id/entropy/words';

describe('loadLexicon', () => {
  const lexicon = loadLexicon();

  test('keys are lower-case words of at least two of a-z, 0-9 and @, each with the cost and source of its cheapest list', () => {
    expect(lexicon.words.size).toBeGreaterThan(100_000);
    for (const [word, packed] of lexicon.words) {
      expect(word).toMatch(/^[a-z0-9@]{2,}$/);
      const { bits, source } = lexicon.wordEntry(packed);
      expect(bits).toBeGreaterThan(1);
      expect(['word', 'placeholder', 'password', 'name']).toContain(source);
    }
  });

  test('words listed with capitals are found in lower case, at the rank of their cheapest list', () => {
    // "the" is the first word of Wikipedia's list (rank 0: 1 + log2(2) bits); "Michael" is a first name (an
    // unranked list of 4,945) and, cheaper, a common password
    expect(lexicon.wordEntry(lexicon.words.get('the')!)).toEqual({ bits: 2, source: 'word' });
    expect(lexicon.words.has('Michael')).toBe(false);
    const michael = lexicon.wordEntry(lexicon.words.get('michael')!);
    expect(michael.source).toBe('password');
    expect(michael.bits).toBeLessThan(1 + Math.log2(4945));
  });

  test('every word of 3 or more characters has its first 3 and 4 characters among the prefixes', () => {
    for (const word of lexicon.words.keys()) {
      if (word.length >= 3) expect(lexicon.prefixes.has(word.slice(0, 3))).toBe(true);
      if (word.length >= 4) expect(lexicon.prefixes.has(word.slice(0, 4))).toBe(true);
    }
  });
});
