import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';

// The README's TypeScript snippets are what users copy first: they must compile against the real API.
const ROOT = path.join(__dirname, '..');

// `TypeScript` fences the snippets of the Node.js-only run-time subpath, which jsii-rosetta (it reads `ts` blocks) must
// not translate into the other languages' READMEs; they type-check all the same.
function snippets(markdown: string): string[] {
  return [...markdown.matchAll(/```(?:ts|TypeScript)\n([\s\S]*?)```/g)].map((m) => m[1]);
}

/** The `@example` blocks of the docstrings under src/, which jsii-rosetta translates with the README's snippets. */
function docstringExamples(): Array<{ name: string; code: string }> {
  const out: Array<{ name: string; code: string }> = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        walk(file);
        continue;
      }
      if (!entry.name.endsWith('.ts')) continue;
      for (const m of fs.readFileSync(file, 'utf8').matchAll(/^ \* @example\n((?: \*(?: .*)?\n)+?) \*\/$/gm)) {
        out.push({ name: `${path.relative(ROOT, file)}:${m.index}`, code: m[1].replace(/^ \* ?/gm, '') });
      }
    }
  };
  walk(path.join(ROOT, 'src'));
  return out;
}

/** The fenced blocks of one language, in order. */
function fenced(markdown: string, lang: string): string[] {
  return [...markdown.matchAll(new RegExp(`\`\`\`${lang}\n([\\s\\S]*?)\`\`\``, 'g'))].map((m) => m[1]);
}

describe('README', () => {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const blocks = snippets(readme);

  describe('first screen', () => {
    const firstSection = readme.slice(0, readme.indexOf('\n## ', readme.indexOf('## Install') + 1));
    const sh = fenced(firstSection, 'sh');

    test('says what it is, then the install lines for npm (and the optional peers of the run-time subpath) and PyPI, then the two contributor commands', () => {
      const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
      // The run-time subpath's peers; the prover's (@cloud-copilot/iam-simulate) has its own section.
      const runtimePeers = Object.keys(pkg.peerDependenciesMeta).filter((name) => name !== '@cloud-copilot/iam-simulate');
      expect(runtimePeers).toEqual(['@aws-sdk/client-dynamodb', '@aws-sdk/client-s3', '@aws-sdk/client-sts', '@aws-sdk/client-iam']);
      expect(readme.indexOf('confused deputy')).toBeLessThan(readme.indexOf('## Install'));
      expect(sh).toEqual([
        'npm install cdk-cross-account-trust cdk-nag@^3\n',
        `npm install ${runtimePeers.join(' ')}\n`,
        'pip install cdk-cross-account-trust\n',
        'npm ci && npx projen examples\nnpx projen build\n',
      ]);
    });

    test('the PyPI name and Python module are the ones .projenrc.ts publishes', () => {
      const projenrc = fs.readFileSync(path.join(ROOT, '.projenrc.ts'), 'utf8');
      const pypi = /publishToPypi: \{\s*distName: '([^']+)',\s*module: '([^']+)'/.exec(projenrc);
      expect(pypi).not.toBeNull();
      expect(sh[2]).toBe(`pip install ${pypi![1]}\n`);
      expect(firstSection).toContain(`\`import ${pypi![2]}\``);
    });

    test('every `npx projen <task>` the README names is a task of the project', () => {
      const tasks = Object.keys(JSON.parse(fs.readFileSync(path.join(ROOT, '.projen', 'tasks.json'), 'utf8')).tasks);
      const named = [...new Set([...readme.matchAll(/npx projen ([a-z][\w:-]*)/g)].map((m) => m[1]))];
      expect(named.length).toBeGreaterThan(5);
      expect(named.filter((t) => !tasks.includes(t))).toEqual([]);
    });

    test('CI runs the two contributor commands verbatim', () => {
      const ci = fs.readFileSync(path.join(ROOT, '.ci', 'run'), 'utf8').split('\n');
      for (const command of sh[3].trim().split('\n')) expect(ci).toContain(command);
    });
  });

  test('has TypeScript snippets for vendors and customers', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(3);
  });

  test('has an @example in the docstring of each construct, the pack and ExternalId', () => {
    expect(docstringExamples().map((e) => e.name.split(':')[0]).sort()).toEqual([
      'src/customer/vendor-access-role.ts',
      'src/external-id/external-id-parameter.ts',
      'src/external-id/external-id.ts',
      'src/nag/cross-account-trust-checks.ts',
      'src/vendor/customer-account-registry.ts',
      'src/vendor/trust-verifier.ts',
      'src/vendor/vendor-deputy-role.ts',
    ]);
  });

  test('every TypeScript snippet and docstring @example type-checks against the library', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'readme-'));
    const examples = docstringExamples();
    const files = [...blocks, ...examples.map((e) => e.code)].map((code, i) => {
      const file = path.join(dir, i < blocks.length ? `snippet${i}.ts` : `${examples[i - blocks.length].name.replace(/[/:]/g, '_')}.ts`);
      // each snippet is a module of its own
      fs.writeFileSync(file, `${code}\nexport {};\n`);
      return file;
    });
    const program = ts.createProgram(files, {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.Node16,
      moduleResolution: ts.ModuleResolutionKind.Node16,
      skipLibCheck: true,
      types: ['node'],
      typeRoots: [path.join(ROOT, 'node_modules', '@types')],
      // Absolute targets: the snippets live in a temporary directory, and TypeScript 6 deprecates baseUrl.
      paths: {
        'cdk-cross-account-trust': [path.join(ROOT, 'src/index.ts')],
        'cdk-cross-account-trust/runtime': [path.join(ROOT, 'src/runtime/index.ts')],
        'cdk-cross-account-trust/prover': [path.join(ROOT, 'src/prover/index.ts')],
        '*': [path.join(ROOT, 'node_modules/*')],
      },
    });
    const diagnostics = ts.getPreEmitDiagnostics(program)
      .map((d) => `${d.file ? path.basename(d.file.fileName) : ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
    expect(diagnostics).toEqual([]);
  });
});
