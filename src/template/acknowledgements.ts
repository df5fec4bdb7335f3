/**
 * Acknowledgements written in a CloudFormation template's own `Metadata`, for templates that do not come from a CDK app
 * (and for those that do: `CfnResource.addMetadata` and `Stack.addMetadata` write the same keys):
 *
 *   Metadata:
 *     cross-account-trust:
 *       acknowledge:
 *         - id: XAT3[Statement0.Principal0]
 *           reason: Vendor documents account-root trust only; tracked in SEC-1423
 *
 * Under a resource, an entry covers that resource's findings (and, on a StackSet, those of the resources of its
 * TemplateBody, as an acknowledgment on a StackSet construct does); under the template's top-level `Metadata`, every
 * resource of the file. A StackSet's TemplateBody is a template too: its own `Metadata` and its resources' are read the
 * same way. Ids are matched as the rule pack matches `Validations.of(scope).acknowledge()` ids (`acknowledgingIds`), with
 * the `CrossAccountTrust-` prefix optional.
 *
 * Two pure steps, so that a front end need not keep templates until every finding is known (XAT7 compares them all):
 * `readAcknowledgements` over one parsed template, then `matchAcknowledgements` over its findings.
 */
import { MAX_STACKSET_NESTING, STACKSET_TYPE } from '../engine/template';
import { PACK_NAME, acknowledgingIds, unqualifiedId } from '../private/acknowledgement-ids';
import { describeType, isObject } from '../private/json';
import { clipText, listText } from '../private/text';
import { ALL_RULES } from '../rules';

/** The `Metadata` key this library reads. */
export const METADATA_KEY = 'cross-account-trust';
const ENTRY_KEYS = ['id', 'reason'];
const RULE_IDS = ALL_RULES.map((r) => r.id);

type Path = ReadonlyArray<string | number>;

/** What an acknowledgement needs of a finding: the engine's `Finding` is one. */
export interface AcknowledgeableFinding {
  readonly ruleId: string;
  /** Logical id; `<StackSet>/<Inner>` inside a StackSet body. */
  readonly resource: string;
  readonly findingId: string;
}

/** One well-formed entry of an `acknowledge` list. */
export interface TemplateAcknowledgement {
  /** The id as written. */
  readonly id: string;
  readonly ruleId: string;
  readonly reason: string;
  /** Where it is written, as a path in the template: `Resources.Role.Metadata.cross-account-trust.acknowledge[0]`. */
  readonly at: string;
  /** Its place in its `Metadata`: `cross-account-trust.acknowledge[0]`. */
  readonly entry: string;
  /** Its path in the outermost template, for its line; inside a StackSet body it stops at the `TemplateBody` property. */
  readonly path: Path;
  /** The resource whose `Metadata` holds it, undefined for a template's top-level `Metadata` (`<StackSet>/<Inner>` inside a body). */
  readonly resource?: string;
  /** `<StackSet>/` for an entry inside a StackSet body, else `''`: it covers only resources whose id starts with it. */
  readonly bodyPrefix: string;
  /** The acknowledging id in the pack's form (`CrossAccountTrust-XAT3[...]`), compared with `acknowledgingIds`. */
  readonly normalizedId: string;
  /** What the messages call its place: `the Metadata of resource Role`. */
  readonly where: string;
}

/** A mistake in an acknowledgement: an input error of the template. */
export interface AcknowledgementProblem {
  /** The resource whose `Metadata` holds it (the StackSet for a body's top-level `Metadata`); undefined for the template's. */
  readonly resource?: string;
  readonly message: string;
  readonly path: Path;
}

export interface ReadAcknowledgements {
  readonly acknowledgements: TemplateAcknowledgement[];
  readonly problems: AcknowledgementProblem[];
}

export interface ReadAcknowledgementsOptions {
  /** Parses the text of a StackSet `TemplateBody`, as for the engine. @default JSON.parse */
  readonly parseTemplateBody?: (text: string) => unknown;
}

/** The literal texts a `TemplateBody` can have: a string, or strings in the branches of `Fn::If`. */
function bodyTexts(body: unknown): string[] {
  if (typeof body === 'string') return [body];
  if (isObject(body) && Object.keys(body).length === 1 && Array.isArray(body['Fn::If']) && body['Fn::If'].length === 3) {
    return [...bodyTexts(body['Fn::If'][1]), ...bodyTexts(body['Fn::If'][2])];
  }
  // Any other intrinsic makes the engine report that the body could not be checked: no finding of it to acknowledge.
  return [];
}

function show(value: unknown): string {
  if (typeof value === 'string') return value === '' ? 'an empty string' : `'${clipText(value)}'`;
  return describeType(value);
}

/** The acknowledgements of a template and of the StackSet bodies inside it; mistakes are problems, never exceptions. */
export function readAcknowledgements(template: unknown, options: ReadAcknowledgementsOptions = {}): ReadAcknowledgements {
  const parseBody = options.parseTemplateBody ?? ((text: string) => JSON.parse(text));
  const acknowledgements: TemplateAcknowledgement[] = [];
  const problems: AcknowledgementProblem[] = [];

  const readMetadata = (metadata: unknown, scope: {
    resource?: string; problemResource?: string; bodyPrefix: string; where: string; at: string; path: (sub: Path) => Path;
  }) => {
    if (!isObject(metadata) || !(METADATA_KEY in metadata)) return;
    const problem = (sub: Path, text: string) => problems.push({ resource: scope.problemResource, message: `${scope.where}: ${text}`, path: scope.path(sub) });
    const block = metadata[METADATA_KEY];
    const expectedBlock = 'expected a mapping with the key acknowledge, a list of { id, reason } entries';
    if (!isObject(block)) {
      problem([METADATA_KEY], `${METADATA_KEY} is ${describeType(block)}; ${expectedBlock}`);
      return;
    }
    const unknownKeys = Object.keys(block).filter((k) => k !== 'acknowledge');
    if (unknownKeys.length > 0) problem([METADATA_KEY], `${METADATA_KEY} has the unknown key${unknownKeys.length > 1 ? 's' : ''} ${listText(unknownKeys)}; ${expectedBlock}`);
    const list = block.acknowledge;
    if (!Array.isArray(list)) {
      problem([METADATA_KEY, 'acknowledge'], `${METADATA_KEY}.acknowledge is ${list === undefined ? 'missing' : describeType(list)}; expected a list of { id, reason } entries`);
      return;
    }
    list.forEach((entry, i) => {
      const name = `${METADATA_KEY}.acknowledge[${i}]`;
      const sub = [METADATA_KEY, 'acknowledge', i];
      if (!isObject(entry)) {
        problem(sub, `${name} is ${describeType(entry)}; expected a mapping with id and reason`);
        return;
      }
      let valid = true;
      const extra = Object.keys(entry).filter((k) => !ENTRY_KEYS.includes(k));
      if (extra.length > 0) {
        problem(sub, `${name} has the unknown key${extra.length > 1 ? 's' : ''} ${listText(extra)}; expected only id and reason`);
        valid = false;
      }
      const { id, reason } = entry;
      const match = typeof id === 'string' ? /^(?:CrossAccountTrust-)?(XAT\d+)(?:\[(.+)\])?$/.exec(unqualifiedId(id.trim())) : null;
      if (match === null || !RULE_IDS.includes(match[1])) {
        problem([...sub, 'id'], `${name}.id is ${id === undefined ? 'missing' : show(id)}; expected a rule id (${RULE_IDS[0]} to ${RULE_IDS[RULE_IDS.length - 1]}) for `
          + 'every finding of that rule on the resource, or a rule id with a finding id in brackets (XAT3[Statement0.Principal0]) for one, '
          + `as the report prints them; the ${PACK_NAME}- prefix is optional`);
        valid = false;
      }
      if (typeof reason !== 'string' || reason.trim() === '') {
        problem([...sub, 'reason'], `${name}.reason is ${reason === undefined ? 'missing' : show(reason)}; expected a non-empty string that says why the finding is accepted`);
        valid = false;
      }
      if (!valid) return;
      const [, ruleId, findingId] = match!;
      acknowledgements.push({
        id: id as string,
        ruleId,
        reason: reason as string,
        at: `${scope.at}.${name}`,
        entry: name,
        path: scope.path(sub),
        resource: scope.resource,
        bodyPrefix: scope.bodyPrefix,
        normalizedId: findingId === undefined ? `${PACK_NAME}-${ruleId}` : `${PACK_NAME}-${ruleId}[${findingId}]`,
        where: scope.where,
      });
    });
  };

  const readTemplate = (t: unknown, nesting: { idPrefix: string; bodyPath?: Path; bodyAt?: string; depth: number }) => {
    if (!isObject(t)) return;
    // Inside a body every path stops at its TemplateBody property, as the engine's do.
    const pathIn = (p: Path) => nesting.bodyPath ?? p;
    const at = (p: string) => (nesting.bodyAt !== undefined ? `${nesting.bodyAt}: ${p}` : p);
    const stackSet = nesting.idPrefix.slice(0, -1);
    readMetadata(t.Metadata, {
      problemResource: nesting.depth > 0 ? stackSet : undefined,
      bodyPrefix: nesting.idPrefix,
      where: nesting.depth > 0 ? `the Metadata of the TemplateBody of StackSet ${stackSet}` : 'the template\'s Metadata',
      at: at('Metadata'),
      path: (sub) => pathIn(['Metadata', ...sub]),
    });
    if (!isObject(t.Resources)) return;
    for (const [logicalId, r] of Object.entries(t.Resources)) {
      if (!isObject(r)) continue;
      const id = nesting.idPrefix + logicalId;
      readMetadata(r.Metadata, {
        resource: id,
        problemResource: id,
        bodyPrefix: nesting.idPrefix,
        where: `the Metadata of resource ${id}`,
        at: at(`Resources.${logicalId}.Metadata`),
        path: (sub) => pathIn(['Resources', logicalId, 'Metadata', ...sub]),
      });
      if (r.Type !== STACKSET_TYPE || !isObject(r.Properties) || nesting.depth >= MAX_STACKSET_NESTING) continue;
      for (const text of new Set(bodyTexts(r.Properties.TemplateBody))) {
        let body: unknown;
        try {
          body = parseBody(text);
        } catch {
          // The engine reports the body that could not be parsed; it has no findings to acknowledge.
          continue;
        }
        readTemplate(body, {
          idPrefix: `${id}/`,
          bodyPath: nesting.bodyPath ?? ['Resources', logicalId, 'Properties', 'TemplateBody'],
          bodyAt: at(`Resources.${logicalId}.Properties.TemplateBody`),
          depth: nesting.depth + 1,
        });
      }
    }
  };
  readTemplate(template, { idPrefix: '', depth: 0 });
  return { acknowledgements, problems };
}

/**
 * The finding id a finding of a StackSet body would have if that body were checked as a template of its own: inside a
 * body, an entry may use either form (a body is often also checked alone).
 */
function idInBody(f: AcknowledgeableFinding, bodyPrefix: string): string | undefined {
  if (bodyPrefix === '' || !f.resource.startsWith(bodyPrefix)) return undefined;
  // The engine prefixes the finding ids of `<Outer>/<Inner>/<Role>` with `Inner.Role.`: every part of the id but the first.
  const fullPrefix = `${f.resource.split('/').slice(1).join('.')}.`;
  if (!f.findingId.startsWith(fullPrefix)) return undefined;
  const inner = f.resource.slice(bodyPrefix.length).split('/');
  return `${inner.length > 1 ? `${inner.slice(1).join('.')}.` : ''}${f.findingId.slice(fullPrefix.length)}`;
}

function covers(a: TemplateAcknowledgement, f: AcknowledgeableFinding): boolean {
  const scope = a.resource ?? a.bodyPrefix;
  // A resource's entry covers the resources of its StackSet body too; a template's, every resource of it.
  if (a.resource !== undefined && f.resource !== scope && !f.resource.startsWith(`${scope}/`)) return false;
  if (a.resource === undefined && !f.resource.startsWith(scope)) return false;
  if (acknowledgingIds(f.ruleId, f.findingId).includes(a.normalizedId)) return true;
  const inBody = idInBody(f, a.bodyPrefix);
  return inBody !== undefined && acknowledgingIds(f.ruleId, inBody).includes(a.normalizedId);
}

/** The innermost place first: a resource's own entry before its StackSet's, a body's before the file's. */
function specificity(a: TemplateAcknowledgement): number {
  return (a.resource !== undefined ? 1_000_000 : 0) + (a.resource ?? a.bodyPrefix).length;
}

export interface MatchOptions {
  /** The ids of the rules that were run; an entry for another rule is not judged. @default every rule */
  readonly rules?: readonly string[];
}

export interface MatchedAcknowledgements<F> {
  /** The acknowledgement of each acknowledged finding. */
  readonly acknowledged: ReadonlyMap<F, TemplateAcknowledgement>;
  /** Entries that match no finding. */
  readonly problems: AcknowledgementProblem[];
}

/** Which findings of one template its acknowledgements acknowledge; an entry that matches none is a problem. */
export function matchAcknowledgements<F extends AcknowledgeableFinding>(
  acknowledgements: readonly TemplateAcknowledgement[], findings: readonly F[], options: MatchOptions = {},
): MatchedAcknowledgements<F> {
  const acknowledged = new Map<F, TemplateAcknowledgement>();
  const problems: AcknowledgementProblem[] = [];
  const ordered = [...acknowledgements].sort((a, b) => specificity(b) - specificity(a));
  const used = new Set<TemplateAcknowledgement>();
  for (const f of findings) {
    for (const a of ordered) {
      if (!covers(a, f)) continue;
      used.add(a);
      if (!acknowledged.has(f)) acknowledged.set(f, a);
    }
  }
  for (const a of acknowledgements) {
    if (used.has(a) || (options.rules !== undefined && !options.rules.includes(a.ruleId))) continue;
    const scope = a.resource !== undefined ? `resource ${a.resource}` : a.bodyPrefix !== '' ? `the TemplateBody of StackSet ${a.bodyPrefix.slice(0, -1)}` : 'this template';
    const inScope = findings.filter((f) => (a.resource !== undefined ? f.resource === a.resource || f.resource.startsWith(`${a.resource}/`) : f.resource.startsWith(a.bodyPrefix)));
    const names = [...new Set(inScope.map((f) => `${a.resource === undefined || f.resource !== a.resource ? `${f.resource} ` : ''}${f.ruleId}[${f.findingId}]`))];
    problems.push({
      resource: a.resource ?? (a.bodyPrefix !== '' ? a.bodyPrefix.slice(0, -1) : undefined),
      path: a.path,
      message: `${a.where}: ${a.entry}.id '${clipText(a.id)}' matches no finding of ${scope}; expected the id of one of `
        + `its findings as the report prints it${names.length > 0 ? ` (${listText(names)})` : ', but it has none: remove the entry'}`,
    });
  }
  return { acknowledged, problems };
}
