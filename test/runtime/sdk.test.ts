import { loadDynamoDb, loadIam, loadS3, loadSts } from '../../src/runtime/sdk';

// Without the SDK installed these throw MissingPeerDependencyError: test/package.test.ts proves that on the packed
// package installed without it.
test('the loaders return the AWS SDK v3 client packages when they are installed', () => {
  expect(typeof loadDynamoDb().GetItemCommand).toBe('function');
  expect(typeof loadS3().PutObjectCommand).toBe('function');
  expect(typeof loadSts().AssumeRoleCommand).toBe('function');
  expect(typeof loadIam().GetRoleCommand).toBe('function');
});
