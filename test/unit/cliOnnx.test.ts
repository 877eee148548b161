import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cliAsync } from '../fixtures/cli';
import { PT_MODEL, usePortHub } from '../fixtures/hub/onnxPorts';
import { sentimentModelFiles } from '../fixtures/models/sentiment';
import { writeModelDir } from '../fixtures/models/write';
import { makeFakeOptimumEnv, optimumLayout } from '../fixtures/python/fakeOptimum';

const posixOnly = process.platform === 'win32' ? describe.skip : describe;

posixOnly('ai-lab onnx: Get ONNX Weights from a terminal (loopback Hub, stub optimum-cli)', function () {
  this.timeout(60_000);
  const hub = usePortHub();
  const env = { HF_TOKEN: '', HF_HUB_OFFLINE: '' };
  const outDir = () => path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ailab-cli-onnx-')), 'out');

  it('lists the ports that run in AI Lab (official owners first), and no conversion plan', async () => {
    const r = await cliAsync(['onnx', PT_MODEL, '--endpoint', hub().url, '--json'], env);
    assert.equal(r.status, 0, r.stderr);
    const j = JSON.parse(r.stdout) as { ports: Array<{ id: string }>; plan?: unknown; task: string; alreadyRunnable: boolean };
    assert.deepEqual(j.ports.map((p) => p.id), ['onnx-community/pt-model', 'fan/pt-model-onnx-q8', 'fan/pt-model-onnx']);
    assert.equal(j.task, 'text-classification', 'from the Hub\'s pipeline tag');
    assert.equal(j.plan, undefined);
    assert.equal(j.alreadyRunnable, false);
    const text = await cliAsync(['onnx', PT_MODEL, '--endpoint', hub().url], env);
    assert.match(text.stdout, /transformers\.js-ready copies of acme\/pt-model that run in AI Lab for text-classification:\n {2}onnx-community\/pt-model {2}40 downloads · 1 ONNX file \(onnx\/model\.onnx\) · declares base_model acme\/pt-model/);
    assert.match(text.stdout, /Use one as the model, e\.g\. --model onnx-community\/pt-model\./);
  });

  it('no port: the plan for the given environment — the install line when the exporter is missing, then the export command and where it goes', async () => {
    const fake = makeFakeOptimumEnv({ packages: { 'optimum-onnx': null, optimum: null } });
    const out = outDir();
    const r = await cliAsync(['onnx', 'acme/lonely', '--endpoint', hub().url, '--python', fake.python, '--out', out], env);
    assert.equal(r.status, 0, r.stderr);
    const cli = path.join(fake.prefix, 'bin', 'optimum-cli');
    assert.match(r.stdout, /No transformers\.js-ready copy of acme\/lonely on the Hub\./);
    assert.ok(r.stdout.includes(`install the exporter (not installed there):  ${fake.python} -m pip install --upgrade 'optimum-onnx[onnxruntime]'`), r.stdout);
    assert.ok(r.stdout.includes(`export:  ${cli} export onnx --model acme/lonely --task text-classification ${out}`), r.stdout);
    assert.ok(r.stdout.includes(`Then the .onnx files go into ${out}/onnx/`), r.stdout);
    // --run with the exporter missing stops, with the install line, and exports nothing.
    const run = await cliAsync(['onnx', 'acme/lonely', '--endpoint', hub().url, '--python', fake.python, '--out', out, '--run'], env);
    assert.equal(run.status, 1);
    assert.ok(run.stderr.includes(`Optimum's ONNX exporter is not installed in ${fake.python}: run ${fake.python} -m pip install --upgrade 'optimum-onnx[onnxruntime]' first`), run.stderr);
    assert.deepEqual(fake.calls(), []);
    assert.ok(!fs.existsSync(out));
  });

  it('--run: exports (output streamed to stderr), moves the .onnx into OUT/onnx/, validates, exit 0; the result then runs as a model folder', async () => {
    const fake = makeFakeOptimumEnv({ exportFiles: optimumLayout(sentimentModelFiles()) });
    const out = outDir();
    const r = await cliAsync(['onnx', 'acme/lonely', '--endpoint', hub().url, '--python', fake.python, '--out', out, '--run'], env);
    assert.equal(r.status, 0, r.stderr + r.stdout);
    assert.match(r.stderr, /Exported to /);
    assert.deepEqual(fake.calls(), [['export', 'onnx', '--model', 'acme/lonely', '--task', 'text-classification', out]]);
    assert.ok(fs.existsSync(path.join(out, 'onnx', 'model.onnx')));
    assert.match(r.stdout, /moved onnx\/model\.onnx\.\nValidation: 0 errors, \d+ warnings?\.\nIt runs in AI Lab for text-classification: use --model /);
    const cls = await cliAsync(['classify', '--model', out, '--text', 'a great and wonderful film', '--json'], env);
    assert.equal(cls.status, 0, cls.stderr);
    assert.match(cls.stdout, /POSITIVE/);
  });

  it('--run --json: the result with the validation\'s findings; a failing export is exit 1 with its stderr', async () => {
    const ok = makeFakeOptimumEnv({ exportFiles: optimumLayout(sentimentModelFiles()) });
    const r = await cliAsync(['onnx', 'acme/lonely', '--endpoint', hub().url, '--python', ok.python, '--out', outDir(), '--run', '--json'], env);
    assert.equal(r.status, 0, r.stderr);
    const j = JSON.parse(r.stdout) as { result: { ok: boolean; moved: string[]; errors: number } };
    assert.deepEqual([j.result.ok, j.result.moved, j.result.errors], [true, ['onnx/model.onnx'], 0]);

    const bad = makeFakeOptimumEnv({ behaviour: 'fail' });
    const f = await cliAsync(['onnx', 'acme/lonely', '--endpoint', hub().url, '--python', bad.python, '--out', outDir(), '--run'], env);
    assert.equal(f.status, 1);
    assert.match(f.stderr, /The export failed \(exit 1\): ValueError: Asked to export a bert model/);

    const empty = makeFakeOptimumEnv({ behaviour: 'nothing' });
    const e = await cliAsync(['onnx', 'acme/lonely', '--endpoint', hub().url, '--python', empty.python, '--out', outDir(), '--run'], env);
    assert.equal(e.status, 1);
    assert.match(e.stderr, /The export finished but wrote no \.onnx file into /);
  });

  it('a folder: ports of the model its config.json names, else the plan with the folder as --model and the output beside it', async () => {
    const files = sentimentModelFiles();
    delete files['onnx/model.onnx'];
    files['config.json'] = JSON.stringify({ ...JSON.parse(String(files['config.json'])), _name_or_path: PT_MODEL });
    const dir = writeModelDir(files);
    const ports = await cliAsync(['onnx', dir, '--endpoint', hub().url, '--json'], env);
    assert.equal(ports.status, 0, ports.stderr);
    assert.equal((JSON.parse(ports.stdout) as { ports: Array<{ id: string }> }).ports[0]!.id, 'onnx-community/pt-model');

    const fake = makeFakeOptimumEnv({ exportFiles: optimumLayout(sentimentModelFiles()) });
    const own = sentimentModelFiles();
    delete own['onnx/model.onnx'];
    const plain = writeModelDir(own);
    const r = await cliAsync(['onnx', plain, '--endpoint', hub().url, '--python', fake.python, '--run'], env);
    assert.equal(r.status, 0, r.stderr + r.stdout);
    assert.deepEqual(fake.calls()[0], ['export', 'onnx', '--model', plain, '--task', 'text-classification', `${plain}-onnx`]);
    assert.ok(fs.existsSync(path.join(`${plain}-onnx`, 'onnx', 'model.onnx')));
  });

  it('refuses what it cannot do, exit 2: an unknown task, a model not on the Hub, a path that is not a folder; a model that runs already says so', async () => {
    const fake = makeFakeOptimumEnv();
    const t = await cliAsync(['onnx', 'acme/lonely', '--endpoint', hub().url, '--python', fake.python, '--task', 'image-segmentation'], env);
    assert.equal(t.status, 2);
    assert.match(t.stderr, /Unknown task "image-segmentation" for an ONNX export/);
    const missing = await cliAsync(['onnx', 'acme/absent', '--endpoint', hub().url], env);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /not found/);
    const notDir = await cliAsync(['onnx', '/nonexistent/model'], env);
    assert.equal(notDir.status, 2);
    assert.match(notDir.stderr, /is not a folder/);
    const runs = await cliAsync(['onnx', 'onnx-community/pt-model', '--endpoint', hub().url], env);
    assert.equal(runs.status, 0);
    assert.match(runs.stdout, /already has ONNX weights for transformers\.js: it runs in AI Lab as it is\./);
  });
});
