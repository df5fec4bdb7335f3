import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { tempDir } from './cli/helpers';
import { README, blockAfter } from './readme-blocks';
import { DynamoDbServer } from './runtime/harness';
import { RecordingS3 } from './runtime/recording-s3';
import { REGISTRY_SCHEMA } from '../src/private/registry-schema';

// The README's back-end snippet, run as it is written: compiled to CommonJS and executed with the real AWS SDK
// clients, which find dynalite and a recording S3 endpoint on loopback through the SDK's own configuration
// (AWS_ENDPOINT_URL_<SERVICE>, AWS_REGION and static credentials in the environment), and the template file in the
// working directory. Only the package name is mapped to the sources.
const HEADING = '### The vendor\'s back end: registering customer accounts';

interface Snippet {
  addAccount(tenantId: string, accountId: string): Promise<string>;
  accountStatus(tenantId: string, accountId: string): Promise<string | undefined>;
  removeAccount(tenantId: string, accountId: string): Promise<void>;
}

let dynamo: DynamoDbServer;
let s3: RecordingS3;
let snippet: Snippet;
let tableName: string;
const saved = { cwd: process.cwd(), env: { ...process.env } };

beforeAll(async () => {
  [dynamo, s3] = await Promise.all([DynamoDbServer.start(), RecordingS3.start()]);
  tableName = await dynamo.createRegistryTable();
  const cwd = tempDir();
  fs.writeFileSync(path.join(cwd, 'AcmeCustomerOnboarding.template.json'),
    JSON.stringify({ Parameters: { ExternalId: { Type: 'String', NoEcho: true } }, Resources: { Role: { Type: 'AWS::IAM::Role' } } }));
  process.chdir(cwd);
  Object.assign(process.env, {
    REGISTRY_TABLE_NAME: tableName,
    TEMPLATE_BUCKET_NAME: 'acme-onboarding-templates',
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'AKIDLOCALTEST',
    AWS_SECRET_ACCESS_KEY: 'local-test-secret',
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_ENDPOINT_URL_S3: s3.endpoint,
  });
  delete process.env.AWS_PROFILE;
  delete process.env.AWS_SESSION_TOKEN;

  const { outputText } = ts.transpileModule(blockAfter(HEADING, 'TypeScript'), {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
  });
  const module = { exports: {} as Snippet };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const requireFromSnippet = (name: string) => name === 'cdk-cross-account-trust/runtime' ? require('../src/runtime') : require(name);
  new Function('require', 'module', 'exports', outputText)(requireFromSnippet, module, module.exports);
  snippet = module.exports;
});

afterAll(async () => {
  process.chdir(saved.cwd);
  for (const key of Object.keys(process.env)) if (!(key in saved.env)) delete process.env[key];
  Object.assign(process.env, saved.env);
  await Promise.all([dynamo.stop(), s3.stop()]);
});

test('is in the Vendors section, right after the construct\'s', () => {
  const vendors = README.indexOf('\n## Vendors\n');
  const at = README.indexOf(`\n${HEADING}\n`);
  expect(vendors).toBeGreaterThan(0);
  expect(at).toBeGreaterThan(vendors);
  expect(at).toBeGreaterThan(README.indexOf('\n### The customer account registry\n'));
  expect(README.slice(README.indexOf('\n### The customer account registry\n') + 1, at)).not.toMatch(/\n##+ /);
  expect(at).toBeLessThan(README.indexOf('\n## Customers\n'));
});

test('addAccount registers the account, writes its template under its own key and returns its quick-create link', async () => {
  const link = await snippet.addAccount('tenant-42', '444455556666');
  const items = await dynamo.scan(tableName);
  const account = items.find((i) => i[REGISTRY_SCHEMA.partitionKey].S === 'ACCOUNT#444455556666')!;
  expect(account.tenantId.S).toBe('tenant-42');
  expect(link).toContain(`param_ExternalId=${encodeURIComponent(account.externalId.S!)}`);
  expect(link).toContain(encodeURIComponent('https://acme-onboarding-templates.s3.eu-west-1.amazonaws.com/onboarding/444455556666/AcmeScannerAccess.template.json'));
  expect(s3.requests.map((r) => r.path)).toEqual(['/acme-onboarding-templates/onboarding/444455556666/AcmeScannerAccess.template.json']);
  await expect(snippet.addAccount('tenant-42', '444455556666')).resolves.toBe(link);
});

test('another tenant adding the same account gets the sentence of the snippet; bad input throws', async () => {
  await expect(snippet.addAccount('tenant-7', '444455556666')).resolves.toBe('This AWS account is already registered.');
  await expect(snippet.addAccount('tenant-7', '4444-5555-6666')).rejects.toThrow(/invalid accountId/);
  await expect(snippet.addAccount('tenant-7', '111122224444')).rejects.toThrow(/forbidden accounts/);
});

test('accountStatus and removeAccount: PENDING for the tenant, undefined for another; only the tenant removes it', async () => {
  await expect(snippet.accountStatus('tenant-42', '444455556666')).resolves.toBe('PENDING');
  await expect(snippet.accountStatus('tenant-7', '444455556666')).resolves.toBeUndefined();
  await expect(snippet.removeAccount('tenant-7', '444455556666')).rejects.toThrow(/is not registered to tenant tenant-7/);
  await snippet.removeAccount('tenant-42', '444455556666');
  await expect(snippet.accountStatus('tenant-42', '444455556666')).resolves.toBeUndefined();
});
