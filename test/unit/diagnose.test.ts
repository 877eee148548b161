import * as assert from 'node:assert/strict';
import { cudaProviderDiagnosis, diagnose, type DiagnoseInput } from '../../src/core/env/diagnose';
import { parseQueryCsv } from '../../src/core/env/nvidiaSmi';

const rtx5080 = parseQueryCsv('0, NVIDIA GeForce RTX 5080, 570.153.02, 16303, 1245, 7, 41, 12.0', '12.8');
const base: DiagnoseInput = {
  gpus: rtx5080,
  failure: null,
  smiSource: 'path',
  computeCapSupported: true,
  cudaToolkit: { version: '12.8', path: '/usr/local/cuda/bin/nvcc' },
  toolkitError: null,
  wsl: false,
  onnxRuntime: { version: '1.30.0', path: '/x/onnxruntime-node', providers: [{ name: 'cpu', loadable: true, reason: null }] },
  platform: 'linux',
};
const ids = (i: Partial<DiagnoseInput>) => diagnose({ ...base, ...i }).map((d) => d.id);

describe('diagnoses', () => {
  it('a healthy machine has none', () => {
    assert.deepEqual(ids({}), []);
  });

  it('toolkit newer than the driver\'s CUDA: a warning with the fix', () => {
    const [d] = diagnose({ ...base, cudaToolkit: { version: '13.0', path: '/usr/local/cuda/bin/nvcc' } });
    assert.equal(d?.id, 'toolkit-newer-than-driver');
    assert.equal(d?.severity, 'warning');
    assert.match(d?.message ?? '', /13\.0 is newer than the CUDA 12\.8/);
    assert.ok(d?.fix);
  });

  it('CUDA provider library missing with a GPU present: the exact install command', () => {
    const ort = {
      version: '1.30.0',
      path: '/ext/node_modules/onnxruntime-node',
      providers: [
        { name: 'cpu', loadable: true, reason: null },
        { name: 'cuda', loadable: false, reason: 'Failed to load library libonnxruntime_providers_shared.so: cannot open shared object file' },
      ],
    };
    const d = diagnose({ ...base, onnxRuntime: ort }).find((x) => x.id === 'ort-cuda-not-loadable');
    assert.equal(d?.fix, 'node "/ext/dist/cli.js" enable-cuda');
    assert.match(d?.message ?? '', /not installed.*Enable CUDA Acceleration/);
    // Without a GPU the missing CUDA provider is not a finding.
    assert.ok(!ids({ gpus: [], failure: { kind: 'missing', message: 'x' }, onnxRuntime: ort }).includes('ort-cuda-not-loadable'));
  });

  it('CUDA provider installed but CUDA/cuDNN libraries missing: the pip command for them; anything else: the requirements', () => {
    const libs = cudaProviderDiagnosis('Failed to load library libonnxruntime_providers_cuda.so with error: libcudnn.so.9: cannot open shared object file: No such file or directory', '/ext/node_modules/onnxruntime-node');
    assert.match(libs.message, /needs libcudnn\.so\.9 \(CUDA 12 \/ cuDNN 9\)/);
    assert.match(libs.fix ?? '', /^python -m pip install nvidia-cuda-runtime-cu12 .*nvidia-cudnn-cu12/);
    const other = cudaProviderDiagnosis('CUDA failure 100: no CUDA-capable device is detected', null);
    assert.match(other.fix ?? '', /^https:\/\/onnxruntime\.ai\/docs\/execution-providers\/CUDA-ExecutionProvider/);
  });

  it('driver not answering is an error; on WSL the fix is wsl --shutdown', () => {
    const d = diagnose({ ...base, gpus: [], wsl: true, failure: { kind: 'driver', message: "couldn't communicate" } })[0];
    assert.deepEqual([d?.id, d?.severity, d?.fix], ['driver-not-answering', 'error', 'wsl --shutdown']);
  });

  it('a hung nvidia-smi, a wrong configured path, an old driver, high memory, an unknown arch', () => {
    assert.deepEqual(ids({ gpus: [], failure: { kind: 'timeout', message: 't' } }), ['smi-timeout']);
    assert.deepEqual(ids({ gpus: [], smiSource: 'setting', failure: { kind: 'missing', message: 'm' } }), ['smi-path-wrong']);
    assert.deepEqual(ids({ computeCapSupported: false, gpus: parseQueryCsv('0, Tesla T4, 470.1, 15109, 0, 0, 38', '11.4'), cudaToolkit: null }), [
      'driver-too-old-compute-cap',
      'no-toolkit',
    ]);
    assert.deepEqual(ids({ gpus: parseQueryCsv('0, X, 1, 1000, 950, 0, 0, 8.9', '12.8') }), ['memory-high-0']);
    assert.deepEqual(ids({ gpus: parseQueryCsv('0, X, 1, 1000, 0, 0, 0, 13.0', '12.8') }), ['unknown-arch-0']);
  });

  it('onnxruntime-node missing is an error with the install command', () => {
    const d = diagnose({ ...base, onnxRuntime: { version: null, path: null, providers: [{ name: 'cpu', loadable: false, reason: "Cannot find module 'onnxruntime-node'" }] } });
    assert.deepEqual([d[0]?.id, d[0]?.severity, d[0]?.fix], ['ort-missing', 'error', 'npm install onnxruntime-node']);
  });

  it('errors come before warnings before info', () => {
    const d = diagnose({ ...base, gpus: [], failure: { kind: 'driver', message: 'x' }, toolkitError: 'nvcc broke' });
    assert.deepEqual(d.map((x) => x.severity), ['error', 'warning']);
  });
});
