/** `ai-lab env` on nvidia-smi as it really varies (cases 01 and 02, a hung nvidia-smi with a child). */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DIST, fakeSmi, FIXTURES } from '../fixtures/paths';
import { alive, readPids } from '../fixtures/processes';
import { commandLinePath } from '../../src/cli/envCommand';

const caseSmi = (name: string) => path.join(FIXTURES, 'cases', name, 'nvidia-smi');
const cli = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  spawnSync(process.execPath, [path.join(DIST, 'cli.js'), ...args], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, ...env } });

interface Report {
  gpus: { index: number; cudaDriverVersion: string | null }[];
  lostGpus: { index: number | null; busId: string | null }[];
  nvidiaSmi: { failure: { kind: string } | null };
  diagnoses: { id: string; message: string; fix: string | null; detail?: string }[];
  errors: string[];
}

describe('CLI: ai-lab env on real-world nvidia-smi output', function () {
  this.timeout(120_000);
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ailab-cli-smi-'))));
  afterEach(() => {
    for (const pid of readPids(path.join(dir, 'pids'))) if (alive(pid)) process.kill(pid, 'SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('case 01-smi-umd: gpus[0].cudaDriverVersion is "13.3" and a CUDA 13.4 toolkit is diagnosed as newer than the driver', () => {
    // A CUDA 13.4 nvcc first on PATH.
    fs.writeFileSync(path.join(dir, 'nvcc'), '#!/bin/sh\necho "Cuda compilation tools, release 13.4, V13.4.55"\n', { mode: 0o755 });
    const r = cli(['env', '--json', '--nvidia-smi', caseSmi('01-smi-umd')], { PATH: `${dir}${path.delimiter}${process.env.PATH ?? ''}` });
    assert.equal(r.status, 0, r.stderr);
    const j = JSON.parse(r.stdout) as Report;
    assert.equal(j.gpus[0]?.cudaDriverVersion, '13.3');
    const d = j.diagnoses.find((x) => x.id === 'toolkit-newer-than-driver');
    assert.match(d?.message ?? '', /CUDA toolkit 13\.4 is newer than the CUDA 13\.3 the driver supports/);
    assert.deepEqual(j.lostGpus, []);
  });

  for (const rc of ['15', '0']) {
    it(`case 02-smi-gpu-lost, FAKE_RC=${rc}: GPUs 0, 2, 3 and a diagnosis naming GPU 1 (bus 0000:0B:00.0)`, () => {
      const r = cli(['env', '--json', '--nvidia-smi', caseSmi('02-smi-gpu-lost')], { FAKE_RC: rc });
      assert.equal(r.status, 0, r.stderr);
      const j = JSON.parse(r.stdout) as Report;
      assert.deepEqual(j.gpus.map((g) => g.index), [0, 2, 3]);
      assert.equal(j.nvidiaSmi.failure, null);
      assert.deepEqual(j.lostGpus.map((g) => [g.index, g.busId]), [[1, '0000:0B:00.0']]);
      const lost = j.diagnoses.find((d) => d.id === 'gpu-lost-1');
      assert.match(lost?.message ?? '', /GPU 1 \(bus 0000:0B:00\.0\) does not answer.*[Rr]eseat.*power.*Xid 79.*dmesg/);
      assert.ok(!j.diagnoses.some((d) => d.id === 'driver-not-answering' || /kernel module/i.test(d.message)), JSON.stringify(j.diagnoses));
      assert.ok(j.errors.some((e) => /device handle for GPU1/.test(e)));
    });
  }

  it('case 02 in the Markdown report: the three GPUs and the lost one', () => {
    const r = cli(['env', '--nvidia-smi', caseSmi('02-smi-gpu-lost')]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.match(/\| NVIDIA GeForce RTX 2080 Ti \|/g)?.length, 3);
    assert.match(r.stdout, /GPU 1 \(bus 0000:0B:00\.0\) does not answer/);
  });

  it('a hung nvidia-smi whose child holds stdout: exit 0 with a timeout, nothing left running', () => {
    const pids = path.join(dir, 'pids');
    const started = Date.now();
    const r = cli(['env', '--json', '--nvidia-smi', fakeSmi('hang-child'), '--timeout', '1'], { FAKE_SMI_PIDS: pids });
    const took = Date.now() - started;
    assert.equal(r.status, 0, r.stderr);
    assert.equal((JSON.parse(r.stdout) as Report).nvidiaSmi.failure?.kind, 'timeout');
    assert.ok(readPids(pids).length >= 2);
    assert.deepEqual(readPids(pids).filter(alive), [], 'processes left behind');
    // The ONNX Runtime probe runs meanwhile; the point is that the CLI is not held for the child's 600 s.
    assert.ok(took < 30_000, `took ${took} ms`);
  });

  it('a child that left the process group (setsid) does not keep the CLI from exiting', function () {
    const setsid = ['/usr/bin/setsid', '/bin/setsid'].find((p) => fs.existsSync(p));
    if (!setsid) this.skip();
    const smi = path.join(dir, 'nvidia-smi');
    fs.writeFileSync(smi, `#!/bin/sh\n${setsid} sleep 600 &\necho $! >> "$FAKE_SMI_PIDS"\nexec sleep 600\n`, { mode: 0o755 });
    const r = cli(['env', '--json', '--nvidia-smi', smi, '--timeout', '1'], { FAKE_SMI_PIDS: path.join(dir, 'pids') });
    assert.equal(r.status, 0, `${r.error?.message ?? ''} ${r.stderr}`);
    assert.equal((JSON.parse(r.stdout) as Report).nvidiaSmi.failure?.kind, 'timeout');
  });

  it('relative --nvidia-smi and --python paths are taken from the current folder (the probes run elsewhere)', () => {
    fs.mkdirSync(path.join(dir, 'venv', 'bin'), { recursive: true });
    fs.symlinkSync(process.execPath, path.join(dir, 'venv', 'bin', 'python'));
    const smi = path.relative(dir, caseSmi('01-smi-umd'));
    const r = spawnSync(process.execPath, [path.join(DIST, 'cli.js'), 'env', '--json', '--nvidia-smi', smi, '--python', './venv/bin/python', '--python', 'venv'], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, r.stderr);
    const j = JSON.parse(r.stdout) as Report & { python: { path: string; errors: string[] }[] };
    assert.equal(j.nvidiaSmi.failure, null);
    assert.equal(j.gpus[0]?.cudaDriverVersion, '13.3');
    // Both name the same interpreter, found (node is not Python, so its probe says so, but never "does not exist").
    for (const p of j.python) assert.ok(!p.errors.some((e) => /does not exist/.test(e)), JSON.stringify(p));
    assert.equal(commandLinePath('python3', dir), 'python3', 'a bare name stays a command on PATH');
    assert.equal(commandLinePath('venv', dir), path.join(dir, 'venv'), 'a folder here is a path');
    assert.equal(commandLinePath('../x/nvidia-smi', dir), path.resolve(dir, '../x/nvidia-smi'));
  });
});
