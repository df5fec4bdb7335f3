import { randomBytes } from 'crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'http';
import { AddressInfo } from 'net';
import { IAMClient } from '@aws-sdk/client-iam';
import { STSClient } from '@aws-sdk/client-sts';
import { createValidatedPolicy, validateTrustPolicy } from '@cloud-copilot/iam-policy';
import * as simulator from '@cloud-copilot/iam-simulate';
import { assumed, awsError, callerIdentity, CannedResponse, IssuedSession, role as roleResponse } from './canned-aws';

// A loopback STS + IAM for the verifier's tests and benchmark. It speaks the AWS query protocol to the real STSClient
// and IAMClient (configured with `endpoint`), holds IAM roles created from synthesized CloudFormation templates, and
// decides each request by evaluating the role's trust policy and the caller's identity policies with the IAM policy
// evaluator the prover uses (@cloud-copilot/iam-simulate, Strict mode): there is no allow/deny table, so a trust
// policy that a real STS would honour differently shows up as a wrong decision of the evaluator, not of this file.
//
// What it does not do, and why that cannot make a test pass wrongly: it identifies callers by access key and session
// token without checking SigV4 signatures (the verifier never signs by hand; the SDK does); it holds no managed policy
// documents, permissions boundaries, SCPs or RCPs, and refuses templates that use them instead of ignoring them.

const STS_ACTIONS = ['AssumeRole', 'GetCallerIdentity'] as const;
const IAM_ACTIONS = ['GetRole'] as const;

/** STS's documented limits (AssumeRole API reference): lengths and characters of the request parameters. */
const STS_PARAMETERS: Record<string, { min: number; max: number; pattern: RegExp }> = {
  ExternalId: { min: 2, max: 1224, pattern: /^[\w+=,.@:/-]*$/ },
  SourceIdentity: { min: 2, max: 64, pattern: /^[\w+=,.@-]*$/ },
  RoleSessionName: { min: 2, max: 64, pattern: /^[\w+=,.@-]*$/ },
};

/** Role properties the endpoint honours, or refuses when set (evaluating without them would decide differently). */
const ROLE_PROPERTIES = ['RoleName', 'Path', 'AssumeRolePolicyDocument', 'Policies', 'MaxSessionDuration', 'Description', 'ManagedPolicyArns', 'Tags'];
/** Resource types the endpoint skips: they grant nothing. */
const INERT_TYPES = ['AWS::CDK::Metadata'];

/** An IAM role the endpoint holds. */
export interface LocalRole {
  readonly arn: string;
  readonly accountId: string;
  readonly name: string;
  readonly path: string;
  readonly roleId: string;
  readonly createDate: Date;
  trustPolicy: Record<string, unknown>;
  readonly inlinePolicies: ReadonlyArray<{ readonly name: string; readonly policy: unknown }>;
  readonly maxSessionDuration: number;
}

/** Credentials of a session the endpoint issued. */
export interface LocalCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  readonly expiration?: Date;
}

interface Session extends LocalCredentials {
  readonly expiration: Date;
  readonly roleArn: string;
  readonly sessionArn: string;
  readonly userId: string;
  readonly sourceIdentity?: string;
}

/** Where to deploy a template, and its parameter values. */
export interface Deployment {
  readonly accountId: string;
  /** Parameter values by name; parameters without one take their Default. */
  readonly parameters?: Record<string, string>;
  readonly region?: string;
  readonly stackName?: string;
}

/** Which requests to answer with STS's `Throttling` error, before deciding them. */
export interface Throttle {
  readonly action: string;
  /** How many of the next requests of `action` are throttled. */
  readonly times: number;
}

export class LocalAws {
  public static async start(): Promise<LocalAws> {
    const local = new LocalAws();
    await new Promise<void>((resolve, reject) => {
      local.server.once('error', reject);
      local.server.listen(0, '127.0.0.1', () => resolve());
    });
    return local;
  }

  /** Requests answered, by action, and how many of them were throttled. */
  public readonly requests: Record<string, number> = {};
  public throttled = 0;

  private readonly server: Server;
  private readonly roles = new Map<string, LocalRole>();
  private readonly sessions = new Map<string, Session>();
  private readonly throttles: Array<{ action: string; left: number }> = [];

  private constructor() {
    this.server = createServer((request, response) => {
      this.answer(request).then((answer) => send(response, answer), (error) => send(response, awsError('sts', 500, 'InternalFailure', String(error))));
    });
    // The SDK keeps connections alive; the server must not hold the process open after stop().
    this.server.keepAliveTimeout = 1000;
  }

  public get endpoint(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /**
   * Creates the AWS::IAM::Role resources of a synthesized template in `deployment.accountId`, resolving Ref (to
   * parameters and pseudo parameters), Fn::Join and Fn::Sub; checks parameter values against their constraints as
   * CloudFormation does. Throws on anything it cannot honour (another resource type, another intrinsic, a managed
   * policy, a role name already taken) rather than deploying something else. Returns the created roles' ARNs.
   */
  public async deploy(template: any, deployment: Deployment): Promise<string[]> {
    const values = parameterValues(template.Parameters ?? {}, deployment.parameters ?? {});
    const pseudo: Record<string, string> = {
      'AWS::AccountId': deployment.accountId,
      'AWS::Partition': 'aws',
      'AWS::Region': deployment.region ?? 'eu-west-1',
      'AWS::URLSuffix': 'amazonaws.com',
      'AWS::StackName': deployment.stackName ?? 'Stack',
    };
    const resolve = (value: unknown): unknown => resolveIntrinsics(value, { ...pseudo, ...values });
    if (template.Conditions && Object.keys(template.Conditions).length > 0) {
      throw new Error('the local endpoint does not evaluate template Conditions');
    }
    const created: LocalRole[] = [];
    for (const [logicalId, resource] of Object.entries<any>(template.Resources ?? {})) {
      if (INERT_TYPES.includes(resource.Type)) continue;
      if (resource.Type !== 'AWS::IAM::Role') {
        throw new Error(`the local endpoint holds IAM roles only; ${logicalId} is a ${resource.Type}`);
      }
      if (resource.Condition !== undefined) {
        throw new Error(`the local endpoint does not evaluate template Conditions (${logicalId} has Condition ${resource.Condition})`);
      }
      const props = resolve(resource.Properties ?? {}) as Record<string, any>;
      const unknown = Object.keys(props).filter((k) => !ROLE_PROPERTIES.includes(k));
      if (unknown.length > 0) {
        throw new Error(`the local endpoint cannot honour ${logicalId}'s ${unknown.join(', ')}`);
      }
      if ((props.ManagedPolicyArns ?? []).length > 0) {
        throw new Error(`the local endpoint holds no managed policy documents (${logicalId} attaches ${props.ManagedPolicyArns.join(', ')}); `
          + 'give the role its permissions as policy statements');
      }
      const name = props.RoleName ?? `${pseudo['AWS::StackName']}-${logicalId}-${randomBytes(6).toString('hex').toUpperCase()}`;
      const path = props.Path ?? '/';
      created.push({
        arn: `arn:aws:iam::${deployment.accountId}:role${path}${name}`,
        accountId: deployment.accountId,
        name,
        path,
        roleId: `AROA${randomBytes(8).toString('hex').toUpperCase()}`,
        createDate: new Date(),
        trustPolicy: props.AssumeRolePolicyDocument,
        inlinePolicies: (props.Policies ?? []).map((p: any) => ({ name: p.PolicyName, policy: p.PolicyDocument })),
        maxSessionDuration: props.MaxSessionDuration ?? 3600,
      });
    }
    for (const role of created) {
      if (this.roles.has(role.arn)) {
        throw new Error(`EntityAlreadyExists: role ${role.arn} already exists`);
      }
      await checkPolicies(role);
    }
    for (const role of created) {
      this.roles.set(role.arn, role);
    }
    return created.map((r) => r.arn);
  }

  /** The role, as held now. */
  public role(arn: string): LocalRole | undefined {
    return this.roles.get(arn);
  }

  /** IAM UpdateAssumeRolePolicy, as a customer editing the role in the console would. */
  public async updateTrustPolicy(arn: string, policy: Record<string, unknown>): Promise<void> {
    const role = this.existing(arn);
    await checkPolicies({ ...role, trustPolicy: policy });
    role.trustPolicy = policy;
  }

  /** IAM DeleteRole. Sessions of the role lose every permission (their identity policies are gone). */
  public deleteRole(arn: string): void {
    this.existing(arn);
    this.roles.delete(arn);
  }

  /**
   * Credentials of a session of a role the endpoint holds, as a service (AWS Lambda for its execution role) gets
   * them: the deputy's credentials in the tests.
   */
  public sessionOf(roleArn: string, sessionName: string): LocalCredentials {
    return this.issue(this.existing(roleArn), sessionName);
  }

  /** The next `times` requests of `action` are answered with `Throttling: Rate exceeded` (HTTP 400), as STS does. */
  public throttle(throttle: Throttle): void {
    this.throttles.push({ action: throttle.action, left: throttle.times });
  }

  /** A real STSClient on this endpoint with the given credentials (adaptive retry, as the verifier's docs ask). */
  public sts(credentials: LocalCredentials, maxAttempts = 3): STSClient {
    return new STSClient({ endpoint: this.endpoint, region: 'eu-west-1', credentials, retryMode: 'adaptive', maxAttempts });
  }

  /** A real IAMClient on this endpoint with the given credentials. */
  public iam(credentials: LocalCredentials, maxAttempts = 3): IAMClient {
    return new IAMClient({ endpoint: this.endpoint, region: 'us-east-1', credentials, retryMode: 'adaptive', maxAttempts });
  }

  public async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve, reject) => this.server.close((error?: Error) => error ? reject(error) : resolve()));
  }

  private existing(arn: string): LocalRole {
    const role = this.roles.get(arn);
    if (!role) {
      throw new Error(`NoSuchEntity: the local endpoint holds no role ${arn}`);
    }
    return role;
  }

  private issue(role: LocalRole, sessionName: string, durationSeconds = 3600, sourceIdentity?: string): Session & IssuedSession {
    const session = {
      accessKeyId: `ASIA${randomBytes(8).toString('hex').toUpperCase()}`,
      secretAccessKey: randomBytes(30).toString('base64'),
      sessionToken: randomBytes(48).toString('base64'),
      expiration: new Date(Date.now() + durationSeconds * 1000),
      roleArn: role.arn,
      roleId: role.roleId,
      sessionArn: `arn:aws:sts::${role.accountId}:assumed-role/${role.name}/${sessionName}`,
      userId: `${role.roleId}:${sessionName}`,
      sourceIdentity,
    };
    this.sessions.set(session.accessKeyId, session);
    return session;
  }

  private async answer(request: IncomingMessage): Promise<CannedResponse> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const params = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
    const action = params.Action;
    const scope = /Credential=([^/]+)\/\d{8}\/[^/]+\/([a-z]+)\/aws4_request/.exec(String(request.headers.authorization ?? ''));
    const service = scope?.[2] === 'iam' ? 'iam' : 'sts';
    this.requests[action] = (this.requests[action] ?? 0) + 1;
    if (!scope) {
      return awsError(service, 403, 'MissingAuthenticationToken', 'Request is missing Authentication Token');
    }
    const actions: readonly string[] = service === 'iam' ? IAM_ACTIONS : STS_ACTIONS;
    if (!actions.includes(action)) {
      return awsError(service, 400, 'InvalidAction', `Could not find operation ${action} for version ${params.Version}`);
    }
    const session = this.sessions.get(scope[1]);
    if (!session || session.sessionToken !== request.headers['x-amz-security-token']) {
      return awsError(service, 403, 'InvalidClientTokenId', 'The security token included in the request is invalid.');
    }
    if (session.expiration.getTime() <= Date.now()) {
      return awsError(service, 400, 'ExpiredToken', 'The security token included in the request is expired');
    }
    const throttle = this.throttles.find((t) => t.action === action && t.left > 0);
    if (throttle) {
      throttle.left--;
      this.throttled++;
      return awsError(service, 400, 'Throttling', 'Rate exceeded');
    }
    if (action === 'GetCallerIdentity') return callerIdentity(session.sessionArn, session.userId);
    if (action === 'AssumeRole') return this.assumeRole(session, params);
    return this.getRole(session, params);
  }

  private async assumeRole(caller: Session, params: Record<string, string>): Promise<CannedResponse> {
    for (const [name, limit] of Object.entries(STS_PARAMETERS)) {
      const value = params[name];
      if (value !== undefined && (value.length < limit.min || value.length > limit.max || !limit.pattern.test(value))) {
        return awsError('sts', 400, 'ValidationError', `1 validation error detected: Value at '${lower(name)}' failed to satisfy constraint`);
      }
    }
    if (params.RoleSessionName === undefined || params.RoleArn === undefined) {
      return awsError('sts', 400, 'ValidationError', 'RoleArn and RoleSessionName are required');
    }
    const role = this.roles.get(params.RoleArn);
    const denied = awsError('sts', 403, 'AccessDenied',
      `User: ${caller.sessionArn} is not authorized to perform: sts:AssumeRole on resource: ${params.RoleArn}`);
    // STS answers AccessDenied, not NoSuchEntity, for a role that does not exist: callers cannot probe for roles.
    if (!role) return denied;
    const duration = Number(params.DurationSeconds ?? 3600);
    // Role chaining (a role session assuming a role) is capped at one hour whatever the role allows.
    if (!Number.isInteger(duration) || duration < 900 || duration > Math.min(role.maxSessionDuration, 3600)) {
      return awsError('sts', 400, 'ValidationError', 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');
    }
    const callerRole = this.roles.get(caller.roleArn);
    const context: Record<string, string> = {
      'aws:PrincipalArn': caller.roleArn,
      'aws:PrincipalAccount': caller.roleArn.split(':')[4],
      'aws:PrincipalType': 'AssumedRole',
      'aws:userid': caller.userId,
      'aws:SecureTransport': 'true',
      'aws:ResourceAccount': role.accountId,
      'aws:CurrentTime': new Date().toISOString(),
      'aws:EpochTime': String(Math.floor(Date.now() / 1000)),
      'sts:RoleSessionName': params.RoleSessionName,
    };
    if (params.ExternalId !== undefined) context['sts:ExternalId'] = params.ExternalId;
    if (caller.sourceIdentity !== undefined) context['aws:SourceIdentity'] = caller.sourceIdentity;
    if (params.SourceIdentity !== undefined) context['sts:SourceIdentity'] = params.SourceIdentity;
    // Setting a SourceIdentity is a second action that the trust and identity policies must both allow.
    const needed = params.SourceIdentity !== undefined ? ['sts:AssumeRole', 'sts:SetSourceIdentity'] : ['sts:AssumeRole'];
    for (const action of needed) {
      const decision = await decide({
        principal: caller.sessionArn,
        action,
        resource: role.arn,
        resourceAccount: role.accountId,
        context,
        identityPolicies: callerRole?.inlinePolicies ?? [],
        resourcePolicy: role.trustPolicy,
      });
      if (decision !== 'Allowed') return denied;
    }
    const session = this.issue(role, params.RoleSessionName, duration, params.SourceIdentity ?? caller.sourceIdentity);
    return assumed(role.arn, params.RoleSessionName, session.sourceIdentity, session);
  }

  private async getRole(caller: Session, params: Record<string, string>): Promise<CannedResponse> {
    const accountId = caller.roleArn.split(':')[4];
    const target = [...this.roles.values()].find((r) => r.accountId === accountId && r.name === params.RoleName);
    const resource = target?.arn ?? `arn:aws:iam::${accountId}:role/${params.RoleName}`;
    const decision = await decide({
      principal: caller.sessionArn,
      action: 'iam:GetRole',
      resource,
      resourceAccount: accountId,
      context: {
        'aws:PrincipalArn': caller.roleArn,
        'aws:PrincipalAccount': accountId,
        'aws:PrincipalType': 'AssumedRole',
        'aws:userid': caller.userId,
        'aws:SecureTransport': 'true',
        'aws:ResourceAccount': accountId,
        ...(caller.sourceIdentity !== undefined ? { 'aws:SourceIdentity': caller.sourceIdentity } : {}),
      },
      // A session's permissions are its role's policies as they are now: a deleted role's sessions have none.
      identityPolicies: this.roles.get(caller.roleArn)?.inlinePolicies ?? [],
    });
    if (decision !== 'Allowed') {
      return awsError('iam', 403, 'AccessDenied', `User: ${caller.sessionArn} is not authorized to perform: iam:GetRole on resource: ${resource}`);
    }
    if (!target) {
      return awsError('iam', 404, 'NoSuchEntity', `The role with name ${params.RoleName} cannot be found.`);
    }
    return roleResponse(target.arn, target.trustPolicy, target.maxSessionDuration,
      { roleId: target.roleId, path: target.path, createDate: target.createDate });
  }
}

interface Decide {
  readonly principal: string;
  readonly action: string;
  readonly resource: string;
  readonly resourceAccount: string;
  readonly context: Record<string, string>;
  readonly identityPolicies: ReadonlyArray<{ readonly name: string; readonly policy: unknown }>;
  readonly resourcePolicy?: unknown;
}

/** The evaluator's decision; a policy it refuses is an error of the test set-up, thrown. */
async function decide(request: Decide): Promise<string> {
  const simulation = {
    request: {
      principal: request.principal,
      action: request.action,
      resource: { resource: request.resource, accountId: request.resourceAccount },
      contextVariables: request.context,
    },
    identityPolicies: request.identityPolicies.map((p) => ({ name: p.name, policy: p.policy })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: request.resourcePolicy,
  };
  if (request.action === 'sts:SetSourceIdentity') {
    // STS authorizes sts:SetSourceIdentity within the AssumeRole call, in that call's request context (sts:ExternalId
    // included: AWS's documented trust policies condition both actions of one statement on it). The evaluator's
    // service reference lists no sts:ExternalId for SetSourceIdentity and would drop the key, denying every such
    // statement, so this check keeps the whole context (the evaluator's unfiltered entry point; the policies were
    // validated when the role was created; it wants the trust policy already validated and named).
    const trust = createValidatedPolicy(request.resourcePolicy, validateTrustPolicy, { name: 'trust policy' });
    if (trust.errors.length > 0) {
      throw new Error(`the trust policy of ${request.resource} is malformed: ${JSON.stringify(trust.errors)}`);
    }
    return simulator.runUnsafeSimulation({ ...simulation, resourcePolicy: trust }, { simulationMode: 'Strict' });
  }
  const result = await simulator.runSimulation(simulation, { simulationMode: 'Strict' });
  if (result.resultType !== 'single') {
    throw new Error(`the IAM policy evaluator answered ${result.resultType} for ${request.action} on ${request.resource}: ${JSON.stringify(result)}`);
  }
  return result.overallResult;
}

/** IAM refuses a malformed policy at CreateRole/UpdateAssumeRolePolicy; so does the endpoint (MalformedPolicyDocument). */
async function checkPolicies(role: LocalRole): Promise<void> {
  try {
    await decide({
      principal: `arn:aws:iam::${role.accountId}:role/PolicyCheck`,
      action: 'sts:AssumeRole',
      resource: role.arn,
      resourceAccount: role.accountId,
      context: {},
      identityPolicies: role.inlinePolicies,
      resourcePolicy: role.trustPolicy,
    });
  } catch (error) {
    throw new Error(`MalformedPolicyDocument: role ${role.arn}: ${(error as Error).message}`);
  }
}

/** Parameter values as CloudFormation takes them: given or Default, checked against the parameter's constraints. */
function parameterValues(declared: Record<string, any>, given: Record<string, string>): Record<string, string> {
  const undeclared = Object.keys(given).filter((name) => !(name in declared));
  if (undeclared.length > 0) {
    throw new Error(`ValidationError: Parameters: [${undeclared.join(', ')}] do not exist in the template`);
  }
  const values: Record<string, string> = {};
  for (const [name, parameter] of Object.entries(declared)) {
    const value = given[name] ?? parameter.Default;
    if (value === undefined) {
      throw new Error(`ValidationError: Parameters: [${name}] must have values`);
    }
    if (parameter.Type === 'String') {
      const length = [...value].length;
      const pattern = parameter.AllowedPattern === undefined ? undefined : new RegExp(`^(?:${parameter.AllowedPattern})$`);
      if ((parameter.MinLength !== undefined && length < Number(parameter.MinLength))
        || (parameter.MaxLength !== undefined && length > Number(parameter.MaxLength))
        || (pattern && !pattern.test(value))
        || (parameter.AllowedValues && !parameter.AllowedValues.includes(value))) {
        throw new Error(`ValidationError: Parameter '${name}' ${parameter.ConstraintDescription ?? 'does not satisfy its constraints'}`);
      }
    } else if (!String(parameter.Type).startsWith('AWS::SSM::Parameter::')) {
      throw new Error(`the local endpoint takes String parameters only; ${name} is ${parameter.Type}`);
    }
    values[name] = value;
  }
  return values;
}

function resolveIntrinsics(value: unknown, refs: Record<string, string>): unknown {
  if (Array.isArray(value)) {
    return value.map((v) => resolveIntrinsics(v, refs)).filter((v) => v !== NO_VALUE);
  }
  if (typeof value !== 'object' || value === null) return value;
  const entries = Object.entries(value);
  if (entries.length === 1 && (entries[0][0] === 'Ref' || entries[0][0].startsWith('Fn::'))) {
    const [fn, arg] = entries[0];
    if (fn === 'Ref') {
      if (arg === 'AWS::NoValue') return NO_VALUE;
      if (!(String(arg) in refs)) throw new Error(`the local endpoint cannot resolve Ref ${String(arg)}`);
      return refs[String(arg)];
    }
    if (fn === 'Fn::Join') {
      const [separator, parts] = arg as [string, unknown[]];
      return (resolveIntrinsics(parts, refs) as unknown[]).map(String).join(separator);
    }
    if (fn === 'Fn::Sub' && typeof arg === 'string') {
      return arg.replace(/\$\{(!?)([^}]+)\}/g, (_, literal: string, name: string) => {
        if (literal) return `\${${name}}`;
        if (!(name in refs)) throw new Error(`the local endpoint cannot resolve \${${name}} in Fn::Sub`);
        return refs[name];
      });
    }
    throw new Error(`the local endpoint does not resolve ${fn}`);
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of entries) {
    const resolved = resolveIntrinsics(v, refs);
    if (resolved !== NO_VALUE) out[k] = resolved;
  }
  return out;
}

const NO_VALUE = Symbol('AWS::NoValue');

function lower(name: string): string {
  return name[0].toLowerCase() + name.slice(1);
}

function send(response: ServerResponse, answer: CannedResponse): void {
  response.writeHead(answer.status, { 'content-type': 'text/xml', 'x-amzn-requestid': 'c0ffee00-0000-4000-8000-000000000000' });
  response.end(answer.body);
}
