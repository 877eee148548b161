import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from '../fixtures/paths';

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

describe('layering', () => {
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
