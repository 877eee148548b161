import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { GpuPoller } from '../../src/core/env/gpuPoller';
import { probeGpus, resetNvidiaSmiMemo } from '../../src/core/env/nvidiaSmi';
import type { GpuProbe } from '../../src/core/env/types';
import { fakeSmi } from '../fixtures/paths';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const empty: GpuProbe = { gpus: [], smiPath: null, smiSource: null, computeCapSupported: true, failure: null, durationMs: 0 };

describe('GPU poller', () => {
  it('never runs two samples at once, even when a sample outlasts the interval', async () => {
    let running = 0;
    let maxRunning = 0;
    let samples = 0;
    const poller = new GpuPoller(
      async () => {
        running++;
        samples++;
        maxRunning = Math.max(maxRunning, running);
        await sleep(60);
        running--;
        return empty;
      },
      () => undefined,
      10,
    );
    poller.start();
    // Callers asking meanwhile join the sample in flight.
    await Promise.all([poller.pollNow(), poller.pollNow(), poller.pollNow()]);
    await sleep(300);
    poller.dispose();
    assert.equal(maxRunning, 1);
    assert.ok(samples >= 2 && samples <= 8, `samples=${samples}`);
  });

  it('does not poll while unfocused, and polls at once when focus returns', async () => {
    let samples = 0;
    const poller = new GpuPoller(async () => (samples++, empty), () => undefined, 20);
    poller.start();
    await sleep(10);
    poller.setFocused(false);
    const before = samples;
    await sleep(150);
    assert.equal(samples, before, 'polled while unfocused');
    poller.setFocused(true);
    await sleep(5);
    assert.equal(samples, before + 1);
    poller.dispose();
  });

  it('interval 0 means one sample on demand and no schedule', async () => {
    let samples = 0;
    const poller = new GpuPoller(async () => (samples++, empty), () => undefined, 0);
    poller.start();
    await sleep(100);
    assert.equal(samples, 1);
    poller.setIntervalMs(20);
    await sleep(100);
    assert.ok(samples >= 2, `samples=${samples}`);
    poller.setIntervalMs(0);
    const n = samples;
    await sleep(80);
    assert.ok(samples <= n + 1);
    poller.dispose();
  });

  it('with a real slow nvidia-smi, process lifetimes never overlap', async function () {
    resetNvidiaSmiMemo();
    const log = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ailab-poll-')), 'calls.log');
    process.env.FAKE_SMI_LOG = log;
    try {
      const loc = { path: fakeSmi('slow'), source: 'setting' as const, tried: [] };
      const poller = new GpuPoller(() => probeGpus(loc, { timeoutMs: 5000 }), () => undefined, 50);
      poller.start();
      await sleep(1500);
      poller.dispose();
      await sleep(400);
    } finally {
      delete process.env.FAKE_SMI_LOG;
    }
    const events = fs.readFileSync(log, 'utf8').trim().split('\n').map((l) => l.split(' ')[0]);
    assert.ok(events.length >= 4, `only ${events.length} events`);
    let open = 0;
    for (const e of events) {
      open += e === 'start' ? 1 : -1;
      assert.ok(open <= 1, `two nvidia-smi at once: ${events.join(',')}`);
    }
  });
});
