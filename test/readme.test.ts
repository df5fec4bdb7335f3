import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';

// The README's TypeScript snippets are what users copy first: they must compile against the real API.
const ROOT = path.join(__dirname, '..');

function snippets(markdown: string): string[] {
  return [...markdown.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
}

describe('README', () => {
  const blocks = snippets(fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8'));

  test('has TypeScript snippets for vendors and customers', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(3);
  });

  test('every TypeScript snippet type-checks against the library', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'readme-'));
    const files = blocks.map((code, i) => {
      const file = path.join(dir, `snippet${i}.ts`);
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
      paths: { 'cdk-cross-account-trust': [path.join(ROOT, 'src/index.ts')], '*': [path.join(ROOT, 'node_modules/*')] },
    });
    const diagnostics = ts.getPreEmitDiagnostics(program)
      .map((d) => `${d.file ? path.basename(d.file.fileName) : ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
    expect(diagnostics).toEqual([]);
  });
});
