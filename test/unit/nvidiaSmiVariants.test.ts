/**
 * nvidia-smi as it really varies: the driver 610+ banner, a GPU fallen off the bus while others answer,
 * rows that are short or odd, and a hung nvidia-smi whose own child holds its stdout.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { diagnose, type DiagnoseInput } from '../../src/core/env/diagnose';
import { GpuPoller } from '../../src/core/env/gpuPoller';
import { parseCudaDriverVersion, parseLostGpus, parseQueryOutput, probeGpus, resetNvidiaSmiMemo } from '../../src/core/env/nvidiaSmi';
import { summarizeForStatusBar } from '../../src/core/env/statusSummary';
import type { GpuProbe } from '../../src/core/env/types';
import { chooseCudaBuild } from '../../src/core/python/torchBuilds';
import { fakeSmi, FIXTURES } from '../fixtures/paths';
import { alive, readPids as pidsIn } from '../fixtures/processes';

const caseSmi = (name: string) => path.join(FIXTURES, 'cases', name, 'nvidia-smi');
const at = (p: string, timeoutMs = 5000) => probeGpus({ path: p, source: 'setting', tried: [] }, { timeoutMs, withCudaVersion: true });

/** The diagnoses the probe leads to on a healthy Linux box otherwise. */
function diagnoseProbe(p: GpuProbe, extra: Partial<DiagnoseInput> = {}) {
  return diagnose({
    gpus: p.gpus,
    failure: p.failure,
    lostGpus: p.lostGpus,
    smiSource: 'setting',
    computeCapSupported: p.computeCapSupported,
    cudaToolkit: null,
    toolkitError: null,
    wsl: false,
    onnxRuntime: null,
    platform: 'linux',
    ...extra,
  });
}

async function withEnv<T>(vars: Record<string, string>, f: () => Promise<T>): Promise<T> {
  const old = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  try {
    return await f();
  } finally {
    for (const [k, v] of Object.entries(old)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

describe('nvidia-smi: the driver 610+ banner (KMD Version / CUDA UMD Version)', () => {
  beforeEach(() => resetNvidiaSmiMemo());

  it('case 01-smi-umd: cudaDriverVersion is 13.3', async () => {
    const p = await at(caseSmi('01-smi-umd'));
    assert.equal(p.failure, null);
    assert.equal(p.gpus.length, 1);
    assert.deepEqual([p.gpus[0]?.cudaDriverVersion, p.gpus[0]?.driverVersion, p.gpus[0]?.sm], ['13.3', '610.47.01', 'sm_120']);
  });

  it('case 01: the CUDA-driver diagnoses use 13.3 (toolkit newer than the driver; the torch build offered)', async () => {
    const p = await at(caseSmi('01-smi-umd'));
    const newer = diagnoseProbe(p, { cudaToolkit: { version: '13.4', path: '/usr/local/cuda/bin/nvcc' } }).find((d) => d.id === 'toolkit-newer-than-driver');
    assert.match(newer?.message ?? '', /13\.4 is newer than the CUDA 13\.3 the driver supports/);
    assert.ok(!diagnoseProbe(p, { cudaToolkit: { version: '13.3', path: '/x/nvcc' } }).some((d) => d.id === 'toolkit-newer-than-driver'));
    // A torch build is chosen for the driver's CUDA (null would mean "unknown driver CUDA").
    assert.notEqual(chooseCudaBuild(p.gpus[0]!.cudaDriverVersion, p.gpus[0]!.sm), null);
  });

  it('several GPUs under the new banner all carry its CUDA version', async () => {
    const p = await at(fakeSmi('umd-two-gpus'));
    assert.deepEqual(p.gpus.map((g) => [g.index, g.cudaDriverVersion, g.sm]), [
      [0, '13.3', 'sm_120'],
      [1, '13.3', 'sm_120'],
    ]);
  });

  it('banner wordings: old, new, N/A, absent', () => {
    assert.equal(parseCudaDriverVersion('| NVIDIA-SMI 570.1   Driver Version: 570.1   CUDA Version: 12.8 |'), '12.8');
    assert.equal(parseCudaDriverVersion('| NVIDIA-SMI 610.47.01   KMD Version: 610.47.01   CUDA UMD Version: 13.3 |'), '13.3');
    assert.equal(parseCudaDriverVersion('| NVIDIA-SMI 610.47.01   KMD Version: 610.47.01   CUDA UMD Version: N/A |'), null);
    assert.equal(parseCudaDriverVersion('no banner'), null);
  });
});

describe('nvidia-smi: a GPU fallen off the bus while the others answer', () => {
  beforeEach(() => resetNvidiaSmiMemo());

  for (const rc of ['15', '0']) {
    it(`case 02-smi-gpu-lost (exit ${rc}): GPUs 0, 2, 3 listed; GPU 1 (bus 0000:0B:00.0) diagnosed as unreachable`, async () => {
      const p = await withEnv({ FAKE_RC: rc }, () => at(caseSmi('02-smi-gpu-lost')));
      assert.equal(p.failure, null);
      assert.deepEqual(p.gpus.map((g) => g.index), [0, 2, 3]);
      assert.ok(p.gpus.every((g) => g.name === 'NVIDIA GeForce RTX 2080 Ti' && g.sm === 'sm_75' && g.cudaDriverVersion === '11.8'));
      assert.deepEqual(p.lostGpus?.map((g) => [g.index, g.busId]), [[1, '0000:0B:00.0']]);
      const ds = diagnoseProbe(p);
      assert.ok(!ds.some((d) => d.id === 'driver-not-answering' || /kernel module/i.test(d.message)), JSON.stringify(ds));
      const lost = ds.find((d) => d.id === 'gpu-lost-1');
      assert.equal(lost?.severity, 'error');
      assert.match(lost?.message ?? '', /^GPU 1 \(bus 0000:0B:00\.0\) does not answer/);
      assert.match(lost?.message ?? '', /[Rr]eseat/);
      assert.match(lost?.message ?? '', /power/);
      assert.match(lost?.message ?? '', /Xid 79/);
      assert.match(lost?.fix ?? '', /dmesg/);
      const s = summarizeForStatusBar(p);
      assert.equal(s.state, 'gpu');
      assert.match(s.text, /^3 GPUs .* · 1 lost$/);
      assert.ok(s.tooltip.some((l) => l.includes('GPU 1 (bus 0000:0B:00.0) does not answer')));
    });
  }

  it('the first GPU lost: the others keep their own indexes and values', async () => {
    const p = await at(fakeSmi('gpu-lost-first'));
    assert.equal(p.failure, null);
    assert.deepEqual(p.gpus.map((g) => [g.index, g.memoryUsedMiB, g.temperatureC, g.cudaDriverVersion]), [
      [1, 0, 31, '12.4'],
      [2, 4, 30, '12.4'],
    ]);
    assert.deepEqual(p.lostGpus, [{ index: 0, busId: '0000:01:00.0', message: 'Unable to determine the device handle for GPU0: 0000:01:00.0: Unknown Error' }]);
    assert.deepEqual(diagnoseProbe(p, { cudaToolkit: { version: '12.4', path: '/x/nvcc' } }).map((d) => d.id), ['gpu-lost-0']);
  });

  it('an older driver\'s "GPU is lost" without an index: named by its bus', async () => {
    const p = await at(fakeSmi('gpu-lost-old-wording'));
    assert.deepEqual(p.gpus.map((g) => g.name), ['Tesla V100-SXM2-16GB']);
    assert.deepEqual(p.lostGpus?.map((g) => [g.index, g.busId]), [[null, '0000:04:00.0']]);
    const [d] = diagnoseProbe(p);
    assert.match(d?.message ?? '', /^The GPU at bus 0000:04:00\.0 does not answer/);
    assert.equal(p.gpus[0]?.cudaDriverVersion, '11.4');
  });

  it('the only GPU lost: a "lost" failure, its diagnosis, never "kernel module not loaded"', async () => {
    const p = await at(fakeSmi('gpu-lost-only'));
    assert.deepEqual(p.gpus, []);
    assert.equal(p.failure?.kind, 'lost');
    assert.match(p.failure?.message ?? '', /0000:65:00\.0/);
    const ds = diagnoseProbe(p);
    assert.deepEqual(ds.map((d) => d.id), ['gpu-lost-0000:65:00.0']);
    assert.ok(!ds.some((d) => /kernel module|modprobe/i.test(`${d.message} ${d.fix}`)));
    const s = summarizeForStatusBar(p);
    assert.deepEqual([s.state, s.text, s.lostGpus], ['lost', 'GPU lost', 1]);
  });

  it('lost-GPU lines in their known wordings', () => {
    const lines = [
      'Unable to determine the device handle for GPU1: 0000:0B:00.0: Unknown Error',
      'Unable to determine the device handle for GPU0000:3B:00.0: Unknown Error',
      'Unable to determine the device handle for gpu 0000:AF:00.0: GPU is lost.  Reboot the system to recover this GPU',
      'Unable to determine the device handle for GPU 12: 00000000:C1:00.0: Unknown Error',
      'Unable to determine the device handle for GPU1: 0000:0B:00.0: Unknown Error',
    ];
    assert.deepEqual(parseLostGpus(lines.join('\n')).map((g) => [g.index, g.busId]), [
      [1, '0000:0B:00.0'],
      [null, '0000:3B:00.0'],
      [null, '0000:AF:00.0'],
      [12, '00000000:C1:00.0'],
    ]);
    assert.deepEqual(parseLostGpus('0, NVIDIA A100, 1, 2, 3, 4, 5, 8.0\nNo devices were found'), []);
  });
});

describe('nvidia-smi: rows as they really vary', () => {
  beforeEach(() => resetNvidiaSmiMemo());

  it('a short row is left out (and reported), never shifted; placeholders are null; a comma in a name is kept', async () => {
    const p = await at(fakeSmi('odd-rows'));
    assert.equal(p.failure, null);
    assert.deepEqual(
      p.gpus.map((g) => [g.index, g.name, g.memoryTotalMiB, g.memoryUsedMiB, g.utilizationPct, g.temperatureC, g.sm]),
      [
        [0, 'NVIDIA GeForce RTX 4090', 24564, null, null, 45, 'sm_89'],
        [2, 'NVIDIA L40S, rev A', 46068, 100, 3, null, 'sm_89'],
        [3, 'NVIDIA A10', null, 0, 0, 40, 'sm_86'],
      ],
    );
    assert.equal(p.warnings?.length, 1);
    assert.match(p.warnings?.[0] ?? '', /could not be read.*"1, NVIDIA GeForce RTX 3090, 560\.35\.03, 24576"/);
  });

  it('without compute_cap (old drivers), 7 fields are read as 7; an 8th would be a name comma', () => {
    const { gpus } = parseQueryOutput('0, Tesla T4, 470.1, 15109, 0, 0, 38', null, 7);
    assert.deepEqual(gpus.map((g) => [g.name, g.temperatureC, g.computeCapability]), [['Tesla T4', 38, null]]);
    const short = parseQueryOutput('0, Tesla T4, 470.1, 15109', null, 8);
    assert.deepEqual([short.gpus.length, short.skipped.length], [0, 1]);
    assert.deepEqual(parseQueryOutput('garbage line\n\n,,,\n', null, 8).gpus, []);
  });
});

describe('nvidia-smi: a hung nvidia-smi whose child holds stdout', function () {
  this.timeout(20_000);
  let dir: string;
  let pidsFile: string;
  beforeEach(() => {
    resetNvidiaSmiMemo();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ailab-smi-'));
    pidsFile = path.join(dir, 'pids');
  });
  afterEach(() => {
    // Whatever a failing run left behind, this test started it: end it.
    for (const pid of readPids()) if (alive(pid)) process.kill(pid, 'SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const readPids = () => pidsIn(pidsFile);
  const settle = () => new Promise((r) => setTimeout(r, 150));

  it('is killed with its child at the timeout; the call returns within the timeout plus a small margin', async () => {
    const started = Date.now();
    const p = await withEnv({ FAKE_SMI_PIDS: pidsFile }, () => at(fakeSmi('hang-child'), 600));
    const took = Date.now() - started;
    assert.equal(p.failure?.kind, 'timeout');
    assert.ok(took < 600 + 700, `returned after ${took} ms`);
    await settle();
    const pids = readPids();
    assert.ok(pids.length >= 2, `pids: ${pids.join(',')}`);
    assert.deepEqual(pids.filter(alive), [], 'processes left behind');
  });

  it('one that answers and exits while its child holds stdout: its answer, promptly, and the child ended', async () => {
    const started = Date.now();
    const p = await withEnv({ FAKE_SMI_PIDS: pidsFile }, () => at(fakeSmi('exit-child'), 5000));
    const took = Date.now() - started;
    assert.equal(p.failure, null);
    assert.deepEqual(p.gpus.map((g) => [g.name, g.cudaDriverVersion]), [['NVIDIA GeForce RTX 5080', '12.8']]);
    assert.ok(took < 2000, `returned after ${took} ms (the timeout is 5000)`);
    await settle();
    assert.deepEqual(readPids().filter(alive), [], 'processes left behind');
  });

  it('a child that left the process group (setsid) cannot hold the call past the timeout', async function () {
    const setsid = ['/usr/bin/setsid', '/bin/setsid'].find((p) => fs.existsSync(p));
    if (!setsid) this.skip();
    const smi = path.join(dir, 'nvidia-smi');
    fs.writeFileSync(smi, `#!/bin/sh\n${setsid} sleep 600 &\necho $! >> "$FAKE_SMI_PIDS"\nexec sleep 600\n`, { mode: 0o755 });
    const started = Date.now();
    const p = await withEnv({ FAKE_SMI_PIDS: pidsFile }, () => at(smi, 600));
    const took = Date.now() - started;
    assert.equal(p.failure?.kind, 'timeout');
    assert.ok(took < 600 + 700, `returned after ${took} ms`);
  });

  it('the status-bar poller is not held either: its sample ends at the timeout and the next one runs', async () => {
    const loc = { path: fakeSmi('hang-child'), source: 'setting' as const, tried: [] };
    const results: GpuProbe[] = [];
    await withEnv({ FAKE_SMI_PIDS: pidsFile }, async () => {
      const poller = new GpuPoller(() => probeGpus(loc, { timeoutMs: 400 }), (r) => results.push(r), 50);
      const started = Date.now();
      const first = await poller.pollNow();
      const took = Date.now() - started;
      assert.equal(first.failure?.kind, 'timeout');
      assert.ok(took < 400 + 700, `first sample took ${took} ms`);
      await new Promise((r) => setTimeout(r, 700));
      poller.dispose();
      await new Promise((r) => setTimeout(r, 600));
    });
    assert.ok(results.length >= 2, `${results.length} samples`);
    await settle();
    assert.deepEqual(readPids().filter(alive), [], 'processes left behind');
  });
});
