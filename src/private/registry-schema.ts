/**
 * The DynamoDB table layout shared by the `CustomerAccountRegistry` construct (which creates the table)
 * and the run-time `AccountRegistry` (which reads and writes it). Both import these names, and the
 * run-time tests create their table from the construct's synthesized template, so the two cannot drift.
 *
 * This module has no imports: the run-time subpath loads it without aws-cdk-lib.
 *
 * One table, two kinds of item, both keyed by the string partition key `pk`:
 * - `ACCOUNT#<12-digit account id>`: one per registered customer account (tenant, ExternalId, status, ...).
 *   Deregistering deletes it, so the account can be registered again.
 * - `EXTERNAL_ID#<SHA-256 of the ExternalId, hex>`: one per ExternalId ever issued, never deleted, so that
 *   an ExternalId is never issued twice, to any account (a supplied one that was issued before is refused).
 *   It holds a digest, not the value: after deregistration the value itself is gone from the table.
 *
 * The `byTenant` index holds account items only (reservation items have no `tenantId`).
 */
export const REGISTRY_SCHEMA = {
  partitionKey: 'pk',
  accountItemPrefix: 'ACCOUNT#',
  externalIdItemPrefix: 'EXTERNAL_ID#',
  tenantIndex: {
    name: 'byTenant',
    partitionKey: 'tenantId',
    sortKey: 'accountId',
  },
} as const;
