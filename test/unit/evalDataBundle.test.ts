import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { writeParquetFixtures } from '../fixtures/eval/parquet';
import { REPO_ROOT } from '../fixtures/paths';

/**
 * hyparquet and csv-parse are ES modules: the compiled tests load them with Node's require(esm), the
 * extension and CLI bundles inline them. This bundles the readers the way esbuild.mjs bundles dist/
 * (platform node, CommonJS, target node20) and reads files with the bundle in a separate Node.
 */
describe('Evaluation data: the readers inside an esbuild CommonJS bundle', () => {
  let tmp: string;
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ailab-evalbundle-'));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('inlines hyparquet and csv-parse, and reads Parquet and CSV with no node_modules at hand', async () => {
    const out = path.join(tmp, 'evalData.js');
    await esbuild.build({
      entryPoints: [path.join(REPO_ROOT, 'src/core/eval/dataFiles.ts')],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      outfile: out,
      logLevel: 'silent',
    });
    const code = fs.readFileSync(out, 'utf8');
    assert.doesNotMatch(code, /require\(["'](hyparquet|csv-parse)/, 'no run-time require of the ES modules');
    const { sst2 } = writeParquetFixtures(tmp);
    const csv = path.join(tmp, 'd.csv');
    fs.writeFileSync(csv, 'text,label\n"a, b",1\n');
    const script = `const d = require(${JSON.stringify(out)});
      Promise.all([d.readDataFile(${JSON.stringify(sst2)}, { size: 3, seed: 1 }), d.readDataFile(${JSON.stringify(csv)})])
        .then(([p, c]) => console.log(JSON.stringify({ n: p.rows.length, label: p.columns[2], csv: c.rows })));`;
    // Run from the temp folder, so nothing resolves from the repository's node_modules.
    const r = spawnSync(process.execPath, ['-e', script], { cwd: tmp, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { n: 3, label: { name: 'label', type: 'ClassLabel(negative, positive)', labels: ['negative', 'positive'] }, csv: [{ text: 'a, b', label: 1 }] });
  });
});
