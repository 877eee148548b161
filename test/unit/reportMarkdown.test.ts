import * as assert from 'node:assert/strict';
import { collectEnvironment } from '../../src/core/env/collect';
import { reportToMarkdown } from '../../src/core/env/reportMarkdown';
import * as path from 'node:path';
import { FIXTURES, fakeSmi } from '../fixtures/paths';

describe('environment report', () => {
  it('collects GPUs, toolkit, WSL and diagnoses and renders Markdown for a bug report', async () => {
    const { report } = await collectEnvironment({
      nvidiaSmiPath: fakeSmi('two-gpus'),
      env: { PATH: '/nowhere', CUDA_HOME: path.join(FIXTURES, 'cuda') },
    });
    assert.equal(report.gpus.length, 2);
    assert.equal(report.cudaToolkit?.version, '12.9');
    // Toolkit 12.9 > driver 12.6, and GPU 0 is at 95 % memory.
    assert.deepEqual(report.diagnoses.map((d) => d.id).sort(), ['memory-high-0', 'toolkit-newer-than-driver']);
    const md = reportToMarkdown(report, { 'VS Code': '1.100.3' });
    assert.match(md, /\| 0 \| NVIDIA GeForce RTX 4090 \|/);
    assert.match(md, /sm_89 \| Ada Lovelace/);
    assert.match(md, /- VS Code: 1\.100\.3/);
    assert.match(md, /⚠️ \*\*warning\*\*: CUDA toolkit 12\.9 is newer than the CUDA 12\.6/);
  });
});
