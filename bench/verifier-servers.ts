/**
 * The other side of bench/verifier.ts, in its own process so that the verifier's memory is measured alone: the
 * loopback STS + IAM of the tests (test/runtime/local-aws.ts) and dynalite with the registry's synthesized table. On
 * IPC: `{ start }` answers the endpoints, the table, the deputy's session and the customer role name; `{ deploy: [[accountId, externalId,
 * kind]] }` creates each account's role from the synthesized onboarding template (kind `safe`, `unsafe` without the
 * ExternalId condition, or `none`: no role) and answers `{ deployed }`; `{ requests }` answers the requests counted by action.
 */
import { DynamoDbServer, VENDOR_ACCOUNT } from '../test/runtime/harness';
import { LocalAws } from '../test/runtime/local-aws';
import { CUSTOMER_ROLE_NAME, DEPUTY_ARN, onboardingFixtures, withTrustStatement } from '../test/runtime/onboarding-fixtures';

const { vendorTemplate: VENDOR_TEMPLATE, templates: { safe: SAFE } } = onboardingFixtures({ safe: {} });
// A customer's edit: the ExternalId condition dropped.
const UNSAFE = withTrustStatement(SAFE, (statement) => delete statement.Condition);

async function main(): Promise<void> {
  const [local, dynamo] = await Promise.all([LocalAws.start(), DynamoDbServer.start()]);
  await local.deploy(VENDOR_TEMPLATE, { accountId: VENDOR_ACCOUNT });
  process.on('message', async (message: any) => {
    if (message.start) {
      process.send!({
        sts: local.endpoint,
        dynamoDb: dynamo.endpoint,
        tableName: await dynamo.createRegistryTable(),
        deputy: local.sessionOf(DEPUTY_ARN, 'worker'),
        roleName: CUSTOMER_ROLE_NAME,
        vendorAccountId: VENDOR_ACCOUNT,
      });
    } else if (message.deploy) {
      for (const [accountId, externalId, kind] of message.deploy as Array<[string, string, string]>) {
        if (kind !== 'none') await local.deploy(kind === 'safe' ? SAFE : UNSAFE, { accountId, parameters: { ExternalId: externalId } });
      }
      process.send!({ deployed: message.deploy.length });
    } else if (message.requests) {
      process.send!({ requests: local.requests, throttled: local.throttled });
    }
  });
  // Ends with the benchmark, also when it fails.
  process.on('disconnect', () => process.exit(0));
  process.send!({ ready: true });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
