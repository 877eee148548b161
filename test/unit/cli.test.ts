import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FixtureHub } from '../fixtures/hub/server';
import { sentimentModelFiles } from '../fixtures/models/sentiment';
import { cliAsync } from '../fixtures/cli';
import { DIST, fakeSmi } from '../fixtures/paths';

const cli = (...args: string[]) => spawnSync(process.execPath, [path.join(DIST, 'cli.js'), ...args], { encoding: 'utf8', timeout: 60_000 });

describe('CLI: ai-lab env', () => {
  it('--json prints the contract keys for the RTX 5080 fixture', () => {
    const r = cli('env', '--json', '--nvidia-smi', fakeSmi('rtx5080'));
    assert.equal(r.status, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    for (const k of ['gpus', 'cudaToolkit', 'wsl', 'onnxRuntime', 'diagnoses', 'errors']) assert.ok(k in j, `missing ${k}`);
    assert.deepEqual(Object.keys(j.gpus[0]).sort(), [
      'architecture', 'computeCapability', 'cudaDriverVersion', 'driverVersion', 'index', 'memoryTotalMiB',
      'memoryUsedMiB', 'name', 'sm', 'temperatureC', 'utilizationPct',
    ]);
    assert.equal(j.gpus[0].sm, 'sm_120');
    assert.equal(j.gpus[0].architecture, 'Blackwell');
    assert.equal(typeof j.wsl, 'boolean');
    assert.ok(j.onnxRuntime.providers.every((p: object) => ['name', 'loadable', 'reason'].every((k) => k in p)));
    assert.ok(j.diagnoses.every((d: object) => ['severity', 'message', 'fix'].every((k) => k in d)));
    assert.deepEqual(j.errors, []);
  });

  it('--python (repeatable) adds python[] with the contract keys and their diagnoses', async () => {
    const { makeFakePython, OLD_ARCHS } = await import('../fixtures/python/fakePython');
    const bad = makeFakePython({ venv: true, packages: { torchvision: '0.20.1+cu124', torchaudio: '2.5.1+cu124' }, torch: { version: '2.5.1+cu124', cuda: '12.4', available: true, archList: OLD_ARCHS, device: 'NVIDIA GeForce RTX 5080', capability: [12, 0] } });
    const plain = makeFakePython({ venv: true });
    const r = cli('env', '--json', '--nvidia-smi', fakeSmi('rtx5080'), '--python', bad, '--python', path.dirname(path.dirname(plain)));
    assert.equal(r.status, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.deepEqual(j.python.map((p: { path: string }) => p.path), [bad, plain]);
    const p0 = j.python[0];
    for (const k of ['path', 'version', 'venv', 'packages', 'torch']) assert.ok(k in p0, `missing ${k}`);
    assert.deepEqual(Object.keys(p0.packages).sort(), ['pip', 'setuptools', 'torch', 'torchaudio', 'torchvision', 'wheel']);
    assert.deepEqual(Object.keys(p0.torch).sort(), ['archList', 'capability', 'cuda', 'cudaAvailable', 'cudnn', 'deviceName']);
    assert.equal(j.python[1].torch, null);
    const arch = j.diagnoses.find((d: { id: string }) => d.id.endsWith(':arch-missing'));
    assert.match(arch.fix, /--pre torch torchvision torchaudio --index-url https:\/\/download\.pytorch\.org\/whl\/nightly\/cu128$/);
    const md = cli('env', '--nvidia-smi', fakeSmi('rtx5080'), '--python', bad);
    assert.match(md.stdout, /### Python environments[\s\S]*\| 2\.5\.1\+cu124 \|/);
  });

  it('no GPU: exit code 0 and the reason in errors', () => {
    const r = cli('env', '--json', '--nvidia-smi=' + fakeSmi('driver-failure'));
    assert.equal(r.status, 0);
    const j = JSON.parse(r.stdout);
    assert.deepEqual(j.gpus, []);
    assert.match(j.errors[0], /couldn't communicate with the NVIDIA driver/);
    assert.equal(j.diagnoses[0].severity, 'error');
  });

  it('without --json prints a Markdown report', () => {
    const r = cli('env', '--nvidia-smi', fakeSmi('h100'));
    assert.equal(r.status, 0);
    assert.match(r.stdout, /## AI Lab environment report/);
    assert.match(r.stdout, /\| 0 \| NVIDIA H100 80GB HBM3 \| 580\.159\.04 \| 13\.0 \|.*\| 9\.0 \| sm_90 \| Hopper \|/);
  });

  it('bad input: unknown command, unknown flag, missing value → exit 2 with a message', () => {
    for (const [args, msg] of [
      [['frobnicate'], /unknown command: frobnicate/],
      [['env', '--jsn'], /unknown option for env: --jsn/],
      [['env', '--nvidia-smi'], /--nvidia-smi needs a value/],
      [['env', '--timeout', '-1'], /positive number/],
    ] as const) {
      const r = cli(...args);
      assert.equal(r.status, 2, args.join(' '));
      assert.match(r.stderr, msg);
    }
  });
});

describe('CLI: ai-lab run', () => {
  let hub: FixtureHub;
  let home: string;
  before(async () => {
    hub = new FixtureHub();
    hub.addRepo({ id: 'Xenova/fixture-sst2', files: sentimentModelFiles() });
    await hub.start();
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'ailab-cli-hf-'));
  });
  after(() => hub.stop());

  it('downloads a Hub model into HF_HOME through --endpoint and classifies stdin, as JSON', async () => {
    const r = await cliAsync(['run', 'text-classification', '--model', 'Xenova/fixture-sst2', '--endpoint', hub.url, '--json'], { HF_HOME: home }, 'Wi-Fi is slower than a snail today!');
    assert.equal(r.status, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.equal(j.output[0].label, 'NEGATIVE');
    assert.equal(j.device, 'cpu');
    assert.equal(j.source, 'hub');
    assert.ok(j.modelDir.startsWith(path.join(home, 'hub', 'models--Xenova--fixture-sst2', 'snapshots')));
    for (const k of ['resolveMs', 'loadMs', 'runMs']) assert.equal(typeof j.timings[k], 'number');
    // What ran: the weights, the batch (one text) and ONNX Runtime's intra-op threads on the CPU.
    assert.equal(j.dtype, 'fp32');
    assert.equal(j.batchSize, 1);
    assert.ok(j.threads === 'auto' || (Number.isInteger(j.threads) && j.threads >= 1));
  });

  it('--offline runs from the cache; HF_ENDPOINT is honoured', async () => {
    const r = await cliAsync(['run', 'text-classification', '--model', 'Xenova/fixture-sst2', '--offline', '--text', 'I love it'], { HF_HOME: home });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^POSITIVE\t0\.9\d+/);
    const viaEnv = await cliAsync(['run', 'text-classification', '--model', 'Xenova/fixture-sst2', '--text', 'bad'], { HF_HOME: home, HF_ENDPOINT: hub.url });
    assert.match(viaEnv.stdout, /^NEGATIVE/);
  });

  it('summarization and text-generation from local folders, bounded by --max-new-tokens', async () => {
    const { seq2seqFiles } = await import('../fixtures/models/seq2seq');
    const { causalLmFiles } = await import('../fixtures/models/causalLm');
    const { writeModelDir } = await import('../fixtures/models/write');
    const text = 'The club planted a pollinator garden beside the library. Volunteers logged the soil quality, chose flowers and scheduled watering shifts.';
    const s = await cliAsync(['run', 'summarization', '--model', writeModelDir(seq2seqFiles()), '--max-new-tokens', '40', '--json'], { HF_HOME: home }, text);
    assert.equal(s.status, 0, s.stderr);
    assert.equal(JSON.parse(s.stdout).output[0].summary_text, 'The club planted a pollinator garden beside the library.');
    const g = await cliAsync(['run', 'text-generation', '--model', writeModelDir(causalLmFiles()), '--text', 'The future of', '--max-new-tokens', '3'], { HF_HOME: home });
    assert.equal(g.status, 0, g.stderr);
    assert.match(g.stdout, /The future of open science is/);
  });

  it('classify, grammar, qnli, zero-shot, summarize (abstractive and extractive), generate: --json on the fixture models', async function () {
    // Eight CLI processes, each loading a model: ~25 s on 2 idle cores, more on a busy machine.
    this.timeout(120_000);
    const { fixtureModelDirs } = await import('../fixtures/models');
    const d = fixtureModelDirs();
    const j = async (args: string[], input?: string) => {
      const r = await cliAsync([...args, '--json'], { HF_HOME: home }, input);
      assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
      return JSON.parse(r.stdout).output;
    };
    assert.equal((await j(['classify', '--model', d.sentiment], 'Wi-Fi is slower than a snail today!')).labels[0].label, 'NEGATIVE');
    assert.equal((await j(['grammar', '--model', d.grammar, '--text', 'It was terrible.'])).labels[0].label, 'unacceptable');
    assert.equal((await j(['grammar', '--model', d.grammar, '--text', 'It was terrible.', '--label-map', 'LABEL_0=bad,LABEL_1=good'])).labels[0].label, 'bad');
    const q = await j(['qnli', '--model', d.nli, '--question', 'Where is the dashboard error?', '--text', 'It will rain. The analytics dashboard shows an error at login.']);
    assert.equal(q.labels[0].label, 'entailment');
    assert.equal((await j(['zero-shot', '--model', d.nli, '--labels', 'Billing Question,Technical Support', '--text', 'the dashboard shows an error'])).labels[0].label, 'Technical Support');
    const lead = 'City council members met for a short session to approve the river cleanup budget.';
    assert.equal((await j(['summarize', '--model', d.summarizer, '--text', `${lead} They highlighted that volunteer turnout doubled.`])).text, lead);
    const ex = await j(['summarize', '--extractive', '--model', d.embed, '--sentences', '1', '--text', 'It will rain and snow. The dashboard shows an error. A login crash bug hit the server.']);
    assert.equal(ex.kind, 'extractive');
    assert.notEqual(ex.sentences[0].text, 'It will rain and snow.');
    assert.equal((await j(['generate', '--model', d.lm, '--text', 'The future of', '--max-new-tokens', '10'])).text, ' open science is bright.');
  });

  it('NLP commands: missing question or labels, bad preset, ratio over 1 → exit 2 with the reason', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['qnli', '--text', 'x'], /qnli needs --question/],
      [['zero-shot', '--text', 'x'], /zero-shot needs --labels/],
      [['zero-shot', '--labels', 'only', '--text', 'x'], /at least two comma-separated labels/],
      [['summarize', '--preset', 'tiny', '--text', 'x'], /--preset must be one of short, medium, long/],
      [['summarize', '--extractive', '--ratio', '2', '--text', 'x'], /--ratio is a share/],
      [['grammar', '--label-map', 'LABEL_0', '--text', 'x'], /--label-map takes LABEL=name pairs/],
      [['classify'], /no input text/],
    ];
    for (const [args, msg] of cases) {
      const r = await cliAsync(args, { HF_HOME: home });
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, msg);
    }
  });

  it('enable-cuda: a feed without the matching package is a clear error and nothing is installed', async () => {
    const { FixtureNugetFeed, providerPackage } = await import('../fixtures/nuget/feedServer');
    const feed = new FixtureNugetFeed();
    feed.packages.push({ id: 'Microsoft.ML.OnnxRuntime.Gpu.Linux', version: '0.0.1', nupkg: providerPackage('Microsoft.ML.OnnxRuntime.Gpu.Linux', '0.0.1').nupkg });
    const index = await feed.start();
    const bin = path.join(path.dirname(require.resolve('onnxruntime-node/package.json')), 'bin', 'napi-v6', 'linux', 'x64');
    const before = fs.readdirSync(bin).sort();
    try {
      const r = await cliAsync(['enable-cuda', '--feed', index], { HF_HOME: home });
      assert.equal(r.status, 1, r.stderr);
      assert.match(r.stderr, /Microsoft\.ML\.OnnxRuntime\.Gpu\.Linux \d+\.\d+\.\d+ .* is not on .*; it has 0\.0\.1/);
      assert.deepEqual(fs.readdirSync(bin).sort(), before);
      const bad = await cliAsync(['enable-cuda', 'extra'], { HF_HOME: home });
      assert.equal(bad.status, 2);
    } finally {
      await feed.stop();
    }
  });

  it('bad input: no model, no text, unknown task, --device cuda without CUDA, unknown model → clear errors', async () => {
    const cases: Array<[string[], number, RegExp]> = [
      [['run', 'text-classification', '--text', 'x'], 2, /run needs --model/],
      [['run', 'text-classification', '--model', 'Xenova/fixture-sst2'], 2, /no input text/],
      [['run', 'frobnicate', '--model', 'x', '--text', 'x'], 2, /unknown task "frobnicate"/],
      [['run', 'text-classification', '--model', 'x', '--text', 'x', '--dtype', 'int3'], 2, /--dtype must be one of auto, fp32, fp16, q8/],
      [['run', 'text-classification', '--model', 'Xenova/fixture-sst2', '--text', 'x', '--device', 'cuda', '--endpoint', hub.url], 1, /--device cuda, but CUDA cannot be used here: .*Use --device auto or --device cpu/],
      [['run', 'text-classification', '--model', 'nobody/nothing', '--text', 'x', '--endpoint', hub.url], 1, /nobody\/nothing was not found/],
    ];
    for (const [args, code, msg] of cases) {
      const r = await cliAsync(args, { HF_HOME: home });
      assert.equal(r.status, code, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, msg);
    }
  });
});
