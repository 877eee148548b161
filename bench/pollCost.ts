/**
 * npm run bench: what one status-bar poll costs the extension host, as a ratio against the floor
 * measured in the same run (spawning /bin/true through the same runner). CPU is the extension
 * host's own user+system time; the child's time is its own process's, not the editor's.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { probeGpus, parseQueryCsv } from '../src/core/env/nvidiaSmi';
import { runProcess } from '../src/core/process';
import { REPO_ROOT, fakeSmi } from '../test/fixtures/paths';

interface Figure {
  name: string;
  n: number;
  cpuMsPerOp: number;
  wallMsPerOp: number;
}

async function measure(name: string, n: number, op: () => Promise<unknown> | unknown): Promise<Figure> {
  for (let i = 0; i < Math.min(5, n); i++) await op(); // warm-up
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await op();
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { name, n, cpuMsPerOp: (cpu.user + cpu.system) / 1000 / n, wallMsPerOp: wall / n };
}

async function main(): Promise<void> {
  const N = Number(process.env.BENCH_N ?? 200);
  const loc = { path: fakeSmi('rtx5080'), source: 'setting' as const, tried: [] };
  const eightGpus = Array.from({ length: 8 }, (_, i) => `${i}, NVIDIA H100 80GB HBM3, 580.159.04, 81559, ${i * 1000}, ${i * 10}, 40, 9.0`).join('\n');
  const floor = await measure('spawn /bin/true (floor)', N, () => runProcess('/bin/true', [], { timeoutMs: 5000 }));
  const poll = await measure('one GPU poll (fake nvidia-smi)', N, () => probeGpus(loc, { timeoutMs: 5000 }));
  const parse = await measure('parse 8-GPU CSV', N * 50, () => parseQueryCsv(eightGpus));
  const rows = [floor, poll, parse];
  console.log('| measure | n | ext-host CPU ms/op | wall ms/op |');
  console.log('|---|---:|---:|---:|');
  for (const r of rows) console.log(`| ${r.name} | ${r.n} | ${r.cpuMsPerOp.toFixed(3)} | ${r.wallMsPerOp.toFixed(3)} |`);
  const ratio = poll.cpuMsPerOp / floor.cpuMsPerOp;
  const perMinute = (60 / 2) * poll.cpuMsPerOp;
  console.log(`\npoll / floor CPU ratio: ${ratio.toFixed(2)}×; at the default 2 s interval: ${perMinute.toFixed(1)} ms of extension-host CPU per minute (${(perMinute / 600).toFixed(3)} % of one core)`);
  const out = path.join(REPO_ROOT, 'bench', 'results.json');
  const previous = fs.existsSync(out) ? (JSON.parse(fs.readFileSync(out, 'utf8')) as Record<string, unknown>) : {};
  fs.writeFileSync(out, JSON.stringify({ ...previous, gpuPoll: { measuredAt: new Date().toISOString(), node: process.version, rows, pollOverFloorCpu: ratio, cpuMsPerMinuteAt2s: perMinute } }, null, 2));
  console.log(`written to ${path.relative(REPO_ROOT, out)}`);
}

void main();
