import * as fs from 'fs';
import * as path from 'path';
import * as fc from 'fast-check';
import { intrinsic, mutatedText, nodePaths, replaceAt } from './arbitraries';
import { check } from '../../src/engine';
import { TemplateParseError, parseTemplate, parseTemplateBody } from '../../src/template/parse';

const FIXTURE_DIR = path.join(__dirname, '..', 'cli', 'fixtures');
const FIXTURES = fs.readdirSync(FIXTURE_DIR).filter((f) => /\.(json|yaml)$/.test(f)).map((f) => fs.readFileSync(path.join(FIXTURE_DIR, f), 'utf8'));

/** Parses like the CLI: a TemplateParseError is an expected outcome, any other exception escapes and fails the property. */
function parseOrReject(text: string): { template: unknown; lineOf: (p: Array<string | number>) => number } | undefined {
  try {
    return parseTemplate(text);
  } catch (e) {
    if (e instanceof TemplateParseError) return undefined;
    throw e;
  }
}

function expectWellFormedResult(template: unknown): void {
  const result = check([{ source: 'fuzz.yaml', template }, { source: 'other.yaml', template: parseTemplate(FIXTURES[0]).template }], { parseTemplateBody });
  expect(Array.isArray(result.findings) && Array.isArray(result.errors)).toBe(true);
  for (const f of result.findings) expect(typeof f.message === 'string' && f.message.length > 0).toBe(true);
}

describe('property-based: the parser and the engine never throw on what they are given', () => {
  test('JSON text parses to exactly what JSON.parse reads', () => {
    fc.assert(fc.property(fc.jsonValue(), (value) => {
      const text = JSON.stringify(value);
      const parsed = parseOrReject(text);
      expect(parsed?.template).toEqual(JSON.parse(text));
    }), { numRuns: 100 });
  });

  test('arbitrary JSON as a template: the engine returns findings or errors', () => {
    fc.assert(fc.property(fc.jsonValue(), fc.jsonValue(), (a, b) => {
      expectWellFormedResult(a);
      expectWellFormedResult({ Resources: { R: { Type: 'AWS::IAM::Role', Properties: a }, S: b } });
    }), { numRuns: 100 });
  });

  test('fixtures with a node replaced by arbitrary values and intrinsics, as files and as StackSet bodies', () => {
    const templates = FIXTURES.map((t) => parseTemplate(t).template);
    const arb = fc.nat().chain((i) => {
      const template = templates[i % templates.length];
      const paths = nodePaths(template);
      return fc.tuple(fc.constant(template), fc.constantFrom(...paths), intrinsic);
    });
    fc.assert(fc.property(arb, ([template, at, replacement]) => {
      const mutated = replaceAt(template, at, replacement);
      expectWellFormedResult(mutated);
      expectWellFormedResult({ Resources: { Set: { Type: 'AWS::CloudFormation::StackSet', Properties: { TemplateBody: JSON.stringify(mutated) } } } });
    }), { numRuns: 100 });
  });

  test('fixture text with random edits: a TemplateParseError or a template the engine and the line locator handle', () => {
    const somePath = fc.array(fc.oneof(fc.string(), fc.nat({ max: 5 })), { maxLength: 6 });
    const arb = fc.nat().chain((i) => fc.tuple(mutatedText(FIXTURES[i % FIXTURES.length]), somePath));
    fc.assert(fc.property(arb, ([text, p]) => {
      const parsed = parseOrReject(text);
      if (!parsed) return;
      expectWellFormedResult(parsed.template);
      const line = parsed.lineOf(p);
      expect(Number.isInteger(line) && line >= 1 && line <= text.split(/\r?\n|\r/).length).toBe(true);
    }), { numRuns: 100 });
  });
});
