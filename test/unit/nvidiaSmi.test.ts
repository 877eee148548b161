import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { locateNvidiaSmi } from '../../src/core/env/nvidiaSmiLocate';
import { parseCudaDriverVersion, parseQueryCsv, probeGpus, resetNvidiaSmiMemo } from '../../src/core/env/nvidiaSmi';
import { fakeSmi } from '../fixtures/paths';

const probe = (scenario: string, timeoutMs = 5000) =>
  probeGpus(locateNvidiaSmi({ setting: fakeSmi(scenario) }), { timeoutMs, withCudaVersion: true });

describe('nvidia-smi probe on recorded outputs', () => {
  beforeEach(() => resetNvidiaSmiMemo());

  it('RTX 5080 with CUDA 12.8 (the notes\' machine): sm_120 Blackwell', async () => {
    const p = await probe('rtx5080');
    assert.equal(p.failure, null);
    assert.deepEqual(p.gpus, [
      {
        index: 0,
        name: 'NVIDIA GeForce RTX 5080',
        driverVersion: '570.153.02',
        cudaDriverVersion: '12.8',
        memoryTotalMiB: 16303,
        memoryUsedMiB: 1245,
        utilizationPct: 7,
        temperatureC: 41,
        computeCapability: '12.0',
        sm: 'sm_120',
        architecture: 'Blackwell',
      },
    ]);
  });

  it('H100: sm_90 Hopper, CUDA 13.0', async () => {
    const [g] = (await probe('h100')).gpus;
    assert.equal(g?.name, 'NVIDIA H100 80GB HBM3');
    assert.equal(g?.sm, 'sm_90');
    assert.equal(g?.architecture, 'Hopper');
    assert.equal(g?.cudaDriverVersion, '13.0');
    assert.equal(g?.memoryTotalMiB, 81559);
  });

  it('two GPUs, one Ada Lovelace (sm_89) and one Ampere (sm_86)', async () => {
    const p = await probe('two-gpus');
    assert.deepEqual(p.gpus.map((g) => [g.index, g.sm, g.architecture, g.cudaDriverVersion]), [
      [0, 'sm_89', 'Ada Lovelace', '12.6'],
      [1, 'sm_86', 'Ampere', '12.6'],
    ]);
  });

  it('WSL: fields reported as [N/A] become null, the rest is kept', async () => {
    const [g] = (await probe('wsl')).gpus;
    assert.equal(g?.utilizationPct, null);
    assert.equal(g?.temperatureC, null);
    assert.equal(g?.memoryUsedMiB, 512);
    assert.equal(g?.sm, 'sm_86');
  });

  it('"couldn\'t communicate with the NVIDIA driver" is a driver failure with the message kept', async () => {
    const p = await probe('driver-failure');
    assert.deepEqual(p.gpus, []);
    assert.equal(p.failure?.kind, 'driver');
    assert.match(p.failure?.message ?? '', /couldn't communicate with the NVIDIA driver/);
  });

  it('a driver too old for compute_cap: asks again without it, capability unknown', async () => {
    const p = await probe('old-driver');
    assert.equal(p.failure, null);
    assert.equal(p.computeCapSupported, false);
    const [g] = p.gpus;
    assert.equal(g?.name, 'Tesla T4');
    assert.equal(g?.computeCapability, null);
    assert.equal(g?.sm, null);
    assert.equal(g?.architecture, null);
    assert.equal(g?.cudaDriverVersion, '11.4');
  });

  it('a hanging nvidia-smi is killed and reported within its timeout', async () => {
    const started = Date.now();
    const p = await probe('hang', 400);
    const took = Date.now() - started;
    assert.equal(p.failure?.kind, 'timeout');
    assert.ok(took < 2000, `returned after ${took} ms`);
  });

  it('"No devices were found" is "none"', async () => {
    assert.equal((await probe('no-devices')).failure?.kind, 'none');
  });

  it('an unknown compute capability is kept with its number', async () => {
    const [g] = (await probe('unknown-arch')).gpus;
    assert.deepEqual([g?.computeCapability, g?.sm, g?.architecture], ['13.0', 'sm_130', 'unknown']);
  });

  it('a configured path that does not exist is "missing" and names the path', async () => {
    const p = await probeGpus(locateNvidiaSmi({ setting: '/nonexistent/nvidia-smi' }), { timeoutMs: 2000 });
    assert.equal(p.failure?.kind, 'missing');
    assert.match(p.failure?.message ?? '', /\/nonexistent\/nvidia-smi/);
  });

  it('a file that is not executable is an error that says why', async () => {
    const f = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ailab-')), 'nvidia-smi');
    fs.writeFileSync(f, 'not a program');
    const p = await probeGpus(locateNvidiaSmi({ setting: f }), { timeoutMs: 2000 });
    assert.equal(p.failure?.kind, 'error');
    assert.match(p.failure?.message ?? '', /could not be started|EACCES/);
  });

  it('nothing found anywhere is "missing" with the places looked at', async () => {
    const p = await probeGpus(locateNvidiaSmi({ env: { PATH: '/nowhere' }, platform: 'linux' }), { timeoutMs: 2000 });
    assert.equal(p.failure?.kind, 'missing');
    assert.match(p.failure?.message ?? '', /PATH/);
  });

  it('parses CSV robustly: blank lines, stray spaces, [Not Supported]', () => {
    const gpus = parseQueryCsv('\n 1 ,  NVIDIA A100-SXM4-80GB , 535.1, 81920, [Not Supported], 3 , 40, 8.0 \n\n');
    assert.equal(gpus.length, 1);
    assert.equal(gpus[0]?.memoryUsedMiB, null);
    assert.equal(gpus[0]?.architecture, 'Ampere');
    assert.equal(parseCudaDriverVersion('no header here'), null);
  });
});

describe('locating nvidia-smi', () => {
  const none = () => false;
  it('the setting wins over AI_LAB_NVIDIA_SMI, which wins over PATH', () => {
    const env = { AI_LAB_NVIDIA_SMI: '/env/nvidia-smi', PATH: '/usr/bin' };
    assert.deepEqual(locateNvidiaSmi({ setting: '/set/nvidia-smi', env, isFile: () => true }).source, 'setting');
    assert.deepEqual(locateNvidiaSmi({ setting: '  ', env, isFile: () => true }).path, '/env/nvidia-smi');
    assert.deepEqual(locateNvidiaSmi({ env: { PATH: '/a:/usr/bin' }, platform: 'linux', isFile: (p) => p === '/usr/bin/nvidia-smi' }).path, '/usr/bin/nvidia-smi');
  });
  it('on WSL, /usr/lib/wsl/lib/nvidia-smi is looked for when PATH has none', () => {
    const loc = locateNvidiaSmi({ env: { PATH: '/usr/bin' }, platform: 'linux', wsl: true, isFile: (p) => p === '/usr/lib/wsl/lib/nvidia-smi' });
    assert.deepEqual([loc.path, loc.source], ['/usr/lib/wsl/lib/nvidia-smi', 'wsl']);
    assert.equal(locateNvidiaSmi({ env: { PATH: '/usr/bin' }, platform: 'linux', wsl: false, isFile: (p) => p.includes('wsl') }).path, null);
    assert.ok(locateNvidiaSmi({ env: { PATH: '' }, platform: 'linux', wsl: true, isFile: none }).tried.includes('/usr/lib/wsl/lib/nvidia-smi'));
  });
});
