import { randomUUID } from 'crypto';
import { Server } from 'http';
import { AddressInfo } from 'net';
import {
  AttributeValue, CreateTableCommand, CreateTableCommandInput, DescribeTableCommand, DynamoDBClient, ScanCommand,
} from '@aws-sdk/client-dynamodb';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { CustomerAccountRegistry, CustomerAccountRegistryProps } from '../../src';

// The run-time registry's tests run the real AWS SDK v3 DynamoDB client against dynalite (a DynamoDB-compatible
// server, in memory, on loopback), with each table created from the AWS::DynamoDB::Table that the
// CustomerAccountRegistry construct synthesizes: when the construct's key schema or index changes, these tests run
// against the change, so the construct and the run-time cannot drift apart.

// dynalite ships no type declarations.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const dynalite: (options: Record<string, unknown>) => Server = require('dynalite');

export const VENDOR_ACCOUNT = '111122223333';
export const FORBIDDEN_ACCOUNT = '111122224444';

/**
 * Properties of the synthesized table that CreateTable does not take or dynalite cannot honour, and why leaving them
 * out cannot change what the run-time's reads and writes do.
 */
const NOT_FOR_DYNALITE: Record<string, string> = {
  // Continuous backups are set by UpdateContinuousBackups after creation, not by CreateTable; dynalite has no backups.
  PointInTimeRecoverySpecification: 'backups only',
  // Encryption at rest (AWS owned or customer-managed KMS key): dynalite stores in memory and has no KMS.
  SSESpecification: 'encryption at rest only',
  // Refuses DeleteTable; dynalite does not implement the flag, and the run-time never deletes tables.
  DeletionProtectionEnabled: 'table deletion only',
};

/** What the harness maps to CreateTable; any other property of the synthesized table fails the harness. */
const MAPPED = ['KeySchema', 'AttributeDefinitions', 'GlobalSecondaryIndexes', 'BillingMode'];
const GSI_MAPPED = ['IndexName', 'KeySchema', 'Projection'];

/** The Properties of the one AWS::DynamoDB::Table a CustomerAccountRegistry synthesizes (with props made in its stack). */
export function synthesizedTable(props: (stack: Stack) => CustomerAccountRegistryProps = () => ({})): Record<string, any> {
  const stack = new Stack(new App(), 'Vendor', { env: { account: VENDOR_ACCOUNT, region: 'eu-west-1' } });
  new CustomerAccountRegistry(stack, 'Registry', props(stack));
  const tables = Object.values(Template.fromStack(stack).findResources('AWS::DynamoDB::Table'));
  if (tables.length !== 1) {
    throw new Error(`expected the registry to synthesize one AWS::DynamoDB::Table, found ${tables.length}`);
  }
  return tables[0].Properties;
}

/** The CreateTable input for a synthesized table's Properties; fails on a property the harness does not know. */
export function createTableInput(properties: Record<string, any>, tableName: string): CreateTableCommandInput {
  const unknown = Object.keys(properties).filter((k) => !MAPPED.includes(k) && !(k in NOT_FOR_DYNALITE));
  if (unknown.length > 0) {
    throw new Error(`the synthesized registry table has properties the dynalite harness neither maps nor knows to leave out: ${unknown.join(', ')}; `
      + 'map them in test/runtime/harness.ts (or list them in NOT_FOR_DYNALITE with the reason they cannot matter)');
  }
  const indexes = (properties.GlobalSecondaryIndexes ?? []) as Array<Record<string, any>>;
  for (const index of indexes) {
    const unknownIndex = Object.keys(index).filter((k) => !GSI_MAPPED.includes(k));
    if (unknownIndex.length > 0) {
      throw new Error(`the synthesized index ${index.IndexName} has properties the dynalite harness does not map: ${unknownIndex.join(', ')}`);
    }
  }
  return {
    TableName: tableName,
    KeySchema: properties.KeySchema,
    AttributeDefinitions: properties.AttributeDefinitions,
    BillingMode: properties.BillingMode,
    GlobalSecondaryIndexes: indexes.length > 0
      ? indexes.map((i) => ({ IndexName: i.IndexName, KeySchema: i.KeySchema, Projection: i.Projection }))
      : undefined,
  };
}

/** A dynalite server on 127.0.0.1 (a free port), with a DynamoDB client for it. */
export class DynamoDbServer {
  public static async start(): Promise<DynamoDbServer> {
    // Tables are ACTIVE at once: the tests wait for nothing.
    const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    return new DynamoDbServer(server);
  }

  public readonly client: DynamoDBClient;

  private constructor(private readonly server: Server) {
    this.client = this.newClient();
  }

  /** The server's URL. */
  public get endpoint(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Another real client of the server (tests add middleware to it to hold requests back and force interleavings). */
  public newClient(): DynamoDBClient {
    return new DynamoDBClient({
      endpoint: this.endpoint,
      region: 'eu-west-1',
      // dynalite checks that requests are signed, not by whom.
      credentials: { accessKeyId: 'AKIDLOCALTEST', secretAccessKey: 'local-test-secret' },
    });
  }

  /** Creates a table with a fresh name from the synthesized construct's table, and waits until it is ACTIVE. */
  public async createRegistryTable(properties: Record<string, any> = REGISTRY_TABLE): Promise<string> {
    const tableName = `registry-${randomUUID()}`;
    await this.client.send(new CreateTableCommand(createTableInput(properties, tableName)));
    for (;;) {
      const { Table } = await this.client.send(new DescribeTableCommand({ TableName: tableName }));
      if (Table?.TableStatus === 'ACTIVE') {
        return tableName;
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  /** Every item of a table. */
  public async scan(tableName: string): Promise<Array<Record<string, AttributeValue>>> {
    const items: Array<Record<string, AttributeValue>> = [];
    let start: Record<string, AttributeValue> | undefined;
    do {
      const out = await this.client.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: start, ConsistentRead: true }));
      items.push(...out.Items ?? []);
      start = out.LastEvaluatedKey;
    } while (start);
    return items;
  }

  public async stop(): Promise<void> {
    this.client.destroy();
    await new Promise<void>((resolve, reject) => this.server.close((error?: Error) => error ? reject(error) : resolve()));
  }
}

/** The table of a CustomerAccountRegistry with default props, synthesized once per test file. */
export const REGISTRY_TABLE = synthesizedTable();
