/**
 * Optional peer dependencies (see `optionalPeers` in .projenrc.ts) are installed by the user only for the subpath
 * export that needs them; this turns their absence into an error that says what to install and why, instead of
 * Node's bare "Cannot find module".
 *
 * No imports: the run-time subpath loads this without aws-cdk-lib.
 */

/** Thrown when a subpath of the package is used without the optional peer dependency it needs. */
export class MissingPeerDependencyError extends Error {
  /** The npm package to install. */
  public readonly packageName: string;

  constructor(packageName: string, subpath: string, purpose: string, cause: unknown) {
    super(`${subpath} needs ${packageName} (${purpose}), which is not installed. `
      + `It is an optional peer dependency, installed only by those who use ${subpath}: npm install ${packageName}`, { cause });
    this.name = 'MissingPeerDependencyError';
    this.packageName = packageName;
  }
}

/**
 * Calls `load` (a literal `require` of `packageName`, so that bundlers see it) and turns the absence of `packageName`
 * itself into a {@link MissingPeerDependencyError}. A module missing inside an installed `packageName` (a broken
 * install) is rethrown as it is, since installing the package again is not what it needs.
 */
export function requireOptionalPeer<T>(packageName: string, subpath: string, purpose: string, load: () => T): T {
  try {
    return load();
  } catch (e) {
    const missing = (e as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND'
      && String((e as Error).message).includes(`'${packageName}'`);
    if (missing) throw new MissingPeerDependencyError(packageName, subpath, purpose, e);
    throw e;
  }
}
