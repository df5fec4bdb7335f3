import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { blockAfter } from './readme-blocks';

// The README's prover snippet, run as it is written on the real evaluator (a dev dependency here): what it prints is
// the text block under it. Only the package name is mapped to the sources.
const HEADING = '### Licence position';

test('the README\'s prover snippet prints what the README shows and returns attackable', async () => {
  const { outputText } = ts.transpileModule(blockAfter(HEADING, 'TypeScript'), {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
  });
  const module = { exports: {} as { proveAccountRootTrust(): Promise<string> } };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const requireFromSnippet = (name: string) => name === 'cdk-cross-account-trust/prover' ? require('../src/prover') : require(name);
  new Function('require', 'module', 'exports', outputText)(requireFromSnippet, module, module.exports);
  const lines: string[] = [];
  const log = jest.spyOn(console, 'log').mockImplementation((line: string) => { lines.push(line); });
  try {
    expect(await module.exports.proveAccountRootTrust()).toBe('attackable');
  } finally {
    log.mockRestore();
  }
  expect(`${lines.join('\n')}\n`).toBe(blockAfter(HEADING, 'text'));
});

test('the README\'s prover install line names the optional peer the package declares', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8'));
  expect(pkg.peerDependenciesMeta['@cloud-copilot/iam-simulate']).toEqual({ optional: true });
  expect(blockAfter(HEADING, 'sh')).toBe('npm install --save-dev @cloud-copilot/iam-simulate\n');
});
