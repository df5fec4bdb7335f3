import { cli, cliAsync } from './helpers';

// The optional peer as npm leaves it when it is not installed: requiring it fails with Node's MODULE_NOT_FOUND.
jest.mock('@cloud-copilot/iam-simulate', () => {
  const e = new Error("Cannot find module '@cloud-copilot/iam-simulate' from 'src/prover/trust-policy-prover.ts'") as NodeJS.ErrnoException;
  e.code = 'MODULE_NOT_FOUND';
  throw e;
}, { virtual: true });

test('--prove without @cloud-copilot/iam-simulate: exit 2 before any template is read, saying what to install and why', async () => {
  const r = await cliAsync(['check', '--prove', 'unsafe-role.json', 'no-such-file.yaml']);
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr).toMatch(/^error: --prove: .*@cloud-copilot\/iam-simulate.*AGPL.*npm install @cloud-copilot\/iam-simulate\n$/s);
  expect(r.stderr).not.toMatch(/no-such-file/);
});

test('a plain check does not need it', () => {
  expect(cli(['check', 'safe-role.yaml']).code).toBe(0);
});
