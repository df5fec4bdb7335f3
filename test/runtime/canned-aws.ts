import { Readable } from 'stream';
import { IAMClient } from '@aws-sdk/client-iam';
import { STSClient } from '@aws-sdk/client-sts';

// Real STSClient and IAMClient whose HTTP handler answers each request with an AWS query-protocol response the test
// chooses: the SDK's own serializers, deserializers, error classes and retry strategy run, and no request leaves the
// process. It decides nothing about policies (test/runtime/local-aws.ts is the loopback STS + IAM that does): the
// verifier's tests use it to see what the verifier sends and how it classifies each answer.

/** A request the handler saw: the query action and its parameters (the form-encoded body). */
export interface SeenRequest {
  readonly action: string;
  readonly params: Record<string, string>;
}

/** What the handler answers: a response body with its status. */
export interface CannedResponse {
  readonly status: number;
  readonly body: string;
}

export type Answer = (request: SeenRequest) => CannedResponse;

/** A handler that records the requests and answers each with `answer`. */
export function cannedHandler(answer: Answer): { handler: any; seen: SeenRequest[] } {
  const seen: SeenRequest[] = [];
  const handler = {
    handle: async (request: { body?: unknown }) => {
      const params = Object.fromEntries(new URLSearchParams(String(request.body ?? '')));
      const { Action: action, Version: _version, ...rest } = params;
      const seenRequest = { action, params: rest };
      seen.push(seenRequest);
      const { status, body } = answer(seenRequest);
      return {
        response: {
          statusCode: status,
          reason: undefined,
          headers: { 'content-type': 'text/xml', 'x-amzn-requestid': 'c0ffee00-0000-4000-8000-000000000000' },
          body: Readable.from([Buffer.from(body, 'utf8')]),
        },
      };
    },
    updateHttpClientConfig: () => undefined,
    httpHandlerConfigs: () => ({}),
  };
  return { handler, seen };
}

const CONFIG = {
  region: 'eu-west-1',
  credentials: { accessKeyId: 'ASIADEPUTYTEST', secretAccessKey: 'deputy-secret', sessionToken: 'deputy-token' },
};

/** A real STSClient answered by `answer` (`maxAttempts` 2: one retry, quickly seen). */
export function cannedSts(answer: Answer): { sts: STSClient; seen: SeenRequest[] } {
  const { handler, seen } = cannedHandler(answer);
  return { sts: new STSClient({ ...CONFIG, maxAttempts: 2, requestHandler: handler }), seen };
}

/** A real IAMClient answered by `answer`. */
export function cannedIam(answer: Answer, credentials = CONFIG.credentials): { iam: IAMClient; seen: SeenRequest[] } {
  const { handler, seen } = cannedHandler(answer);
  return { iam: new IAMClient({ region: 'eu-west-1', credentials, maxAttempts: 1, requestHandler: handler }), seen };
}

const STS_NS = 'https://sts.amazonaws.com/doc/2011-06-15/';
const IAM_NS = 'https://iam.amazonaws.com/doc/2010-05-08/';

/** An AWS query-protocol error, as STS and IAM send it. */
export function awsError(service: 'sts' | 'iam', status: number, code: string, message: string): CannedResponse {
  return {
    status,
    body: `<ErrorResponse xmlns="${service === 'sts' ? STS_NS : IAM_NS}"><Error><Type>Sender</Type><Code>${code}</Code>`
      + `<Message>${message}</Message></Error><RequestId>c0ffee00-0000-4000-8000-000000000000</RequestId></ErrorResponse>`,
  };
}

/** STS's answer to a denied AssumeRole. */
export function assumeDenied(callerArn: string, roleArn: string): CannedResponse {
  return awsError('sts', 403, 'AccessDenied', `User: ${callerArn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`);
}

/** Session credentials as STS issues them, with the assumed role's unique id. */
export interface IssuedSession {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  readonly expiration: Date;
  readonly roleId: string;
}

/** STS's answer to an allowed AssumeRole, with the given session's credentials (fresh made-up ones by default). */
export function assumed(roleArn: string, sessionName: string, sourceIdentity?: string, session?: IssuedSession): CannedResponse {
  const [, partition, account, name] = /^arn:([a-z-]+):iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(roleArn)!;
  const issued = session ?? {
    accessKeyId: `ASIASESSION${Math.random().toString(36).slice(2, 10).toUpperCase()}`,
    secretAccessKey: 'session-secret',
    sessionToken: 'session-token',
    expiration: new Date(Date.now() + 900_000),
    roleId: 'AROAEXAMPLEROLEID',
  };
  return {
    status: 200,
    body: `<AssumeRoleResponse xmlns="${STS_NS}"><AssumeRoleResult>`
      + (sourceIdentity ? `<SourceIdentity>${sourceIdentity}</SourceIdentity>` : '')
      + `<AssumedRoleUser><Arn>arn:${partition}:sts::${account}:assumed-role/${name}/${sessionName}</Arn>`
      + `<AssumedRoleId>${issued.roleId}:${sessionName}</AssumedRoleId></AssumedRoleUser>`
      + `<Credentials><AccessKeyId>${issued.accessKeyId}</AccessKeyId>`
      + `<SecretAccessKey>${issued.secretAccessKey}</SecretAccessKey><SessionToken>${issued.sessionToken}</SessionToken>`
      + `<Expiration>${issued.expiration.toISOString()}</Expiration></Credentials></AssumeRoleResult>`
      + '<ResponseMetadata><RequestId>c0ffee00-0000-4000-8000-000000000000</RequestId></ResponseMetadata></AssumeRoleResponse>',
  };
}

/** STS's answer to GetCallerIdentity. */
export function callerIdentity(arn: string, userId = 'AROAEXAMPLE:session'): CannedResponse {
  const account = /::(\d{12}):/.exec(arn)![1];
  return {
    status: 200,
    body: `<GetCallerIdentityResponse xmlns="${STS_NS}"><GetCallerIdentityResult><Arn>${arn}</Arn><UserId>${userId}</UserId>`
      + `<Account>${account}</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>c0ffee00-0000-4000-8000-000000000000</RequestId>`
      + '</ResponseMetadata></GetCallerIdentityResponse>',
  };
}

/** How IAM describes a role beside its ARN and trust policy. */
export interface RoleDetails {
  readonly roleId: string;
  readonly path: string;
  readonly createDate: Date;
}

/** IAM's answer to GetRole, with the trust policy URL-encoded as IAM sends it. */
export function role(roleArn: string, trustPolicy: unknown, maxSessionDuration = 3600, details?: RoleDetails): CannedResponse {
  const name = roleArn.slice(roleArn.lastIndexOf('/') + 1);
  const { roleId, path, createDate } = details ?? { roleId: 'AROAEXAMPLEROLEID', path: '/', createDate: new Date('2026-01-01T00:00:00Z') };
  return {
    status: 200,
    body: `<GetRoleResponse xmlns="${IAM_NS}"><GetRoleResult><Role><Path>${path}</Path><RoleName>${name}</RoleName>`
      + `<RoleId>${roleId}</RoleId><Arn>${roleArn}</Arn><CreateDate>${createDate.toISOString()}</CreateDate>`
      + `<AssumeRolePolicyDocument>${encodeURIComponent(JSON.stringify(trustPolicy))}</AssumeRolePolicyDocument>`
      + `<MaxSessionDuration>${maxSessionDuration}</MaxSessionDuration></Role></GetRoleResult>`
      + '<ResponseMetadata><RequestId>c0ffee00-0000-4000-8000-000000000000</RequestId></ResponseMetadata></GetRoleResponse>',
  };
}
