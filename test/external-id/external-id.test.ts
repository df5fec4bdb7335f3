import { randomBytes, randomUUID } from 'crypto';
import { Lazy, Token } from 'aws-cdk-lib';
import * as fc from 'fast-check';
import { base32, base58, randomValues, uuid4, WEAK_FAMILIES } from './entropy-values';
import { ExternalId, ExternalIdValidationOptions } from '../../src';

/** Expected outcome of `ExternalId.validate` with default options: valid, or these problems, in order. */
type Expectation = 'valid' | RegExp[];

const ENTROPY = /estimated entropy is \d+ bits; at least 112 are required/;
const TOO_SHORT = /characters? long; at least 32 are required/;
/** The entropy problem, naming what was found. */
const entropy = (found: RegExp) => new RegExp(`${ENTROPY.source}\\. It (contains|is) .*${found.source}`);

// Strong values are fixed samples of the random sources the library recommends, so that a
// failure is reproducible; the property tests below draw fresh ones.
const TABLE: Array<[string, string, Expectation]> = [
  // repeated characters and blocks
  ['one character repeated', 'a'.repeat(40), [entropy(/repeated character or block/)]],
  ['a 3-character block repeated', 'abc'.repeat(14), [entropy(/repeated/)]],
  ['zeros', '0'.repeat(40), [entropy(/repeated/)]],
  ['a hex word repeated', 'deadbeef'.repeat(5), [entropy(/repeated/)]],
  ['a digit run repeated', '0123456789'.repeat(4), [ENTROPY]],
  ['seven copies of a block', '--aa0aaX'.repeat(7), [entropy(/repeated/)]],
  // sequences and keyboard runs
  ['the alphabet and more', 'abcdefghijklmnopqrstuvwxyzabcdef', [entropy(/sequence/)]],
  ['mixed sequences', 'abcdefghij0123456789ABCDEFGHIJ9876543210', [entropy(/sequence/)]],
  ['keyboard rows', 'qwertyuiopasdfghjklzxcvbnmqwertyuiop', [ENTROPY]],
  ['keyboard columns', '1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p', [entropy(/keyboard run|common password/)]],
  ['keyboard rows and digits', 'zxcvbnmasdfghjklqwertyuiop1234567890', [ENTROPY]],
  // words, names and years
  ['a company name with a year, repeated', 'Datadog2024'.repeat(4), [entropy(/repeated/)]],
  ['a name with a year, repeated', 'johnsmith1990'.repeat(3), [entropy(/repeated/)]],
  ['password twice', 'passwordpassword', [TOO_SHORT, ENTROPY]],
  ['password four times and digits', 'passwordpasswordpasswordpassword1234', [ENTROPY]],
  ['l33t password repeated', 'P@ssw0rdP@ssw0rdP@ssw0rdP@ssw0rd', [ENTROPY]],
  ['a passphrase with separators', 'correct-horse-battery-staple-correct-horse', [entropy(/dictionary word/)]],
  ['words, an account id and a year', 'customer-123456789012-external-id-2024', [entropy(/AWS account id/)]],
  ['a vendor template of words, a year and a number', 'acme-external-id-2024-customer-00', [entropy(/dictionary word/)]],
  // AWS account ids
  ['an account id', '123456789012', [TOO_SHORT, entropy(/AWS account id/)]],
  ['an account id twice', '123456789012-123456789012', [TOO_SHORT, ENTROPY]],
  ['an account id three times', '123456789012'.repeat(3), [ENTROPY]],
  ['three account ids', '483920174635-927364510283-192837465019', [entropy(/AWS account id/)]],
  // UUIDs
  ['the nil UUID', '00000000-0000-0000-0000-000000000000', [entropy(/nil UUID/)]],
  ['the max UUID', 'ffffffff-ffff-ffff-ffff-ffffffffffff', [entropy(/max UUID/)]],
  ['a UUID of repeated digits', 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee', [ENTROPY]],
  ['the nil UUID plus one', '00000000-0000-0000-0000-000000000001', [ENTROPY]],
  ['a UUID of sequences', '12345678-1234-1234-1234-123456789012', [ENTROPY]],
  ['a time-based (version 1) UUID', 'c232ab00-9414-11ec-b3c8-9e6bdeced846', [entropy(/time-based \(version 1\) UUID: only its 14-bit clock sequence is random/)]],
  ['a version 7 UUID', '0190163d-8694-739b-aea5-966c26f8ad91', [entropy(/version 7 UUID: only 74 of its bits are random/)]],
  ['a UUID placeholder', 'xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx', [ENTROPY]],
  // documented placeholders, alone and padded to a valid length
  ['NO_VALUE', 'NO_VALUE', [TOO_SHORT, ENTROPY]],
  ['NO_VALUE repeated', 'NO_VALUE_NO_VALUE_NO_VALUE_NO_VALUE', [ENTROPY]],
  ['Pipeline', 'Pipeline', [TOO_SHORT, ENTROPY]],
  ['Pipeline repeated', 'Pipeline-Pipeline-Pipeline-Pipeline', [ENTROPY]],
  ['external-id', 'external-id', [TOO_SHORT, ENTROPY]],
  ['changeme', 'changeme', [TOO_SHORT, ENTROPY]],
  ['changeme repeated', 'changeme-changeme-changeme-changeme', [ENTROPY]],
  ['ExternalId', 'ExternalId', [TOO_SHORT, ENTROPY]],
  ['ExternalId repeated', 'ExternalId'.repeat(4), [ENTROPY]],
  ['your-external-id-here', 'your-external-id-here', [TOO_SHORT, ENTROPY]],
  ['<EXTERNAL_ID>', '<EXTERNAL_ID>', [TOO_SHORT, /contains "<" \(U\+003C\) at position 1; STS accepts only letters, digits and _\+=,\.@:\/- \(1 more character is outside that set\)\./, ENTROPY]],
  ['16 random hex digits', '3f9a0c7e51b2d846', [TOO_SHORT, /entropy is 64 bits; at least 112 are required\. Its length and character set cannot carry more\./]],
  // STS rules
  ['empty', '', [/is 0 characters long; STS accepts 2 to 1224 characters/, ENTROPY]],
  ['one character', 'x', [/is 1 character long; STS accepts 2 to 1224 characters/, ENTROPY]],
  ['a space', 'hzFVsUCJnKjSMFJP dHz9a7bFzVNGext-9PE8mZ9avs4', [/contains a space at position 17; STS accepts only/]],
  ['a tab and a semicolon', 'hzFVsUCJnKjSMFJP\tdHz9a7bFzVNGext;9PE8mZ9avs4', [/contains a tab at position 17; .*\(1 more character is outside that set\)/]],
  ['a non-ASCII letter', 'hzFVsUCJnKjSMFJPédHz9a7bFzVNGext-9PE8mZ9avs4', [/contains "é" \(U\+00E9\) at position 17/]],
  // strong: random values in the forms the library recommends
  ['a version 4 UUID', 'e9026d81-3711-405c-88a3-af8007d3ed46', 'valid'],
  ['another version 4 UUID', '0a8f236b-2890-4992-84d8-ff6b37b5cfe9', 'valid'],
  ['an upper-case version 4 UUID', '8AAAF485-B1B7-4F0E-BEB2-49D4F1FB469A', 'valid'],
  ['32 random bytes, hex', 'ec0b32e0c0c82f38f5394ee0784d8a8bc9f4862e45821da878c7077b3d770b40', 'valid'],
  ['32 random bytes, base64 with + / =', 'MFtcqETBGm6uhBnScLVMpSoYJHlS+S28iRE/fU8wlyQ=', 'valid'],
  ['32 random bytes, base64 with / =', '2bYfje0xrMuTTyXBXq0iSQgIY0opE663LH/CmNz3jus=', 'valid'],
  ['32 random bytes, base64url', 'PixOjDWje-REaOZizJd5vdLzvY8h4rQH8EJZXAzcTSk', 'valid'],
  ['32 random bytes, base64url with -', 'hzFVsUCJnKjSMFJPdHz9a7bFzVNGext-9PE8mZ9avs4', 'valid'],
  ['every STS symbol among random characters', 'k3J_9x+Qz=Lm,7Vb.Np@Wc:Rt/Yh-2GfD8sAe5UqT', 'valid'],
];

describe('ExternalId.validate', () => {
  test.each(TABLE)('%s', (_name, value, expectation) => {
    const result = ExternalId.validate(value);
    if (expectation === 'valid') {
      expect(result.problems).toEqual([]);
      expect(result.valid).toBe(true);
      expect(result.estimatedEntropyBits).toBeGreaterThanOrEqual(112);
    } else {
      expect(result.valid).toBe(false);
      expect(result.problems).toEqual(expectation.map((problem) => expect.stringMatching(problem)));
    }
  });

  test('problems never quote the value', () => {
    for (const value of ['Datadog2024'.repeat(4), 'customer-123456789012-external-id-2024', 'johnsmith1990'.repeat(3)]) {
      const result = ExternalId.validate(value);
      expect(result.valid).toBe(false);
      for (const problem of result.problems) {
        expect(problem).not.toMatch(/Datadog|customer|123456789012|johnsmith|1990/);
      }
    }
  });

  test('a value that is only long enough is rejected for its entropy alone', () => {
    const result = ExternalId.validate('a'.repeat(32));
    expect(result.problems).toEqual([expect.stringMatching(ENTROPY)]);
  });

  test('1224 characters are accepted and 1225 rejected', () => {
    const longest = randomBytes(918).toString('base64url');
    expect(longest).toHaveLength(1224);
    expect(ExternalId.validate(longest)).toEqual({ valid: true, estimatedEntropyBits: expect.any(Number), problems: [] });
    expect(ExternalId.validate(`${longest}x`).problems).toEqual([
      'The ExternalId is 1225 characters long; STS accepts 2 to 1224 characters.',
    ]);
  });

  test('every STS symbol is accepted and the charset check agrees with ALLOWED_PATTERN', () => {
    const pattern = new RegExp(ExternalId.ALLOWED_PATTERN);
    for (const symbol of '_+=,.@:/-') {
      expect(pattern.test(symbol)).toBe(true);
    }
    fc.assert(fc.property(fc.string({ minLength: 1, maxLength: 40 }), (value) => {
      const charsetProblem = ExternalId.validate(value).problems.some((p) => /STS accepts only/.test(p));
      expect(charsetProblem).toBe(!pattern.test(value));
    }), { numRuns: 200 });
  });

  test('minLength raises the length requirement', () => {
    const value = randomBytes(30).toString('base64url'); // 40 characters
    expect(ExternalId.validate(value).valid).toBe(true);
    expect(ExternalId.validate(value, { minLength: 48 }).problems).toEqual([
      'The ExternalId is 40 characters long; at least 48 are required.',
    ]);
  });

  test('minEntropyBits sets the entropy requirement', () => {
    expect(ExternalId.validate('a'.repeat(40), { minEntropyBits: 0 })).toEqual({ valid: true, estimatedEntropyBits: expect.any(Number), problems: [] });
    const strong = ExternalId.generate();
    const result = ExternalId.validate(strong, { minEntropyBits: 300 });
    expect(result.valid).toBe(false);
    expect(result.problems).toEqual([expect.stringMatching(/estimated entropy is \d+ bits; at least 300 are required/)]);
  });

  test.each<[string, ExternalIdValidationOptions, RegExp]>([
    ['minLength 1', { minLength: 1 }, /invalid minLength 1: expected an integer from 2 to 1224/],
    ['minLength 1225', { minLength: 1225 }, /invalid minLength 1225: expected an integer from 2 to 1224/],
    ['minLength 32.5', { minLength: 32.5 }, /invalid minLength 32\.5: expected an integer/],
    ['minLength NaN', { minLength: NaN }, /invalid minLength NaN/],
    ['a token minLength', { minLength: Token.asNumber({ Ref: 'MinLength' }) }, /invalid minLength \(an unresolved token\)/],
    ['minEntropyBits -1', { minEntropyBits: -1 }, /invalid minEntropyBits -1: expected a finite number of bits, at least 0/],
    ['minEntropyBits Infinity', { minEntropyBits: Infinity }, /invalid minEntropyBits Infinity/],
    ['minEntropyBits NaN', { minEntropyBits: NaN }, /invalid minEntropyBits NaN/],
  ])('rejects %s', (_name, options, error) => {
    expect(() => ExternalId.validate(ExternalId.generate(), options)).toThrow(error);
  });

  test('rejects a value that is not a string or is an unresolved token', () => {
    expect(() => ExternalId.validate(undefined as unknown as string)).toThrow(/expected the ExternalId as a string, received undefined/);
    expect(() => ExternalId.validate(42 as unknown as string)).toThrow(/received number/);
    expect(() => ExternalId.validate(Token.asString({ Ref: 'ExternalId' }))).toThrow(/unresolved token .*expected a literal string/);
    expect(() => ExternalId.estimateEntropyBits(Lazy.string({ produce: () => 'x' }))).toThrow(/unresolved token/);
  });
});

describe('ExternalId.estimateEntropyBits', () => {
  test('is an integer and matches validate', () => {
    for (const value of ['Datadog2024'.repeat(4), ExternalId.generate(), randomUUID()]) {
      const bits = ExternalId.estimateEntropyBits(value);
      expect(Number.isInteger(bits)).toBe(true);
      expect(ExternalId.validate(value).estimatedEntropyBits).toBe(bits);
    }
  });

  test('a version 4 UUID carries at most 122 bits', () => {
    expect(ExternalId.estimateEntropyBits('e9026d81-3711-405c-88a3-af8007d3ed46')).toBe(122);
  });

  test('UUID versions cap the estimate by the random bits they carry', () => {
    expect(ExternalId.estimateEntropyBits('0190163d-8694-739b-aea5-966c26f8ad91')).toBe(74);
    expect(ExternalId.estimateEntropyBits('c232ab00-9414-11ec-b3c8-9e6bdeced846')).toBeLessThanOrEqual(14);
    expect(ExternalId.estimateEntropyBits('00000000-0000-0000-0000-000000000000')).toBe(0);
    // Without hyphens, 32 digits are read as a time-based UUID only when the timestamp is plausible:
    // here 2024, whereas the same digits with a timestamp in 1970 are just hexadecimal digits.
    expect(ExternalId.estimateEntropyBits('0190163d8694739baea5966c26f8ad91')).toBe(74);
    expect(ExternalId.estimateEntropyBits('0000063d8694739baea5966c26f8ad91')).toBeGreaterThan(74);
  });

  test('hexadecimal counts 4 bits per random character, mixed classes more', () => {
    const bytes = Buffer.from('MFtcqETBGm6uhBnScLVMpSoYJHlS+S28iRE/fU8wlyQ=', 'base64');
    const hex = ExternalId.estimateEntropyBits(bytes.toString('hex'));
    expect(hex).toBeGreaterThan(200);
    expect(hex).toBeLessThanOrEqual(256);
    expect(ExternalId.estimateEntropyBits(bytes.toString('hex').toUpperCase())).toBeLessThanOrEqual(256);
    expect(ExternalId.estimateEntropyBits(bytes.toString('base64'))).toBeGreaterThan(256);
  });

  test('values are analysed up to the STS maximum of 1224 characters, so a longer value gets a lower bound', () => {
    expect(ExternalId.estimateEntropyBits('a'.repeat(1000) + ExternalId.generate())).toBeGreaterThan(200);
    expect(ExternalId.estimateEntropyBits('a'.repeat(1224) + ExternalId.generate())).toBeLessThan(112);
  });

  test('the empty string has no entropy', () => {
    expect(ExternalId.estimateEntropyBits('')).toBe(0);
  });
});

describe('the estimate over families of guessable values and over random values', () => {
  const weak = Object.entries(WEAK_FAMILIES).flatMap(([family, values]) => values.map((value) => [family, value] as const));
  // A fixed seed: the same 100 values on every run.
  const random = randomValues(20260601);

  test('the table has at least 200 guessable values in at least 15 families, and 100 random values', () => {
    expect(weak.length).toBeGreaterThanOrEqual(200);
    expect(Object.keys(WEAK_FAMILIES).length).toBeGreaterThanOrEqual(15);
    expect(random).toHaveLength(100);
    expect(random.every((r) => r.bits >= 122)).toBe(true);
  });

  test.each(weak)('%s: %s is estimated below 112 bits, and the problem does not quote it', (_family, value) => {
    expect(ExternalId.estimateEntropyBits(value)).toBeLessThan(112);
    const problem = ExternalId.validate(value).problems.find((p) => ENTROPY.test(p))!;
    expect(problem).toMatch(/It (contains|is) |Its length and character set cannot carry more/);
    expect(problem).not.toContain(value);
  });

  test.each(random.map((r) => [r.encoding, r.value] as const))('%s: %s is estimated at 112 bits or more', (_encoding, value) => {
    expect(ExternalId.estimateEntropyBits(value)).toBeGreaterThanOrEqual(112);
  });

  // What the problem says about the examples, in words a vendor can act on.
  test.each<[string, RegExp]>([
    ['lweid:aws:v2:acme:123456789012:Ab1', /It contains .*an AWS account id/],
    ['Acme2024Acme2025Acme2026Acme2027', /It contains .*a year/],
    ['customer-42-external-id-for-acme-corp', /It contains dictionary words and a number or counter;/],
    ['arn:aws:iam::123456789012:role/AcmeIntegration', /It contains an ARN, an AWS account id/],
    ['https://hooks.acme.io/v1/tenants/00042/aws-callback', /It contains a URL;/],
    ['YWNtZS1jdXN0b21lci0xMjM0NTY3ODkw', /It is base64 of the text 'acme-customer-\.\.\.', which contains dictionary words/],
    ['ext_a9474561ecb711f18dad0242ac110002', /It contains .*a time-based \(version 1\) UUID, of which only the 14-bit clock sequence is random/],
    ['Sup3rS3cr3tExt3rn@l1dF0rAcm3C0rp', /words in leetspeak/],
    ['c232ab00-9414-11ec-b3c8-9e6bdeced846', /It is a time-based \(version 1\) UUID: only its 14-bit clock sequence is random/],
    ['aws-billing@acme.com', /It contains an email address/],
    ['api.acme.com', /It contains .*a host name/],
    ['acme-01ARZ3NDEKTSV4RRFFQ69G5FAV', /a ULID, of which only the last 80 bits are random/],
    ['2024-05-01T12:30:00Z', /It contains a date and time/],
    ['acme-integration-v1.2.3', /a version tag/],
    ['changeme-changeme-changeme-changeme', /placeholder text \(words that stand in for a real value/],
  ])('%s: the problem says what was found', (value, found) => {
    expect(ExternalId.validate(value).problems.find((p) => ENTROPY.test(p))).toMatch(found);
  });
});

describe('ExternalId.generate', () => {
  test('returns 43 base64url characters encoding 32 bytes, different every time', () => {
    const first = ExternalId.generate();
    const second = ExternalId.generate();
    expect(first).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(first, 'base64url')).toHaveLength(32);
    expect(second).not.toEqual(first);
  });
});

describe('properties', () => {
  // Uniform bytes: fast-check's default bias towards small numbers would not be random values.
  const bytes32 = fc.noBias(fc.uint8Array({ minLength: 32, maxLength: 32 }));

  test('32 random bytes pass as hex, base64 and base64url', () => {
    fc.assert(fc.property(bytes32, fc.constantFrom<BufferEncoding>('hex', 'base64', 'base64url'), (bytes, encoding) => {
      const result = ExternalId.validate(Buffer.from(bytes).toString(encoding));
      expect(result.problems).toEqual([]);
    }), { numRuns: 200 });
  });

  test('version 4 UUIDs built from random bytes pass', () => {
    fc.assert(fc.property(fc.noBias(fc.uint8Array({ minLength: 16, maxLength: 16 })), (raw) => {
      const random = Buffer.from(raw).toString('hex');
      // Version 4 in digit 12, the RFC 9562 variant (8, 9, a or b) in digit 16.
      const hex = `${random.slice(0, 12)}4${random.slice(13, 16)}${'89ab'[parseInt(random[16], 16) % 4]}${random.slice(17)}`;
      const uuid = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
      expect(ExternalId.validate(uuid).problems).toEqual([]);
    }), { numRuns: 200 });
  });

  test('crypto.randomUUID() and ExternalId.generate() always pass', () => {
    fc.assert(fc.property(fc.nat(), () => {
      expect(ExternalId.validate(randomUUID()).problems).toEqual([]);
      expect(ExternalId.validate(ExternalId.generate()).problems).toEqual([]);
    }), { numRuns: 200 });
  });

  // 16 to 48 uniform bytes (at least 122 bits) in each encoding the estimator must let through.
  const randomBytesOf = (min: number) => fc.noBias(fc.uint8Array({ minLength: min, maxLength: 48 })).map((b) => Buffer.from(b));
  const encodings: Array<[string, fc.Arbitrary<string>]> = [
    ['hex', randomBytesOf(16).map((b) => b.toString('hex'))],
    ['HEX', randomBytesOf(16).map((b) => b.toString('hex').toUpperCase())],
    ['base64', randomBytesOf(16).map((b) => b.toString('base64'))],
    ['base64url', randomBytesOf(16).map((b) => b.toString('base64url'))],
    ['base32', randomBytesOf(16).map((b) => base32(b))],
    ['base32 lower case, unpadded', randomBytesOf(16).map((b) => base32(b, false).toLowerCase())],
    ['base58', randomBytesOf(16).map(base58)],
    ['version 4 UUID', randomBytesOf(16).map((b) => uuid4(b.subarray(0, 16)))],
    ['nanoid', fc.noBias(fc.string({ unit: fc.constantFrom(...'useandom-26T198340PX75pxJACKVERYMINDBUSHWOLF_GQZbfghjklqvwyzrict'), minLength: 21, maxLength: 40 }))],
    ['a vendor prefix and 16 bytes', fc.tuple(fc.constantFrom('sk_live_', 'acme-', 'ext_', 'whsec_', 'tok.'), randomBytesOf(16))
      .map(([prefix, b]) => `${prefix}${b.toString(prefix === 'acme-' ? 'hex' : 'base64url')}`)],
  ];

  test.each(encodings)('random values as %s always pass', (_name, values) => {
    fc.assert(fc.property(values, (value) => {
      // 32 random hexadecimal digits have the version and variant digits and a plausible timestamp of a
      // time-based UUID about once in 6,000 values: they are then read as one (documented), and left out here.
      fc.pre(!/^(?:[0-9a-f]{12}[167][0-9a-f]{3}[89ab][0-9a-f]{15}|[0-9A-F]{12}[167][0-9A-F]{3}[89AB][0-9A-F]{15})$/.test(value.replace(/^acme-/, '')));
      expect(ExternalId.estimateEntropyBits(value)).toBeGreaterThanOrEqual(112);
    }), { numRuns: 150 });
  });

  test('values joined from words, a date, account ids and counters with separators never pass', () => {
    const word = fc.tuple(
      fc.constantFrom('acme', 'customer', 'tenant', 'external', 'id', 'prod', 'staging', 'vendor', 'integration', 'datadog',
        'globex', 'aws', 'role', 'audit', 'billing', 'security', 'monitoring', 'partner', 'cloud', 'account'),
      fc.constantFrom<(w: string) => string>((w) => w, (w) => w.toUpperCase(), (w) => w[0].toUpperCase() + w.slice(1)),
    ).map(([w, style]) => style(w));
    const date = fc.tuple(fc.date({ min: new Date('2000-01-01'), max: new Date('2030-12-31'), noInvalidDate: true }), fc.nat({ max: 3 }))
      .map(([d, layout]) => {
        const [y, m, day] = d.toISOString().slice(0, 10).split('-');
        return [`${y}-${m}-${day}`, `${y}${m}${day}`, `${day}.${m}.${y}`, `${y}`][layout];
      });
    const accountId = fc.constantFrom('123456789012', '210987654321', '483920174635', '000000000000');
    const counter = fc.tuple(fc.nat({ max: 9999 }), fc.boolean()).map(([n, padded]) => (padded ? String(n).padStart(5, '0') : String(n)));
    const parts = fc.tuple(fc.array(fc.oneof(word, accountId, counter), { minLength: 1, maxLength: 3 }), fc.option(date))
      .chain(([others, d]) => fc.shuffledSubarray(d === null ? others : [...others, d], { minLength: others.length + (d === null ? 0 : 1) }))
      .filter((p) => p.length >= 2);
    // Honest entropy: at most 4 parts of at most 16 bits (a date from 2000 to 2030 in one of 4 layouts,
    // a counter up to 9999 written one of 2 ways, one of 20 words in one of 3 styles, a known account id), so at most 64 bits.
    fc.assert(fc.property(parts, fc.constantFrom(...'-_.:/'), (p, separator) => {
      const value = p.join(separator);
      expect(ExternalId.estimateEntropyBits(value)).toBeLessThan(112);
      expect(ExternalId.validate(value).problems.join(' ')).toMatch(/It (contains|is) /);
    }), { numRuns: 300 });
  });

  const STS_CHARS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_+=,.@:/-'.split('');

  test('a block of 1 to 8 characters repeated to 32 or more never passes', () => {
    const block = fc.string({ unit: fc.constantFrom(...STS_CHARS), minLength: 1, maxLength: 8 });
    fc.assert(fc.property(block, fc.nat({ max: 4 }), (b, extra) => {
      const value = b.repeat(Math.ceil(32 / b.length) + extra);
      const result = ExternalId.validate(value);
      expect(result.valid).toBe(false);
      expect(result.problems).toEqual([expect.stringMatching(ENTROPY)]);
    }), { numRuns: 200 });
  });

  test('sequential runs, concatenated and repeated to 32 or more, never pass', () => {
    const alphabets = ['abcdefghijklmnopqrstuvwxyz', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', '0123456789'];
    const run = fc.constantFrom(...alphabets).chain((alphabet) => fc.record({
      start: fc.nat({ max: alphabet.length - 3 }),
      length: fc.integer({ min: 3, max: alphabet.length }),
      descending: fc.boolean(),
    }).map(({ start, length, descending }) => {
      const slice = alphabet.slice(start, start + length);
      return descending ? [...slice].reverse().join('') : slice;
    }));
    fc.assert(fc.property(fc.array(run, { minLength: 1, maxLength: 6 }), (runs) => {
      const once = runs.join('');
      const value = once.repeat(Math.ceil(32 / once.length));
      const result = ExternalId.validate(value);
      expect(result.valid).toBe(false);
      expect(result.problems).toEqual([expect.stringMatching(ENTROPY)]);
    }), { numRuns: 200 });
  });
});

