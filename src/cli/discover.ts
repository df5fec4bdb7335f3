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
  /** CloudFormation stack name, for a stack of a cloud assembly (the parent stack's, for a nested stack). */
  readonly stack?: string;
  /** Construct path of the CDK NestedStack whose template this is, when it is one and the path is known. */
  readonly nestedStack?: string;
  /** The account of the stack's environment in a cloud assembly, when it is a literal account. */
  readonly account?: string;
  /** Logical ids of the template's nested stack resources whose templates are checked as targets of their own. */
  readonly checkedNestedStacks?: readonly string[];
  /** Findings acknowledged in the CDK app, for a stack of a cloud assembly. */
  readonly acknowledgements?: AcknowledgementLookup;
  /** Reads the template instead of `absolutePath`: the template of `check -`, from standard input. */
  readonly read?: () => Uint8Array;
  /** Construct paths (without the leading `/`) of the template's logical ids, for a stack of a cloud assembly. */
  readonly constructPaths?: ReadonlyMap<string, string>;
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

/** The file the CDK writes beside the manifest of every cloud assembly (`{"version": ...}`). */
const ASSEMBLY_MARKER = 'cdk.out';

type ManifestRead =
  | { readonly kind: 'assembly'; readonly artifacts: Record<string, unknown> }
  /** No manifest.json, or another tool's: the directory is searched like any other. */
  | { readonly kind: 'none' }
  /** A manifest.json that cannot be read, or one of a cloud assembly that is not as the CDK writes it. */
  | { readonly kind: 'broken'; readonly problem: string };

/** The manifest of a CDK cloud assembly in `dir`, if `dir` is one. */
function readAssemblyManifest(dir: string): ManifestRead {
  const file = path.join(dir, ASSEMBLY_MANIFEST);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT' ? { kind: 'none' } : { kind: 'broken', problem: reason(e) };
  }
  let manifest: unknown;
  try {
    manifest = JSON.parse(text);
  } catch (e) {
    return { kind: 'broken', problem: `is not valid JSON (${e instanceof Error ? e.message : String(e)})` };
  }
  if (isObject(manifest) && typeof manifest.version === 'string' && isObject(manifest.artifacts)) return { kind: 'assembly', artifacts: manifest.artifacts };
  // Another tool's manifest.json (a browser extension's, a web app's) has neither `artifacts` nor the CDK's marker file.
  if ((isObject(manifest) && 'artifacts' in manifest) || fs.existsSync(path.join(dir, ASSEMBLY_MARKER))) {
    return { kind: 'broken', problem: 'is not a cloud assembly manifest as the CDK writes it (a "version" string and an "artifacts" object)' };
  }
  return { kind: 'none' };
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

const NESTED_TEMPLATE_SUFFIX = '.nested.template.json';
const NESTED_STACK_TYPE = 'AWS::CloudFormation::Stack';
const MAX_NESTED_STACK_DEPTH = 16;

/** A file asset of a stack that is the template of a CDK NestedStack. */
interface NestedTemplateAsset {
  /** Relative to the assembly directory. */
  readonly file: string;
  /** Strings the parent's `TemplateURL` holds for this asset: its hash and object keys. */
  readonly markers: readonly string[];
}

/** A nested stack template of a stack artifact and, when the parent template references it, where. */
interface NestedTemplate {
  readonly file: string;
  /** Construct path of the NestedStack, with a leading `/` as in the metadata. */
  readonly constructPath?: string;
  /** The template holding its `AWS::CloudFormation::Stack` resource, and that resource's logical id. */
  readonly parent?: { readonly file: string; readonly logicalId: string };
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * The nested stack templates among a stack's file assets: those of its asset manifest (the default synthesizer)
 * and of its `aws:cdk:asset` metadata (the legacy one).
 */
function nestedTemplateAssets(
  dir: string, artifacts: Record<string, unknown>, artifact: Record<string, unknown>, metadata: Record<string, unknown>,
): NestedTemplateAsset[] {
  const assets: NestedTemplateAsset[] = [];
  const dependencies = Array.isArray(artifact.dependencies) ? artifact.dependencies : [];
  for (const id of dependencies) {
    const dependency = typeof id === 'string' ? artifacts[id] : undefined;
    if (!isObject(dependency) || dependency.type !== 'cdk:asset-manifest' || !isObject(dependency.properties)) continue;
    const file = dependency.properties.file;
    const manifest = typeof file === 'string' ? readJson(path.resolve(dir, file)) : undefined;
    const files = isObject(manifest) && isObject(manifest.files) ? manifest.files : {};
    for (const [hash, asset] of Object.entries(files)) {
      const source = isObject(asset) && isObject(asset.source) ? asset.source : {};
      if (typeof source.path !== 'string' || !source.path.endsWith(NESTED_TEMPLATE_SUFFIX)) continue;
      const destinations = isObject(asset) && isObject(asset.destinations) ? Object.values(asset.destinations) : [];
      const objectKeys = destinations.flatMap((d) => (isObject(d) && typeof d.objectKey === 'string' ? [d.objectKey] : []));
      assets.push({ file: source.path, markers: [hash, ...objectKeys] });
    }
  }
  for (const entries of Object.values(metadata)) {
    for (const entry of Array.isArray(entries) ? entries : []) {
      const data = isObject(entry) && entry.type === 'aws:cdk:asset' && isObject(entry.data) ? entry.data : undefined;
      if (typeof data?.path === 'string' && data.path.endsWith(NESTED_TEMPLATE_SUFFIX)) {
        assets.push({ file: data.path, markers: typeof data.id === 'string' ? [data.id] : [] });
      }
    }
  }
  return [...new Map(assets.map((a) => [a.file, a])).values()];
}

/** `/Parent/Inner` from the construct path of the resource CDK creates for the NestedStack `/Parent/Inner`. */
function nestedStackPath(resourcePath: string): string | undefined {
  const m = /^(.*)\/([^/]+)\.NestedStack\/\2\.NestedStackResource$/.exec(resourcePath);
  return m ? `${m[1]}/${m[2]}` : undefined;
}

/** The construct path of each logical id of one template's metadata (see templateMetadata), without the leading `/`. */
function constructPathsOf(metadata: Record<string, unknown>): ReadonlyMap<string, string> | undefined {
  const paths = new Map<string, string>();
  // A logical id listed under two paths (a hand-edited manifest) has no one construct path: none is named.
  for (const [id, list] of logicalIdPaths(metadata)) if (list.length === 1) paths.set(id, list[0].replace(/^\//, ''));
  return paths.size > 0 ? paths : undefined;
}

/** Metadata paths of logical ids: construct paths, with a leading `/`. */
function logicalIdPaths(metadata: Record<string, unknown>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [p, entries] of Object.entries(metadata)) {
    for (const entry of Array.isArray(entries) ? entries : []) {
      if (isObject(entry) && entry.type === 'aws:cdk:logicalId' && typeof entry.data === 'string') out.set(entry.data, [...(out.get(entry.data) ?? []), p]);
    }
  }
  return out;
}

function under(p: string, scope: string): boolean {
  return p === scope || p.startsWith(`${scope}/`);
}

/** The NestedStack whose template holds the construct at `p` (the innermost one around it), or undefined for the stack's own template. */
function owningNestedStack(p: string, nestedRoots: readonly string[]): string | undefined {
  return nestedRoots.filter((r) => under(p, r)).sort((a, b) => b.length - a.length)[0];
}

/**
 * The nested stack templates of a stack, each with the construct path of its NestedStack, found by following the
 * `AWS::CloudFormation::Stack` resources of the parent template, then of each nested template (nested stacks of
 * nested stacks). A resource names its template by `aws:asset:path` metadata, or its `TemplateURL` holds the
 * asset's hash or object key. Assets no template references are still returned, without a path.
 */
function nestedTemplates(
  dir: string, parentTemplate: string, assets: readonly NestedTemplateAsset[], metadata: Record<string, unknown>, nestedRoots: readonly string[],
): NestedTemplate[] {
  const paths = logicalIdPaths(metadata);
  const found: NestedTemplate[] = [];
  const queue: Array<{ file: string; root?: string; depth: number }> = [{ file: parentTemplate, depth: 0 }];
  while (queue.length > 0) {
    const { file, root, depth } = queue.shift()!;
    // CDK nests stacks a few levels at most; the bound stops a template that (by hand) references its own asset.
    if (depth > MAX_NESTED_STACK_DEPTH) continue;
    const template = readJson(path.resolve(dir, file));
    const resources = isObject(template) && isObject(template.Resources) ? template.Resources : {};
    for (const [logicalId, resource] of Object.entries(resources)) {
      if (!isObject(resource) || resource.Type !== NESTED_STACK_TYPE) continue;
      const resourceMetadata = isObject(resource.Metadata) ? resource.Metadata : {};
      const url = JSON.stringify(isObject(resource.Properties) ? resource.Properties.TemplateURL ?? '' : '');
      const asset = assets.find((a) => resourceMetadata['aws:asset:path'] === a.file)
        ?? assets.find((a) => a.markers.some((m) => m.length > 0 && url.includes(m)));
      if (asset === undefined) continue;
      // The resource's construct path: its `aws:cdk:path` metadata, or the metadata path of its logical id in this
      // template (logical ids repeat across the templates of nested stacks).
      const candidates = typeof resourceMetadata['aws:cdk:path'] === 'string'
        ? [`/${resourceMetadata['aws:cdk:path']}`]
        : (paths.get(logicalId) ?? []).filter((p) => nestedStackPath(p) !== undefined && owningNestedStack(p, nestedRoots) === root);
      const constructPath = candidates.length === 1 ? nestedStackPath(candidates[0]) : undefined;
      found.push({ file: asset.file, constructPath, parent: { file, logicalId } });
      queue.push({ file: asset.file, root: constructPath, depth: depth + 1 });
    }
  }
  return [...found, ...assets.filter((a) => !found.some((f) => f.file === a.file)).map((a) => ({ file: a.file }))];
}

/**
 * The metadata of one template of a stack artifact: logical ids are unique only within one template, so
 * `aws:cdk:logicalId` entries are kept only for the construct paths of this template's own resources (under
 * `root`, outside the nested stacks below it); acknowledgments anywhere are kept.
 */
function templateMetadata(metadata: Record<string, unknown>, root: string | undefined, nestedRoots: readonly string[]): Record<string, unknown> {
  const own = (p: string) => owningNestedStack(p, nestedRoots) === root;
  return Object.fromEntries(Object.entries(metadata).map(([p, entries]) => [
    p,
    own(p) || !Array.isArray(entries) ? entries : entries.filter((e) => !(isObject(e) && e.type === 'aws:cdk:logicalId')),
  ]));
}

/** Why a symbolic link found in a directory cannot be followed. */
function brokenLink(e: unknown, link: string): string {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  let target = '?';
  try {
    target = fs.readlinkSync(link);
  } catch {
    // The link vanished meanwhile; its target is unknown.
  }
  if (code === 'ELOOP') return `the symbolic link (to ${JSON.stringify(target)}) is part of a loop of links; expected a link to a template file`;
  if (code === 'ENOENT' || code === 'ENOTDIR') return `the symbolic link points to ${JSON.stringify(target)}, which does not exist; expected a link to a template file`;
  return `the symbolic link (to ${JSON.stringify(target)}) ${reason(e)}; expected a link to a template file`;
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
    if (given === '') {
      // path.resolve() would make it the working directory, which the user did not name.
      this.errors.push({ file: '""', absolutePath: cwd, message: 'the path is empty; expected a template file, a directory or a CDK cloud assembly (cdk.out)' });
      return;
    }
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
    // NestedStacks with the same template share one asset file: it is checked once for each of them.
    const key = `${target.absolutePath}\u0000${target.nestedStack ?? ''}`;
    if (this.seenFiles.has(key) || this.seenFiles.has(target.absolutePath)) return;
    this.seenFiles.add(key);
    if (target.nestedStack === undefined) this.seenFiles.add(target.absolutePath);
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
    if (manifest.kind === 'assembly') {
      this.assembly(display, dir, manifest.artifacts);
      return;
    }
    if (manifest.kind === 'broken') {
      // Searched as a plain directory, so its templates are still checked, without stack names or acknowledgments.
      this.errors.push({
        file: path.join(display, ASSEMBLY_MANIFEST),
        absolutePath: path.join(dir, ASSEMBLY_MANIFEST),
        message: `the file ${manifest.problem}, so the directory cannot be read as a CDK cloud assembly; it was searched as a plain directory `
          + '(no stack names, no acknowledgments). Expected the manifest.json the CDK writes (run cdk synth again)',
      });
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
      const named = TEMPLATE_EXTENSIONS.includes(path.extname(entry.name).toLowerCase());
      if (entry.isSymbolicLink()) {
        try {
          const target = fs.statSync(child);
          isDir = target.isDirectory();
          isFile = target.isFile();
        } catch (e) {
          // A link named like a template that leads nowhere is reported; one named otherwise is not a template.
          if (named) this.errors.push({ file: childDisplay, absolutePath: child, message: brokenLink(e, child) });
          continue;
        }
      }
      if (!isDir && !isFile && named) {
        this.errors.push({ file: childDisplay, absolutePath: child, message: 'the path is not a regular file (a device, a pipe or a socket); expected a template file' });
        continue;
      }
      if (isDir) {
        // Dependencies and tool state (.git, .venv, cdk.out of other tools...) are not the user's templates.
        if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
        this.directory(childDisplay, child);
      } else if (isFile && named) {
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
        const stack = typeof properties.stackName === 'string' ? properties.stackName : id;
        const account = environmentAccount(artifact.environment);
        const metadata = stackMetadata(dir, artifact);
        // The construct paths of the stack's NestedStacks: CDK names the resource of NestedStack `a/b` `a/b.NestedStack/b.NestedStackResource`.
        const nestedRoots = [...logicalIdPaths(metadata).values()].flat().flatMap((p) => nestedStackPath(p) ?? []);
        const nested = nestedTemplates(dir, templateFile, nestedTemplateAssets(dir, artifacts, artifact, metadata), metadata, nestedRoots);
        const checkedIn = (file: string) => nested.flatMap((n) => (n.parent?.file === file ? [n.parent.logicalId] : []));
        const own = templateMetadata(metadata, undefined, nestedRoots);
        this.add({
          file: path.join(display, templateFile),
          absolutePath: path.resolve(dir, templateFile),
          explicit: true,
          stack,
          account,
          checkedNestedStacks: checkedIn(templateFile),
          acknowledgements: acknowledgementsFrom(own),
          constructPaths: constructPathsOf(own),
        });
        // A NestedStack's template is a file asset of its parent, deployed to the parent's account.
        for (const n of nested) {
          // Without its construct path, no finding of the template can be placed: none is acknowledged or named.
          const nestedOwn = n.constructPath === undefined ? undefined : templateMetadata(metadata, n.constructPath, nestedRoots);
          this.add({
            file: path.join(display, n.file),
            absolutePath: path.resolve(dir, n.file),
            explicit: true,
            stack,
            ...(n.constructPath !== undefined ? { nestedStack: n.constructPath.slice(1) } : {}),
            account,
            checkedNestedStacks: checkedIn(n.file),
            acknowledgements: nestedOwn && acknowledgementsFrom(nestedOwn),
            constructPaths: nestedOwn && constructPathsOf(nestedOwn),
          });
        }
      } else if (artifact.type === 'cdk:cloud-assembly') {
        // A Stage synthesizes into a nested assembly with its own manifest.
        const directoryName = properties.directoryName;
        const nested = typeof directoryName === 'string' ? readAssemblyManifest(path.resolve(dir, directoryName)) : undefined;
        if (typeof directoryName !== 'string' || nested?.kind !== 'assembly') {
          this.errors.push({
            file: manifestFile,
            absolutePath: path.join(dir, ASSEMBLY_MANIFEST),
            message: `nested cloud assembly ${id} (directory ${JSON.stringify(directoryName)}) has no readable ${ASSEMBLY_MANIFEST}`
              + `${nested?.kind === 'broken' ? ` (its ${ASSEMBLY_MANIFEST} ${nested.problem})` : ''}; expected the directory the CDK wrote for it`,
          });
          continue;
        }
        const nestedDir = path.resolve(dir, directoryName);
        if (this.firstVisit(nestedDir)) this.assembly(path.join(display, directoryName), nestedDir, nested.artifacts);
      }
    }
    // Nested stack templates no stack lists as an asset are checked on their own rather than dropped.
    let entries: string[];
    try {
      entries = fs.readdirSync(dir).filter((f) => f.endsWith(NESTED_TEMPLATE_SUFFIX)).sort();
    } catch (e) {
      this.errors.push({ file: display, absolutePath: dir, message: `the cloud assembly directory ${reason(e)}, so its nested stack templates could not be listed` });
      return;
    }
    // CDK writes a file for each NestedStack but lists one asset per distinct content: a file no asset lists whose
    // content is that of a listed one was checked as that one, once for each NestedStack that uses it.
    const checkedContents = new Set(this.targets.filter((t) => t.nestedStack !== undefined && path.dirname(t.absolutePath) === dir)
      .flatMap((t) => readText(t.absolutePath) ?? []));
    for (const f of entries) {
      const absolutePath = path.join(dir, f);
      const text = readText(absolutePath);
      if (this.targets.some((t) => t.absolutePath === absolutePath) || (text !== undefined && checkedContents.has(text))) continue;
      this.add({ file: path.join(display, f), absolutePath, explicit: true });
    }
  }
}

function readText(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** Every template to read under `paths` (relative to `cwd`), each file once, in a stable order. */
export function discover(paths: readonly string[], cwd: string): Discovery {
  const d = new Discoverer();
  for (const given of paths) d.path(given, cwd);
  return { targets: d.targets, errors: d.errors };
}
