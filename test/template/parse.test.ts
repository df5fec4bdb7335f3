import * as fs from 'fs';
import * as path from 'path';
import * as fc from 'fast-check';
import * as YAML from 'yaml';
import { nodePaths } from './arbitraries';
import { check } from '../../src/engine';
import { YamlOctal } from '../../src/private/yaml-octal';
import {
  MAX_ALIAS_COUNT, MAX_NESTING_DEPTH, MAX_TEMPLATE_NODES, TemplateParseError, decodeTemplateText, describeNonTemplate, isCloudFormationTemplate,
  looksLikeTemplate, nodeBound, parseStrictJson, parseTemplate, parseTemplateBody,
} from '../../src/template/parse';

const FIXTURES = path.join(__dirname, 'fixtures');
const fixture = (name: string) => fs.readFileSync(path.join(FIXTURES, name), 'utf8');

function parseError(text: string): TemplateParseError {
  try {
    parseTemplate(text);
  } catch (e) {
    if (e instanceof TemplateParseError) return e;
    throw e;
  }
  throw new Error(`expected ${JSON.stringify(text.slice(0, 40))} to fail`);
}

/** The 1-based line of the first line of `text` that contains `marker`. */
function lineOfText(text: string, marker: string): number {
  const i = text.split('\n').findIndex((l) => l.includes(marker));
  if (i < 0) throw new Error(`marker ${marker} not in fixture`);
  return i + 1;
}

describe('YAML 1.2 as CloudFormation reads it', () => {
  test('a date-like policy version, yes/no and on/off stay strings', () => {
    expect(parseTemplate('Version: 2012-10-17\nA: yes\nB: off\nC: Null\n').template).toEqual({ Version: '2012-10-17', A: 'yes', B: 'off', C: null });
  });

  test('an account id written as a YAML integer is a number the engine still reads as the account', () => {
    const template = parseTemplate([
      'Resources:',
      '  R:',
      '    Type: AWS::IAM::Role',
      '    Properties:',
      '      AssumeRolePolicyDocument:',
      '        Statement:',
      '          Effect: Allow',
      '          Action: sts:AssumeRole',
      '          Principal: { AWS: 111122223333 }',
    ].join('\n')).template as any;
    expect(template.Resources.R.Properties.AssumeRolePolicyDocument.Statement.Principal.AWS).toBe(111122223333);
    const result = check([{ source: 't.yaml', template }], { parseTemplateBody });
    expect(result.findings.find((f) => f.ruleId === 'XAT3')?.message).toMatch(/bare account id 111122223333/);
  });

  test('a leading zero with only octal digits is octal, as CloudFormation (YAML 1.1) deploys it', () => {
    expect(parseTemplate('A: 012345670123\nB: 0123\nC: "0123"\n').template)
      .toEqual({ A: new YamlOctal(0o12345670123, '012345670123'), B: new YamlOctal(83, '0123'), C: '0123' });
  });

  test('a leading zero followed by an 8 or 9 is a decimal integer that the engine pads back to 12 digits', () => {
    const template = { Resources: { R: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: { Statement: { Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { AWS: 0 } } } } } } };
    const parsed = parseTemplate('AWS: 012345678901\n').template as { AWS: number };
    expect(parsed.AWS).toBe(12345678901);
    template.Resources.R.Properties.AssumeRolePolicyDocument.Statement.Principal.AWS = parsed.AWS;
    const result = check([{ source: 't', template }]);
    expect(result.findings.find((f) => f.ruleId === 'XAT3')?.message).toMatch(/bare account id 012345678901/);
  });

  test('JSON is read, in .yaml files too', () => {
    expect(parseTemplate('{ "Resources": { "T": { "Type": "AWS::SNS::Topic" } } }').template).toEqual({ Resources: { T: { Type: 'AWS::SNS::Topic' } } });
    expect(parseTemplate('{\n\t"a": [1, 2.5, true, null, "x"]\n}\n').template).toEqual({ a: [1, 2.5, true, null, 'x'] });
  });

  test('Windows line ends and a byte order mark are read', () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('Resources:\r\n  T:\r\n    Type: AWS::SNS::Topic\r\n')]);
    const parsed = parseTemplate(decodeTemplateText(bytes));
    expect(parsed.template).toEqual({ Resources: { T: { Type: 'AWS::SNS::Topic' } } });
    expect(parsed.lineOf(['Resources', 'T', 'Type'])).toBe(3);
  });
});

describe('strict JSON takes JSON.parse, with the template and the lines the YAML parser gives the same text', () => {
  // A comment line makes the text YAML that JSON.parse rejects: the YAML parser reads it, one line further down.
  const throughYaml = (text: string) => parseTemplate(`# read by the YAML parser\n${text}`);

  /** JSON values shaped like templates: keys that differ only in case, escapes, every kind of number. */
  const jsonValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.oneof(fc.string({ unit: 'binary' }), fc.constantFrom('', 'a"b', 'back\\slash', 'line\nbreak', '\u2028\u0085', 'tab\t', 'cr\r', '\u0000', '\ud800', '😀')),
      fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer(), fc.constantFrom(1e21, 5e-324, 12345678901234567890)),
      fc.constantFrom(true, false, null),
      fc.array(tie('value'), { maxLength: 4 }),
      fc.dictionary(
        fc.oneof(fc.constantFrom('Resources', 'resources', 'RESOURCES', 'Type', 'type', '', '<<', 'a"b', 'é', 'K\\'), fc.string({ maxLength: 6 })),
        tie('value'),
        { maxKeys: 5 },
      ),
    ),
  })).value;

  /** The value as JSON text: compact, indented with spaces or tabs, with Unix or Windows line ends. */
  const jsonText = fc.tuple(
    fc.oneof(fc.constant({}), jsonValue.map((v) => ({ Resources: v })), fc.array(jsonValue, { maxLength: 3 })),
    fc.constantFrom<string | number | undefined>(undefined, 2, 4, '\t'),
    fc.boolean(),
  ).map(([value, indent, crlf]) => {
    const text = JSON.stringify(value, null, indent);
    return crlf ? text.replace(/\n/g, '\r\n') : text;
  });

  /** Paths to nodes of the value, some changed: a key in another case, a step beyond, an index out of range. */
  const pathsInto = (value: unknown) => fc.array(fc.tuple(
    fc.constantFrom(...nodePaths(value)),
    fc.constantFrom('as is', 'upper case', 'step beyond', 'index beyond'),
    fc.oneof(fc.string({ maxLength: 4 }), fc.nat({ max: 6 })),
  ).map(([p, change, extra]) => {
    const last = p[p.length - 1];
    if (change === 'upper case' && typeof last === 'string') return [...p.slice(0, -1), last.toUpperCase()];
    if (change === 'index beyond') return [...p, 1000];
    return change === 'step beyond' ? [...p, extra] : p;
  }), { minLength: 1, maxLength: 8 });

  test('property: the same template and the same line and column at every path, as the YAML parser reads the same text', () => {
    const arb = jsonText.chain((text) => fc.tuple(fc.constant(text), pathsInto(JSON.parse(text))));
    fc.assert(fc.property(arb, ([text, paths]) => {
      expect(parseStrictJson(text)).toBeDefined();
      const direct = parseTemplate(text);
      const yaml = throughYaml(text);
      expect(direct.template).toEqual(yaml.template);
      const below = (q: { line: number; column: number }) => ({ line: q.line - 1, column: q.column });
      expect(paths.map((p) => [p, direct.positionsOf([p])[0]])).toEqual(paths.map((p) => [p, below(yaml.positionsOf([p])[0])]));
    }), { numRuns: 300 });
  });

  test('the fixtures in JSON: the same template and lines', () => {
    const text = fixture('lines.json');
    expect(parseStrictJson(text)).toBeDefined();
    const direct = parseTemplate(text);
    const yaml = throughYaml(text);
    expect(direct.template).toEqual(yaml.template);
    for (const p of nodePaths(direct.template)) expect([p, direct.lineOf(p)]).toEqual([p, yaml.lineOf(p) - 1]);
  });

  test('numbers JSON.stringify does not write: -0, exponents, leading spaces and digits past double precision', () => {
    const text = '{ "a" : -0 , "b":1E+2,"c": -1.50e-3 ,"d" :123456789012345678901234567890, "e": 1e400, "f": "\\u0041\\/"}';
    expect(parseStrictJson(text)).toBeDefined();
    expect(parseTemplate(text).template).toEqual(throughYaml(text).template);
    expect(Object.is((parseTemplate(text).template as { a: number }).a, -0)).toBe(true);
  });

  test('a __proto__ key is an own key, as in the YAML parser', () => {
    const text = '{"Resources": {"__proto__": {"Type": "AWS::SNS::Topic"}}}';
    expect(parseStrictJson(text)).toBeDefined();
    expect(Object.keys((parseTemplate(text).template as { Resources: object }).Resources)).toEqual(['__proto__']);
    expect(parseTemplate(text).template).toEqual(throughYaml(text).template);
  });

  test.each([
    ['a duplicate key', '{"Resources": {"A": 1, "A": 2}}', /^duplicate key "A" at line 1 \(first at line 1\)/],
    ['a duplicate key in a nested object', '{"a": [{"k": 1}, {"k": 1, "x": {"\\u006b": 2, "k": 3}}]}', /^duplicate key "k" at line 1/],
    ['a nesting beyond the bound', `{"a": ${'{"a": '.repeat(MAX_NESTING_DEPTH)}1${'}'.repeat(MAX_NESTING_DEPTH)}}`, /nested more than 200 levels deep \(at line 1\)/],
    ['a lone carriage return', '{"Resources":\r{"A": 1}}', /^invalid YAML or JSON at line 1/],
  ])('%s: the YAML parser\'s error, as before', (_name, text, message) => {
    expect(parseStrictJson(text)).toBeUndefined();
    expect(parseError(text).message).toMatch(message);
  });

  test('JSON with comments or in YAML flow style is read by the YAML parser', () => {
    for (const text of ['{"a": 1} # note', '{ a: 1 }', '{"a": 1,}', "{'a': 1}"]) {
      expect(parseStrictJson(text)).toBeUndefined();
      expect(parseTemplate(text).template).toEqual({ a: 1 });
    }
  });
});

describe('bad input is a TemplateParseError with a message that says what was found and expected', () => {
  test.each([
    ['empty', '', /^it is empty; expected a CloudFormation template/],
    ['only whitespace', ' \n\t\n', /^it is empty/],
    ['only comments', '# nothing here\n', /^it holds no value/],
    ['a duplicate JSON key', '{\n  "Resources": {},\n  "Resources": {}\n}', /duplicate key "Resources" at line 3 \(first at line 2\); CloudFormation does not reject this but silently deploys one of the values .* Keep each key once in a mapping$/],
    ['a duplicate YAML key', 'Resources:\n  A: 1\n  A: 2\n', /duplicate key "A" at line 3 \(first at line 2\)/],
    ['an unknown tag', 'Resources:\n  R:\n    Type: !Foo x\n', /unknown tag !Foo at line 3, column 11; expected a CloudFormation short form/],
    ['an unknown tag on a sequence', 'A: !Bar [1]\n', /unknown tag !Bar at line 1/],
    ['a syntax error', 'Resources:\n  R: [1, 2\n', /invalid YAML or JSON at line \d+, column \d+: /],
    ['unterminated JSON', '{ "a": 1', /invalid YAML or JSON at line 1, column \d+: /],
    ['two documents', 'A: 1\n---\nB: 2\n', /a second YAML document starts at line 2; a template is a single JSON or YAML document/],
  ])('%s', (_name, text, message) => {
    expect(parseError(text).message).toMatch(message);
  });

  test('property: a duplicate key, whatever its name, is refused with what CloudFormation does with it', () => {
    fc.assert(fc.property(fc.string({ minLength: 1, maxLength: 20 }), (key) => {
      const text = `{"Resources": {"R": {"Type": "AWS::SNS::Topic"}}, ${JSON.stringify(key)}: 1, ${JSON.stringify(key)}: 2}`;
      const e = parseError(text);
      expect(e.message.startsWith(`duplicate key ${JSON.stringify(key)} at line 1`)).toBe(true);
      expect(e.message).toMatch(/CloudFormation does not reject this but silently deploys one of the values/);
    }));
  });

  test('property: nodeBound bounds the values a text parses into (JSON, YAML block and flow styles), so refusing by it never refuses a 1 MB template', () => {
    const nodes = (v: unknown): number => (typeof v === 'object' && v !== null
      ? 1 + Object.entries(v).reduce((n, [, c]) => n + (Array.isArray(v) ? 0 : 1) + nodes(c), 0)
      : 1);
    fc.assert(fc.property(fc.jsonValue({ maxDepth: 4 }), (value) => {
      expect(nodes(value)).toBeLessThanOrEqual(nodeBound(JSON.stringify(value)));
      expect(nodes(value)).toBeLessThanOrEqual(nodeBound(YAML.stringify(value)));
      expect(nodes(value)).toBeLessThanOrEqual(nodeBound(YAML.stringify(value, { collectionStyle: 'flow' })));
    }));
    expect(MAX_TEMPLATE_NODES).toBeGreaterThanOrEqual(1024 * 1024);
  });

  test('the error carries the line', () => {
    expect(parseError('a: 1\nb: !Nope x\n').line).toBe(2);
  });

  test('a YAML bomb (aliases of aliases) fails fast instead of expanding', () => {
    const lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]'];
    for (let i = 1; i < 10; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      lines.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(', ')}]`);
    }
    expect(parseError(lines.join('\n')).message).toMatch(new RegExp(`aliases \\(\\*name\\) expand to more than ${MAX_ALIAS_COUNT} times .* YAML bomb`));
  });

  test.each([
    ['flow (JSON) nesting', '['.repeat(10_000) + ']'.repeat(10_000)],
    ['block mapping nesting', Array.from({ length: 10_000 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n') + ' x'],
    ['intrinsic nesting', '{"Fn::Not": ['.repeat(10_000) + '"x"' + ']}'.repeat(10_000)],
  ])('%s 10,000 levels deep is an error, not a stack overflow', (_name, text) => {
    expect(parseError(text).message).toMatch(new RegExp(`nested more than ${MAX_NESTING_DEPTH} levels deep \\(at line \\d+\\)`));
  });

  test('aliases that nest each other deeper than the limit are an error', () => {
    // Each anchor nests the previous one 60 levels deeper: every line is within the limit, the value is not.
    const lines = ['a0: &a0 x'];
    for (let i = 1; i <= 4; i++) lines.push(`a${i}: &a${i} ${'['.repeat(60)}*a${i - 1}${']'.repeat(60)}`);
    expect(parseError(lines.join('\n')).message).toMatch(new RegExp(`aliases nest values more than ${MAX_NESTING_DEPTH} levels deep`));
  });

  test('nesting up to the limit is fine', () => {
    const depth = MAX_NESTING_DEPTH - 1;
    expect(() => parseTemplate('['.repeat(depth) + ']'.repeat(depth))).not.toThrow();
  });

  test('binary content and invalid UTF-8 are errors of the decoder', () => {
    expect(() => decodeTemplateText(Buffer.from([0x7b, 0x00, 0x7d]))).toThrow(/contains NUL bytes, so it is binary \(or UTF-16\)/);
    expect(() => decodeTemplateText(Buffer.from([0x41, 0xff, 0xfe, 0x42]))).toThrow(/not valid UTF-8 text; expected a JSON or YAML template in UTF-8/);
    expect(() => decodeTemplateText(Buffer.from([0x41, 0xff]))).toThrow(TemplateParseError);
    expect(decodeTemplateText(Buffer.from('Resources: {}'))).toBe('Resources: {}');
  });
});

describe('line of the node at a path', () => {
  const yaml = fixture('lines.yaml');
  const json = fixture('lines.json');

  test.each([
    [['Resources', 'VendorRole'], 'VendorRole:'],
    [['Resources', 'VendorRole', 'Properties', 'AssumeRolePolicyDocument'], 'AssumeRolePolicyDocument:'],
    [['Resources', 'VendorRole', 'Properties', 'AssumeRolePolicyDocument', 'Statement', 1], '- Sid: Second'],
    [['Resources', 'VendorRole', 'Properties', 'AssumeRolePolicyDocument', 'Statement', 1, 'Principal', 'AWS'], 'AWS: !If'],
    // Into the long form of a short-form tag: the tagged node, then its items.
    [['Resources', 'VendorRole', 'Properties', 'AssumeRolePolicyDocument', 'Statement', 1, 'Principal', 'AWS', 'Fn::If'], '- IsProd'],
    [['Resources', 'VendorRole', 'Properties', 'AssumeRolePolicyDocument', 'Statement', 1, 'Principal', 'AWS', 'Fn::If', 2], '- arn:aws:iam::444455556666'],
    // Keys of a policy are matched case-insensitively, as the engine reads them.
    [['Resources', 'VendorRole', 'Properties', 'AssumeRolePolicyDocument', 'Statement', 1, 'Condition', 'StringEquals', 'sts:ExternalId'], 'sts:ExternalID'],
    [['Parameters', 'ExternalId'], 'ExternalId:'],
  ])('YAML %j', (p, marker) => {
    expect(parseTemplate(yaml).lineOf(p)).toBe(lineOfText(yaml, marker));
  });

  test('a path beyond what exists stops at the deepest node that does', () => {
    const parsed = parseTemplate(yaml);
    expect(parsed.lineOf(['Resources', 'VendorRole', 'Properties', 'Missing', 'Deeper'])).toBe(lineOfText(yaml, 'Properties:'));
    expect(parsed.lineOf(['Resources', 'VendorRole', 'Properties', 'AssumeRolePolicyDocument', 'Statement', 7])).toBe(lineOfText(yaml, 'Statement:'));
    expect(parsed.lineOf(['Nothing'])).toBe(lineOfText(yaml, 'AWSTemplateFormatVersion'));
    expect(parsed.lineOf([])).toBe(lineOfText(yaml, 'AWSTemplateFormatVersion'));
  });

  test.each([
    [['Resources', 'AuditRole'], '"AuditRole"'],
    [['Resources', 'AuditRole', 'Properties', 'AssumeRolePolicyDocument', 'Statement', 0], '"Sid": "First"'],
    [['Resources', 'AuditRole', 'Properties', 'AssumeRolePolicyDocument', 'Statement', 1, 'Principal'], '"Principal": { "AWS": "*" }'],
  ])('JSON %j', (p, marker) => {
    // A statement of a JSON list starts at its "{", the line before its first key.
    const expected = typeof p[p.length - 1] === 'number' ? lineOfText(json, marker) - 1 : lineOfText(json, marker);
    expect(parseTemplate(json).lineOf(p)).toBe(expected);
  });

  test('columns are 1-based and count UTF-16 code units (SARIF utf16CodeUnits): a character outside the BMP counts two', () => {
    const jsonText = '{"Resources": {"\u{1F600}": 1, "K": {"A": 1}}}';
    expect(parseTemplate(jsonText).positionsOf([['Resources', 'K'], ['Resources', 'K', 'A'], []])).toEqual([
      { line: 1, column: jsonText.indexOf('"K"') + 1 }, { line: 1, column: jsonText.indexOf('"A"') + 1 }, { line: 1, column: 1 },
    ]);
    // The emoji is two code units: "K" starts at code unit 24, column 25.
    expect(jsonText.indexOf('"K"')).toBe(24);
    const yamlText = 'Resources:\n  R: {"\u{1F600}": 1, K: 2}\n  S:\n    - Effect: Allow\n';
    expect(parseTemplate(yamlText).positionsOf([['Resources', 'R', 'K'], ['Resources', 'S', 0], ['Resources', 'S', 0, 'Effect']])).toEqual([
      { line: 2, column: 16 }, { line: 4, column: 7 }, { line: 4, column: 7 },
    ]);
  });

  test('lines through an alias follow the anchored node', () => {
    const text = 'Shared: &doc\n  Statement:\n    - Effect: Allow\nResources:\n  R:\n    Policy: *doc\n';
    expect(parseTemplate(text).lineOf(['Resources', 'R', 'Policy', 'Statement', 0])).toBe(3);
  });
});

describe('what counts as a template', () => {
  test.each([
    [{ Resources: {} }, true],
    [{ AWSTemplateFormatVersion: '2010-09-09' }, true],
    [{ AWSTemplateFormatVersion: '2010-09-09', Resources: [] }, true],
    [{ Resources: [] }, false],
    [{ name: 'pkg' }, false],
    [[], false],
    ['text', false],
    [null, false],
  ])('%j → %s', (value, expected) => {
    expect(isCloudFormationTemplate(value)).toBe(expected);
  });

  test.each([
    [{ name: 'pkg' }, /the file is an object without a Resources mapping, not a CloudFormation template; expected an object with a Resources mapping/],
    [[1], /the file is a list, not a CloudFormation template/],
    ['x', /the file is a string, not/],
    [null, /the file is null, not/],
  ])('describeNonTemplate(%j)', (value, message) => {
    expect(describeNonTemplate(value)).toMatch(message);
  });

  test.each([
    ['{"AWSTemplateFormatVersion": "2010-09-09", ', true],
    ['Resources:\n  A: [\n', true],
    ['{"Resources":{', true],
    ['// generated\n{ "compilerOptions": {} }', false],
    ['name: {{ .Values.name }}', false],
  ])('looksLikeTemplate(%j) = %s', (text, expected) => {
    expect(looksLikeTemplate(text)).toBe(expected);
  });
});

describe('StackSet TemplateBody strings', () => {
  test('parseTemplateBody gives the engine the inner YAML template with its tags resolved', () => {
    const body = 'Resources:\n  Inner:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument:\n        Statement:\n'
      + '          - { Effect: Allow, Action: sts:AssumeRole, Principal: { AWS: !Sub "arn:aws:iam::111122223333:root" } }\n';
    const outer = { Resources: { Set: { Type: 'AWS::CloudFormation::StackSet', Properties: { TemplateBody: body } } } };
    const result = check([{ source: 'outer.yaml', template: outer }], { parseTemplateBody });
    expect(result.errors).toEqual([]);
    expect(result.findings.map((f) => [f.resource, f.ruleId])).toEqual([['Set/Inner', 'XAT1'], ['Set/Inner', 'XAT3']]);
  });

  test('a body that is not YAML or JSON is an engine error naming the StackSet and the parse problem', () => {
    const outer = { Resources: { Set: { Type: 'AWS::CloudFormation::StackSet', Properties: { TemplateBody: 'Resources: !Nope {}' } } } };
    const result = check([{ source: 'outer.yaml', template: outer }], { parseTemplateBody });
    expect(result.errors).toEqual([expect.objectContaining({ resource: 'Set', message: expect.stringMatching(/TemplateBody of StackSet Set could not be parsed: unknown tag !Nope/) })]);
  });
});

describe('YAML 1.1 merge keys (<<) are expanded as aws cloudformation package and the SAM CLI expand them', () => {
  const text = fixture('merge-keys.yaml');
  const statement = (t: unknown) => (t as any).Resources.MergedRole.Properties.AssumeRolePolicyDocument.Statement[0];

  test('keys of the mapping win over merged ones, and of a list of sources the earlier one wins', () => {
    expect(statement(parseTemplate(text).template)).toEqual({ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: '*', Sid: 'Merged' });
  });

  test('a Principal "*" statement merged from an anchor is checked, not read as a literal << key', () => {
    const result = check([{ source: 'merge-keys.yaml', template: parseTemplate(text).template }], { parseTemplateBody });
    expect(result.errors).toEqual([]);
    expect(result.findings.map((f) => `${f.ruleId}[${f.findingId}]`)).toEqual(expect.arrayContaining(['XAT1[Sid-Merged]', 'XAT3[Sid-Merged.PrincipalStar]']));
  });

  test('the line of a merged key is the line of the anchored key it comes from', () => {
    const at = ['Resources', 'MergedRole', 'Properties', 'AssumeRolePolicyDocument', 'Statement', 0];
    const parsed = parseTemplate(text);
    expect(parsed.lineOf([...at, 'Principal'])).toBe(lineOfText(text, "Principal: '*'"));
    expect(parsed.lineOf([...at, 'Action'])).toBe(lineOfText(text, 'Action: sts:AssumeRole'));
    expect(parsed.lineOf([...at, 'Sid'])).toBe(lineOfText(text, 'Sid: Merged'));
  });

  test('a quoted "<<" is an ordinary key, in YAML 1.1 and in JSON', () => {
    expect(parseTemplate('A: &a {x: 1}\nB:\n  "<<": *a\n').template).toEqual({ A: { x: 1 }, B: { '<<': { x: 1 } } });
    expect(parseTemplate('{"B": {"<<": {"x": 1}}}').template).toEqual({ B: { '<<': { x: 1 } } });
  });

  test.each([
    ['a short form', 'B:\n  <<: !If [C, {a: 1}, {b: 2}]\n', /the YAML merge key << at line 2 merges the short form !If; expected a mapping, an alias of a mapping \(<<: \*name\) or a list of them/],
    ['a scalar alias', 'A: &a 1\nB:\n  <<: *a\n', /the YAML merge key << at line 3 merges the scalar "1"; expected a mapping/],
    ['a list with a scalar', 'B:\n  <<: [{a: 1}, x]\n', /merges a list holding something other than mappings/],
    ['nothing', 'B:\n  <<:\n', /merges nothing; expected a mapping/],
    ['two merge keys in one mapping', 'B:\n  <<: {a: 1}\n  <<: {b: 1}\n', /duplicate key "<<" at line 3 \(first at line 2\)/],
  ])('a merge of %s is an error', (_name, bad, message) => {
    expect(parseError(bad).message).toMatch(message);
    expect(parseError(bad).line).toBeGreaterThan(1);
  });

  test('property-based: the result is the YAML 1.1 merge of the sources under the explicit keys', () => {
    const keys = fc.constantFrom('Effect', 'Action', 'Principal', 'Sid', 'Condition');
    const map = fc.dictionary(keys, fc.stringMatching(/^[a-z]{1,6}$/), { maxKeys: 5 });
    fc.assert(fc.property(fc.array(map, { minLength: 1, maxLength: 4 }), map, fc.boolean(), (sources, explicit, mergeFirst) => {
      const flow = (m: Record<string, string>) => `{${Object.entries(m).map(([k, v]) => `${k}: ${v}`).join(', ')}}`;
      const anchors = sources.map((s, i) => `  s${i}: &s${i} ${flow(s)}`);
      const mergeLine = `  <<: ${sources.length === 1 ? '*s0' : `[${sources.map((_, i) => `*s${i}`).join(', ')}]`}`;
      const own = Object.entries(explicit).map(([k, v]) => `  ${k}: ${v}`);
      const yaml = ['Anchors:', ...anchors, 'Merged:', ...(mergeFirst ? [mergeLine, ...own] : [...own, mergeLine])].join('\n');
      const expected = Object.assign({}, ...[...sources].reverse(), explicit);
      expect((parseTemplate(yaml).template as any).Merged).toEqual(expected);
    }), { numRuns: 200 });
  });
});
