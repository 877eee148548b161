import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { defaultOut, exportTask, onnxTarget } from '../../src/core/model/onnxTarget';
import { ExportError, finishExport, planExport, runStreamed, shellLine, taskFromConfig } from '../../src/core/model/optimumExport';
import { probeOptimum } from '../../src/core/model/optimumProbe';
import { causalLmFiles } from '../fixtures/models/causalLm';
import { sentimentModelFiles } from '../fixtures/models/sentiment';
import { writeModelDir } from '../fixtures/models/write';
import { makeFakeOptimumEnv, optimumLayout } from '../fixtures/python/fakeOptimum';

const posixOnly = process.platform === 'win32' ? describe.skip : describe;

posixOnly('Get ONNX Weights: the Optimum export in a fake environment (stub optimum-cli)', function () {
  this.timeout(60_000);

  it('probes the environment from its metadata: optimum-onnx, or optimum 1.x, is the exporter; optimum 2 alone is not; its own optimum-cli is found', async () => {
    const full = makeFakeOptimumEnv();
    const env = await probeOptimum(full.python, 'test');
    assert.ok(env.version, `probe failed: ${env.error}`);
    assert.equal(env.packages['optimum-onnx'], '0.0.3');
    assert.equal(env.packages.torch, '2.8.0');
    assert.equal(env.exporter, true);
    assert.equal(env.cli, path.join(full.prefix, 'bin', 'optimum-cli'));

    const old = await probeOptimum(makeFakeOptimumEnv({ packages: { 'optimum-onnx': null, optimum: '1.27.0' } }).python, 'test');
    assert.equal(old.exporter, true);
    const two = await probeOptimum(makeFakeOptimumEnv({ packages: { 'optimum-onnx': null, optimum: '2.0.0' }, cli: false }).python, 'test');
    assert.equal(two.exporter, false);
    assert.equal(two.cli, null);
    const none = await probeOptimum(makeFakeOptimumEnv({ packages: { 'optimum-onnx': null, optimum: null, torch: null } }).python, 'test');
    assert.deepEqual([none.exporter, none.cli, none.packages.optimum, none.packages.torch], [false, null, null, null]);
    const missing = await probeOptimum('/nonexistent/bin/python', 'test');
    assert.equal(missing.version, null);
    assert.match(missing.error!, /does not exist/);
  });

  it('optimum missing: the plan installs it with that interpreter\'s pip first, then the export through the venv\'s optimum-cli', async () => {
    const fake = makeFakeOptimumEnv({ packages: { 'optimum-onnx': null, optimum: null } });
    const env = await probeOptimum(fake.python, 'workspace .venv');
    const plan = planExport({ model: 'acme/pt-model', task: 'text-classification', out: '/tmp/out dir', env, shell: 'posix' });
    assert.deepEqual(plan.install, [fake.python, '-m', 'pip', 'install', '--upgrade', 'optimum-onnx[onnxruntime]']);
    assert.deepEqual(plan.export, [path.join(fake.prefix, 'bin', 'optimum-cli'), 'export', 'onnx', '--model', 'acme/pt-model', '--task', 'text-classification', '/tmp/out dir']);
    assert.deepEqual(plan.lines, [
      `${fake.python} -m pip install --upgrade 'optimum-onnx[onnxruntime]'`,
      `${path.join(fake.prefix, 'bin', 'optimum-cli')} export onnx --model acme/pt-model --task text-classification '/tmp/out dir'`,
    ]);
    // torch too when the environment has none.
    const bare = await probeOptimum(makeFakeOptimumEnv({ packages: { 'optimum-onnx': null, optimum: null, torch: null } }).python, 'x');
    assert.deepEqual(planExport({ model: 'a/b', task: 'text-classification', out: '/tmp/o', env: bare }).install!.slice(5), ['optimum-onnx[onnxruntime]', 'torch']);
  });

  it('maps tasks to Optimum\'s: generation with the KV cache (-with-past), zero-shot and pairs as text-classification; an unknown task is refused with the list', async () => {
    const env = await probeOptimum(makeFakeOptimumEnv().python, 'x');
    const t = (task: string) => planExport({ model: 'a/b', task, out: '/tmp/o', env }).optimumTask;
    assert.equal(t('text-generation'), 'text-generation-with-past');
    assert.equal(t('summarization'), 'text2text-generation-with-past');
    assert.equal(t('translation'), 'text2text-generation-with-past');
    assert.equal(t('zero-shot-classification'), 'text-classification');
    assert.equal(t('text-pair-classification'), 'text-classification');
    assert.equal(t('question-answering'), 'question-answering');
    assert.equal(t('feature-extraction'), 'feature-extraction');
    assert.throws(() => t('image-segmentation'), (e: Error) => e instanceof ExportError && /Unknown task "image-segmentation".*text-classification/.test(e.message));
    assert.equal(taskFromConfig({ architectures: ['BertForSequenceClassification'] }), 'text-classification');
    assert.equal(taskFromConfig({ architectures: ['GPT2LMHeadModel'] }), 'text-generation');
    assert.equal(taskFromConfig({ architectures: ['BartForConditionalGeneration'], is_encoder_decoder: true }), 'text2text-generation');
    assert.equal(taskFromConfig({ architectures: ['BertModel'] }), undefined);
    assert.throws(() => exportTask({ model: '/m', isFolder: true, config: { architectures: ['BertModel'] } }), /give --task/);
  });

  it('quotes paths for the shell the terminal runs: POSIX single quotes, PowerShell with & for a quoted program', () => {
    assert.equal(shellLine(["/o'k/bin/optimum-cli", 'export', '/a b'], 'posix'), `'/o'\\''k/bin/optimum-cli' export '/a b'`);
    assert.equal(shellLine(['C:\\Program Files\\py\\python.exe', '-m', 'pip', "it's"], 'powershell'), `& 'C:\\Program Files\\py\\python.exe' -m pip 'it''s'`);
    assert.equal(shellLine(['/usr/bin/python3', '-m', 'pip'], 'powershell'), '/usr/bin/python3 -m pip');
  });

  it('runs the export, moves model.onnx into onnx/ (transformers.js layout) and validates the result: it runs for the task', async () => {
    const fake = makeFakeOptimumEnv({ exportFiles: optimumLayout(sentimentModelFiles()) });
    const env = await probeOptimum(fake.python, 'x');
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ailab-out-')), 'pt-model-onnx');
    const plan = planExport({ model: 'acme/pt-model', task: 'text-classification', out, env });
    let streamed = '';
    const r = await runStreamed(plan.export, (c) => (streamed += c));
    assert.equal(r.code, 0);
    assert.match(streamed, /Exported to /);
    assert.deepEqual(fake.calls(), [['export', 'onnx', '--model', 'acme/pt-model', '--task', 'text-classification', out]]);
    assert.ok(fs.existsSync(path.join(out, 'model.onnx')), 'Optimum layout before the move');
    const outcome = finishExport(out, plan.task);
    assert.deepEqual(outcome.moved, ['onnx/model.onnx']);
    assert.ok(fs.existsSync(path.join(out, 'onnx', 'model.onnx')) && !fs.existsSync(path.join(out, 'model.onnx')));
    assert.deepEqual(outcome.problems, []);
    assert.equal(outcome.report.errors, 0, JSON.stringify(outcome.report.findings));
    assert.equal(outcome.ok, true);
    assert.ok(outcome.report.passed.includes('onnx.io'));
  });

  it('a causal LM exported for the wrong task is not "ok": the files for the task are missing', async () => {
    const fake = makeFakeOptimumEnv({ exportFiles: optimumLayout(sentimentModelFiles()) });
    const env = await probeOptimum(fake.python, 'x');
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ailab-out-')), 'o');
    const plan = planExport({ model: 'acme/pt-model', task: 'summarization', out, env });
    assert.equal((await runStreamed(plan.export, () => undefined)).code, 0);
    const outcome = finishExport(out, plan.task);
    assert.equal(outcome.ok, false);
    assert.match(outcome.problems[0]!, /none for summarization/);
  });

  it('the export fails: non-zero exit with its stderr kept for the message', async () => {
    const fake = makeFakeOptimumEnv({ behaviour: 'fail' });
    const env = await probeOptimum(fake.python, 'x');
    const plan = planExport({ model: 'acme/pt-model', task: 'text-classification', out: path.join(os.tmpdir(), `never-${process.pid}`), env });
    const r = await runStreamed(plan.export, () => undefined);
    assert.equal(r.code, 1);
    assert.match(r.stderrTail, /ValueError: Asked to export a bert model/);
  });

  it('the export writes nothing (or no folder at all): a clear error, nothing reported as done', async () => {
    const fake = makeFakeOptimumEnv({ behaviour: 'nothing' });
    const env = await probeOptimum(fake.python, 'x');
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ailab-out-')), 'o');
    const plan = planExport({ model: 'acme/pt-model', task: 'text-classification', out, env });
    assert.equal((await runStreamed(plan.export, () => undefined)).code, 0);
    assert.throws(() => finishExport(out, plan.task), (e: Error) => e instanceof ExportError && /wrote no \.onnx file into/.test(e.message));
    assert.throws(() => finishExport(path.join(out, 'absent'), plan.task), /does not exist/);
    await assert.rejects(runStreamed(['/nonexistent/optimum-cli'], () => undefined), /does not exist/);
  });

  it('a folder instead of a Hub id: its absolute path goes to --model, the Hub model it was saved from is where ports are looked for, the output goes beside it', async () => {
    const files = sentimentModelFiles();
    delete files['onnx/model.onnx'];
    files['config.json'] = JSON.stringify({ ...JSON.parse(String(files['config.json'])), _name_or_path: 'acme/pt-model' });
    const dir = writeModelDir(files);
    const t = onnxTarget(path.relative(process.cwd(), dir).startsWith('..') ? dir : `./${path.relative(process.cwd(), dir)}`);
    assert.deepEqual([t.model, t.isFolder, t.portsOf], [dir, true, 'acme/pt-model']);
    assert.equal(exportTask(t), 'text-classification');
    assert.equal(defaultOut(t), `${dir}-onnx`);
    const fake = makeFakeOptimumEnv({ exportFiles: optimumLayout(sentimentModelFiles()) });
    const plan = planExport({ model: t.model, task: 'text-classification', out: defaultOut(t), env: await probeOptimum(fake.python, 'x') });
    assert.equal((await runStreamed(plan.export, () => undefined)).code, 0);
    assert.equal(fake.calls()[0]![3], dir);
    assert.equal(finishExport(plan.out, plan.task).ok, true);
    const env = await probeOptimum(fake.python, 'x');
    assert.throws(() => planExport({ model: dir, task: 'text-classification', out: dir, env }), /output folder is the model folder itself/);
    assert.throws(() => onnxTarget('/nonexistent/folder'), /is not a folder/);
    assert.throws(() => onnxTarget('not a model!'), /neither a Hub model id/);
    assert.deepEqual(onnxTarget('acme/pt-model'), { model: 'acme/pt-model', isFolder: false, portsOf: 'acme/pt-model' });
  });

  it('a text-generation export (with past) validates: the cache inputs are there', async () => {
    const fake = makeFakeOptimumEnv({ exportFiles: optimumLayout(causalLmFiles()) });
    const env = await probeOptimum(fake.python, 'x');
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ailab-out-')), 'lm');
    const plan = planExport({ model: 'acme/lm', task: 'text-generation', out, env });
    assert.equal(plan.optimumTask, 'text-generation-with-past');
    assert.equal((await runStreamed(plan.export, () => undefined)).code, 0);
    const outcome = finishExport(out, plan.task);
    assert.equal(outcome.report.errors, 0, JSON.stringify(outcome.report.findings.filter((f) => f.severity === 'error')));
    assert.equal(outcome.ok, true, outcome.problems.join(' '));
  });
});
