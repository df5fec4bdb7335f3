/**
 * Nothing is dropped quietly: an input that looks meant to be checked and cannot be is an error entry (exit 2),
 * listed in the report beside the findings of the other inputs.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as fc from 'fast-check';
import { checkJson, cli, fixtureText, tempDir, writeFiles } from './helpers';

const UNSAFE = fixtureText('unsafe-role.json');
const NOT_UTF8 = /^the file is not valid UTF-8 text; expected a JSON or YAML template in UTF-8$/;

const findingFiles = (report: any) => [...new Set(report.findings.map((f: any) => f.file))];
const errors = (report: any) => report.errors.map((e: any) => [e.file, e.message]);

describe('files that cannot be read as text', () => {
  test('a non-UTF-8 template inside a scanned folder is an error, as when it is named directly', () => {
    const dir = tempDir();
    const latin1 = Buffer.concat([Buffer.from('AWSTemplateFormatVersion: "2010-09-09"\nDescription: caf'), Buffer.from([0xe9]), Buffer.from('\nResources: {}\n')]);
    writeFiles(dir, { 'd/latin1.yaml': latin1, 'd/unsafe.json': UNSAFE });
    const inFolder = checkJson(['d'], { cwd: dir });
    expect(inFolder.code).toBe(2);
    expect(errors(inFolder.report)).toEqual([[path.join('d', 'latin1.yaml'), expect.stringMatching(NOT_UTF8)]]);
    expect(findingFiles(inFolder.report)).toEqual([path.join('d', 'unsafe.json')]);
    const named = checkJson([path.join('d', 'latin1.yaml')], { cwd: dir });
    expect(errors(named.report)).toEqual(errors(inFolder.report));
  });

  test('a UTF-16 template inside a folder is an error; other binary files there are skipped and counted', () => {
    const dir = tempDir();
    writeFiles(dir, {
      'utf16.json': Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(UNSAFE, 'utf16le')]),
      'image.json': new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0x0d]),
      'notes.yaml': Buffer.concat([Buffer.from('title: caf'), Buffer.from([0xe9]), Buffer.from('\n')]),
    });
    const { code, report } = checkJson(['.'], { cwd: dir });
    expect(code).toBe(2);
    expect(errors(report)).toEqual([['utf16.json', expect.stringMatching(/contains NUL bytes, so it is binary \(or UTF-16\)/)]]);
    expect(report.summary).toMatchObject({ skipped: 2 });
  });

  test('a template above the size limit inside a folder is an error; another large file there is skipped', () => {
    const dir = tempDir();
    const size = 51 * 1024 * 1024;
    writeFiles(dir, {
      'big.yaml': Buffer.concat([Buffer.from('AWSTemplateFormatVersion: "2010-09-09"\nDescription: '), Buffer.alloc(size, 'x')]),
      'data.json': Buffer.alloc(size, ' '),
    });
    const { code, report } = checkJson(['.'], { cwd: dir });
    expect(code).toBe(2);
    expect(errors(report)).toEqual([['big.yaml', expect.stringMatching(/^the file is 51\.0 MB; files above 50\.0 MB are not read/)]]);
    expect(report.summary).toMatchObject({ skipped: 1 });
  });

  test('property: whatever invalid bytes a template found in a folder holds, it is an error, never skipped', () => {
    const invalid = fc.constantFrom([0xe9], [0xc3], [0xff], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xc0, 0xaf]);
    fc.assert(fc.property(invalid, fc.nat(UNSAFE.length), (bytes, at) => {
      const dir = tempDir();
      writeFiles(dir, { 't.json': Buffer.concat([Buffer.from(UNSAFE.slice(0, at)), Buffer.from(bytes), Buffer.from(UNSAFE.slice(at))]) });
      const { code, report } = checkJson(['.'], { cwd: dir });
      expect(code).toBe(2);
      expect(errors(report)).toEqual([['t.json', expect.stringMatching(NOT_UTF8)]]);
    }), { numRuns: 30 });
  });
});

describe('links and special files named like templates', () => {
  test('a dangling link and a loop of links named *.yaml are errors; a dangling link named otherwise is not a template', () => {
    const dir = tempDir();
    writeFiles(dir, { 'unsafe.json': UNSAFE });
    fs.symlinkSync(path.join(dir, 'gone.yaml'), path.join(dir, 'dangling.yaml'));
    fs.symlinkSync(path.join(dir, 'loop-b.yml'), path.join(dir, 'loop-a.yml'));
    fs.symlinkSync(path.join(dir, 'loop-a.yml'), path.join(dir, 'loop-b.yml'));
    fs.symlinkSync(path.join(dir, 'gone.txt'), path.join(dir, 'notes.txt'));
    const { code, report } = checkJson(['.'], { cwd: dir });
    expect(code).toBe(2);
    expect(errors(report)).toEqual([
      ['dangling.yaml', `the symbolic link points to ${JSON.stringify(path.join(dir, 'gone.yaml'))}, which does not exist; expected a link to a template file`],
      ['loop-a.yml', `the symbolic link (to ${JSON.stringify(path.join(dir, 'loop-b.yml'))}) is part of a loop of links; expected a link to a template file`],
      ['loop-b.yml', `the symbolic link (to ${JSON.stringify(path.join(dir, 'loop-a.yml'))}) is part of a loop of links; expected a link to a template file`],
    ]);
    expect(findingFiles(report)).toEqual(['unsafe.json']);
    // The text report lists them too.
    expect(cli(['check', '.'], { cwd: dir }).stdout).toMatch(/^dangling\.yaml: error could not be checked: the symbolic link points to/m);
  });

  test('a named pipe called *.json in a folder is an error, and is not opened', () => {
    const dir = tempDir();
    execFileSync('mkfifo', [path.join(dir, 'pipe.json')]);
    const { code, report } = checkJson(['.'], { cwd: dir });
    expect(code).toBe(2);
    expect(errors(report)).toEqual([['pipe.json', 'the path is not a regular file (a device, a pipe or a socket); expected a template file']]);
  });

  test('property: a dangling link with any name ending in .yaml is one error naming it', () => {
    const name = fc.string({ unit: 'binary', minLength: 1, maxLength: 20 })
      .filter((s) => !/[/\u0000]/.test(s) && !s.startsWith('.') && Buffer.byteLength(`${s}.yaml`) < 255)
      .map((s) => `${s}.yaml`);
    fc.assert(fc.property(name, (link) => {
      const dir = tempDir();
      fs.symlinkSync(path.join(dir, 'nowhere'), path.join(dir, link));
      const { code, report } = checkJson(['.'], { cwd: dir });
      expect(code).toBe(2);
      expect(errors(report)).toEqual([[link, expect.stringMatching(/^the symbolic link points to .*, which does not exist/)]]);
    }), { numRuns: 30 });
  });
});

describe('cloud assemblies', () => {
  const manifest = (artifacts: object) => JSON.stringify({ version: '54.0.0', artifacts });
  const stack = { S: { type: 'aws:cloudformation:stack', environment: 'aws://unknown-account/unknown-region', properties: { templateFile: 'S.template.json', stackName: 'Prod-S' } } };

  test.each([
    ['is not JSON', '{ "version": "54.0.0", "artifacts": {', /^the file is not valid JSON \(.*\), so the directory cannot be read as a CDK cloud assembly; it was searched as a plain directory/],
    ['lacks the version', JSON.stringify({ artifacts: stack }), /^the file is not a cloud assembly manifest as the CDK writes it/],
  ])('a manifest.json that %s is an error, and the templates are still checked as plain files', (_name, text, message) => {
    const dir = tempDir();
    writeFiles(dir, { 'cdk.out/manifest.json': text, 'cdk.out/cdk.out': '{"version":"54.0.0"}', 'cdk.out/S.template.json': UNSAFE });
    const { code, report } = checkJson(['cdk.out'], { cwd: dir });
    expect(code).toBe(2);
    expect(errors(report)).toEqual([[path.join('cdk.out', 'manifest.json'), expect.stringMatching(message)]]);
    expect(findingFiles(report)).toEqual([path.join('cdk.out', 'S.template.json')]);
  });

  test('beside the CDK marker file, a manifest without artifacts is broken; without it, it is another tool\'s', () => {
    const dir = tempDir();
    writeFiles(dir, {
      'a/manifest.json': '{"version": "54.0.0"}',
      'a/cdk.out': '{"version":"54.0.0"}',
      'a/S.template.json': UNSAFE,
      'b/manifest.json': '{"manifest_version": 3, "version": "1.0"}',
      'b/S.template.json': UNSAFE,
    });
    const { report } = checkJson(['a', 'b'], { cwd: dir });
    expect(errors(report)).toEqual([[path.join('a', 'manifest.json'), expect.stringMatching(/is not a cloud assembly manifest/)]]);
    expect(findingFiles(report)).toEqual([path.join('a', 'S.template.json'), path.join('b', 'S.template.json')]);
  });

  test('a nested assembly with a broken manifest says what is wrong with it', () => {
    const dir = tempDir();
    writeFiles(dir, {
      'out/manifest.json': manifest({ Stage: { type: 'cdk:cloud-assembly', properties: { directoryName: 'assembly-Stage' } } }),
      'out/assembly-Stage/manifest.json': 'not json',
    });
    const { report } = checkJson(['out'], { cwd: dir });
    expect(errors(report)).toEqual([[path.join('out', 'manifest.json'), expect.stringMatching(/has no readable manifest\.json \(its manifest\.json is not valid JSON/)]]);
  });
});

describe('the command line', () => {
  test('check "" is an error, not the working folder', () => {
    const dir = tempDir();
    writeFiles(dir, { 'unsafe.json': UNSAFE });
    expect(checkJson([''], { cwd: dir })).toMatchObject({ code: 2, report: { findings: [], errors: [{ file: '""', message: expect.stringMatching(/^the path is empty/) }] } });
    const both = checkJson(['', 'unsafe.json'], { cwd: dir });
    expect(both.code).toBe(2);
    expect(findingFiles(both.report)).toEqual(['unsafe.json']);
  });
});
