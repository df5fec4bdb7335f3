import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { REGISTRY_SCHEMA } from '../private/registry-schema';

/**
 * Properties of a `CustomerAccountRegistry`.
 */
export interface CustomerAccountRegistryProps {
  /**
   * What happens to the table when it leaves the stack.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The vendor's registry of customer AWS accounts: one item per registered account with its own random
 * ExternalId, and a record of every ExternalId ever issued so that none is issued twice.
 */
export class CustomerAccountRegistry extends Construct {
  /** The DynamoDB table. */
  public readonly table: dynamodb.Table;

  /** Name of the DynamoDB table (pass it to the run-time `AccountRegistry`). */
  public readonly tableName: string;

  public constructor(scope: Construct, id: string, props: CustomerAccountRegistryProps = {}) {
    super(scope, id);
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: REGISTRY_SCHEMA.partitionKey, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    this.table.addGlobalSecondaryIndex({
      indexName: REGISTRY_SCHEMA.tenantIndex.name,
      partitionKey: { name: REGISTRY_SCHEMA.tenantIndex.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: REGISTRY_SCHEMA.tenantIndex.sortKey, type: dynamodb.AttributeType.STRING },
      projectionType: dynamodb.ProjectionType.ALL,
    });
    this.tableName = this.table.tableName;
  }
}
