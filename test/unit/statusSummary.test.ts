import * as assert from 'node:assert/strict';
import { parseQueryCsv } from '../../src/core/env/nvidiaSmi';
import { summarizeForStatusBar } from '../../src/core/env/statusSummary';
import type { GpuProbe } from '../../src/core/env/types';

const probe = (csv: string, failure: GpuProbe['failure'] = null): GpuProbe => ({
  gpus: parseQueryCsv(csv),
  smiPath: '/x',
  smiSource: 'path',
  computeCapSupported: true,
  failure,
  durationMs: 1,
});

describe('status bar summary', () => {
  it('one GPU: short name, utilization, memory used/total GiB', () => {
    const s = summarizeForStatusBar(probe('0, NVIDIA GeForce RTX 5080, 570.1, 16303, 1245, 7, 41, 12.0'));
    assert.equal(s.state, 'gpu');
    assert.equal(s.text, 'RTX 5080 7% 1.2/15.9 GiB');
    assert.equal(s.memoryWarning, false);
    assert.ok(s.tooltip.some((l) => l.includes('sm_120')));
  });

  it('several GPUs: count, mean utilization, summed memory; warning above 90 %', () => {
    const s = summarizeForStatusBar(probe('0, NVIDIA GeForce RTX 4090, 1, 24564, 23412, 98, 72, 8.9\n1, NVIDIA GeForce RTX 3090, 1, 24576, 1024, 12, 45, 8.6'));
    assert.equal(s.text, '2 GPUs 55% 23.9/48.0 GiB');
    assert.equal(s.memoryWarning, true);
    assert.equal(s.tooltip.length, 4);
  });

  it('no GPU is CPU; a hung nvidia-smi is unknown', () => {
    assert.equal(summarizeForStatusBar(probe('', { kind: 'missing', message: 'm' })).state, 'cpu');
    const u = summarizeForStatusBar(probe('', { kind: 'timeout', message: 'nvidia-smi did not answer within 5 s' }));
    assert.deepEqual([u.state, u.text], ['unknown', 'GPU ?']);
  });

  it('N/A utilization shows a dash, not NaN', () => {
    assert.equal(summarizeForStatusBar(probe('0, NVIDIA GeForce RTX 3060 Laptop GPU, 1, 6144, 512, [N/A], [N/A], 8.6')).text, 'RTX 3060 Laptop GPU – 0.5/6.0 GiB');
  });
});

describe('byte sizes', () => {
  it('are shown with decimal units', async () => {
    const { formatBytes } = await import('../../src/core/bytes');
    assert.deepEqual([0, 999, 1536, 3_400_000, 2.5e9].map(formatBytes), ['0 B', '999 B', '1.5 KB', '3.4 MB', '2.5 GB']);
  });
});
