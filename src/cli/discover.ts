/**
 * Turns the paths of the command line into the templates to read: files as given, directories searched
 * for template files, and CDK cloud assemblies read through their manifest (stack names and accounts).
 */
import * as fs from 'fs';
import * as path from 'path';
import { AcknowledgementLookup, acknowledgementsFrom } from './acknowledgements';
import { isObject } from '../private/json';

export const TEMPLATE_EXTENSIONS: readonly string[] = ['.json', '.yaml', '.yml', '.template'];
const ASSEMBLY_MANIFEST = 'manifest.json';

export interface TemplateTarget {
  /** The path as given on the command line, or the directory as given joined with the path found under it. */
  readonly file: string;
  readonly absolutePath: string;
  /** Named on the command line or by a manifest: a file that is not a template is an error, not skipped. */
  readonly explicit: boolean;
  /** CloudFormation stack name, for a stack of a cloud assembly. */
  readonly stack?: string;
  /** The account of the stack's environment in a cloud assembly, when it is a literal account. */
  readonly account?: string;
  /** Findings acknowledged in the CDK app, for a stack of a cloud assembly. */
  readonly acknowledgements?: AcknowledgementLookup;
}

export interface DiscoveryError {
  readonly file: string;
  readonly absolutePath: string;
  readonly message: string;
}

export interface Discovery {
  readonly targets: TemplateTarget[];
  readonly errors: DiscoveryError[];
}

function reason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return 'does not exist';
  if (code === 'EACCES' || code === 'EPERM') return 'cannot be read (permission denied)';
  return `cannot be read (${e instanceof Error ? e.message : String(e)})`;
}

/** The manifest of a CDK cloud assembly in `dir`, or undefined when `dir` is not one. */
function readAssemblyManifest(dir: string): { artifacts: Record<string, unknown> } | undefined {
  let manifest: unknown;
  try {
    manifest = JSON.parse(fs.readFileSync(path.join(dir, ASSEMBLY_MANIFEST), 'utf8'));
  } catch {
    // No manifest, or another tool's manifest.json: the directory is searched like any other.
    return undefined;
  }
  return isObject(manifest) && typeof manifest.version === 'string' && isObject(manifest.artifacts)
    ? { artifacts: manifest.artifacts }
    : undefined;
}

/**
 * The construct metadata of a stack artifact: inline in the manifest, or in its `additionalMetadataFile`.
 * A metadata file that cannot be read acknowledges nothing, so its findings are reported.
 */
function stackMetadata(dir: string, artifact: Record<string, unknown>): Record<string, unknown> {
  let file: unknown;
  if (typeof artifact.additionalMetadataFile === 'string') {
    try {
      file = JSON.parse(fs.readFileSync(path.resolve(dir, artifact.additionalMetadataFile), 'utf8'));
    } catch {
      file = undefined;
    }
  }
  return { ...(isObject(artifact.metadata) ? artifact.metadata : {}), ...(isObject(file) ? file : {}) };
}

/** `aws://123456789012/eu-west-1`; environment-agnostic stacks say `unknown-account`. */
function environmentAccount(environment: unknown): string | undefined {
  return typeof environment === 'string' ? /^aws:\/\/(\d{12})\//.exec(environment)?.[1] : undefined;
}

class Discoverer {
  public readonly targets: TemplateTarget[] = [];
  public readonly errors: DiscoveryError[] = [];
  private readonly seenFiles = new Set<string>();
  private readonly seenDirs = new Set<string>();

  public path(given: string, cwd: string): void {
    const absolutePath = path.resolve(cwd, given);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(absolutePath);
    } catch (e) {
      this.errors.push({ file: given, absolutePath, message: `${reason(e)}; expected a template file, a directory or a CDK cloud assembly (cdk.out)` });
      return;
    }
    if (stat.isDirectory()) {
      this.directory(given, absolutePath);
    } else {
      this.add({ file: given, absolutePath, explicit: true });
    }
  }

  private add(target: TemplateTarget): void {
    if (this.seenFiles.has(target.absolutePath)) return;
    this.seenFiles.add(target.absolutePath);
    this.targets.push(target);
  }

  /** Guards against directory symlink cycles and a directory named twice. */
  private firstVisit(dir: string): boolean {
    let real: string;
    try {
      real = fs.realpathSync(dir);
    } catch {
      real = dir;
    }
    if (this.seenDirs.has(real)) return false;
    this.seenDirs.add(real);
    return true;
  }

  private directory(display: string, dir: string): void {
    if (!this.firstVisit(dir)) return;
    const manifest = readAssemblyManifest(dir);
    if (manifest) {
      this.assembly(display, dir, manifest.artifacts);
      return;
    }
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch (e) {
      this.errors.push({ file: display, absolutePath: dir, message: `the directory ${reason(e)}` });
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const childDisplay = path.join(display, entry.name);
      const child = path.join(dir, entry.name);
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        try {
          const target = fs.statSync(child);
          isDir = target.isDirectory();
          isFile = target.isFile();
        } catch {
          continue; // a dangling link is not a template
        }
      }
      if (isDir) {
        // Dependencies and tool state (.git, .venv, cdk.out of other tools...) are not the user's templates.
        if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
        this.directory(childDisplay, child);
      } else if (isFile && TEMPLATE_EXTENSIONS.includes(path.extname(entry.name).toLowerCase())) {
        this.add({ file: childDisplay, absolutePath: child, explicit: false });
      }
    }
  }

  private assembly(display: string, dir: string, artifacts: Record<string, unknown>): void {
    const manifestFile = path.join(display, ASSEMBLY_MANIFEST);
    for (const [id, artifact] of Object.entries(artifacts)) {
      if (!isObject(artifact)) continue;
      const properties = isObject(artifact.properties) ? artifact.properties : {};
      if (artifact.type === 'aws:cloudformation:stack') {
        const templateFile = properties.templateFile;
        if (typeof templateFile !== 'string') {
          this.errors.push({
            file: manifestFile,
            absolutePath: path.join(dir, ASSEMBLY_MANIFEST),
            message: `stack artifact ${id} has no templateFile property; expected a cloud assembly manifest as the CDK writes it`,
          });
          continue;
        }
        this.add({
          file: path.join(display, templateFile),
          absolutePath: path.resolve(dir, templateFile),
          explicit: true,
          stack: typeof properties.stackName === 'string' ? properties.stackName : id,
          account: environmentAccount(artifact.environment),
          acknowledgements: acknowledgementsFrom(stackMetadata(dir, artifact)),
        });
      } else if (artifact.type === 'cdk:cloud-assembly') {
        // A Stage synthesizes into a nested assembly with its own manifest.
        const directoryName = properties.directoryName;
        const nested = typeof directoryName === 'string' ? readAssemblyManifest(path.resolve(dir, directoryName)) : undefined;
        if (typeof directoryName !== 'string' || !nested) {
          this.errors.push({
            file: manifestFile,
            absolutePath: path.join(dir, ASSEMBLY_MANIFEST),
            message: `nested cloud assembly ${id} (directory ${JSON.stringify(directoryName)}) has no readable ${ASSEMBLY_MANIFEST}; expected the directory the CDK wrote for it`,
          });
          continue;
        }
        const nestedDir = path.resolve(dir, directoryName);
        if (this.firstVisit(nestedDir)) this.assembly(path.join(display, directoryName), nestedDir, nested.artifacts);
      }
    }
  }
}

/** Every template to read under `paths` (relative to `cwd`), each file once, in a stable order. */
export function discover(paths: readonly string[], cwd: string): Discovery {
  const d = new Discoverer();
  for (const given of paths) d.path(given, cwd);
  return { targets: d.targets, errors: d.errors };
}
