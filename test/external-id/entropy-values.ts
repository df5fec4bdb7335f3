import { createHash } from 'crypto';

// Values for the entropy estimator's table test and benchmark, written for this project: guessable
// values of the kinds vendors, customers and generators produce, by family, and random values in the
// encodings the estimator must let through.

const b64 = (text: string) => Buffer.from(text).toString('base64');
const b64url = (text: string) => Buffer.from(text).toString('base64url');
const hex = (text: string) => Buffer.from(text).toString('hex');
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32, with padding unless `pad` is false. */
export function base32(bytes: Uint8Array, pad = true): string {
  const bits = Array.from(bytes, (b) => b.toString(2).padStart(8, '0')).join('');
  const out = (bits.match(/.{1,5}/g) ?? []).map((chunk) => BASE32[parseInt(chunk.padEnd(5, '0'), 2)]).join('');
  return pad ? out.padEnd(Math.ceil(out.length / 8) * 8, '=') : out;
}

const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
/** Bitcoin base58, leading zero bytes as 1s. */
export function base58(bytes: Uint8Array): string {
  let n = BigInt(`0x00${Buffer.from(bytes).toString('hex')}`);
  let out = '';
  while (n > 0n) {
    out = BASE58[Number(n % 58n)] + out;
    n /= 58n;
  }
  for (const byte of bytes) {
    if (byte !== 0) break;
    out = `1${out}`;
  }
  return out;
}

/**
 * Guessable values by family. Each is at most 80 bits for an attacker who knows how such values are
 * made (which words, which format, which account), usually far less.
 */
export const WEAK_FAMILIES: Record<string, readonly string[]> = {
  'vendor formats with an account id': [
    'lweid:aws:v2:acme:123456789012:Ab1',
    'acme:123456789012:external',
    'datadog-123456789012-integration',
    'snyk_123456789012_prod',
    'ext-id/acme/123456789012',
    'AcmeCloud-123456789012-Role',
    'tenant=acme,account=123456789012',
    '123456789012.acme.external-id',
    'xacct:v1:123456789012:482913',
    'cribl-cloud-123456789012-us-east-1',
    'vendor:acme:aws:123456789012:readonly',
    'sysdig-agentless-123456789012-2024',
    'panther-123456789012-log-processing',
    'acme-prod-987654321098-external',
    'customer_210987654321_acme_integration',
  ],
  'brand and counter': [
    'Acme2024Acme2025Acme2026Acme2027',
    'acme-customer-000001',
    'Datadog-Customer-0000017',
    'ACME_TENANT_00042_ACME_TENANT_00043',
    'acme1acme2acme3acme4acme5acme6acme7',
    'customer-100234-customer-100235',
    'Globex-Tenant-7781-Integration',
    'initech00001initech00002initech00003',
    'acme_ext_id_000000000017',
    'Contoso-Prod-Account-42',
    'acmecloud-customer-number-31337',
    'tenant-0042-tenant-0042-tenant-0042',
  ],
  'words and phrases': [
    'customer-42-external-id-for-acme-corp',
    'correct-horse-battery-staple-correct-horse',
    'my-super-secret-external-id',
    'the_quick_brown_fox_jumps_over_the_lazy_dog',
    'ThisIsOurExternalIdForTheVendor',
    'please-do-not-share-this-value',
    'cross-account-access-for-monitoring',
    'readonly.audit.role.for.security.team',
    'integration-secret-key-for-datadog',
    'BlueMonkeyPurpleElephantGreenTiger',
    'external-id-external-id-external-id',
    'shared-secret-between-acme-and-vendor',
    'trust:me:i:am:the:vendor',
  ],
  'ARNs': [
    'arn:aws:iam::123456789012:role/AcmeIntegration',
    'arn:aws:iam::123456789012:root',
    'arn:aws:iam::210987654321:role/DatadogIntegrationRole',
    'arn:aws:sts::123456789012:assumed-role/Vendor/session',
    'arn:aws:s3:::acme-logs-bucket/external',
    'arn:aws:sns:us-east-1:123456789012:acme-alerts',
    'arn:aws:lambda:eu-west-1:123456789012:function:acme-sync',
    'arn:aws-us-gov:iam::123456789012:role/Audit',
    'arn:aws:iam::123456789012:user/deploy-bot',
    'arn:aws:kms:us-west-2:123456789012:key/acme-primary',
    'arn:aws:iam::aws:policy/ReadOnlyAccess',
    'arn:aws-cn:iam::123456789012:role/ChinaReadOnly',
  ],
  'URLs': [
    'https://hooks.acme.io/v1/tenants/00042/aws-callback',
    'https://api.acme.com/external-id',
    'https://acme.example.com/aws/integration/callback',
    'http://localhost:8080/callback',
    'https://www.acme.com/customers/12345',
    'https://app.datadoghq.com/account/settings',
    'https://console.aws.amazon.com/iam/home',
    'https://acme.io/onboarding/aws/v2/start',
    's3://acme-onboarding/customers/00042/config',
    'https://github.com/acme/cloud-integration',
    'https://acme.com/t/42/aws',
    'wss://stream.acme.io/events/tenant-42',
  ],
  'hexadecimal, base64 and base32 of text': [
    'YWNtZS1jdXN0b21lci0xMjM0NTY3ODkw',
    b64('my-external-id-for-acme'),
    b64('customer:42:acme:prod'),
    b64url('acme?tenant=42&role=audit'),
    b64('{"tenant":"acme","id":42}'),
    hex('acme-external-id-2024'),
    hex('changeme-changeme').toUpperCase(),
    base32(Buffer.from('acme tenant 42')),
    base32(Buffer.from('external-id-for-globex'), false),
    base32(Buffer.from('datadog:123456789012')).toLowerCase(),
    `ext-${b64('acme-customer-42')}`,
    `acme_${hex('tenant-0042')}`,
    b64(b64('acme-customer-1234')),
    b64('arn:aws:iam::123456789012:role/Acme'),
  ],
  'time-based UUIDs': [
    'ext_a9474561ecb711f18dad0242ac110002',
    'c232ab00-9414-11ec-b3c8-9e6bdeced846',
    'a9474561-ecb7-11f1-8dad-0242ac110002',
    'A9474561ECB711F18DAD0242AC110002',
    'acme-c232ab00-9414-11ec-b3c8-9e6bdeced846',
    'urn:uuid:c232ab00-9414-11ec-b3c8-9e6bdeced846',
    '1ec9414c-232a-6b00-b3c8-9e6bdeced846',
    '1ec9414c232a6b00b3c89e6bdeced846',
    '0190163d-8694-739b-aea5-966c26f8ad91',
    '017F22E2-79B0-7CC3-98C4-DC0C0C07398F',
    '017f22e279b07cc398c4dc0c0c07398f',
    'tenant-017f22e2-79b0-7cc3-98c4-dc0c0c07398f',
    '000003e8-cbb9-21ea-b201-00045a86c8a1',
    'c232ab00-9414-11ec-b3c8-9e6bdeced846-c232ab01-9414-11ec-b3c8-9e6bdeced846',
  ],
  'leetspeak': [
    'Sup3rS3cr3tExt3rn@l1dF0rAcm3C0rp',
    'P@ssw0rdP@ssw0rdP@ssw0rdP@ssw0rd',
    'c0rr3ct-h0rs3-b@tt3ry-st@pl3',
    'Acm3-Ext3rn@l-1d-2024',
    'S3cr3tK3yF0rV3nd0r@cc3ss',
    'tr0ub4dor-and-3-acme',
    'd@t@d0g-1nt3gr@t10n-r0l3',
    'M0n1t0r1ngR0l3F0rAcm3',
    'L3tM31nPl3@s3-L3tM31nPl3@s3',
    'Cust0m3r-T3n@nt-00042',
    'ch@ng3m3-ch@ng3m3',
    'H3ll0W0rldExt3rn@lId',
  ],
  'email addresses': [
    'aws-billing@acme.com',
    'security+external-id@acme.io',
    'john.smith@example.com',
    'ops@acme-corp.co.uk',
    'admin@123456789012.acme.com',
    'noreply@datadoghq.com',
    'customer42@tenants.acme.io',
    'jane.doe+aws@gmail.com',
    'cloud-team@globex.net',
    'devops@initech.dev',
    'acme.integration@vendor.example.org',
    'root@acme.internal',
  ],
  'host names': [
    'api.acme.com',
    'acme-prod.us-east-1.elb.amazonaws.com',
    'hooks.acme.io',
    'tenant-42.acme.cloud',
    'ec2-203-0-113-25.compute-1.amazonaws.com',
    'acme.s3.amazonaws.com',
    'integration.datadoghq.com',
    'vpn.corp.acme.net',
    'customer42.vendor.example.com',
    'ingest.eu.acme.io',
    'acme-external-id.example.org',
    'www.globex.co.uk',
  ],
  'dates and timestamps': [
    'acme-2024-05-01',
    '2024-05-01T12:30:00Z',
    'customer-20240501-001',
    'ext-1714567890',
    'acme_1714567890123',
    '2024-05-01T12:30:00.123+02:00-acme',
    'onboarded-01.05.2024-acme',
    'acme-20240501T123000Z',
    'tenant-42-created-2023-11-30',
    'id-1700000000-1700000001',
    'acme.2024.05.01.external',
    'Acme_31-12-2023_Prod',
    '05/01/2024-acme-tenant',
  ],
  'version tags': [
    'acme-integration-v1.2.3',
    'v2.0.0-acme-external-id',
    'release-1.4.2-acme',
    'AcmeCloudV3Integration',
    'api-v1-tenant-42',
    'acme/v10.2/customer/17',
    'vendor-role-v4-2024',
    'ExternalIdV2ForAcme',
    'acme_v1_v2_v3_v4',
    'connector-3.11.0-prod',
    'v1.0.0.1234',
  ],
  'ULIDs, ObjectIds and snowflake ids': [
    '01ARZ3NDEKTSV4RRFFQ69G5FAV',
    '01arz3ndektsv4rrffq69g5fav',
    'acme-01ARZ3NDEKTSV4RRFFQ69G5FAV',
    '01HZX3Q0C5M7R8T9V2W4Y6Z8AB',
    '507f1f77bcf86cd799439011',
    '65a1b2c3d4e5f60718293a4b',
    'tenant_507f1f77bcf86cd799439011',
    '1541815603606036480',
    '175928847299117063',
    'ext-175928847299117063',
    'acme-1541815603606036480-prod',
    '65A1B2C3D4E5F60718293A4B',
  ],
  'keyboard runs, sequences and repeats': [
    'a'.repeat(40),
    'abc'.repeat(14),
    '0'.repeat(40),
    'deadbeef'.repeat(5),
    '0123456789'.repeat(4),
    '--aa0aaX'.repeat(7),
    'abcdefghijklmnopqrstuvwxyzabcdef',
    'abcdefghij0123456789ABCDEFGHIJ9876543210',
    'qwertyuiopasdfghjklzxcvbnmqwertyuiop',
    '1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p',
    'zxcvbnmasdfghjklqwertyuiop1234567890',
    'zyxwvutsrqponmlkjihgfedcba',
    'qazwsxedcrfvtgbyhnujmikolp',
    '1234567890-=qwertyuiop',
    'Aa1Aa1Aa1Aa1Aa1Aa1Aa1Aa1Aa1Aa1',
    '9876543210zyxwvutsrq',
    '147258369147258369',
  ],
  'placeholders': [
    'changeme',
    'changeme-changeme-changeme-changeme',
    'your-external-id-here',
    'NO_VALUE_NO_VALUE_NO_VALUE_NO_VALUE',
    'REPLACE_WITH_YOUR_EXTERNAL_ID',
    'xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx',
    'ExternalIdPlaceholderValue',
    'TODO-set-external-id',
    'example-external-id-12345',
    'insert-external-id-here',
    'dummy-value-for-testing',
    'Pipeline-Pipeline-Pipeline-Pipeline',
    'PLACEHOLDER',
    'your_external_id',
    'test-test-test-test',
    'sample-external-id',
  ],
  'names and camelCase identifiers': [
    'JohnSmithAcmeCorpIntegration',
    'MaryJohnsonExternalId2024',
    'DatadogIntegrationRoleExternalId',
    'SnykCloudCustomerRole',
    'AcmeCorpProdReadOnlyAccess',
    'CrossAccountAuditRoleForSecurity',
    'JaneDoeCustomerAcme42',
    'prodDatadogMonitoringExternalId',
    'ElizabethTaylorRichardBurton',
    'AlphaBravoCharlieDeltaEcho',
    'NorthwindTradersAwsIntegration',
    'johnsmith1990johnsmith1990',
  ],
  'UUIDs without randomness': [
    '00000000-0000-0000-0000-000000000000',
    'ffffffff-ffff-ffff-ffff-ffffffffffff',
    '00000000-0000-4000-8000-000000000000',
    '12345678-1234-1234-1234-123456789012',
    'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
    'ffffffffffffffffffffffffffffffff',
    '11111111-1111-1111-1111-111111111111',
    '01234567-89ab-cdef-0123-456789abcdef',
    '00000000-0000-0000-0000-000000000001',
  ],
  'AWS resource names and Regions': [
    'acme-prod-us-east-1-external',
    'eu-west-1-123456789012-audit',
    'us-gov-west-1.acme.internal',
    'AcmeStack-IntegrationRole-1A2B3C4D5E6F',
    'StackSet-AcmeOnboarding-abc123def456',
    'ap-southeast-2-acme-tenant-42',
    'acme-cloudtrail-logs-123456789012-us-east-1',
    'cdk-hnb659fds-deploy-role-123456789012-us-east-1',
  ],
};

/** Deterministic bytes: SHA-256 of the seed and a counter, so that the random values are the same on every run. */
export function prng(seed: number): (n: number) => Uint8Array {
  let counter = 0;
  let pool = Buffer.alloc(0);
  return (n: number) => {
    while (pool.length < n) {
      pool = Buffer.concat([pool, createHash('sha256').update(`${seed}:${counter++}`).digest()]);
    }
    const out = Uint8Array.from(pool.subarray(0, n));
    pool = pool.subarray(n);
    return out;
  };
}

const NANOID = 'useandom-26T198340PX75pxJACKVERYMINDBUSHWOLF_GQZbfghjklqvwyzrict';
const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A version 4 UUID from 16 bytes. */
export function uuid4(bytes: Uint8Array): string {
  const b = Buffer.from(bytes);
  b[6] = 0x40 + (b[6] % 16); // version 4
  b[8] = 0x80 + (b[8] % 64); // RFC 9562 variant
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** Random values with the bits of randomness they carry, by encoding. */
export function randomValues(seed: number): Array<{ encoding: string; value: string; bits: number }> {
  const bytes = prng(seed);
  const out: Array<{ encoding: string; value: string; bits: number }> = [];
  const add = (encoding: string, count: number, make: () => { value: string; bits: number }) => {
    for (let k = 0; k < count; k++) out.push({ encoding, ...make() });
  };
  const sized = (n: number, encode: (b: Uint8Array) => string) => () => ({ value: encode(bytes(n)), bits: 8 * n });
  const chars = (n: number, alphabet: string) => () =>
    ({ value: Array.from(bytes(n), (b) => alphabet[b % alphabet.length]).join(''), bits: n * Math.log2(alphabet.length) });
  add('version 4 UUID', 10, () => ({ value: uuid4(bytes(16)), bits: 122 }));
  add('version 4 UUID, upper case, no hyphens', 4, () => ({ value: uuid4(bytes(16)).replace(/-/g, '').toUpperCase(), bits: 122 }));
  add('16 bytes, hex', 10, sized(16, (b) => Buffer.from(b).toString('hex')));
  add('20 bytes, HEX', 4, sized(20, (b) => Buffer.from(b).toString('hex').toUpperCase()));
  add('16 bytes, base64', 6, sized(16, (b) => Buffer.from(b).toString('base64')));
  add('24 bytes, base64', 4, sized(24, (b) => Buffer.from(b).toString('base64')));
  add('16 bytes, base64url', 8, sized(16, (b) => Buffer.from(b).toString('base64url')));
  add('32 bytes, base64url (ExternalId.generate)', 4, sized(32, (b) => Buffer.from(b).toString('base64url')));
  add('16 bytes, base32', 4, sized(16, (b) => base32(b)));
  add('16 bytes, base32 without padding', 3, sized(16, (b) => base32(b, false)));
  add('20 bytes, base32 lower case', 3, sized(20, (b) => base32(b).toLowerCase()));
  add('16 bytes, base58', 8, sized(16, base58));
  add('24 bytes, base58', 3, sized(24, base58));
  add('21-character nanoid', 10, chars(21, NANOID));
  add('32-character nanoid', 3, chars(32, NANOID));
  add('22 alphanumeric characters', 4, chars(22, ALPHANUMERIC));
  add('a vendor prefix and 16 bytes, base58', 3, () => ({ value: `sk_live_${base58(bytes(16))}`, bits: 128 }));
  add('a vendor prefix and 16 bytes, hex', 3, () => ({ value: `acme-${Buffer.from(bytes(16)).toString('hex')}`, bits: 128 }));
  add('a vendor prefix and 16 bytes, base64url', 3, () => ({ value: `ext_${Buffer.from(bytes(16)).toString('base64url')}`, bits: 128 }));
  add('a vendor prefix and a version 4 UUID', 3, () => ({ value: `tenant-${uuid4(bytes(16))}`, bits: 122 }));
  return out;
}
