import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { compareVersions, nvccCandidates, parseNvccVersion, probeCudaToolkit } from '../../src/core/env/cudaToolkit';
import { detectWsl } from '../../src/core/env/wsl';
import { FIXTURES } from '../fixtures/paths';

describe('CUDA toolkit', () => {
  it('finds nvcc through CUDA_HOME and reads its release', async () => {
    const cudaHome = path.join(FIXTURES, 'cuda');
    const r = await probeCudaToolkit({ env: { PATH: '/nowhere', CUDA_HOME: cudaHome } });
    assert.deepEqual(r, { toolkit: { version: '12.9', path: path.join(cudaHome, 'bin', 'nvcc') }, error: null });
  });

  it('looks on PATH first, then CUDA_HOME, CUDA_PATH, /usr/local/cuda/bin', () => {
    assert.deepEqual(nvccCandidates({ PATH: '/opt/x/bin', CUDA_HOME: '/h', CUDA_PATH: '/p' }, 'linux'), [
      '/opt/x/bin/nvcc',
      '/h/bin/nvcc',
      '/p/bin/nvcc',
      '/usr/local/cuda/bin/nvcc',
    ]);
  });

  it('no nvcc anywhere is null, not an error', async () => {
    assert.deepEqual(await probeCudaToolkit({ env: { PATH: '' }, isFile: () => false }), { toolkit: null, error: null });
  });

  it('parses nvcc output and compares versions numerically', () => {
    assert.equal(parseNvccVersion('Cuda compilation tools, release 12.8, V12.8.93'), '12.8');
    assert.equal(parseNvccVersion('garbage'), null);
    assert.ok(compareVersions('12.10', '12.8') > 0);
    assert.ok(compareVersions('12.8', '13.0') < 0);
    assert.equal(compareVersions('12.8', '12.8.0'), 0);
  });
});

describe('WSL detection', () => {
  it('reads the kernel release and WSL variables', () => {
    assert.equal(detectWsl({}, '5.15.167.4-microsoft-standard-WSL2'), true);
    assert.equal(detectWsl({}, '4.4.0-19041-Microsoft'), true);
    assert.equal(detectWsl({}, '6.8.0-45-generic'), false);
    assert.equal(detectWsl({ WSL_DISTRO_NAME: 'Ubuntu' }, '6.8.0'), true);
  });
});
