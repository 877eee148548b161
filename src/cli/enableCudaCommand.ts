import * as path from 'node:path';
import { probeOnnxRuntime } from '../core/onnx/ortProbe';
import { DEFAULT_NUGET_FEED, installCudaProvider } from '../core/onnx/cudaProvider';
import { parseFlags, urlFlag, UsageError } from './args';

export const ENABLE_CUDA_USAGE = `  enable-cuda [--feed URL] [--json]
      Installs ONNX Runtime's CUDA provider for the installed onnxruntime-node (from NuGet, or a mirror
      given by --feed), then probes whether it loads. Offline, it names the host it could not reach.`;

export async function enableCudaCommand(argv: string[]): Promise<number> {
  const a = parseFlags('enable-cuda', argv, { values: ['--feed'], switches: ['--json'] });
  if (a.positional.length) throw new UsageError(`enable-cuda takes no arguments (got "${a.positional[0]}")`);
  const feed = urlFlag('--feed', a.flags.get('--feed'));
  const probeScript = path.join(__dirname, 'ortProbe.js');
  const before = await probeOnnxRuntime({ probeScript, only: ['cuda'] });
  if (!before.path) throw new Error(`onnxruntime-node is not installed: ${before.providers[0]?.reason ?? ''}`);
  const json = a.switches.has('--json');
  const r = await installCudaProvider({
    ortDir: before.path,
    feedIndex: feed ?? DEFAULT_NUGET_FEED,
    log: (m) => !json && process.stderr.write(`${m}\n`),
    onProgress: (p) => !json && process.stderr.isTTY && p.stage === 'download' && process.stderr.write(`\rdownloading ${Math.round((100 * (p.doneBytes ?? 0)) / Math.max(1, p.totalBytes ?? 1))}%  `),
  });
  const after = await probeOnnxRuntime({ probeScript, only: ['cuda'] });
  const cuda = after.providers.find((p) => p.name === 'cuda');
  const out = { installed: r.installed, packageUrl: r.packageUrl, verifiedHash: r.verifiedHash, cuda: { loadable: Boolean(cuda?.loadable), reason: cuda?.reason ?? null } };
  process.stdout.write(json ? JSON.stringify(out, null, 2) + '\n' : `installed ${r.installed.length} files from ${r.packageUrl}\nCUDA provider: ${cuda?.loadable ? 'loads' : `does not load: ${cuda?.reason}`}\n`);
  return 0;
}
