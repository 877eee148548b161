/** The GPU smoke test's result (media/gpu_smoke_test.py writes it) and its verdict in words. */
export interface SmokeResult {
  torch: string | null;
  cudaAvailable: boolean;
  cuda: string | null;
  archList: string[];
  deviceName: string | null;
  matmul: boolean;
  error: string | null;
}

export interface SmokeVerdict {
  passed: boolean;
  summary: string;
}

export function smokeVerdict(r: SmokeResult): SmokeVerdict {
  if (r.matmul) return { passed: true, summary: `passed: 256×256 matmul on ${r.deviceName ?? 'the GPU'} (torch ${r.torch}, CUDA ${r.cuda})` };
  if (r.error && !r.torch) return { passed: false, summary: `failed: torch does not import (${r.error})` };
  if (r.error) return { passed: false, summary: `failed: ${r.error}` };
  if (!r.cudaAvailable) return { passed: false, summary: `failed: torch ${r.torch} sees no CUDA device${r.cuda ? '' : ' (a CPU-only build)'}` };
  return { passed: false, summary: 'failed: the matmul did not give a 256×256 result' };
}

/** Parses the JSON the script writes; throws with the reason when it is not that. */
export function parseSmokeResult(json: string): SmokeResult {
  const o = JSON.parse(json) as Partial<SmokeResult>;
  if (typeof o !== 'object' || o === null || !('matmul' in o)) throw new Error('not a smoke test result');
  return {
    torch: o.torch ?? null,
    cudaAvailable: Boolean(o.cudaAvailable),
    cuda: o.cuda ?? null,
    archList: Array.isArray(o.archList) ? o.archList.map(String) : [],
    deviceName: o.deviceName ?? null,
    matmul: Boolean(o.matmul),
    error: o.error ?? null,
  };
}
