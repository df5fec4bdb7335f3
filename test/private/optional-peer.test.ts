import * as path from 'path';
import { MissingPeerDependencyError, requireOptionalPeer } from '../../src/private/optional-peer';
import { tempDir, writeFiles } from '../cli/helpers';

describe('requireOptionalPeer', () => {
  test('returns what the load returns when the package is installed', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const yaml = requireOptionalPeer('yaml', 'x/sub', 'parses', () => require('yaml'));
    expect(typeof yaml.parse).toBe('function');
  });

  test('a package that is not installed gives an error naming it, the subpath, why it is needed and how to install it', () => {
    const load = () => requireOptionalPeer('@xat-test/not-installed', 'cdk-cross-account-trust/sub', 'Thing does stuff with it',
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      () => require('@xat-test/not-installed'));
    expect(load).toThrow(MissingPeerDependencyError);
    expect(load).toThrow('cdk-cross-account-trust/sub needs @xat-test/not-installed (Thing does stuff with it), which is not installed. '
      + 'It is an optional peer dependency, installed only by those who use cdk-cross-account-trust/sub: npm install @xat-test/not-installed');
    try {
      load();
    } catch (e) {
      expect(e).toMatchObject({ name: 'MissingPeerDependencyError', packageName: '@xat-test/not-installed', cause: expect.objectContaining({ code: 'MODULE_NOT_FOUND' }) });
    }
  });

  test('a module missing inside an installed package (a broken install) is rethrown as Node reported it', () => {
    const dir = tempDir();
    writeFiles(dir, { 'node_modules/xat-broken/index.js': "require('xat-missing-inside');\n", 'node_modules/xat-broken/package.json': '{"name":"xat-broken"}' });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const load = () => requireOptionalPeer('xat-broken', 'x/sub', 'y', () => require(path.join(dir, 'node_modules', 'xat-broken')));
    expect(load).toThrow(/^Cannot find module 'xat-missing-inside'/);
    expect(load).not.toThrow(MissingPeerDependencyError);
  });

  test('other errors of the load pass through', () => {
    expect(() => requireOptionalPeer('x', 'x/sub', 'y', () => { throw new TypeError('boom'); })).toThrow(TypeError);
  });
});
