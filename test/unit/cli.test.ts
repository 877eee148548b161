import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
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
