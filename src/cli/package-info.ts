import * as fs from 'fs';
import * as path from 'path';

export interface PackageInfo {
  readonly version: string;
  /** Web address of the repository, when package.json names one. */
  readonly repositoryUrl?: string;
}

/**
 * Read at run time rather than imported: jsii compiles src/ to lib/ with rootDir src, so package.json is
 * outside the compilation, and both src/cli/ and lib/cli/ are two levels below the package root.
 */
export function packageInfo(): PackageInfo {
  const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
    version: string;
    repository?: string | { url?: string };
  };
  const url = typeof pkg.repository === 'string' ? pkg.repository : pkg.repository?.url;
  const web = url?.replace(/^git\+/, '').replace(/\.git$/, '');
  return { version: pkg.version, ...(web?.startsWith('https://') ? { repositoryUrl: web } : {}) };
}
