import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseQueryCsv } from '../../src/core/env/nvidiaSmi';
import { diagnosePython, diagnosePythonSetup } from '../../src/core/python/diagnose';
import { discoverPythons } from '../../src/core/python/discover';
import { probePython } from '../../src/core/python/probe';
import { chooseCudaBuild, expectedCompanions, installCommand } from '../../src/core/python/torchBuilds';
import { makeFakePython, NEW_ARCHS, OLD_ARCHS } from '../fixtures/python/fakePython';

const rtx5080 = parseQueryCsv('0, NVIDIA GeForce RTX 5080, 570.153.02, 16303, 1245, 7, 41, 12.0', '12.8');
const probe = (python: string) => probePython({ path: python, source: 'test' }, { torchTimeoutMs: 5000 });
const ids = (ds: Array<{ id: string }>) => ds.map((d) => d.id.split(':').pop());

describe('Python and PyTorch health (fake interpreters: real python3, stub torch)', () => {
  it('reads versions from metadata, then torch\'s CUDA view; a venv is a venv', async () => {
    const py = makeFakePython({ venv: true, packages: { torchvision: '0.22.1+cu128', torchaudio: '2.7.1+cu128', 'nvidia-cudnn-cu12': '9.5.1' }, torch: { version: '2.7.1+cu128', cuda: '12.8', available: true, archList: NEW_ARCHS, device: 'NVIDIA GeForce RTX 5080', capability: [12, 0], cudnn: 90501 } });
    const p = await probe(py);
    assert.match(p.version ?? '', /^3\.\d+\.\d+$/);
    assert.equal(p.venv, true);
    assert.deepEqual(p.packages, { pip: '25.0', setuptools: '80.0', wheel: '0.45.1', torch: '2.7.1+cu128', torchvision: '0.22.1+cu128', torchaudio: '2.7.1+cu128' });
    assert.deepEqual(p.torch, { cuda: '12.8', cudaAvailable: true, archList: NEW_ARCHS, deviceName: 'NVIDIA GeForce RTX 5080', capability: '12.0', cudnn: 90501 });
    assert.deepEqual(p.nvidia, ['nvidia-cudnn-cu12']);
    assert.deepEqual(diagnosePython(p, rtx5080), [], 'a healthy RTX 5080 setup has no findings');
  });

  it('RTX 5080 (sm_120) with a cu124 build: the arch is missing, the fix is the notes\' nightly cu128 command', async () => {
    const py = makeFakePython({ venv: true, packages: { torchvision: '0.20.1+cu124', torchaudio: '2.5.1+cu124' }, torch: { version: '2.5.1+cu124', cuda: '12.4', available: true, archList: OLD_ARCHS, device: 'NVIDIA GeForce RTX 5080', capability: [12, 0] } });
    const d = diagnosePython(await probe(py), rtx5080);
    assert.deepEqual(ids(d), ['arch-missing']);
    assert.equal(d[0]!.severity, 'error');
    assert.match(d[0]!.message, /sm_120 \(Blackwell\), but torch 2\.5\.1\+cu124 was built for sm_50, .*sm_90/);
    assert.equal(d[0]!.fix, `${py} -m pip install --upgrade --pre torch torchvision torchaudio --index-url https://download.pytorch.org/whl/nightly/cu128`);
  });

  it('CPU-only torch on a GPU machine; torch built for a newer CUDA than the driver', async () => {
    const cpu = await probe(makeFakePython({ venv: true, packages: { torchvision: '0.20.1+cpu', torchaudio: '2.5.1+cpu' }, torch: { version: '2.5.1+cpu', cuda: null, available: false, archList: [] } }));
    const dc = diagnosePython(cpu, rtx5080);
    assert.deepEqual(ids(dc), ['cpu-only']);
    assert.match(dc[0]!.fix!, /--index-url https:\/\/download\.pytorch\.org\/whl\/cu128$/);
    const newer = await probe(makeFakePython({ venv: true, packages: { torchvision: '0.23.0+cu130', torchaudio: '2.8.0+cu130' }, torch: { version: '2.8.0+cu130', cuda: '13.0', available: false, archList: NEW_ARCHS } }));
    const dn = diagnosePython(newer, rtx5080);
    assert.deepEqual(ids(dn), ['torch-cuda-newer']);
    assert.match(dn[0]!.message, /CUDA 13\.0, newer than the CUDA 12\.8 the driver supports/);
    assert.match(dn[0]!.fix!, /whl\/cu128$/);
  });

  it('torchvision/torchaudio that do not match torch (version or CUDA build)', async () => {
    const p = await probe(makeFakePython({ venv: true, packages: { torchvision: '0.19.0+cu124', torchaudio: '2.5.1+cpu' }, torch: { version: '2.5.1+cu124', cuda: '12.4', available: true, archList: [...OLD_ARCHS, 'sm_120'], device: 'x', capability: [12, 0] } }));
    const d = diagnosePython(p, rtx5080);
    assert.deepEqual(ids(d), ['torchvision-mismatch', 'torchaudio-mismatch']);
    assert.match(d[0]!.message, /torchvision 0\.19\.0\+cu124 does not match torch 2\.5\.1\+cu124 \(expected 0\.20\.x\+cu124\)/);
    assert.deepEqual(expectedCompanions('2.11.0'), { torchvision: '0.26', torchaudio: '2.11' });
  });

  it('outdated packaging tools; cuda unavailable with a GPU present; no venv in the workspace', async () => {
    const p = await probe(makeFakePython({ packages: { pip: '21.0', wheel: '' }, torch: { version: '2.7.1+cu128', cuda: '12.8', available: false, archList: [] } }));
    assert.equal(p.venv, false);
    const d = diagnosePython(p, rtx5080);
    assert.deepEqual(ids(d), ['tools', 'cuda-unavailable']);
    assert.match(d[0]!.message, /pip 21\.0, wheel missing/);
    assert.match(d[0]!.fix!, / -m pip install --upgrade pip setuptools wheel$/);
    assert.deepEqual(diagnosePythonSetup([p], ['/ws']).map((x) => x.fix), ['python3 -m venv .venv']);
    assert.deepEqual(diagnosePythonSetup([p], []), [], 'no workspace, no advice');
  });

  it('an import of torch that hangs is stopped; a path that is not Python is said plainly', async () => {
    const started = Date.now();
    const p = await probePython({ path: makeFakePython({ venv: true, torch: { version: '2.7.1+cu128', cuda: '12.8', available: true, archList: NEW_ARCHS, importSleep: 60 } }), source: 'test' }, { torchTimeoutMs: 1500 });
    assert.ok(Date.now() - started < 10_000);
    assert.equal(p.packages.torch, '2.7.1+cu128', 'the metadata step still reports');
    assert.match(p.errors[0] ?? '', /did not answer within 2 s \(importing torch\)/);
    const missing = await probe('/nonexistent/bin/python');
    assert.match(missing.errors[0]!, /does not exist/);
    const notPython = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ailab-np-')), 'python');
    fs.writeFileSync(notPython, '#!/bin/sh\necho hello\n');
    fs.chmodSync(notPython, 0o755);
    assert.match((await probe(notPython)).errors[0]!, /is not a working Python 3 interpreter/);
    assert.equal(diagnosePython(missing, rtx5080)[0]!.severity, 'error');
  });

  it('finds workspace venvs, VIRTUAL_ENV and configured paths, each once', () => {
    const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'ailab-ws-'));
    const venvPy = makeFakePython({ venv: true }, path.join(ws, '.venv'));
    const other = makeFakePython({ venv: true });
    const selected = makeFakePython({ venv: true });
    const found = discoverPythons({ workspaceFolders: [ws], configured: [path.dirname(path.dirname(other))], selected, env: { VIRTUAL_ENV: path.join(ws, '.venv'), PATH: '' }, platform: 'linux' });
    assert.deepEqual(found.map((f) => [f.path, f.source]), [
      [other, 'aiLab.pythonPaths'],
      [selected, 'Python extension'],
      [venvPy, 'workspace .venv'],
    ]);
  });

  it('picks the CUDA build from the driver and the GPU', () => {
    assert.equal(chooseCudaBuild('12.8', 'sm_120'), '12.8');
    assert.equal(chooseCudaBuild('12.6', 'sm_120'), null, 'Blackwell needs a 12.8 driver');
    assert.equal(chooseCudaBuild('12.6', 'sm_89'), '12.6');
    assert.equal(chooseCudaBuild('13.0', 'sm_90'), '13.0');
    assert.equal(installCommand('/my env/bin/python', '12.4'), '"/my env/bin/python" -m pip install --upgrade torch torchvision torchaudio --index-url https://download.pytorch.org/whl/cu124');
  });
});

describe('GPU smoke test script (media/gpu_smoke_test.py) on fake interpreters', () => {
  const script = path.join(__dirname, '..', '..', '..', 'media', 'gpu_smoke_test.py');
  const run = async (python: string) => {
    const { runProcess } = await import('../../src/core/process');
    const { parseSmokeResult, smokeVerdict } = await import('../../src/core/python/smokeTest');
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ailab-smoke-')), 'result.json');
    const r = await runProcess(python, [script, out], { timeoutMs: 20_000 });
    return { r, verdict: smokeVerdict(parseSmokeResult(fs.readFileSync(out, 'utf8'))) };
  };

  it('passes with a working CUDA torch and prints the notes\' lines', async () => {
    const { r, verdict } = await run(makeFakePython({ venv: true, torch: { version: '2.7.1+cu128', cuda: '12.8', available: true, archList: NEW_ARCHS, device: 'NVIDIA GeForce RTX 5080', capability: [12, 0] } }));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /torch: 2\.7\.1\+cu128\ncuda available: True\narch list: \[.*'sm_120'\]\ndevice name: NVIDIA GeForce RTX 5080\nsuccessful multiply \(256, 256\)/);
    assert.equal(verdict.summary, 'passed: 256×256 matmul on NVIDIA GeForce RTX 5080 (torch 2.7.1+cu128, CUDA 12.8)');
  });

  it('fails with the reason: CPU-only torch, or no torch at all', async () => {
    const cpu = await run(makeFakePython({ venv: true, torch: { version: '2.5.1+cpu', cuda: null, available: false, archList: [] } }));
    assert.equal(cpu.r.code, 1);
    assert.equal(cpu.verdict.summary, 'failed: torch 2.5.1+cpu sees no CUDA device (a CPU-only build)');
    const none = await run(makeFakePython({ venv: true }));
    assert.match(none.verdict.summary, /^failed: torch does not import \(ModuleNotFoundError/);
  });
});

describe('walkthrough steps from what the probe sees', () => {
  it('venv, tools, torch, smoke, companions: each done only when its effect is there', async () => {
    const { setupState, torchInstallFor } = await import('../../src/core/python/setupSteps');
    const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'ailab-ws-'));
    const none = setupState([], [], () => false);
    assert.deepEqual(none, { python: undefined, venv: false, tools: false, torch: false, smoke: false, companions: false });
    const fresh = await probePython({ path: makeFakePython({ venv: true, packages: { pip: '22.0' } }, path.join(ws, '.venv')), source: 'workspace .venv' });
    const s1 = setupState([fresh], diagnosePython(fresh, rtx5080), () => false);
    assert.deepEqual([s1.venv, s1.tools, s1.torch, s1.companions], [true, false, false, false]);
    const done = await probePython({
      path: makeFakePython({ venv: true, packages: { torchvision: '0.22.1+cu128', torchaudio: '2.7.1+cu128' }, torch: { version: '2.7.1+cu128', cuda: '12.8', available: true, archList: NEW_ARCHS, device: 'x', capability: [12, 0] } }, path.join(ws, 'venv')),
      source: 'workspace venv',
    });
    const s2 = setupState([done], diagnosePython(done, rtx5080), (p) => p === done.path);
    assert.deepEqual(s2, { python: done.path, venv: true, tools: true, torch: true, smoke: true, companions: true });
    assert.equal(torchInstallFor('/w/.venv/bin/python', rtx5080), '/w/.venv/bin/python -m pip install --upgrade --pre torch torchvision torchaudio --index-url https://download.pytorch.org/whl/nightly/cu128');
    assert.equal(torchInstallFor('/w/.venv/bin/python', []), '/w/.venv/bin/python -m pip install --upgrade torch torchvision torchaudio --index-url https://download.pytorch.org/whl/cpu');
  });
});
