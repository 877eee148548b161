import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LAZY_FILE_BODY_MARK, TRANSFORMERS_PATCHES } from '../../src/core/inference/transformersPatches';
import { applyPatches } from '../../src/core/sourcePatches';
import { fixtureModelDirs } from '../fixtures/models';
import { DIST, REPO_ROOT } from '../fixtures/paths';

const TRANSFORMERS_DIST = path.join(REPO_ROOT, 'node_modules', '@huggingface', 'transformers', 'dist');

/**
 * Loads a model with one transformers.js Node build in a child process and lists the files it opened
 * read streams on (fs.createReadStream), and the label of one classification.
 */
function loadWith(build: string, modelDir: string): { streams: string[]; label: string; tokenizerRead: boolean } {
  const script = `
    const fs = require('node:fs');
    const streams = [];
    const open = fs.createReadStream;
    fs.createReadStream = function (p, ...rest) { streams.push(String(p)); return open.call(this, p, ...rest); };
    (async () => {
      const t = await import(${JSON.stringify(build)});
      t.env.allowRemoteModels = false; t.env.useFSCache = false; t.env.useBrowserCache = false;
      let tokenizerRead = false;
      // A progress callback makes the loader read JSON files through the response body: the patched body must still give them whole.
      const tok = await t.AutoTokenizer.from_pretrained(${JSON.stringify(modelDir)}, { progress_callback: (p) => { if (p.status === 'progress' && p.file === 'tokenizer.json' && p.progress === 100) tokenizerRead = true; } });
      const model = await t.AutoModelForSequenceClassification.from_pretrained(${JSON.stringify(modelDir)}, { dtype: 'fp32', device: 'cpu' });
      const out = await model(tok('a great and wonderful day'));
      const logits = Array.from(out.logits.data);
      const label = model.config.id2label[logits.indexOf(Math.max(...logits))];
      await model.dispose();
      await new Promise((r) => setTimeout(r, 50));
      process.stdout.write(JSON.stringify({ streams, label, tokenizerRead }));
    })().catch((e) => { console.error(e); process.exit(1); });`;
  return JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8', cwd: REPO_ROOT, timeout: 60_000 })) as ReturnType<typeof loadWith>;
}

describe('transformers.js fixes: a local model file is read only by ONNX Runtime, not into the service\'s memory', function () {
  this.timeout(120_000);

  it('every patch still matches both installed Node builds exactly once', () => {
    for (const file of ['transformers.node.mjs', 'transformers.node.cjs']) {
      const r = applyPatches(fs.readFileSync(path.join(TRANSFORMERS_DIST, file), 'utf8'), TRANSFORMERS_PATCHES);
      assert.deepEqual(r.skipped, [], `@huggingface/transformers changed (${file}): update src/core/inference/transformersPatches.ts (or drop fixes it now has)`);
      assert.equal(r.applied.length, TRANSFORMERS_PATCHES.length);
    }
  });

  it('the bundled inference service holds the fix (applied by esbuild)', () => {
    const bundle = fs.readFileSync(path.join(DIST, 'inferenceService.js'), 'utf8');
    assert.ok(bundle.includes(LAZY_FILE_BODY_MARK), 'unpatched transformers.js in dist/inferenceService.js: rebuild (npm run build)');
    assert.doesNotMatch(bundle, /stream\.on\("data", \(chunk2?\) => controller\.enqueue/);
  });

  it('loading a model opens no read stream on its .onnx file, JSON read through the body still arrives whole, and the label is the same as unpatched', () => {
    const dir = fixtureModelDirs().sentiment;
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ai-lab-tjs-'));
    try {
      // The patched build beside a link to node_modules, so its own imports (onnxruntime-node…) resolve.
      fs.symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(tmp, 'node_modules'), 'dir');
      const patched = path.join(tmp, 'transformers.patched.mjs');
      fs.writeFileSync(patched, applyPatches(fs.readFileSync(path.join(TRANSFORMERS_DIST, 'transformers.node.mjs'), 'utf8'), TRANSFORMERS_PATCHES).source);

      const before = loadWith(path.join(TRANSFORMERS_DIST, 'transformers.node.mjs'), dir);
      const after = loadWith(patched, dir);
      // The fault this guards against: as shipped, every file the loader looks at (the .onnx whose path alone is used included) is streamed into memory.
      assert.ok(before.streams.some((p) => p.endsWith('.onnx')), `the unpatched build no longer streams the .onnx file (${before.streams.join(', ')}): the fix may be obsolete`);
      assert.deepEqual(after.streams.filter((p) => p.endsWith('.onnx')), []);
      // Only files whose body is read are opened: tokenizer.json and its config, read through the body with a progress callback.
      assert.ok(after.streams.length > 0 && after.streams.every((p) => p.endsWith('.json')), after.streams.join(', '));
      assert.equal(after.tokenizerRead, true);
      assert.equal(before.label, 'POSITIVE');
      assert.equal(after.label, before.label);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});
