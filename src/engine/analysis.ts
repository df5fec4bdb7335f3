/**
 * The questions every rule asks, answered once per resource variant: which statements of a role's trust
 * policy are cross-account trust, who they trust, which `sts:ExternalId` conditions apply and where the
 * ExternalId comes from; which identity policies a template holds and what they are attached to.
 */
import { NCondition, NPolicy, NStatement, coversAction, conditionsOn, interpretsWildcards, isPlain, normalizePolicy } from './policy';
import { POLICY_BEARING_TYPES, PolicyBearingType, SAM_POLICY_TEMPLATES } from './policy-types';
import { ClassifiedPrincipal, Scope, classifyPrincipal, principalScope, wildcardIn } from './principals';
import { BuiltModel, ModelError, Path, ResourceModel, ResourceVariant, TemplateModel, resourcePath } from './template';
import { ParamInfo, RValue, SymStr, displaySym, getKey, leafParts, literalText, stringList } from './values';
import { listText } from '../private/text';

export const ASSUME_ROLE = 'sts:AssumeRole';
export const EXTERNAL_ID_KEY = 'sts:ExternalId';

export interface EffectiveOptions {
  readonly minExternalIdLength: number;
  readonly minExternalIdEntropyBits: number;
  readonly maxSessionDurationSeconds: number;
  readonly internalAccounts: ReadonlySet<string>;
}

export interface TrustPrincipal {
  /** Position among the statement's AWS principals (`-1` for `"Principal": "*"`/`NotPrincipal`). */
  readonly index: number;
  readonly principal: ClassifiedPrincipal;
  readonly scope: Scope;
  /** Finding-id-safe: `Principal0`, `PrincipalStar`, `PrincipalUnresolved`. */
  readonly label: string;
  /**
   * Which entry of the Principal it is one alternative of (a list item of `AWS`; `-1` for `"*"`, `-2` for the
   * unresolved rest): alternatives of one entry (an `Fn::FindInMap` with a deploy-time key) are never trusted together.
   */
  readonly entry: number;
}

export interface TrustStatement {
  readonly statement: NStatement;
  readonly path: Path;
  readonly principals: readonly TrustPrincipal[];
  /** Principals neither in the own account nor internal (unknown ones included). */
  readonly thirdParty: readonly TrustPrincipal[];
  readonly externalIdConditions: readonly NCondition[];
  /**
   * AWS enforces the value of `sts:ExternalId` on every request: a plain `StringEquals` applies, or a `StringEquals`
   * that compares only a present key beside `"Null": "false"` (see `enforcesExternalId`).
   */
  readonly enforced: boolean;
  /** Whether an `aws:PrincipalArn` condition confines the statement to exact role ARNs (see `principalArnNarrowing`). */
  readonly narrowing: PrincipalArnNarrowing;
}

export interface PrincipalArnNarrowing {
  readonly narrowed: boolean;
  /** When not narrowed by a condition that tries: why it does not narrow, for messages. */
  readonly why?: string;
  /** When narrowed: the role ARNs the condition admits, with their text when it is literal. */
  readonly roles: ReadonlyArray<{ readonly principal: ClassifiedPrincipal; readonly literal?: string }>;
}

export interface RoleVariantAnalysis {
  readonly variant: ResourceVariant;
  /** Cross-account trust statements only. */
  readonly trust: readonly TrustStatement[];
  /** Every Allow statement for `sts:AssumeRole` with an AWS principal, cross-account or not. */
  readonly allowStatements: readonly NStatement[];
  /** Why the trust policy (or part of it) could not be read: it cannot be shown to be safe. */
  readonly trustProblems: readonly string[];
  readonly maxSessionDuration?: RValue;
}

export interface RoleAnalysis {
  readonly resource: ResourceModel;
  readonly variants: readonly RoleVariantAnalysis[];
}

export interface PolicyDoc {
  readonly resource: ResourceModel;
  readonly variant: ResourceVariant;
  /** Finding-id prefix of the document inside its resource: `''` or `Policy-<name>.`. */
  readonly label: string;
  /** For messages: `inline policy "Name" of` or `''`. */
  readonly name: string;
  readonly path: Path;
  readonly policy: NPolicy;
  /** The resolved document `policy` was read from (for the prover, which evaluates it as JSON). */
  readonly document: RValue | undefined;
  /** Logical ids of roles of the same template this document is attached to. */
  readonly attachedTo: readonly string[];
}

export interface AppModel extends BuiltModel {
  readonly options: EffectiveOptions;
  readonly roles: readonly RoleAnalysis[];
  readonly policies: readonly PolicyDoc[];
  /**
   * What rules derive from the model and share, computed on first use (see `derived`). Held by the model itself, not
   * in a WeakMap keyed by it: V8 frees a WeakMap's values only in a full collection, so checking 10,000 templates one
   * at a time kept every template's derived data (and the models it points into) in memory far longer (539 MB peak).
   */
  readonly derivedData: Map<symbol, unknown>;
}

/** The value `compute` derives from `app`, computed once per model (several rules ask for the same). */
export function derived<T>(app: AppModel, key: symbol, compute: (app: AppModel) => T): T {
  if (!app.derivedData.has(key)) app.derivedData.set(key, compute(app));
  return app.derivedData.get(key) as T;
}

function sanitize(s: string): string {
  return s.replace(/[^A-Za-z0-9_.-]/g, '_');
}

const NARROWING_OPERATORS = ['StringEquals', 'ArnEquals', 'ArnLike', 'StringLike'];

/**
 * Whether an `aws:PrincipalArn` condition of a statement confines it to exact role ARNs; when it does not, why.
 * ArnLike and StringLike narrow exactly like ArnEquals and StringEquals when their values hold no wildcard;
 * ArnEquals reads wildcards too (AWS documents it as ArnLike), so under these three a value that may hold `*` or
 * `?` once deployed (a literal wildcard, a parameter without a confining AllowedPattern) does not narrow.
 */
export function principalArnNarrowing(stmt: NStatement, tm: TemplateModel): PrincipalArnNarrowing {
  let why: string | undefined;
  for (const c of conditionsOn(stmt, 'aws:PrincipalArn')) {
    if (!NARROWING_OPERATORS.some((o) => isPlain(c, o)) || c.values.length === 0 || c.problems.length > 0) continue;
    const roles: Array<{ principal: ClassifiedPrincipal; literal?: string }> = [];
    const problems = c.values.flatMap((s) => {
      const wildcards = interpretsWildcards(c);
      const wildcard = wildcards ? wildcardIn(s, tm) : undefined;
      if (wildcard) return [`${displaySym(s)} may match more than one role under ${c.operator}: ${wildcard}`];
      // StringEquals compares "*" and "?" as characters, which no IAM name holds: such a value admits no principal.
      if (!wildcards && s.parts.some((part) => part.kind === 'lit' && /[*?]/.test(part.text))) return [];
      const p = classifyPrincipal(s, tm);
      roles.push({ principal: p, literal: literalText(s) });
      return p.kind === 'role' && p.exactRole ? [] : [`${displaySym(s)} is not exactly one role ARN`];
    });
    if (problems.length === 0) return { narrowed: true, roles };
    why ??= `its ${c.operator} condition on aws:PrincipalArn does not narrow it to one role (${listText(problems, '; ')})`;
  }
  return { narrowed: false, why, roles: [] };
}

/**
 * Whether a request from the role `role` (`roleText` when literal) can match the principal `p` (`pText` when literal)
 * of the same statement. Unknown parts (a parameter, an unresolved value) can match anything: only what is known to
 * differ does not.
 */
function principalAdmits(p: ClassifiedPrincipal, pText: string | undefined, role: ClassifiedPrincipal, roleText: string | undefined): boolean {
  if (p.kind === 'star' || p.kind === 'unresolved') return true;
  if (p.account?.kind !== 'literal' || role.account?.kind !== 'literal') return true;
  if (p.kind === 'account' || p.kind === 'root') return p.account.id === role.account.id;
  if (pText === undefined || roleText === undefined) return true;
  // Role names are unique whatever their case: a principal differing only in case is taken to be the same role.
  return pText.toLowerCase() === roleText.toLowerCase();
}

function classifyTrust(stmt: NStatement, path: Path, tm: TemplateModel, options: EffectiveOptions): TrustStatement | undefined {
  if (stmt.effect === 'Deny' || coversAction(stmt, ASSUME_ROLE) === 'no' || stmt.principal === undefined) return undefined;
  const p = stmt.principal;
  const principals: TrustPrincipal[] = [];
  if (p.star && p.aws.length === 0) {
    principals.push({ index: -1, principal: { kind: 'star', display: '*', exactRole: false }, scope: 'third', label: 'PrincipalStar', entry: -1 });
  }
  p.aws.forEach((s, index) => {
    const principal = classifyPrincipal(s, tm);
    principals.push({ index, principal, scope: principalScope(principal, tm, options.internalAccounts), label: `Principal${index}`, entry: p.awsItem[index] });
  });
  if (p.problems.length > 0) {
    principals.push({
      index: -1,
      principal: { kind: 'unresolved', display: '?', exactRole: false, reason: listText(p.problems, '; ') },
      scope: 'third',
      label: 'PrincipalUnresolved',
      entry: -2,
    });
  }
  // A statement narrowed to exact role ARNs grants a principal only through the narrowing roles it admits: a principal
  // that admits none of them, or only roles of the own or an internal account, is not trusted by this statement.
  const narrowing = principalArnNarrowing(stmt, tm);
  const thirdPartyRoles = narrowing.roles.filter((r) => principalScope(r.principal, tm, options.internalAccounts) === 'third');
  const admitsOne = (x: TrustPrincipal) => thirdPartyRoles.some((r) =>
    principalAdmits(x.principal, x.index >= 0 ? literalText(p.aws[x.index]) : undefined, r.principal, r.literal));
  const thirdParty = principals.filter((x) => x.scope === 'third' && (!narrowing.narrowed || admitsOne(x)));
  if (thirdParty.length === 0) return undefined;
  const externalIdConditions = conditionsOn(stmt, EXTERNAL_ID_KEY);
  return { statement: stmt, path, principals, thirdParty, externalIdConditions, enforced: enforcesExternalId(externalIdConditions), narrowing };
}

/**
 * Whether the conditions on `sts:ExternalId` of a statement make AWS require the exact value on every request: a plain
 * StringEquals, or a StringEquals that compares only when the key is present (`...IfExists`, `ForAllValues:`, true
 * without an ExternalId) beside a `"Null": "false"` that requires one.
 */
function enforcesExternalId(conditions: readonly NCondition[]): boolean {
  const readable = (c: NCondition) => c.values.length > 0 && c.problems.length === 0;
  if (conditions.some((c) => isPlain(c, 'StringEquals') && readable(c))) return true;
  const requiresPresence = conditions.some((c) => isPlain(c, 'Null') && readable(c) && c.values.every((v) => literalText(v)?.toLowerCase() === 'false'));
  return requiresPresence && conditions.some((c) => c.base === 'StringEquals' && c.qualifier !== 'ForAnyValue' && readable(c));
}

/** The properties of a variant that SAM turns into a role, or undefined when the variant names its own `Role` (SAM creates none). */
function generatedRoleProperties(bearing: PolicyBearingType, props: RValue): RValue | undefined {
  return bearing.samGeneratedRole && getKey(props, 'Role') !== undefined ? undefined : props;
}

function analyseRole(resource: ResourceModel, bearing: PolicyBearingType & { trust: string }, options: EffectiveOptions): RoleAnalysis {
  const variants = resource.variants.map((variant): RoleVariantAnalysis => {
    const props = generatedRoleProperties(bearing, variant.properties);
    const document = getKey(props, bearing.trust);
    // SAM gives the role it creates a trust policy for its own service when the template sets none.
    const policy: NPolicy = props === undefined || (bearing.samGeneratedRole && document === undefined)
      ? { statements: [] }
      : normalizePolicy(document);
    const trustProblems: string[] = [];
    if (policy.problem) trustProblems.push(policy.problem);
    const trust: TrustStatement[] = [];
    const allowStatements: NStatement[] = [];
    for (const stmt of policy.statements) {
      const path = resourcePath(resource, 'Properties', bearing.trust, ...stmt.path);
      const t = classifyTrust(stmt, path, resource.template, options);
      if (t) trust.push(t);
      if (stmt.effect !== 'Deny' && coversAction(stmt, ASSUME_ROLE) !== 'no' && stmt.principal && (stmt.principal.star || stmt.principal.aws.length > 0)) {
        allowStatements.push(stmt);
      }
    }
    return { variant, trust, allowStatements, trustProblems, maxSessionDuration: getKey(props, 'MaxSessionDuration') };
  });
  return { resource, variants };
}

function roleRefs(v: RValue | undefined): string[] {
  return stringList(v).strs.flatMap((s) =>
    s.parts.length === 1 && s.parts[0].kind === 'resource' && s.parts[0].type === 'AWS::IAM::Role' && s.parts[0].attribute === undefined && s.parts[0].stack === undefined
      ? [s.parts[0].logicalId] : []);
}

/** For each template, the logical ids of the roles that each of its managed policies is attached to (through ManagedPolicyArns). */
type ManagedPolicyUsers = ReadonlyMap<TemplateModel, ReadonlyMap<string, string[]>>;

/** Logical ids of the roles of the template a resource's identity policies belong to. */
function holderRoles(
  resource: ResourceModel, bearing: PolicyBearingType, props: RValue, managedPolicyUsers: ManagedPolicyUsers,
): string[] {
  if (resource.type === 'AWS::IAM::Role' || bearing.samGeneratedRole) return [resource.logicalId];
  const viaManagedPolicyArns = managedPolicyUsers.get(resource.template)?.get(resource.logicalId) ?? [];
  return [...(bearing.attachedToRoles ?? []).flatMap((p) => roleRefs(getKey(props, p))), ...viaManagedPolicyArns];
}

function identityDocs(resource: ResourceModel, managedPolicyUsers: ManagedPolicyUsers, errors: ModelError[]): PolicyDoc[] {
  const bearing = POLICY_BEARING_TYPES[resource.type];
  if (bearing === undefined) return [];
  const docs: PolicyDoc[] = [];
  for (const variant of resource.variants) {
    const props = generatedRoleProperties(bearing, variant.properties);
    if (props === undefined) continue;
    const attachedTo = holderRoles(resource, bearing, props, managedPolicyUsers);
    for (const { property, shape } of bearing.identity) {
      const value = getKey(props, property);
      if (shape === 'document') {
        if (value === undefined) continue;
        docs.push({ resource, variant, label: '', name: '', path: resourcePath(resource, 'Properties', property), policy: normalizePolicy(value), document: value, attachedTo });
      } else if (shape === 'inline-list') {
        if (value === undefined) continue;
        const items = value.t === 'list' ? value.items : [value];
        items.forEach((item, i) => {
          const nameValue = getKey(item, 'PolicyName');
          const policyName = nameValue?.t === 'str' && nameValue.alts.length === 1 ? literalText(nameValue.alts[0]) : undefined;
          docs.push({
            resource,
            variant,
            label: policyName ? `Policy-${sanitize(policyName)}.` : `Policy${i}.`,
            name: policyName ? `inline policy "${policyName}"` : `inline policy ${i}`,
            path: resourcePath(resource, 'Properties', property, i, 'PolicyDocument'),
            policy: item.t === 'obj' ? normalizePolicy(getKey(item, 'PolicyDocument')) : { statements: [], problem: 'the Policies entry is not an object' },
            document: item.t === 'obj' ? getKey(item, 'PolicyDocument') : undefined,
            attachedTo,
          });
        });
      } else if (value !== undefined) {
        docs.push(...samPolicyDocs(resource, variant, property, value, attachedTo, errors));
      }
    }
  }
  return docs;
}

/**
 * The policy documents among the entries of a SAM `Policies` property. Managed policy names and ARNs are references,
 * like an IAM role's ManagedPolicyArns; SAM policy templates it knows allow no sts: action; anything else could not
 * be checked and is reported.
 */
function samPolicyDocs(
  resource: ResourceModel, variant: ResourceVariant, property: string, value: RValue, attachedTo: string[], errors: ModelError[],
): PolicyDoc[] {
  const docs: PolicyDoc[] = [];
  const items = value.t === 'list' ? value.items : [value];
  items.forEach((item, i) => {
    const at = value.t === 'list' ? [i] : [];
    const entry = value.t === 'list' ? `entry ${i} of ${property}` : property;
    if (item.t === 'str') return;
    if (item.t === 'obj' && getKey(item, 'Statement') !== undefined) {
      docs.push({
        resource,
        variant,
        label: `${property}${at.join('')}.`,
        name: `policy document ${entry}`,
        path: resourcePath(resource, 'Properties', property, ...at),
        policy: normalizePolicy(item),
        document: item,
        attachedTo,
      });
      return;
    }
    const template = item.t === 'obj' && item.entries.length === 1 ? item.entries[0][0] : undefined;
    if (template !== undefined && SAM_POLICY_TEMPLATES.includes(template)) return;
    const found = template !== undefined ? `the SAM policy template ${template}, which this version does not know`
      : item.t === 'obj' ? `an object with neither Statement nor a single policy template name (keys ${listText(item.entries.map(([k]) => k)) || 'none'})`
        : item.t === 'unknown' ? `a value that could not be resolved (${item.reason})` : `a ${item.t === 'num' ? 'number' : item.t === 'bool' ? 'boolean' : item.t}`;
    const where = describeAssignment(variant.assignment);
    errors.push({
      source: resource.template.source,
      resource: resource.id,
      message: `${entry} of ${resource.type} ${resource.id}${where ? ` (${where})` : ''} is ${found}, so the permissions it grants could not be checked; `
        + 'expected a managed policy name or ARN, a policy document with Statement, or one of the SAM policy templates',
    });
  });
  return docs;
}

/** Builds the rules' view of the model; what it cannot read joins the model's errors. */
export function analyse(model: BuiltModel, options: EffectiveOptions): AppModel {
  const roles: RoleAnalysis[] = [];
  const policies: PolicyDoc[] = [];
  // ManagedPolicyArns of a role (Policies of a SAM function) that Ref a managed policy of the same template attach it to that role
  // (not to a role of another template with the same logical id).
  const managedPolicyUsers = new Map<TemplateModel, Map<string, string[]>>();
  for (const r of model.resources) {
    const bearing = POLICY_BEARING_TYPES[r.type];
    const references = r.type === 'AWS::IAM::Role' ? 'ManagedPolicyArns' : bearing?.samGeneratedRole ? 'Policies' : undefined;
    if (bearing === undefined || references === undefined) continue;
    for (const v of r.variants) {
      const props = generatedRoleProperties(bearing, v.properties);
      for (const s of props === undefined ? [] : stringList(getKey(props, references)).strs) {
        const p = s.parts.length === 1 ? s.parts[0] : undefined;
        if (p?.kind === 'resource' && p.type === 'AWS::IAM::ManagedPolicy' && p.attribute === undefined && p.stack === undefined) {
          let users = managedPolicyUsers.get(r.template);
          if (users === undefined) managedPolicyUsers.set(r.template, (users = new Map()));
          const attached = users.get(p.logicalId);
          if (attached === undefined) users.set(p.logicalId, [r.logicalId]);
          else attached.push(r.logicalId);
        }
      }
    }
  }
  for (const r of model.resources) {
    const bearing = POLICY_BEARING_TYPES[r.type];
    if (bearing?.trust !== undefined) roles.push(analyseRole(r, { ...bearing, trust: bearing.trust }, options));
    policies.push(...identityDocs(r, managedPolicyUsers, model.errors));
  }
  return { ...model, options, roles, policies, derivedData: new Map() };
}

/** Where an ExternalId value comes from, part by part (the inputs of deterministic functions included). */
export interface ExternalIdSource {
  readonly value: SymStr;
  readonly display: string;
  readonly params: readonly ParamInfo[];
  /**
   * For each of `params`, the deterministic functions the ExternalId computes from it (`['Fn::Base64']`), innermost
   * last; empty when the parameter's value is used as it is (in one place at least).
   */
  readonly paramVia: ReadonlyMap<string, readonly string[]>;
  /** Only literal text (and not a dynamic reference): the value sits in the template. */
  readonly literal: boolean;
  /** The deterministic functions that compute it from literals only (everyone who reads the template can compute it); empty otherwise. */
  readonly computedFromLiterals: readonly string[];
  /** `{{resolve:...}}`: the value lives in SSM or Secrets Manager, not in the template. */
  readonly dynamicReference: boolean;
  /** Predictable inputs it derives from (pseudo parameters, the trusted account id, resource names). */
  readonly predictable: readonly string[];
  /** Parts that could not be resolved. */
  readonly unresolved: readonly string[];
}

const PREDICTABLE_PSEUDO = new Set(['AWS::AccountId', 'AWS::StackId', 'AWS::StackName', 'AWS::Region', 'AWS::Partition', 'AWS::URLSuffix']);

export function isCustomResource(type: string): boolean {
  return type === 'AWS::CloudFormation::CustomResource' || type.startsWith('Custom::');
}

export function externalIdSource(value: SymStr, tm: TemplateModel, trustedAccounts: readonly string[]): ExternalIdSource {
  const params: ParamInfo[] = [];
  const paramVia = new Map<string, readonly string[]>();
  const predictable: string[] = [];
  const unresolved: string[] = [];
  const text = value.parts.filter((p) => p.kind === 'lit').map((p) => (p as { text: string }).text).join('');
  const dynamicReference = /\{\{resolve:/.test(text);
  const leaves = leafParts(value);
  for (const { part: p, via } of leaves) {
    if (p.kind === 'param') {
      const info = tm.parameters.get(p.name);
      if (info && !params.includes(info)) params.push(info);
      const before = paramVia.get(p.name);
      // A parameter used as it is anywhere in the value is judged as it is.
      if (before === undefined || via.length === 0) paramVia.set(p.name, via);
    } else if (p.kind === 'pseudo') {
      if (PREDICTABLE_PSEUDO.has(p.name)) predictable.push(p.name);
    } else if (p.kind === 'resource') {
      if (!isCustomResource(p.type)) {
        predictable.push(`${p.attribute ? `the ${p.attribute} attribute` : 'the Ref'} of ${p.logicalId} (${p.type || 'a resource'}), a name or id rather than a random value`);
      }
    } else if (p.kind === 'unknown') {
      unresolved.push(p.reason);
    }
  }
  const leafText = leaves.map(({ part }) => (part.kind === 'lit' ? part.text : '\u0000')).join('');
  for (const account of trustedAccounts) {
    if (leafText.includes(account)) predictable.push(`the trusted account id ${account}`);
  }
  const literal = value.parts.every((p) => p.kind === 'lit') && !dynamicReference;
  const computedFromLiterals = !literal && leaves.every(({ part }) => part.kind === 'lit')
    ? [...new Set(leaves.flatMap(({ via }) => via))] : [];
  return { value, display: displaySym(value), params, paramVia, literal, computedFromLiterals, dynamicReference, predictable, unresolved };
}

/** ` (through Fn::Base64)` when the ExternalId computes a parameter's value with deterministic functions, for messages. */
export function viaText(source: ExternalIdSource, param: string): string {
  const via = source.paramVia.get(param) ?? [];
  return via.length === 0 ? '' : ` (through ${via.join(' of ')})`;
}

/** Literal account ids of a trust statement's third-party principals. */
export function trustedAccountIds(t: TrustStatement): string[] {
  return t.thirdParty.flatMap((p) => (p.principal.account?.kind === 'literal' ? [p.principal.account.id] : []));
}

/** The exact trust condition to write, for messages. */
export const STRING_EQUALS_EXAMPLE = '"Condition": {"StringEquals": {"sts:ExternalId": "<value>"}}';

/** Describes the assignment of a variant (`when condition X is false`), empty when nothing was enumerated. */
export function describeAssignment(a: ReadonlyMap<string, boolean>): string {
  if (a.size === 0) return '';
  return `when ${[...a.entries()].map(([k, v]) => `condition ${k} is ${v}`).join(' and ')}`;
}
