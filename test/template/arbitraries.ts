import * as fc from 'fast-check';

/** Fragments that stress a YAML/JSON template parser: tags (known and unknown), anchors, aliases, flow and block syntax. */
const FRAGMENTS = [
  '!Ref ', '!Sub ', '!GetAtt a.b', '!If [C, x, y]', '!Foo ', '!!binary ', '&a ', '*a', '*nope', '<<: *a\n', '{', '}', '[', ']', '"', '\'', ':', ': ',
  '- ', '\n', '\r\n', '\t', '  ', '---\n', '...\n', '#', '%YAML 1.1\n', '|', '>-', ',', '?', '\u0000', '\uFEFF', '\\u0000', '0123', '012345678901',
  'Fn::If', '"Ref"', 'Statement', 'Principal', 'sts:ExternalId', '*', 'arn:aws:iam::111122223333:root',
];

type Edit =
  | { readonly kind: 'delete'; readonly at: number; readonly length: number }
  | { readonly kind: 'insert'; readonly at: number; readonly text: string }
  | { readonly kind: 'duplicateLine'; readonly line: number }
  | { readonly kind: 'swapLines'; readonly a: number; readonly b: number };

const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 30 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.oneof(fc.constantFrom(...FRAGMENTS), fc.string({ maxLength: 12 })) }),
  fc.record({ kind: fc.constant('duplicateLine' as const), line: fc.nat() }),
  fc.record({ kind: fc.constant('swapLines' as const), a: fc.nat(), b: fc.nat() }),
);

function apply(text: string, e: Edit): string {
  switch (e.kind) {
    case 'delete': {
      const at = e.at % (text.length + 1);
      return text.slice(0, at) + text.slice(at + e.length);
    }
    case 'insert': {
      const at = e.at % (text.length + 1);
      return text.slice(0, at) + e.text + text.slice(at);
    }
    case 'duplicateLine': {
      const lines = text.split('\n');
      const i = e.line % lines.length;
      return [...lines.slice(0, i + 1), lines[i], ...lines.slice(i + 1)].join('\n');
    }
    case 'swapLines': {
      const lines = text.split('\n');
      const a = e.a % lines.length;
      const b = e.b % lines.length;
      [lines[a], lines[b]] = [lines[b], lines[a]];
      return lines.join('\n');
    }
  }
}

/** `text` with one to five random edits. */
export function mutatedText(text: string): fc.Arbitrary<string> {
  return fc.array(edit, { minLength: 1, maxLength: 5 }).map((edits) => edits.reduce(apply, text));
}

/** CloudFormation intrinsic functions in long form, nested, around arbitrary JSON leaves. */
export const intrinsic: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.jsonValue({ maxDepth: 2 }),
    fc.record({ Ref: fc.constantFrom('ExternalId', 'AWS::AccountId', 'AWS::NoValue', 'VendorRole', 'Missing') }),
    fc.record({ 'Fn::Sub': fc.oneof(fc.string(), fc.tuple(fc.string(), fc.dictionary(fc.string({ maxLength: 4 }), tie('value'), { maxKeys: 2 }))) }),
    fc.record({ 'Fn::If': fc.tuple(fc.constantFrom('IsProd', 'Nope'), tie('value'), tie('value')) }),
    fc.record({ 'Fn::Join': fc.tuple(fc.constantFrom('', ':', '/'), fc.array(tie('value'), { maxLength: 3 })) }),
    fc.record({ 'Fn::Select': fc.tuple(fc.integer({ min: -1, max: 3 }), tie('value')) }),
    fc.record({ 'Fn::Split': fc.tuple(fc.constantFrom(':', '', '/'), tie('value')) }),
    fc.record({ 'Fn::FindInMap': fc.array(tie('value'), { maxLength: 4 }) }),
    fc.record({ 'Fn::GetAtt': fc.oneof(fc.string(), fc.array(tie('value'), { maxLength: 2 })) }),
    fc.record({ 'Fn::Base64': tie('value') }),
    fc.record({ Condition: fc.string({ maxLength: 6 }) }),
  ),
})).value;

/** Every path to a node of a plain value (objects and arrays), the root included. */
export function nodePaths(value: unknown, prefix: Array<string | number> = []): Array<Array<string | number>> {
  if (typeof value !== 'object' || value === null) return [prefix];
  const children = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  return [prefix, ...children.flatMap(([k, v]) => nodePaths(v, [...prefix, k]))];
}

/** A copy of `value` with the node at `path` replaced. */
export function replaceAt(value: unknown, path: ReadonlyArray<string | number>, replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const [head, ...rest] = path;
  if (Array.isArray(value)) return value.map((v, i) => (i === head ? replaceAt(v, rest, replacement) : v));
  const obj = value as Record<string, unknown>;
  return { ...obj, [head]: replaceAt(obj[head as string], rest, replacement) };
}
