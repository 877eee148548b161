/**
 * Runs in a child process (dist/ortProbe.js): loads onnxruntime-node and tries one execution provider
 * for real. A native crash here kills only this process. Prints one JSON line on stdout.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildProbeModel } from './probeModel';

export interface ProbeChildResult {
  version: string | null;
  /** Folder of the onnxruntime-node package that was loaded. */
  packageDir: string | null;
  listed: string[];
  provider: string;
  loadable: boolean;
  reason: string | null;
}

function packageInfo(): { version: string | null; packageDir: string | null } {
  try {
    let dir = path.dirname(require.resolve('onnxruntime-node'));
    for (let i = 0; i < 4; i++, dir = path.dirname(dir)) {
      const pj = path.join(dir, 'package.json');
      if (fs.existsSync(pj)) {
        const json = JSON.parse(fs.readFileSync(pj, 'utf8')) as { name?: string; version?: string };
        if (json.name === 'onnxruntime-node') return { version: json.version ?? null, packageDir: dir };
      }
    }
  } catch {
    // Reported below as "not installed".
  }
  return { version: null, packageDir: null };
}

async function main(): Promise<void> {
  const provider = process.argv[2] ?? 'cpu';
  const result: ProbeChildResult = { ...packageInfo(), listed: [], provider, loadable: false, reason: null };
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const ort = require('onnxruntime-node') as typeof import('onnxruntime-node');
    result.listed = (ort.listSupportedBackends?.() ?? []).map((b) => b.name);
    const session = await ort.InferenceSession.create(buildProbeModel(), {
      executionProviders: [provider],
      logSeverityLevel: 3,
    });
    const x = new ort.Tensor('float32', Float32Array.from([1, 2, 3, 4]), [4]);
    const out = await session.run({ x });
    const y = Array.from(out.y!.data as Float32Array);
    if (y.join(',') !== '2,4,6,8') throw new Error(`probe model gave ${y.join(',')} instead of 2,4,6,8`);
    await session.release();
    result.loadable = true;
  } catch (err) {
    result.reason = err instanceof Error ? err.message : String(err);
  }
  process.stdout.write(JSON.stringify(result) + '\n');
}

void main();
