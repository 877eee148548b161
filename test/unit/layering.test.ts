import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from '../fixtures/paths';

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

/** Each relative import of a .ts file under src/, resolved to a path from src/ ("core/nlp/tasks"). */
function importsOf(file: string): string[] {
  const src = path.join(REPO_ROOT, 'src');
  return [...fs.readFileSync(file, 'utf8').matchAll(/(?:from|import)\s+['"](\.{1,2}\/[^'"]+)['"]/g)].map((m) => path.relative(src, path.resolve(path.dirname(file), m[1]!)).split(path.sep).join('/'));
}

const coreFiles = () => walk(path.join(REPO_ROOT, 'src', 'core')).filter((f) => f.endsWith('.ts'));
const coreFolder = (file: string) => path.relative(path.join(REPO_ROOT, 'src', 'core'), file).split(path.sep)[0]!;

describe('layering', () => {
  it('src/core/lab (the task runner) is the top floor of core: no other core folder imports it, it imports nothing outside core', () => {
    const up = coreFiles()
      .filter((f) => coreFolder(f) !== 'lab')
      .flatMap((f) => importsOf(f).filter((i) => i.startsWith('core/lab/')).map((i) => `${path.relative(REPO_ROOT, f)} → ${i}`));
    assert.deepEqual(up, []);
    const out = coreFiles()
      .filter((f) => coreFolder(f) === 'lab')
      .flatMap((f) => importsOf(f).filter((i) => !i.startsWith('core/')).map((i) => `${path.relative(REPO_ROOT, f)} → ${i}`));
    assert.deepEqual(out, []);
  });

  it('the task table (src/core/nlp/tasks.ts) imports nothing, so every floor may read its defaults', () => {
    assert.deepEqual(importsOf(path.join(REPO_ROOT, 'src', 'core', 'nlp', 'tasks.ts')), []);
  });

  it('src/core never imports vscode', () => {
    const offenders = walk(path.join(REPO_ROOT, 'src', 'core'))
      .filter((f) => f.endsWith('.ts'))
      .filter((f) => /from\s+['"]vscode['"]|require\(\s*['"]vscode['"]\s*\)/.test(fs.readFileSync(f, 'utf8')));
    assert.deepEqual(offenders, []);
  });

  it('the extension bundle does not load onnxruntime-node at activation (only the probe child does)', () => {
    const bundle = fs.readFileSync(path.join(REPO_ROOT, 'dist', 'extension.js'), 'utf8');
    assert.doesNotMatch(bundle, /require\(["']onnxruntime-node["']\)/);
  });
});
