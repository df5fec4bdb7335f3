import { ExternalIdUsage, MAX_NAMED_ITEMS, clipText, entriesText, externalIdUsages, listText, principalText } from './helpers';
import { AppModel } from '../engine/analysis';
import { FindingResource, FindingVariant, Rule, RuleFinding, findingResource, findingVariant } from '../engine/rule';
import { Path } from '../engine/template';
import { SymStr, leafParts, lit, literalText } from '../engine/values';

/**
 * What makes two ExternalIds equal without deploying: the same literal text (parameters replaced by their
 * Default), or the same parameters of the same template. Values with other parts are not compared.
 */
function sharingKey(u: ExternalIdUsage): { key: string; what: string; deployTime: boolean } | undefined {
  const { value, params } = u.source;
  const parts = value.parts;
  // A deterministic function of the same inputs (Fn::Base64 of one parameter) gives the same value.
  if (leafParts(value).some(({ part: p }) => p.kind !== 'lit' && p.kind !== 'param')) return undefined;
  const paramNames = listText(params.map((p) => p.name));
  if (params.every((p) => p.default !== undefined)) {
    const withDefaults = substitute(value, (name) => params.find((x) => x.name === name)?.default ?? '');
    const text = literalText(withDefaults);
    return {
      key: text !== undefined ? `value:${text}` : `computed:${JSON.stringify(withDefaults.parts)}`,
      what: params.length > 0 ? `the Default of parameter ${paramNames}` : 'a literal',
      deployTime: false,
    };
  }
  const tm = u.resource.template;
  return { key: `param:${tm.source}\u0000${tm.idPrefix}\u0000${JSON.stringify(parts)}`, what: `parameter ${paramNames}`, deployTime: true };
}

/** The string with every parameter replaced by a literal, inside derived values too (adjacent literals stay apart only there). */
function substitute(s: SymStr, valueOf: (param: string) => string): SymStr {
  const parts = s.parts.flatMap((p) => {
    if (p.kind === 'param') return lit(valueOf(p.name)).parts;
    if (p.kind === 'derived') return [{ ...p, inputs: p.inputs.map((x) => substitute(x, valueOf)) }];
    return [p];
  });
  const text = parts.every((p) => p.kind === 'lit') ? parts.map((p) => (p as { text: string }).text).join('') : undefined;
  return text !== undefined ? lit(text) : { parts };
}

/** What XAT7 keeps of one ExternalId usage of an input: no model, only what its comparison and messages need. */
interface SharingUsage {
  readonly key: string;
  readonly what: string;
  readonly deployTime: boolean;
  readonly resource: FindingResource;
  readonly variant?: FindingVariant;
  /** The StackSet whose TemplateBody holds the role, `''` outside one. */
  readonly stackSet: string;
  readonly statement: { readonly label: string; readonly name: string; readonly index: number };
  readonly path: Path;
  /** The statement's third-party principals: the Principal entry each is an alternative of, and its text. */
  readonly principals: ReadonlyArray<{ readonly entry: number; readonly text: string }>;
}

/**
 * The principals of every Principal entry of these usages, one list of alternatives per entry (the branches of an
 * Fn::If and the entries of a map lookup with a deploy-time key are alternatives of one entry), without repeats.
 */
function entryAlternatives(usages: readonly SharingUsage[]): string[][] {
  const entries = new Map<string, Set<string>>();
  for (const u of usages) {
    for (const p of u.principals) {
      const key = `${u.resource.template.source}\u0000${u.resource.id}\u0000${u.statement.index}/${p.entry}`;
      entries.set(key, (entries.get(key) ?? new Set()).add(p.text));
    }
  }
  return [...new Map([...entries.values()].map((alts) => [[...alts].sort().join('\u0000'), [...alts].sort()])).values()];
}

/**
 * The third-party principals that one variant of one role trusts with the same ExternalId, when more than one of
 * them can be trusted at the same time; `undefined` otherwise. Alternatives of one Principal entry (the branches
 * of an Fn::If are variants; an Fn::FindInMap with a deploy-time key gives alternatives of one entry) are never
 * deployed together, so they alone are not sharing.
 */
function principalsTogether(usages: readonly SharingUsage[]): string | undefined {
  const entries = new Map<string, Set<string>>();
  for (const u of usages) {
    for (const p of u.principals) {
      const key = `${u.statement.index}/${p.entry}`;
      entries.set(key, (entries.get(key) ?? new Set()).add(p.text));
    }
  }
  // Entries with the same alternatives are taken as the same lookup (two statements trusting one
  // `!FindInMap [Vendor, !Ref Site, Account]`): the same deployment resolves them to the same principal.
  const distinct = [...new Map([...entries.values()].map((alts) => [[...alts].sort().join('\u0000'), [...alts]])).values()];
  const all = new Set(distinct.flat());
  if (distinct.length < 2 || all.size < 2) return undefined;
  return entriesText(distinct);
}

/** Every ExternalId usage of one input that can be compared with others, with its sharing key. */
function collect(app: AppModel): SharingUsage[] {
  const out: SharingUsage[] = [];
  for (const u of externalIdUsages(app)) {
    const k = sharingKey(u);
    if (!k) continue;
    const s = u.trust.statement;
    out.push({
      key: k.key,
      what: k.what,
      deployTime: k.deployTime,
      resource: findingResource(u.resource),
      variant: findingVariant(u.resource, u.variant),
      stackSet: u.resource.template.idPrefix.slice(0, -1),
      statement: { label: s.label, name: s.name, index: s.index },
      path: u.trust.path,
      principals: u.trust.thirdParty.map((p) => ({ entry: p.entry, text: principalText(p.principal) })),
    });
  }
  return out;
}

function compare(all: readonly SharingUsage[]): RuleFinding[] {
  const groups = new Map<string, SharingUsage[]>();
  for (const u of all) {
    const group = groups.get(u.key);
    if (group === undefined) groups.set(u.key, [u]);
    else group.push(u);
  }
  const out: RuleFinding[] = [];
  for (const usages of groups.values()) {
    const roleOf = (u: SharingUsage) => `${u.resource.template.source}: ${u.resource.id}`;
    const roles = [...new Set(usages.map(roleOf))];
    // Once per group, not per usage: a group can hold thousands of roles.
    let entries: string[][] | undefined;
    let sharedText: string | undefined;
    // The usages of each variant, for a group of one role: grouped once rather than filtered per usage.
    let byVariant: Map<FindingVariant | undefined, SharingUsage[]> | undefined;
    for (const u of usages) {
      const self = roleOf(u);
      // The first few other roles, which the message names; it counts the rest.
      const otherRoles = roles.slice(0, MAX_NAMED_ITEMS + 1).filter((r) => r !== self).slice(0, MAX_NAMED_ITEMS);
      const otherCount = roles.length - 1;
      let others: string;
      if (u.deployTime && u.stackSet !== '') {
        // A StackSet passes one set of parameter values to every stack instance it creates.
        out.push({
          resource: u.resource,
          variant: u.variant,
          findingId: u.statement.label,
          path: u.path,
          message: `The ExternalId of ${u.statement.name} (${u.what} of the TemplateBody) is the same in every account StackSet ${u.stackSet} `
            + 'deploys this role to: a StackSet gives all its stack instances the same parameter values, so whoever learns the ExternalId in one '
            + 'account can use it against all the others. Give each account its own random ExternalId: deploy the role with one stack per account, '
            + 'each with the value the vendor generated for it (or give each account its own ParameterOverrides, and acknowledge this finding: in a CDK app with Validations.of(<the StackSet construct>).acknowledge, in a template under the Metadata of the StackSet, cross-account-trust: acknowledge).',
        });
        continue;
      }
      if (otherRoles.length > 0 && u.deployTime) {
        // One deploy-time value in one account: roles that trust the same vendor principal may share it (the
        // ExternalId identifies the customer account to that vendor); roles that trust other principals may not.
        entries ??= entryAlternatives(usages);
        if (entries.length < 2) continue;
        sharedText ??= `the ${entriesText(entries)} of the roles ${listText(roles)}`;
        others = sharedText;
      } else if (otherRoles.length > 0) {
        const named = otherRoles.map(clipText).join(', ');
        others = `the role${otherCount > 1 ? 's' : ''} ${otherCount > MAX_NAMED_ITEMS ? `${named} and ${otherCount - MAX_NAMED_ITEMS} more` : named}`;
      } else {
        if (byVariant === undefined) {
          byVariant = new Map();
          for (const x of usages) {
            const same = byVariant.get(x.variant);
            if (same === undefined) byVariant.set(x.variant, [x]);
            else same.push(x);
          }
        }
        const together = principalsTogether(byVariant.get(u.variant)!);
        if (together === undefined) continue;
        others = `the ${together} together`;
      }
      out.push({
        resource: u.resource,
        variant: u.variant,
        findingId: u.statement.label,
        path: u.path,
        message: `The ExternalId of ${u.statement.name} (${u.what}) also protects ${others}: whoever learns it for one can use it `
          + 'against all of them. Give every role and trusted principal its own random ExternalId, one per customer account.',
      });
    }
  }
  return out;
}

export const XAT7: Rule = {
  id: 'XAT7',
  level: 'error',
  title: 'One ExternalId for several roles, principals or accounts',
  cause: 'The same ExternalId (the same literal, or the same parameter Default) protects more than one role or trusted principal across the app; '
    + 'or one parameter protects roles that trust different principals, or a role in a StackSet body (one value for every target account).',
  explanation:
    'An ExternalId must be unique per customer account. When one value guards several roles or several trusted principals, whoever learns '
    + 'it for one of them (a customer reading its own onboarding template) can use it against all the others, and the vendor can no longer '
    + 'tell which customer a request is for. A StackSet gives every account it deploys to the same parameter values, so an ExternalId '
    + 'parameter of its TemplateBody is shared by all of them. Roles of one account that trust the same vendor principal may share the '
    + 'ExternalId that vendor generated for the account. All stacks of a CDK app and all files of a CLI run are compared.',
  fix: 'Give every role and every trusted vendor principal its own random ExternalId, generated by the vendor per customer account.',
  // Compares the usages of every input: each input contributes its usages with their sharing keys.
  examples: {
    failing: `Parameters:
  ExternalId:
    Type: String
    NoEcho: true
    MinLength: 32
    MaxLength: 1224
    AllowedPattern: '[\\w+=,.@:/-]*'
Resources:
  VendorAccess:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Principal: { AWS: arn:aws:iam::111122223333:role/AcmeScannerDeputy }
            Action: sts:AssumeRole
            Condition: { StringEquals: { sts:ExternalId: !Ref ExternalId } }
  ReportingAccess:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Principal: { AWS: arn:aws:iam::777788889999:role/ReportingDeputy }
            Action: sts:AssumeRole
            Condition: { StringEquals: { sts:ExternalId: !Ref ExternalId } }
`,
    passing: `Parameters:
  ExternalId:
    Type: String
    NoEcho: true
    MinLength: 32
    MaxLength: 1224
    AllowedPattern: '[\\w+=,.@:/-]*'
  ReportingExternalId:
    Type: String
    NoEcho: true
    MinLength: 32
    MaxLength: 1224
    AllowedPattern: '[\\w+=,.@:/-]*'
Resources:
  VendorAccess:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Principal: { AWS: arn:aws:iam::111122223333:role/AcmeScannerDeputy }
            Action: sts:AssumeRole
            Condition: { StringEquals: { sts:ExternalId: !Ref ExternalId } }
  ReportingAccess:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Principal: { AWS: arn:aws:iam::777788889999:role/ReportingDeputy }
            Action: sts:AssumeRole
            Condition: { StringEquals: { sts:ExternalId: !Ref ReportingExternalId } }
`,
  },
  across: { collect, compare },
};
