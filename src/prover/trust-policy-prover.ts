import { createHash } from 'crypto';
import type * as IamSimulate from '@cloud-copilot/iam-simulate';
import {
  AttackResult, DEPUTY_ATTACKS, DeputyProof, DeputyProofInput, TRUST_ATTACKS, TrustProof, TrustProofInput,
  UnresolvedValue, Verdict,
} from './types';
import { requireOptionalPeer } from '../private/optional-peer';
import { STS_CHARACTER, STS_MAX_LENGTH, STS_MIN_LENGTH } from '../private/sts';

const PEER = '@cloud-copilot/iam-simulate';
const SUBPATH = 'cdk-cross-account-trust/prover';
const PURPOSE = 'the IAM policy evaluator the proofs run on; it is licensed AGPL-3.0-or-later, so this package '
  + 'never bundles or requires it, and only this subpath and check --prove load it';

/** Thrown for a proof input the prover cannot take: names the field, the value received and what is expected. */
export class InvalidProofInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidProofInputError';
  }
}

/**
 * Proves trust policies and deputy identity policies by evaluating the requests that matter with a real IAM policy
 * evaluator (@cloud-copilot/iam-simulate), in its Discovery mode: every context key the prover sets is declared
 * authoritative (present with its value, or absent), and a condition on any other key leaves the request `undecided`
 * naming the key, where the evaluator's Strict mode would deny it and so call an unknown safe.
 */
export class TrustPolicyProver {
  private readonly simulator: typeof IamSimulate;

  /** @throws MissingPeerDependencyError when @cloud-copilot/iam-simulate is not installed */
  constructor() {
    this.simulator = requireOptionalPeer(PEER, SUBPATH, PURPOSE,
      // eslint-disable-next-line @typescript-eslint/no-require-imports, import/no-extraneous-dependencies -- an optional peer, loaded on use
      () => require('@cloud-copilot/iam-simulate'));
  }

  /** The six requests of `TRUST_ATTACKS` against one trust policy, and the verdict over them. */
  public async proveTrust(input: TrustProofInput): Promise<TrustProof> {
    const where = 'proveTrust';
    const policy = checkPolicy(input.policy, `${where}: policy`);
    const role = parseRoleArn(input.roleArn, `${where}: roleArn`);
    const vendor = parseRoleArn(input.vendorRoleArn, `${where}: vendorRoleArn`);
    if (vendor.account === role.account) {
      throw new InvalidProofInputError(`${where}: invalid vendorRoleArn ${JSON.stringify(input.vendorRoleArn)}: expected a role of `
        + `another account than the role proven (${role.account}); a trust proof is about cross-account requests`);
    }
    const unresolved = checkUnresolved(input.unresolved, `${where}: unresolved`);
    const rewritten = rewritePlaceholders(policy, unresolved);
    const rightId = input.externalId === undefined
      ? defaultExternalId(policy, unresolved)
      : checkExternalId(input.externalId, `${where}: externalId`);
    const third = otherAccount([role.account, vendor.account]);
    const other = unrelatedName(vendor.name);

    const naming = trustNaming(policy, rewritten);
    const ask = (principals: Principal[], externalIds: ReadonlyArray<string | undefined>) =>
      this.decide(principals.flatMap((principal) => externalIds.map((externalId) => this.simulate({
        principal,
        target: role,
        externalId,
        trustPolicy: rewritten.policy,
        identityPolicies: [{ name: ATTACKER_POLICY, policy: ALLOW_ASSUME_ANY }],
      }))), naming);

    const vendorRole = rolePrincipal(vendor.partition, vendor.account, vendor.path, vendor.name, false);
    const otherRoles = [
      ...extendedNames(vendor.name),
      changedName(vendor.name),
      other,
    ].map((name) => rolePrincipal(vendor.partition, vendor.account, vendor.path, name, false));
    // Another path: what a PrincipalArn pattern confined to one path keeps out (role names are unique in an account
    // whatever their path, so the vendor role's own name cannot be there).
    otherRoles.push(rolePrincipal(vendor.partition, vendor.account, vendor.path === '/' ? '/xat-other/' : '/', other, false));
    const users = [vendor.name, other].map((name) => userPrincipal(vendor.partition, vendor.account, vendor.path, name));
    const thirdRoles = [vendor.name, other].map((name) => rolePrincipal(vendor.partition, third, vendor.path, name, true));

    const attacks = await Promise.all([
      ask([vendorRole], [undefined]),
      ask([vendorRole], wrongExternalIds(rightId)),
      ask(otherRoles, [rightId]),
      ask(users, [rightId]),
      ask(thirdRoles, [rightId]),
      ask([vendorRole], [rightId]),
    ]);
    return { kind: 'trust', verdict: verdictOf(attacks, TRUST_ATTACKS), attacks: TRUST_ATTACKS.map((a, i) => ({ id: a.id, ...attacks[i] })) };
  }

  /**
   * The four requests of `DEPUTY_ATTACKS` by the deputy role, decided by its identity policies: the target roles
   * trust the deputy as far as a target commonly does (a role of the vendor's own account trusts the vendor account
   * root, as CDK bootstrap roles do; a customer's role trusts the deputy role), so only the identity policies decide.
   */
  public async proveDeputy(input: DeputyProofInput): Promise<DeputyProof> {
    const where = 'proveDeputy';
    const deputy = parseRoleArn(input.deputyRoleArn, `${where}: deputyRoleArn`);
    if (!Array.isArray(input.policies)) {
      throw new InvalidProofInputError(`${where}: invalid policies ${describe(input.policies)}: expected an array of { name, policy }`);
    }
    const unresolved = checkUnresolved(input.unresolved, `${where}: unresolved`);
    const seen = new Set<string>();
    const policies = input.policies.map((p, i) => {
      if (typeof p !== 'object' || p === null || typeof p.name !== 'string' || p.name === '') {
        throw new InvalidProofInputError(`${where}: invalid policies[${i}] ${describe(p)}: expected { name, policy } with a non-empty name`);
      }
      if (seen.has(p.name)) {
        throw new InvalidProofInputError(`${where}: invalid policies[${i}].name ${JSON.stringify(p.name)}: expected each policy name once; it is given twice`);
      }
      seen.add(p.name);
      const policy = checkPolicy(p.policy, `${where}: policies[${i}] (${p.name}) policy`);
      return { name: p.name, rewritten: rewritePlaceholders(policy, unresolved), statements: statementNames(policy) };
    });
    const roleName = parseRoleName(input.customerRoleName, `${where}: customerRoleName`);
    const customer = otherAccount([deputy.account]);
    const third = otherAccount([deputy.account, customer]);
    const arbitrary = [unrelatedName(roleName.name), `cdk-hnb659fds-cfn-exec-role-${deputy.account}-us-east-1`, 'OrganizationAccountAccessRole'];
    const deputyPrincipal = rolePrincipal(deputy.partition, deputy.account, deputy.path, deputy.name, false);
    const externalId = randomExternalId(JSON.stringify(input.policies));
    // The evaluator's policy names are indexes; the names given are for messages and may hold any character.
    const identityPolicies = policies.map((p, i) => ({ name: String(i), policy: p.rewritten.policy }));
    const naming: Naming = {
      subject: 'identity',
      statement: (policyType, policyId, index) => {
        const p = policyType === 'identity' ? policies[Number(policyId)] : undefined;
        return p ? `${p.name} ${p.statements[index] ?? `statement ${index}`}` : undefined;
      },
      policy: (policyId) => policies[Number(policyId)]?.name ?? `policy ${policyId}`,
      rewritten: policies.map((p) => p.rewritten),
    };

    const ask = (targets: RoleArn[]) => {
      const runs = targets.map((target) => this.simulate({
        principal: deputyPrincipal,
        target,
        externalId,
        trustPolicy: target.account === deputy.account ? trustsAccount(deputy.partition, deputy.account) : trustsRole(deputy.arn),
        identityPolicies,
      }));
      return this.decide(runs, naming);
    };
    const role = (account: string, path: string, name: string): RoleArn =>
      ({ partition: deputy.partition, account, path, name, arn: `arn:${deputy.partition}:iam::${account}:role${path}${name}` });

    const attacks = await Promise.all([
      ask([role(customer, roleName.path, roleName.name)]),
      ask([role(deputy.account, roleName.path, roleName.name)]),
      ask(arbitrary.map((name) => role(deputy.account, '/', name))),
      ask(arbitrary.map((name) => role(third, '/', name))),
    ]);
    return { kind: 'deputy', verdict: verdictOf(attacks, DEPUTY_ATTACKS), attacks: DEPUTY_ATTACKS.map((a, i) => ({ id: a.id, ...attacks[i] })) };
  }

  private async simulate(request: Request): Promise<Outcome> {
    const { principal, target } = request;
    const context: Record<string, string> = {
      'aws:PrincipalArn': principal.arn,
      'aws:PrincipalAccount': principal.account,
      'aws:PrincipalType': principal.type,
      'aws:userid': principal.userid,
      'aws:PrincipalIsAWSService': 'false',
      // STS takes requests over TLS only, so every request of a proof is made over HTTPS (Bool aws:SecureTransport true).
      'aws:SecureTransport': 'true',
      'aws:ResourceAccount': target.account,
    };
    const known = [...Object.keys(context), 'sts:ExternalId'];
    if (principal.username !== undefined) context['aws:username'] = principal.username;
    known.push('aws:username');
    if (principal.orgId !== undefined) {
      context['aws:PrincipalOrgID'] = principal.orgId;
      known.push('aws:PrincipalOrgID');
    }
    if (request.externalId !== undefined) context['sts:ExternalId'] = request.externalId;
    const result = await this.simulator.runSimulation({
      request: {
        principal: principal.arn,
        action: 'sts:AssumeRole',
        resource: { resource: target.arn, accountId: target.account },
        contextVariables: context,
      },
      identityPolicies: request.identityPolicies,
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: request.trustPolicy,
    }, {
      simulationMode: 'Discovery',
      discoveryContextKeyConstraints: known.map((keyName) => ({ keyName, presenceIsKnown: true, valueIsKnown: true })),
    });
    if (result.resultType === 'error') return { kind: 'refused', errors: result.errors };
    if (result.resultType !== 'single') {
      // The target is always one role ARN without wildcards; anything else is a change of the evaluator to look at.
      throw new Error(`the IAM policy evaluator answered a ${result.resultType} result for ${target.arn}; expected a single result`);
    }
    return { kind: 'evaluated', result: result.overallResult, analysis: result.result.analysis };
  }

  /**
   * One attack from its candidate requests: allowed when any is, else undecided when any is, else denied. The
   * statement named is the one that allowed it, that left it open, or that denied it explicitly.
   */
  private async decide(runs: Array<Promise<Outcome>>, naming: Naming): Promise<Omit<AttackResult, 'id'>> {
    const decisions = (await Promise.all(runs)).map((o) => this.decisionOf(o, naming));
    return decisions.find((d) => d.decision === 'allowed')
      ?? decisions.find((d) => d.decision === 'undecided')
      ?? decisions.find((d) => d.statement !== undefined)
      ?? decisions[0];
  }

  private decisionOf(outcome: Outcome, naming: Naming): Omit<AttackResult, 'id'> {
    if (outcome.kind === 'refused') {
      // The validator's own words: a policy it refuses is one it cannot evaluate, never one found safe.
      const e = outcome.errors;
      const messages = [
        ...(e.resourcePolicyErrors ?? []).map((v) => `${['trust policy', v.path].filter((x) => x).join(' ')}: ${v.message}`),
        ...Object.entries(e.identityPolicyErrors ?? {}).flatMap(([id, list]) => list.map((v) => `${[naming.policy(id), v.path].filter((x) => x).join(' ')}: ${v.message}`)),
      ];
      return { decision: 'undecided', reason: `the IAM policy evaluator refused the policy: ${messages.length > 0 ? messages.join('; ') : e.message}` };
    }
    const { analysis } = outcome;
    if (outcome.result === 'Allowed') {
      const grant = this.simulator.getGrantReasons(analysis).find((g) => g.policyType === naming.subject);
      const granted = grant && naming.statement(grant.policyType, 'policyIdentifier' in grant ? grant.policyIdentifier : undefined, grant.statementIndex - 1);
      const leaves = conditionLeaves(analysis.conditions);
      if (leaves === undefined) return withStatement({ decision: 'allowed' }, granted);
      const reasons = [...new Set(leaves.map((leaf) => reasonFor(leaf, naming.rewritten)))];
      const source = leaves.flatMap((l) => l.sources).find((s) => s.policyType === naming.subject);
      const statement = source ? naming.statement(source.policyType, source.policyIdentifier, source.statementIndex - 1) : granted;
      return withStatement({ decision: 'undecided', reason: reasons.join('; ') }, statement);
    }
    const explicit = this.simulator.getDenialReasons(analysis).find((d) => d.denialType === 'Explicit');
    const statement = explicit?.denialType === 'Explicit'
      ? naming.statement(explicit.policyType, explicit.policyIdentifier, explicit.statementIndex - 1)
      : undefined;
    return withStatement({ decision: 'denied' }, statement);
  }
}

const ATTACKER_POLICY = 'attacker';
/** The attackers control their own accounts, so their identity policies allow whatever the trust policy does. */
const ALLOW_ASSUME_ANY = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }] };
/** The prefix of the condition keys that stand for unresolved values: no AWS service has it, so no policy sets it. */
const UNRESOLVED_KEY = 'xat:unresolved';
const SESSION_NAME = 'xat-prover';

interface RoleArn {
  readonly partition: string;
  readonly account: string;
  /** `/` or `/a/b/` */
  readonly path: string;
  readonly name: string;
  readonly arn: string;
}

interface Principal {
  readonly arn: string;
  readonly account: string;
  readonly type: 'AssumedRole' | 'User';
  readonly userid: string;
  readonly username?: string;
  /** Known only for a third account (an organization of its own); the vendor's organization is not known. */
  readonly orgId?: string;
}

interface Request {
  readonly principal: Principal;
  readonly target: RoleArn;
  readonly externalId: string | undefined;
  readonly trustPolicy: unknown;
  readonly identityPolicies: Array<{ name: string; policy: unknown }>;
}

type Outcome =
  | { readonly kind: 'refused'; readonly errors: IamSimulate.SimulationErrors }
  | { readonly kind: 'evaluated'; readonly result: IamSimulate.EvaluationResult; readonly analysis: IamSimulate.RequestAnalysis };

/** How a proof names what the evaluator reports (policy ids, 1-based statement indexes made 0-based by the caller). */
interface Naming {
  /** The policy under proof: the trust policy ('resource') or the deputy's identity policies. */
  readonly subject: 'resource' | 'identity';
  /** The policies as evaluated, for the unresolved values their condition keys stand for. */
  readonly rewritten: readonly Rewritten[];
  statement(policyType: string, policyId: string | undefined, index: number): string | undefined;
  policy(policyId: string): string;
}

interface Rewritten {
  readonly policy: unknown;
  /** The unresolved values whose keys this policy's statements now depend on, by key (lower case). */
  readonly keys: ReadonlyMap<string, UnresolvedValue>;
}

function withStatement(result: Omit<AttackResult, 'id' | 'statement'>, statement: string | undefined): Omit<AttackResult, 'id'> {
  return statement === undefined ? result : { ...result, statement };
}

type Leaf = IamSimulate.AllowedConditionLeaf | IamSimulate.AllowedSessionNameCondition;

/** The conditions an allowed request still depends on; undefined when it depends on none (allowed outright). */
function conditionLeaves(expression: IamSimulate.AllowedConditionExpression | undefined): Leaf[] | undefined {
  if (expression === undefined || expression.conditionType === 'always') return undefined;
  const leaves: Leaf[] = [];
  const walk = (e: IamSimulate.AllowedConditionExpression): void => {
    if (e.conditionType === 'group') e.conditions.forEach(walk);
    else if (e.conditionType === 'condition' || e.conditionType === 'sessionName') leaves.push(e);
  };
  walk(expression);
  return leaves;
}

function reasonFor(leaf: Leaf, rewritten: readonly Rewritten[]): string {
  if (leaf.conditionType === 'sessionName') {
    return `the role session name (sts:RoleSessionName), which the prover does not know, must be one of ${leaf.sessionName.join(', ')}`;
  }
  const value = rewritten.map((r) => r.keys.get(leaf.key.toLowerCase())).find((v) => v !== undefined);
  if (value) return `${value.description} is not known before deployment`;
  return `the condition ${leaf.inverted ? 'of a Deny ' : ''}${leaf.op} on ${leaf.key} (${leaf.values.join(', ')}) depends on a value the prover does not know`;
}

/** The verdict of `types.ts`: the intended request is the one of `catalogue` expected to be allowed. */
function verdictOf(attacks: ReadonlyArray<Omit<AttackResult, 'id'>>, catalogue: ReadonlyArray<{ readonly expected: string }>): Verdict {
  const intended = catalogue.findIndex((a) => a.expected === 'allowed');
  if (attacks.some((a, i) => i !== intended && a.decision === 'allowed')) return 'attackable';
  if (attacks[intended].decision === 'denied') return 'unusable';
  if (attacks.some((a) => a.decision === 'undecided')) return 'undecided';
  return 'safe';
}

function trustNaming(policy: Record<string, unknown>, rewritten: Rewritten): Naming {
  const names = statementNames(policy);
  return {
    subject: 'resource',
    statement: (policyType, _policyId, index) => (policyType === 'resource' ? names[index] ?? `statement ${index}` : undefined),
    policy: () => 'the attacker\'s identity policy',
    rewritten: [rewritten],
  };
}

/** `statement "Sid"` or `statement 0`, as the engine's messages name statements. */
function statementNames(policy: Record<string, unknown>): string[] {
  const statements = statementList(policy);
  return statements.map((s, i) => {
    const sid = isObject(s) ? s.Sid : undefined;
    return typeof sid === 'string' && sid !== '' ? `statement ${JSON.stringify(sid)}` : `statement ${i}`;
  });
}

function statementList(policy: Record<string, unknown>): unknown[] {
  const s = policy.Statement;
  return Array.isArray(s) ? s : s === undefined ? [] : [s];
}

/**
 * A statement that holds a placeholder is made to depend on a condition key of its own that the prover never sets
 * (`xat:unresolved0`, ...), with the parts that hold placeholders widened to everything (`*`, the condition entry
 * dropped): Discovery then reports a request it may allow or deny as undecided, naming the value, and a request it
 * cannot match whatever the value stays decided.
 */
function rewritePlaceholders(policy: Record<string, unknown>, unresolved: readonly UnresolvedValue[]): Rewritten {
  const keys = new Map<string, UnresolvedValue>();
  if (unresolved.length === 0) return { policy, keys };
  const holding = (v: unknown) => unresolved.filter((u) => JSON.stringify(v ?? null).includes(u.placeholder));
  const rewrite = (s: unknown): unknown => {
    const found = holding(s);
    if (!isObject(s) || found.length === 0) return s;
    const out: Record<string, unknown> = { ...s };
    for (const [field, widened] of [['Principal', 'Principal'], ['NotPrincipal', 'Principal'], ['Action', 'Action'], ['NotAction', 'Action'], ['Resource', 'Resource'], ['NotResource', 'Resource']]) {
      if (field in s && holding(s[field]).length > 0) {
        delete out[field];
        out[widened] = '*';
      }
    }
    const condition: Record<string, unknown> = isObject(s.Condition) ? { ...s.Condition } : {};
    if (isObject(s.Condition)) {
      for (const [operator, block] of Object.entries(s.Condition)) {
        if (!isObject(block)) continue;
        const kept = Object.fromEntries(Object.entries(block).filter(([key, values]) => holding(key).length === 0 && holding(values).length === 0));
        if (Object.keys(kept).length === 0) delete condition[operator];
        else condition[operator] = kept;
      }
    } else if (s.Condition !== undefined) {
      return s; // not an object: the evaluator's validator refuses it and says why
    }
    const nulls: Record<string, unknown> = isObject(condition.Null) ? { ...condition.Null } : {};
    for (const u of found) {
      const key = `${UNRESOLVED_KEY}${unresolved.indexOf(u)}`;
      keys.set(key, u);
      nulls[key] = 'false';
    }
    condition.Null = nulls;
    out.Condition = condition;
    return out;
  };
  const statement = policy.Statement;
  const rewritten = Array.isArray(statement) ? statement.map(rewrite) : rewrite(statement);
  return { policy: { ...policy, Statement: rewritten }, keys };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describe(v: unknown): string {
  if (v === undefined) return 'undefined';
  const text = JSON.stringify(v);
  return text === undefined ? String(v) : text.length > 200 ? `${text.slice(0, 200)}...` : text;
}

function checkPolicy(policy: unknown, where: string): Record<string, unknown> {
  if (!isObject(policy)) {
    throw new InvalidProofInputError(`${where}: invalid policy ${describe(policy)}: expected an IAM policy document as a JSON object, { Version, Statement }`);
  }
  return policy;
}

const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
const ROLE_PATH = /^\/(?:[\x21-\x7e]*\/)?$/;

function parseRoleArn(arn: unknown, where: string): RoleArn {
  const m = typeof arn === 'string' ? /^arn:(aws|aws-cn|aws-us-gov|aws-iso(?:-[a-z])?):iam::(\d{12}):role(\/(?:.*\/)?)([^/]*)$/.exec(arn) : null;
  if (!m || !ROLE_NAME.test(m[4]) || !ROLE_PATH.test(m[3])) {
    throw new InvalidProofInputError(`${where}: invalid role ARN ${describe(arn)}: expected arn:<partition>:iam::<12-digit account>:role/<path/><name> `
      + 'with a role name of 1 to 64 characters of letters, digits and _+=,.@-');
  }
  return { partition: m[1], account: m[2], path: m[3], name: m[4], arn: arn as string };
}

function parseRoleName(value: unknown, where: string): { path: string; name: string } {
  const text = typeof value === 'string' ? value : '';
  const slash = text.lastIndexOf('/');
  const path = slash < 0 ? '/' : `/${text.slice(0, slash + 1)}`.replace(/^\/\//, '/');
  const name = text.slice(slash + 1);
  if (typeof value !== 'string' || !ROLE_NAME.test(name) || !ROLE_PATH.test(path)) {
    throw new InvalidProofInputError(`${where}: invalid role name ${describe(value)}: expected a role name (with its path, without role/) `
      + 'whose name is 1 to 64 characters of letters, digits and _+=,.@-');
  }
  return { path, name };
}

function checkUnresolved(unresolved: readonly UnresolvedValue[] | undefined, where: string): readonly UnresolvedValue[] {
  if (unresolved === undefined) return [];
  if (!Array.isArray(unresolved)) throw new InvalidProofInputError(`${where}: invalid value ${describe(unresolved)}: expected an array of { placeholder, description }`);
  const seen = new Set<string>();
  unresolved.forEach((u, i) => {
    if (!isObject(u) || typeof u.placeholder !== 'string' || u.placeholder === '' || typeof u.description !== 'string' || u.description === '') {
      throw new InvalidProofInputError(`${where}[${i}]: invalid value ${describe(u)}: expected { placeholder, description }, both non-empty strings`);
    }
    if (seen.has(u.placeholder)) {
      throw new InvalidProofInputError(`${where}[${i}]: invalid placeholder ${JSON.stringify(u.placeholder)}: expected each placeholder once; it is given twice`);
    }
    seen.add(u.placeholder);
  });
  return unresolved;
}

const STS_EXTERNAL_ID = new RegExp(`^${STS_CHARACTER}{${STS_MIN_LENGTH},${STS_MAX_LENGTH}}$`);

function checkExternalId(value: unknown, where: string): string {
  if (typeof value !== 'string' || !STS_EXTERNAL_ID.test(value)) {
    throw new InvalidProofInputError(`${where}: invalid ExternalId ${describe(value)}: expected what STS sends, ${STS_MIN_LENGTH} to ${STS_MAX_LENGTH} `
      + 'characters of letters, digits and _+=,.@:/-');
  }
  return value;
}

/**
 * The first plain `StringEquals` value on `sts:ExternalId` of an Allow statement, when STS can send it (a value STS
 * refuses is one no vendor can send: the role is unusable with it); otherwise a value no policy names.
 */
function defaultExternalId(policy: Record<string, unknown>, unresolved: readonly UnresolvedValue[]): string {
  for (const s of statementList(policy)) {
    if (!isObject(s) || s.Effect !== 'Allow' || !isObject(s.Condition) || !isObject(s.Condition.StringEquals)) continue;
    for (const [key, values] of Object.entries(s.Condition.StringEquals)) {
      if (key.toLowerCase() !== 'sts:externalid') continue;
      const first = Array.isArray(values) ? values[0] : values;
      // IAM compares condition values as strings: a number (a YAML integer) is its digits.
      const value = typeof first === 'number' ? String(first) : first;
      if (typeof value === 'string' && STS_EXTERNAL_ID.test(value) && !unresolved.some((u) => value.includes(u.placeholder))) return value;
    }
  }
  return randomExternalId(JSON.stringify(policy));
}

/** Derived from `seed` (the policy), so that a proof is reproducible and no policy can name the value it gets. */
function randomExternalId(seed: string): string {
  return `xat-${createHash('sha256').update(seed).digest('hex').slice(0, 32)}`;
}

function wrongExternalIds(right: string): string[] {
  const candidates = [
    `${right}0`,
    right.slice(0, -1),
    randomExternalId(`wrong:${right}`),
  ];
  return candidates.filter((c) => c !== right && STS_EXTERNAL_ID.test(c));
}

/** The vendor role's name extended at either end (what a `Name*` or `*Name` pattern lets in), within IAM's 64. */
function extendedNames(name: string): string[] {
  return [`${name}X`, `X${name}`].filter((n) => n.length <= 64);
}

/** The vendor role's name with its middle character changed (what a `?` pattern lets in). */
function changedName(name: string): string {
  const i = Math.floor(name.length / 2);
  return `${name.slice(0, i)}${name[i] === 'q' ? 'z' : 'q'}${name.slice(i + 1)}`;
}

/** A role name sharing no character with `name`. */
function unrelatedName(name: string): string {
  const pool = 'ZYXWVUTSRQPONMLKJIHGFEDCBAzyxwvutsrqponmlkjihgfedcba9876543210'.split('').filter((c) => !name.includes(c));
  return (pool.length > 0 ? pool : ['@']).slice(0, 8).join('');
}

function otherAccount(taken: readonly string[]): string {
  return ['999988887777', '888877776666', '777766665555'].find((a) => !taken.includes(a))!;
}

function rolePrincipal(partition: string, account: string, path: string, name: string, ownOrganization: boolean): Principal {
  return {
    arn: `arn:${partition}:iam::${account}:role${path}${name}`,
    account,
    type: 'AssumedRole',
    userid: `AROAXATPROVER${account}:${SESSION_NAME}`,
    ...(ownOrganization ? { orgId: `o-xat${account}` } : {}),
  };
}

function userPrincipal(partition: string, account: string, path: string, name: string): Principal {
  return { arn: `arn:${partition}:iam::${account}:user${path}${name}`, account, type: 'User', userid: `AIDAXATPROVER${account}`, username: name };
}

function trustsAccount(partition: string, account: string): unknown {
  return { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:${partition}:iam::${account}:root` }, Action: 'sts:AssumeRole' }] };
}

function trustsRole(arn: string): unknown {
  return { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: arn }, Action: 'sts:AssumeRole' }] };
}
