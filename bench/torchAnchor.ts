/**
 * The bench's PyTorch anchor (bench/torchAnchor.py) from Node: makes sure Debian's python3-torch,
 * python3-onnx and OpenBLAS are there (installs them with apt-get when root, else says why it skips),
 * then runs the script on the same token ids under each OpenBLAS kernel choice asked for.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const PYTHON = '/usr/bin/python3';

export interface TorchRun {
  label: string;
  coretype: string;
  torch: string;
  threads: number;
  blas: string;
  kernel: string | null;
  config: string | null;
  b1Ms: number;
  batchedMs: number;
  b1Logits: number[][];
  batchedLogits: number[][];
}

/** Undefined when torch can run here; else why it cannot (printed by the bench, which goes on). */
export function ensureTorch(): string | undefined {
  const ok = () => spawnSync(PYTHON, ['-c', 'import torch, onnx'], { stdio: 'ignore' }).status === 0;
  if (!fs.existsSync(PYTHON)) return `${PYTHON} is missing`;
  const blasOk = () => fs.existsSync('/usr/lib/x86_64-linux-gnu/openblas-pthread') || fs.existsSync('/usr/lib/x86_64-linux-gnu/openblas-openmp');
  if (ok() && blasOk()) return undefined;
  if (process.getuid?.() !== 0) return 'python3-torch, python3-onnx or OpenBLAS is missing and this is not root (apt-get install -y python3-torch python3-onnx libopenblas0-pthread)';
  if (spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status !== 0) return 'python3-torch is missing and there is no apt-get';
  console.log('installing python3-torch python3-onnx libopenblas0-pthread with apt-get (once)…');
  const r = spawnSync('apt-get', ['install', '-y', 'python3-torch', 'python3-onnx', 'libopenblas0-pthread'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (r.status !== 0) return `apt-get install failed (exit ${r.status})`;
  return ok() ? undefined : 'torch still does not import after apt-get install';
}

/** Runs the anchor with OPENBLAS_CORETYPE unset ("automatic") or set; null coretype = unset. */
export function runTorch(modelPath: string, ids: number[][], batch: number, threads: number, coretype: string | null): TorchRun {
  const idsPath = path.join(os.tmpdir(), `ai-lab-bench-ids-${process.pid}.json`);
  fs.writeFileSync(idsPath, JSON.stringify({ ids }));
  const env = { ...process.env };
  delete env.OPENBLAS_CORETYPE;
  if (coretype) env.OPENBLAS_CORETYPE = coretype;
  try {
    const out = execFileSync(PYTHON, [path.join(__dirname, '..', '..', 'bench', 'torchAnchor.py'), modelPath, idsPath, String(batch), String(threads)], { env, maxBuffer: 1 << 30, encoding: 'utf8' });
    const r = JSON.parse(out) as Omit<TorchRun, 'label' | 'coretype'>;
    return { ...r, coretype: coretype ?? 'automatic', label: `PyTorch ${r.torch} eager fp32, ${r.blas} ${r.kernel ?? ''}`.trim() };
  } finally {
    fs.rmSync(idsPath, { force: true });
  }
}

/** Largest absolute difference between two logit lists. */
export function maxAbsDiff(a: number[][], b: number[][]): number {
  let m = 0;
  a.forEach((row, i) => row.forEach((x, j) => (m = Math.max(m, Math.abs(x - b[i]![j]!)))));
  return m;
}
