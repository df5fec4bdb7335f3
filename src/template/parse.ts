/**
 * Reads the text of a CloudFormation template, JSON or YAML, into the long intrinsic form the engine
 * reads, with the bounds a checker of untrusted files needs (size, nesting, alias expansion) and the
 * line of any node for reports. JSON is YAML 1.2, and the YAML parser is the reference for both formats
 * (its duplicate-key check, its errors, its node ranges); strict JSON takes a shortcut through JSON.parse
 * where that gives the same template and the same lines (see parseStrictJson).
 */
import {
  Composer, CST, Document, LineCounter, Pair, Parser, Scalar, ScalarTag, Tags, YAMLError, YAMLMap, isAlias, isMap, isNode, isScalar, isSeq, visit,
} from 'yaml';
import { CLOUDFORMATION_TAGS } from './tags';
import { isObject } from '../private/json';
import { YamlOctal } from '../private/yaml-octal';

/** Files above this size are not read; CloudFormation itself accepts templates of at most 1 MB. */
export const MAX_TEMPLATE_BYTES = 50 * 1024 * 1024;
/** Real templates nest a few dozen levels at most; the bound keeps every recursive walk far from the stack limit. */
export const MAX_NESTING_DEPTH = 200;
/** Bounds the expansion of YAML aliases (a "billion laughs" file expands a few lines into gigabytes). */
export const MAX_ALIAS_COUNT = 100;
/**
 * Bounds the values (nodes) of one parse, and with them its time and memory: the parser needs a few hundred bytes per
 * node, so a 10 MB list of five million zeros would take gigabytes. A template within CloudFormation's 1 MB limit
 * has fewer characters, hence fewer nodes, than this.
 */
export const MAX_TEMPLATE_NODES = 1024 * 1024;

/** A template that could not be read; the message says what was found and what is expected. */
export class TemplateParseError extends Error {
  constructor(message: string, public readonly line?: number, public readonly column?: number) {
    super(message);
    this.name = 'TemplateParseError';
  }
}

export type TemplatePath = ReadonlyArray<string | number>;

/**
 * Where a node starts in the text: 1-based line and column, the column counted in UTF-16 code units (SARIF's
 * `utf16CodeUnits` column kind, and what editors that take `file:line:column` count for most text).
 */
export interface TemplatePosition {
  readonly line: number;
  readonly column: number;
}

export interface ParsedTemplate {
  /** The template with every short-form tag in its long form (`{ "Fn::Sub": ... }`). */
  readonly template: unknown;
  /**
   * The position of the deepest node on each of `paths` (keys from the template root) that exists: of its key in a
   * mapping, of the item in a list. Only the text is kept: a YAML template's syntax tree is rebuilt for the call and
   * dropped after it, so ask for all of a template's paths at once.
   */
  positionsOf(paths: readonly TemplatePath[]): TemplatePosition[];
  /** `positionsOf([path])[0].line`. */
  lineOf(path: TemplatePath): number;
}

/**
 * CloudFormation reads YAML 1.1 integers, where an unquoted number with a leading zero and only the
 * digits 0-7 is octal: an account id written `012345670123` deploys as 1402433619. The template is
 * checked as CloudFormation would deploy it, and the number keeps its text for messages.
 */
const YAML11_OCTAL: ScalarTag = {
  tag: 'tag:yaml.org,2002:int',
  default: true,
  format: 'OCT',
  test: /^[-+]?0[0-7]+$/,
  resolve: (text: string) => new YamlOctal(parseInt(text, 8), text),
};

const COMPOSE_OPTIONS = {
  // YAML 1.2 core schema: `Version: 2012-10-17` is a string, `yes`/`no` are strings, as CloudFormation reads them.
  version: '1.2' as const,
  schema: 'core',
  customTags: (core: Tags) => [YAML11_OCTAL, ...core, ...CLOUDFORMATION_TAGS],
  stringKeys: true,
  // YAML 1.1 merge keys (`<<: *anchor`), expanded as the YAML 1.1 tools in front of CloudFormation expand them
  // (`aws cloudformation package`, SAM CLI: PyYAML): keys of the mapping itself win over merged ones, and of a list
  // of sources the earlier one wins. Read as a literal key instead, a merged statement would be checked as empty.
  merge: true,
  // The built-in check compares every pair of keys of a mapping, quadratic in a template's Resources; see checkKeys().
  uniqueKeys: false,
};

function position(lines: LineCounter, offset: number): { line: number; col: number } {
  const p = lines.linePos(offset);
  return { line: Math.max(p.line, 1), col: Math.max(p.col, 1) };
}

function yamlError(e: YAMLError, lines: LineCounter): TemplateParseError {
  const { line, col } = position(lines, e.pos[0]);
  const unresolved = /^Unresolved tag: (.*)$/.exec(e.message);
  if (unresolved) {
    return new TemplateParseError(
      `unknown tag ${unresolved[1]} at line ${line}, column ${col}; expected a CloudFormation short form such as !Ref, !Sub or !GetAtt, or the long form ("Fn::...")`,
      line,
      col,
    );
  }
  return new TemplateParseError(`invalid YAML or JSON at line ${line}, column ${col}: ${e.message.split('\n')[0]}`, line, col);
}

/** Fails on collections nested deeper than the bound, before the (recursive) composer sees them. */
function checkNesting(tokens: readonly CST.Token[], lines: LineCounter): void {
  for (const token of tokens) {
    if (token.type !== 'document') continue;
    let deepest: CST.CollectionItem | undefined;
    CST.visit(token, (item, path) => {
      if (path.length <= MAX_NESTING_DEPTH) return undefined;
      deepest = item;
      return visit.BREAK;
    });
    if (deepest) {
      const at = deepest.value ?? deepest.key ?? deepest.start[0];
      const line = at && 'offset' in at ? position(lines, at.offset).line : undefined;
      throw new TemplateParseError(
        `values are nested more than ${MAX_NESTING_DEPTH} levels deep${line ? ` (at line ${line})` : ''}; templates nest far less, so it was not read`,
        line,
      );
    }
  }
}

const MERGE_KEY = '<<';

function keyText(key: unknown): string {
  const value = isScalar(key) ? key.value : key;
  // Without `stringKeys`, the composer gives a merge key a symbol as its value.
  return typeof value === 'symbol' ? value.description ?? '' : String(value);
}

/** A plain `<<` key; a quoted one is an ordinary key, in YAML 1.1 and in JSON. */
function isMergeKey(key: unknown): boolean {
  return isScalar(key) && (key.type === undefined || key.type === Scalar.PLAIN) && keyText(key) === MERGE_KEY;
}

/** A mapping written as one (not a short form such as `!If`, which the tags turn into a mapping too). */
function isPlainMap(node: unknown): node is YAMLMap {
  return isMap(node) && (node.tag === undefined || node.tag === 'tag:yaml.org,2002:map');
}

/** The mappings a merge key's value merges, in order of precedence; `undefined` when it is not a mapping or list of them. */
function mergeSources(value: unknown, doc: Document.Parsed): YAMLMap[] | undefined {
  const target = isAlias(value) ? value.resolve(doc) : value;
  if (isPlainMap(target)) return [target];
  if (!isSeq(target) || (target.tag !== undefined && target.tag !== 'tag:yaml.org,2002:seq')) return undefined;
  const maps: YAMLMap[] = [];
  for (const item of target.items) {
    const map = isAlias(item) ? item.resolve(doc) : item;
    if (!isPlainMap(map)) return undefined;
    maps.push(map);
  }
  return maps;
}

function describeNode(node: unknown, doc: Document.Parsed): string {
  const target = isAlias(node) ? node.resolve(doc) : node;
  if (isNode(target) && typeof target.tag === 'string' && target.tag.startsWith('!')) return `the short form ${target.tag}`;
  if (isMap(target)) return 'a mapping';
  if (isSeq(target)) return 'a list holding something other than mappings';
  if (isScalar(target)) return target.value === null ? 'nothing' : `the scalar ${JSON.stringify(String(target.value))}`;
  return 'an alias to nothing';
}

function startOf(node: unknown): number | undefined {
  return isNode(node) && node.range ? node.range[0] : undefined;
}

/**
 * A key twice in one mapping: CloudFormation does not reject such a template but deploys one of the values without a
 * word (the last, as reported in aws/aws-cli#2404 and aws-cloudformation/cfn-language-discussion#96; its
 * documentation does not say), so the checker cannot know which value to judge and refuses the file. A merge
 * key (`<<`) must merge a mapping, an alias of one or a list of them, as YAML 1.1 defines it; it may appear once.
 */
function checkKeys(doc: Document.Parsed, lines: LineCounter): void {
  visit(doc, {
    Map(_, map) {
      const firstLine = new Map<string, number | undefined>();
      for (const pair of map.items) {
        const key = keyText(pair.key);
        const start = startOf(pair.key);
        const at = start === undefined ? undefined : position(lines, start);
        const line = at?.line;
        if (isMergeKey(pair.key) && mergeSources(pair.value, doc) === undefined) {
          throw new TemplateParseError(
            `the YAML merge key << ${line ? `at line ${line} ` : ''}merges ${describeNode(pair.value, doc)}; `
            + 'expected a mapping, an alias of a mapping (<<: *name) or a list of them (<<: [*a, *b])',
            line,
            at?.col,
          );
        }
        if (firstLine.has(key)) {
          const first = firstLine.get(key);
          throw new TemplateParseError(
            `duplicate key ${JSON.stringify(key)}${line ? ` at line ${line}` : ''}${first ? ` (first at line ${first})` : ''}; CloudFormation does not reject `
            + 'this but silently deploys one of the values (the last one, as its users report; its documentation does not say which), so the '
            + 'template does not show what is deployed and it was not checked. Keep each key once in a mapping',
            line,
            at?.col,
          );
        }
        firstLine.set(key, line);
      }
      return undefined;
    },
  });
}

/**
 * An upper bound of the values (nodes) `text` parses into, counted in one pass without allocating, before the parser
 * builds anything: every JSON or YAML value after the first needs a separator or bracket (`,` `:` `[` `]` `{` `}`)
 * or, in YAML block style, a `-` or a line break. A text that starts with `{` or `[` is JSON or YAML flow style, where
 * line breaks and dashes separate nothing.
 */
export function nodeBound(text: string): number {
  const flow = /^(\s|#[^\n]*\n)*[[{]/.test(text.slice(0, 4096));
  let count = 1;
  for (let i = 0; i < text.length; i++) {
    switch (text.charCodeAt(i)) {
      case 0x2c: case 0x3a: case 0x5b: case 0x5d: case 0x7b: case 0x7d:
        count++;
        break;
      case 0x2d: case 0x0a:
        if (!flow) count++;
        break;
      default:
        break;
    }
  }
  return count;
}

function checkNodeBound(text: string): void {
  const bound = nodeBound(text);
  if (bound > MAX_TEMPLATE_NODES) {
    throw new TemplateParseError(
      `it could parse into as many as ${bound.toLocaleString('en-US')} values (counted from its separators and brackets), more than `
      + `the ${MAX_TEMPLATE_NODES.toLocaleString('en-US')} that a template within CloudFormation's 1 MB limit can hold; `
      + 'it was not read, to keep time and memory bounded. Expected a CloudFormation template of at most 1 MB',
    );
  }
}

/**
 * The YAML parser's tree of a text that passed checkNodeBound. `again`: the text was composed before without error,
 * so its nesting and keys need no second check.
 */
function compose(text: string, again = false): { doc: Document.Parsed; lines: LineCounter } {
  const lines = new LineCounter();
  const tokens = Array.from(new Parser(lines.addNewLine).parse(text));
  if (!again) checkNesting(tokens, lines);
  let first: Document.Parsed | undefined;
  for (const doc of new Composer(COMPOSE_OPTIONS).compose(tokens, true, text.length)) {
    if (first) {
      const { line } = position(lines, doc.range[0]);
      throw new TemplateParseError(`a second YAML document starts at line ${line}; a template is a single JSON or YAML document`, line);
    }
    first = doc;
  }
  // compose(..., forceDoc = true) yields at least one document.
  const doc = first!;
  const problem = doc.errors[0] ?? doc.warnings.find((w) => w.code === 'TAG_RESOLVE_FAILED');
  if (problem) throw yamlError(problem, lines);
  if (!again) checkKeys(doc, lines);
  return { doc, lines };
}

/** Depth of a plain value, counted without recursion; stops as soon as it passes `limit`. */
function exceedsDepth(value: unknown, limit: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (depth >= limit) return true;
    for (const child of Object.values(v)) stack.push([child, depth + 1]);
  }
  return false;
}

function toTemplate(doc: Document.Parsed): unknown {
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    if (e instanceof ReferenceError && /alias/i.test(e.message)) {
      throw new TemplateParseError(
        `its YAML aliases (*name) expand to more than ${MAX_ALIAS_COUNT} times the nodes they refer to, as a "billion laughs" YAML bomb does; `
        + 'expected a template that repeats values at most a few times',
      );
    }
    throw e;
  }
  // Aliases can nest values deeper than the text does (each anchor wrapping the previous one).
  if (exceedsDepth(value, MAX_NESTING_DEPTH)) {
    throw new TemplateParseError(`its YAML aliases nest values more than ${MAX_NESTING_DEPTH} levels deep; templates nest far less`);
  }
  return value;
}

/** The pair of `key` in a mapping, or in the mappings it merges (the pair the merged value comes from). */
function findPair(map: YAMLMap, key: string, doc: Document.Parsed, depth = 0): Pair | undefined {
  const own = map.items.filter((p) => !isMergeKey(p.key));
  const found = own.find((p) => keyText(p.key) === key)
    // IAM reads condition keys and some policy keys case-insensitively, and the engine follows it.
    ?? own.find((p) => keyText(p.key).toLowerCase() === key.toLowerCase());
  if (found || depth > MAX_NESTING_DEPTH) return found;
  for (const merge of map.items.filter((p) => isMergeKey(p.key))) {
    for (const source of mergeSources(merge.value, doc) ?? []) {
      const pair = findPair(source, key, doc, depth + 1);
      if (pair) return pair;
    }
  }
  return undefined;
}

/** The node at the end of `path`, or the deepest one that exists, and where it starts. */
function locate(doc: Document.Parsed, lines: LineCounter, path: TemplatePath): TemplatePosition {
  let node: unknown = doc.contents;
  let start = startOf(node);
  for (const step of path) {
    if (isAlias(node)) node = node.resolve(doc);
    let next: { start?: number; node: unknown } | undefined;
    if (isMap(node)) {
      const pair = findPair(node, String(step), doc);
      if (pair) next = { start: startOf(pair.key), node: pair.value };
    } else if (isSeq(node) && typeof step === 'number' && step >= 0 && step < node.items.length) {
      const item: unknown = node.items[step];
      next = { start: startOf(item), node: item };
    }
    if (!next) break;
    start = next.start ?? start;
    node = next.node;
  }
  if (start === undefined) return { line: 1, column: 1 };
  const { line, col } = position(lines, start);
  return { line, column: col };
}

/** The offset of the first character after the JSON whitespace at `i`. */
function skipJsonSpace(text: string, i: number): number {
  let at = i;
  for (;;) {
    const c = text.charCodeAt(at);
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return at;
    at++;
  }
}

/** The offset just after the JSON string that starts (with its quote) at `i`. */
function skipJsonString(text: string, i: number): number {
  let at = i + 1;
  for (;;) {
    const c = text.charCodeAt(at);
    if (c === 0x22) return at + 1;
    at += c === 0x5c ? 2 : 1;
  }
}

/** The offset just after the JSON value that starts at `i` (in a text JSON.parse accepted). */
function skipJsonValue(text: string, i: number): number {
  let depth = 0;
  let at = i;
  do {
    const c = text.charCodeAt(at);
    if (c === 0x22) {
      at = skipJsonString(text, at);
      continue;
    }
    if (c === 0x7b || c === 0x5b) {
      depth++;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    } else if (depth === 0 && c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) {
      // A number, true, false or null: up to the next delimiter.
      while (at < text.length && !/[\s,\]}]/.test(text[at])) at++;
      return at;
    }
    at++;
  } while (depth > 0);
  return at;
}

/** The key-value pairs a JSON text (one JSON.parse accepted) writes: its colons outside strings. */
function jsonPairCount(text: string): number {
  let pairs = 0;
  for (let i = 0; i < text.length;) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      i = skipJsonString(text, i);
    } else {
      if (c === 0x3a) pairs++;
      i++;
    }
  }
  return pairs;
}

/** The keys of every object in a parsed value. */
function keyCount(value: unknown): number {
  let keys = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v !== 'object' || v === null) continue;
    if (Array.isArray(v)) {
      for (const item of v) stack.push(item);
    } else {
      for (const key in v) {
        keys++;
        stack.push((v as Record<string, unknown>)[key]);
      }
    }
  }
  return keys;
}

/**
 * A template in strict JSON, read by JSON.parse: a hundred times faster than the YAML parser, with next to no garbage.
 * Taken only where the YAML parser would give the same value: a text JSON.parse rejects (comments, YAML flow style)
 * goes the YAML way, and so does one where the YAML path has more to say: a duplicate key (JSON.parse keeps the last
 * value, the YAML path refuses the file), nesting beyond the bound (its error), a lone carriage return (a line break
 * to JSON but not to the YAML parser, which rejects it). Undefined when the text is not such a template.
 */
export function parseStrictJson(text: string): { readonly value: unknown } | undefined {
  const start = skipJsonSpace(text, 0);
  if (text[start] !== '{' && text[start] !== '[') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (/\r(?!\n)/.test(text) || exceedsDepth(value, MAX_NESTING_DEPTH) || keyCount(value) !== jsonPairCount(text)) return undefined;
  return { value };
}

/**
 * In a text parseStrictJson read, the position locate() finds for `path` in the YAML parser's tree of the same text:
 * that of the key (or list item) of the deepest step that exists, a key matched exactly or else case-insensitively.
 */
function locateJson(text: string, path: TemplatePath): TemplatePosition {
  let counted = 0;
  let line = 1;
  // The offset just after the last line break counted.
  let lineStart = 0;
  const positionAt = (offset: number): TemplatePosition => {
    // Offsets only grow along a path: count the line breaks since the last one.
    for (let i = text.indexOf('\n', counted); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
      line++;
      lineStart = i + 1;
    }
    counted = offset;
    return { line, column: offset - lineStart + 1 };
  };
  let at = skipJsonSpace(text, 0);
  let found = positionAt(at);
  for (const step of path) {
    let next: { key: number; value: number } | undefined;
    if (text[at] === '{') {
      const name = String(step);
      let folded: { key: number; value: number } | undefined;
      at = skipJsonSpace(text, at + 1);
      while (text[at] === '"') {
        const keyEnd = skipJsonString(text, at);
        const raw = text.slice(at + 1, keyEnd - 1);
        const key = raw.includes('\\') ? JSON.parse(text.slice(at, keyEnd)) as string : raw;
        const value = skipJsonSpace(text, skipJsonSpace(text, keyEnd) + 1);
        if (key === name) {
          next = { key: at, value };
          break;
        }
        if (folded === undefined && key.toLowerCase() === name.toLowerCase()) folded = { key: at, value };
        at = skipJsonSpace(text, skipJsonValue(text, value));
        if (text[at] === ',') at = skipJsonSpace(text, at + 1);
      }
      next ??= folded;
    } else if (text[at] === '[' && typeof step === 'number' && Number.isInteger(step) && step >= 0) {
      at = skipJsonSpace(text, at + 1);
      for (let index = 0; text[at] !== ']'; index++) {
        if (index === step) {
          next = { key: at, value: at };
          break;
        }
        at = skipJsonSpace(text, skipJsonValue(text, at));
        if (text[at] === ',') at = skipJsonSpace(text, at + 1);
      }
    }
    if (!next) break;
    found = positionAt(next.key);
    at = next.value;
  }
  return found;
}

/** Parses a template's text (JSON or YAML); throws TemplateParseError with a message fit for a user. */
export function parseTemplate(text: string): ParsedTemplate {
  if (text.trim() === '') throw new TemplateParseError('it is empty; expected a CloudFormation template in JSON or YAML');
  checkNodeBound(text);
  const json = parseStrictJson(text);
  if (json) {
    const positionsOf = (paths: readonly TemplatePath[]) => paths.map((p) => locateJson(text, p));
    return { template: json.value, positionsOf, lineOf: (path) => positionsOf([path])[0].line };
  }
  const { doc } = compose(text);
  if (doc.contents === null) {
    throw new TemplateParseError('it holds no value (only comments or a bare document marker); expected a CloudFormation template in JSON or YAML');
  }
  const template = toTemplate(doc);
  const positionsOf = (paths: readonly TemplatePath[]) => {
    const tree = compose(text, true);
    return paths.map((p) => locate(tree.doc, tree.lines, p));
  };
  return { template, positionsOf, lineOf: (path) => positionsOf([path])[0].line };
}

/** For the engine's StackSet `TemplateBody` strings: the same parser, tags and limits as for files. */
export function parseTemplateBody(text: string): unknown {
  return parseTemplate(text).template;
}

/** Decodes a file's bytes as UTF-8 (a byte order mark is dropped); binary content is an error. */
export function decodeTemplateText(bytes: Uint8Array): string {
  if (bytes.includes(0)) {
    throw new TemplateParseError('the file contains NUL bytes, so it is binary (or UTF-16) rather than a template; expected JSON or YAML text in UTF-8');
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new TemplateParseError('the file is not valid UTF-8 text; expected a JSON or YAML template in UTF-8');
  }
}

/** A CloudFormation template: an object with a Resources object, or one that declares AWSTemplateFormatVersion. */
export function isCloudFormationTemplate(value: unknown): boolean {
  return isObject(value) && (isObject(value.Resources) || 'AWSTemplateFormatVersion' in value);
}

/** Why a parsed value is not a template, for the error message of a file given explicitly. */
export function describeNonTemplate(value: unknown): string {
  const kind = value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value === 'object' ? 'an object without a Resources mapping' : `a ${typeof value}`;
  return `the file is ${kind}, not a CloudFormation template; expected an object with a Resources mapping or AWSTemplateFormatVersion`;
}

/**
 * Whether bytes that are not UTF-8 text were meant to be a template: read as UTF-8 (undecodable bytes replaced),
 * UTF-16LE or UTF-16BE, they look like one.
 */
export function looksLikeTemplateBytes(bytes: Uint8Array): boolean {
  return ['utf-8', 'utf-16le', 'utf-16be'].some((encoding) => looksLikeTemplate(new TextDecoder(encoding).decode(bytes)));
}

/**
 * Whether text that failed to parse was meant to be a template. A directory holds other JSON and YAML
 * (tsconfig.json with comments, Helm charts); those are skipped, while a broken template must not pass silently.
 */
export function looksLikeTemplate(text: string): boolean {
  return /\bAWSTemplateFormatVersion\b|(^|[{,\s])["']?Resources["']?\s*:/m.test(text);
}

