import { DescribeTableCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import { createTableInput, DynamoDbServer, REGISTRY_TABLE, synthesizedTable, VENDOR_ACCOUNT } from './harness';
import { REGISTRY_SCHEMA } from '../../src/private/registry-schema';
import { AccountRegistry } from '../../src/runtime';

// The harness creates the tests' tables from the construct's synthesized table: it must map what it knows and refuse
// what it does not, or a change to the construct would silently go untested.

test('the synthesized table is mapped to CreateTable: the key schema, attributes, byTenant index and billing mode', () => {
  expect(createTableInput(REGISTRY_TABLE, 'registry')).toEqual({
    TableName: 'registry',
    KeySchema: [{ AttributeName: REGISTRY_SCHEMA.partitionKey, KeyType: 'HASH' }],
    AttributeDefinitions: expect.arrayContaining([
      { AttributeName: REGISTRY_SCHEMA.partitionKey, AttributeType: 'S' },
      { AttributeName: REGISTRY_SCHEMA.tenantIndex.partitionKey, AttributeType: 'S' },
      { AttributeName: REGISTRY_SCHEMA.tenantIndex.sortKey, AttributeType: 'S' },
    ]),
    BillingMode: 'PAY_PER_REQUEST',
    GlobalSecondaryIndexes: [{
      IndexName: REGISTRY_SCHEMA.tenantIndex.name,
      KeySchema: [
        { AttributeName: REGISTRY_SCHEMA.tenantIndex.partitionKey, KeyType: 'HASH' },
        { AttributeName: REGISTRY_SCHEMA.tenantIndex.sortKey, KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'ALL' },
    }],
  });
});

test('a table encrypted with a customer-managed key maps to the same CreateTable input: only the encryption differs, which dynalite cannot take', () => {
  const encrypted = synthesizedTable((stack) => ({ encryptionKey: new kms.Key(stack, 'Key') }));
  expect(encrypted.SSESpecification).toEqual(expect.objectContaining({ SSEEnabled: true, SSEType: 'KMS' }));
  expect(createTableInput(encrypted, 'registry')).toEqual(createTableInput(REGISTRY_TABLE, 'registry'));
});

test.each([
  ['a table property it does not know', { ...REGISTRY_TABLE, StreamSpecification: { StreamViewType: 'NEW_IMAGE' } },
    /the synthesized registry table has properties the dynalite harness neither maps nor knows to leave out: StreamSpecification/],
  ['an index property it does not map', {
    ...REGISTRY_TABLE,
    GlobalSecondaryIndexes: [{ ...REGISTRY_TABLE.GlobalSecondaryIndexes[0], ContributorInsightsSpecification: { Enabled: true } }],
  }, /the synthesized index byTenant has properties the dynalite harness does not map: ContributorInsightsSpecification/],
])('the harness fails on %s', (_, properties, message) => {
  expect(() => createTableInput(properties, 'registry')).toThrow(message);
});

describe('against dynalite', () => {
  let server: DynamoDbServer;
  beforeAll(async () => {
    server = await DynamoDbServer.start();
  });
  afterAll(async () => {
    await server.stop();
  });

  test('the table has the byTenant index, which holds account items only (the reservations have no tenantId)', async () => {
    const tableName = await server.createRegistryTable();
    const { Table } = await server.client.send(new DescribeTableCommand({ TableName: tableName }));
    expect(Table?.GlobalSecondaryIndexes?.map((i) => i.IndexName)).toEqual([REGISTRY_SCHEMA.tenantIndex.name]);

    const registry = new AccountRegistry({ tableName, dynamoDb: server.client, vendorAccountId: VENDOR_ACCOUNT });
    await registry.register({ tenantId: 'tenant-a', accountId: '444455556666' });
    await registry.register({ tenantId: 'tenant-a', accountId: '444455557777' });
    await registry.register({ tenantId: 'tenant-b', accountId: '444455558888' });
    const { Items } = await server.client.send(new QueryCommand({
      TableName: tableName,
      IndexName: REGISTRY_SCHEMA.tenantIndex.name,
      KeyConditionExpression: '#tenant = :tenant',
      ExpressionAttributeNames: { '#tenant': REGISTRY_SCHEMA.tenantIndex.partitionKey },
      ExpressionAttributeValues: { ':tenant': { S: 'tenant-a' } },
    }));
    expect(Items?.map((i) => i.accountId.S)).toEqual(['444455556666', '444455557777']);
    expect((await server.scan(tableName)).length).toBe(6);
  });
});
