/**
 * One run of `check`: discover the templates, read and parse each and hand it to the engine's incremental checker
 * right away, keeping of it only its text (for the lines of what is found in it); the checker keeps findings, not
 * templates, and compares ExternalIds across every file of the run (XAT7) at the end.
 */
import * as fs from 'fs';
import * as path from 'path';
import { discover, TemplateTarget } from './discover';
import { AcknowledgedFinding, Report, ReportError, ReportFinding, ReportSubject } from './report';
import { CheckOptions, Finding, createChecker } from '../engine';
import { isObject } from '../private/json';
import { ProofSubject, SubjectOptions, proofSubjects } from '../prover/subjects';
import { TemplateAcknowledgement, matchAcknowledgements, readAcknowledgements } from '../template/acknowledgements';
import {
  MAX_TEMPLATE_BYTES, ParsedTemplate, TemplateParseError, decodeTemplateText, describeNonTemplate, isCloudFormationTemplate,
  TemplatePath, TemplatePosition, looksLikeTemplate, looksLikeTemplateBytes, parseTemplate, parseTemplateBody,
} from '../template/parse';

export interface ScanOptions {
  /** Paths are resolved against it and SARIF locations are relative to it. */
  readonly cwd: string;
  /** The own account of every template, overriding the environments of a cloud assembly. */
  readonly account?: string;
  readonly check: Omit<CheckOptions, 'parseTemplateBody'>;
  /** The template of the path `-`, and the file name it is reported under. */
  readonly stdin?: { readonly name: string; read(): Uint8Array };
  /** Find the line and column of every finding, error and notice (parses each YAML file with one a second time). */
  readonly withLines: boolean;
  /** Whether a path is left out (--exclude, the config file's exclude): neither read nor counted as a template. */
  readonly excluded?: (absolutePath: string) => boolean;
  /** Build the subjects of proofs (`check --prove`) from the model the rules read. @default no subjects */
  readonly prove?: SubjectOptions;
}

type Loaded =
  | { readonly kind: 'template'; readonly parsed: ParsedTemplate }
  | { readonly kind: 'skipped' }
  | { readonly kind: 'error'; readonly message: string; readonly line?: number; readonly column?: number };

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function megabytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** The first 64 KB of a file, enough to tell whether it looks like a template. */
function readStart(file: string): Uint8Array {
  const fd = fs.openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(64 * 1024);
    return buffer.subarray(0, fs.readSync(fd, buffer, 0, buffer.length, 0));
  } finally {
    fs.closeSync(fd);
  }
}

/** Reads one file. Files found under a directory that are not templates are skipped; named ones are errors. */
/** The bytes of the template of `check -`. */
function readStdin(read: () => Uint8Array): Buffer | Loaded {
  let bytes: Uint8Array;
  try {
    bytes = read();
  } catch (e) {
    return { kind: 'error', message: `standard input cannot be read (${message(e)}); expected a template piped into the command` };
  }
  if (bytes.length > MAX_TEMPLATE_BYTES) {
    return { kind: 'error', message: `standard input holds more than ${megabytes(MAX_TEMPLATE_BYTES)}; more is not read (CloudFormation accepts templates of at most 1 MB)` };
  }
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
}

/** The bytes of a template file; found under a directory, one too large to read is skipped unless it looks like a template. */
function readFile(target: TemplateTarget): Buffer | Loaded {
  try {
    const stat = fs.statSync(target.absolutePath);
    // A device or a pipe (/dev/zero, /dev/stdin) may never end.
    if (!stat.isFile()) return { kind: 'error', message: 'the path is not a regular file; expected a template file, a directory or a CDK cloud assembly' };
    const size = stat.size;
    if (size > MAX_TEMPLATE_BYTES) {
      const problem = `the file is ${megabytes(size)}; files above ${megabytes(MAX_TEMPLATE_BYTES)} are not read (CloudFormation accepts templates of at most 1 MB)`;
      // Found under a directory, it is an error when its start looks like a template, and skipped otherwise.
      return target.explicit || looksLikeTemplateBytes(readStart(target.absolutePath)) ? { kind: 'error', message: problem } : { kind: 'skipped' };
    }
    return fs.readFileSync(target.absolutePath);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { kind: 'error', message: code === 'ENOENT' ? 'the file does not exist' : `the file cannot be read (${message(e)})` };
  }
}

function load(target: TemplateTarget): Loaded {
  const notTemplate = (problem: string): Loaded => (target.explicit ? { kind: 'error', message: problem } : { kind: 'skipped' });
  const bytes = target.read !== undefined ? readStdin(target.read) : readFile(target);
  if (!Buffer.isBuffer(bytes)) return bytes;
  let text: string;
  try {
    text = decodeTemplateText(bytes);
  } catch (e) {
    // A template saved in another encoding is an error even when found under a directory; other binary files are skipped.
    return target.explicit || looksLikeTemplateBytes(bytes) ? { kind: 'error', message: message(e) } : { kind: 'skipped' };
  }
  let parsed: ParsedTemplate;
  try {
    parsed = parseTemplate(text);
  } catch (e) {
    const at = e instanceof TemplateParseError ? { line: e.line, column: e.column } : {};
    const problem = e instanceof TemplateParseError ? e.message : `the file could not be parsed: ${message(e)}`;
    return target.explicit || looksLikeTemplate(text) ? { kind: 'error', message: problem, ...at } : { kind: 'skipped' };
  }
  // A cloud assembly's manifest declares its stack templates as such: one without Resources (a stack holding only
  // assets or outputs) is a template with nothing to check.
  const declaredTemplate = target.stack !== undefined && isObject(parsed.template);
  if (!declaredTemplate && !isCloudFormationTemplate(parsed.template)) return notTemplate(describeNonTemplate(parsed.template));
  return { kind: 'template', parsed };
}

/**
 * The position of each item (finding, error, notice) at its path in its template, found template by template: all the
 * paths of one template in one call, so that at most one template's syntax tree is alive at a time.
 */
function positionsOfAll<T extends { source: string }>(
  templates: ReadonlyMap<string, { positionsOf: ParsedTemplate['positionsOf'] }>, items: readonly T[], pathOf: (item: T) => TemplatePath | undefined,
): Map<object, TemplatePosition> {
  const bySource = new Map<string, Array<{ item: T; path: TemplatePath }>>();
  for (const item of items) {
    const at = pathOf(item);
    // The engine's own problems ('(rules)', '(engine)') are about no file.
    if (at === undefined || !templates.has(item.source)) continue;
    const list = bySource.get(item.source);
    if (list) list.push({ item, path: at });
    else bySource.set(item.source, [{ item, path: at }]);
  }
  const positions = new Map<object, TemplatePosition>();
  for (const [source, list] of bySource) {
    const found = templates.get(source)!.positionsOf(list.map((x) => x.path));
    list.forEach(({ item }, i) => positions.set(item, found[i]));
  }
  return positions;
}

/** The path that stands for standard input (`check -`). */
export const STDIN_PATH = '-';

/**
 * Scans `paths` and returns what was found; never throws for a bad input (it becomes an error entry). A path `-` is
 * the template `options.stdin` reads, checked first.
 */
export function scan(paths: readonly string[], options: ScanOptions): Report {
  const uriOf = (absolutePath: string) => path.relative(options.cwd, absolutePath).split(path.sep).join('/');
  const found = discover(paths.filter((p) => p !== STDIN_PATH), options.cwd);
  const stdin: TemplateTarget[] = options.stdin !== undefined && paths.includes(STDIN_PATH)
    ? [{ file: options.stdin.name, absolutePath: path.resolve(options.cwd, options.stdin.name), explicit: true, read: options.stdin.read }]
    : [];
  const discovery = { ...found, targets: [...stdin, ...found.targets] };
  const isExcluded = options.excluded ?? (() => false);
  const errors: ReportError[] = discovery.errors.filter((e) => !isExcluded(e.absolutePath)).map((e) => ({ file: e.file, uri: uriOf(e.absolutePath), message: e.message, kind: 'input' }));
  const where = (target: TemplateTarget) => ({
    file: target.file,
    uri: uriOf(target.absolutePath),
    ...(target.stack ? { stack: target.stack } : {}),
    ...(target.nestedStack ? { nestedStack: target.nestedStack } : {}),
  });
  // Of each template, what the report needs after the check: not the template itself.
  const templates = new Map<string, { target: TemplateTarget; positionsOf: ParsedTemplate['positionsOf']; acknowledgements: TemplateAcknowledgement[] }>();
  const acknowledgementProblems: Array<{ source: string; resource?: string; message: string; path: TemplatePath }> = [];
  const subjects: ProofSubject[] = [];
  const subjectProblems: Array<{ source: string; message: string }> = [];
  const prove = options.prove;
  const checker = createChecker({ ...options.check, parseTemplateBody }, prove === undefined ? {} : {
    analysed: (app) => {
      try {
        subjects.push(...proofSubjects(app, prove));
      } catch (e) {
        subjectProblems.push({ source: app.templates[0]?.source ?? '(prover)', message: `the proofs of the template could not be prepared: ${message(e)}` });
      }
    },
  });
  let files = 0;
  let skipped = 0;
  let excluded = 0;
  for (const target of discovery.targets) {
    if (isExcluded(target.absolutePath)) {
      excluded++;
      continue;
    }
    const loaded = load(target);
    if (loaded.kind === 'skipped') {
      skipped++;
      continue;
    }
    files++;
    if (loaded.kind === 'error') {
      errors.push({
        ...where(target), message: loaded.message, ...(loaded.line ? { line: loaded.line, ...(loaded.column ? { column: loaded.column } : {}) } : {}), kind: 'input',
      });
      continue;
    }
    // One template file can be the template of several NestedStacks; the engine tells their resources apart by source.
    const source = target.nestedStack !== undefined ? `${target.file} (nested stack ${target.nestedStack})` : target.file;
    // Read now, so that the template need not be kept until every finding is known; matched after the check.
    const read = readAcknowledgements(loaded.parsed.template, { parseTemplateBody });
    for (const p of read.problems) acknowledgementProblems.push({ source, ...p });
    templates.set(source, { target, positionsOf: loaded.parsed.positionsOf, acknowledgements: read.acknowledgements });
    checker.add({ source, template: loaded.parsed.template, account: options.account ?? target.account });
  }

  const result = checker.finish();
  // Each template's acknowledgements against its own findings. A mistake in one is an error and acknowledges nothing,
  // so the findings it meant are reported; the file's other acknowledgements still count.
  const bySource = new Map<string, Finding[]>();
  for (const f of result.findings) {
    const list = bySource.get(f.source);
    if (list) list.push(f);
    else bySource.set(f.source, [f]);
  }
  // Keyed by finding; the value is what the line of the acknowledgement is looked up with.
  const inTemplate = new Map<Finding, { source: string; acknowledgement: TemplateAcknowledgement; path: TemplatePath }>();
  for (const [source, t] of templates) {
    if (t.acknowledgements.length === 0) continue;
    const matched = matchAcknowledgements(t.acknowledgements, bySource.get(source) ?? [], { rules: options.check.rules });
    const items = new Map<TemplateAcknowledgement, { source: string; acknowledgement: TemplateAcknowledgement; path: TemplatePath }>();
    for (const [f, a] of matched.acknowledged) {
      let item = items.get(a);
      if (item === undefined) items.set(a, item = { source, acknowledgement: a, path: a.path });
      inTemplate.set(f, item);
    }
    for (const p of matched.problems) acknowledgementProblems.push({ source, ...p });
  }
  // An inner resource of a StackSet is located at its StackSet, the outermost part of its id.
  const pathOf = (e: { resource?: string; path?: TemplatePath }) => e.path ?? (e.resource ? ['Resources', e.resource.split('/')[0]] : undefined);
  const positions = options.withLines
    ? positionsOfAll(templates, [
      ...result.findings, ...result.errors, ...result.notices, ...acknowledgementProblems, ...new Set(inTemplate.values()), ...subjects,
    ], pathOf)
    : new Map<object, TemplatePosition>();
  const findings: ReportFinding[] = [];
  const acknowledged: AcknowledgedFinding[] = [];
  for (const f of result.findings) {
    // The engine reports findings only for the inputs it was given.
    const { target } = templates.get(f.source)!;
    const at = positions.get(f);
    const constructPath = target.constructPaths?.get(f.resource.split('/')[0]);
    const finding: ReportFinding = {
      ...where(target),
      resource: f.resource,
      rule: f.ruleId,
      level: f.level,
      message: f.message,
      findingId: f.findingId,
      ...(at ? { line: at.line, column: at.column } : {}),
      ...(constructPath !== undefined ? { constructPath } : {}),
    };
    const template = inTemplate.get(f);
    const cdk = template === undefined ? target.acknowledgements?.(finding) : undefined;
    if (template !== undefined) {
      const acknowledgedLine = positions.get(template)?.line;
      acknowledged.push({
        ...finding,
        reason: template.acknowledgement.reason,
        acknowledgedIn: 'template',
        acknowledgedId: template.acknowledgement.id,
        acknowledgedAt: template.acknowledgement.at,
        ...(acknowledgedLine ? { acknowledgedLine } : {}),
      });
    } else if (cdk !== undefined) {
      acknowledged.push({ ...finding, reason: cdk.reason, acknowledgedIn: 'cdk', acknowledgedId: cdk.id, acknowledgedAt: cdk.constructPath });
    } else {
      findings.push(finding);
    }
  }
  const placed = (e: { source: string; resource?: string; message: string; path?: TemplatePath }) => {
    const t = templates.get(e.source);
    const at = positions.get(e);
    const constructPath = e.resource ? t?.target.constructPaths?.get(e.resource.split('/')[0]) : undefined;
    return {
      // The engine's own problems ('(rules)', '(engine)') are about no file.
      ...(t ? where(t.target) : { file: e.source }),
      ...(e.resource ? { resource: e.resource } : {}),
      ...(constructPath !== undefined ? { constructPath } : {}),
      message: e.message,
      ...(at ? { line: at.line, column: at.column } : {}),
    };
  };
  for (const e of result.errors) errors.push({ ...placed(e), kind: 'check' });
  for (const e of acknowledgementProblems) errors.push({ ...placed(e), kind: 'acknowledgement' });
  for (const e of subjectProblems) errors.push({ ...placed(e), kind: 'check' });
  const located: ReportSubject[] = subjects.flatMap((subject) => {
    const t = templates.get(subject.source);
    if (t === undefined) return [];
    const at = positions.get(subject);
    const constructPath = t.target.constructPaths?.get(subject.resource.split('/')[0]);
    const position = at ? { line: at.line, column: at.column } : {};
    return [{ where: { ...where(t.target), ...(constructPath !== undefined ? { constructPath } : {}), ...position }, subject }];
  });
  // The notice that a nested stack's template is another file is moot where discovery found that file and checked it.
  const notices = result.notices
    .filter((n) => !(n.resource !== undefined && templates.get(n.source)?.target.checkedNestedStacks?.includes(n.resource)))
    .map(placed);
  const checked = result.checked.flatMap((c) => {
    const t = templates.get(c.source);
    return t === undefined ? [] : [{ ...where(t.target), resources: c.resources }];
  });
  return {
    templates: checked,
    findings,
    acknowledged,
    errors,
    notices,
    checked: [...new Set([...templates.values()].map((t) => uriOf(t.target.absolutePath)))],
    ...(prove !== undefined ? { subjects: located } : {}),
    summary: {
      files, checked: templates.size, skipped, excluded, resources: result.resources, findings: findings.length, acknowledged: acknowledged.length,
    },
  };
}
