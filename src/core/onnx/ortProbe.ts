import { runProcess } from '../process';
import type { OnnxRuntimeStatus, ProviderStatus } from '../env/types';
import type { ProbeChildResult } from './ortProbeMain';

export interface OrtProbeOptions {
  /** dist/ortProbe.js: the child entry point. */
  probeScript: string;
  /** The Node to run it with; in VS Code desktop that is Electron, run as Node. */
  nodePath?: string;
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  /** Probe only these providers besides the CPU (default: CUDA and every listed one). */
  only?: string[];
}

const ANSI = /\u001b\[[0-9;]*m/g;

/** The line of ORT's own log that says why a library did not load: more useful than the thrown message. */
export function reasonFromStderr(stderr: string): string | null {
  const lines = stderr.replace(ANSI, '').split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  const hit = lines.find((l) => /failed to load library|cannot open shared object|error while loading/i.test(l));
  if (!hit) return null;
  const m = /(Failed to load library .*)$/i.exec(hit);
  return (m?.[1] ?? hit).slice(0, 600);
}

async function probeOne(provider: string, o: OrtProbeOptions): Promise<ProbeChildResult> {
  const r = await runProcess(o.nodePath ?? process.execPath, [o.probeScript, provider], {
    timeoutMs: o.timeoutMs ?? 30_000,
    env: { ...(o.env ?? process.env), ELECTRON_RUN_AS_NODE: '1' },
    signal: o.signal,
  });
  const line = r.stdout.split(/\r?\n/).find((l) => l.startsWith('{'));
  let parsed: ProbeChildResult | null = null;
  try {
    parsed = line ? (JSON.parse(line) as ProbeChildResult) : null;
  } catch {
    parsed = null;
  }
  if (!parsed) {
    const why = r.timedOut
      ? `probe timed out after ${Math.round((o.timeoutMs ?? 30_000) / 1000)} s`
      : r.spawnError
        ? `probe could not start: ${r.spawnError.message}`
        : r.signal
          ? `probe process crashed (${r.signal})${reasonFromStderr(r.stderr) ? `: ${reasonFromStderr(r.stderr)}` : ''}`
          : `probe process exited with ${r.code}: ${r.stderr.replace(ANSI, '').trim().split(/\r?\n/).pop() ?? ''}`;
    return { version: null, packageDir: null, listed: [], provider, loadable: false, reason: why };
  }
  if (!parsed.loadable) {
    const detail = reasonFromStderr(r.stderr);
    if (detail && parsed.reason && !parsed.reason.includes(detail)) parsed.reason = `${parsed.reason.trim()}: ${detail}`;
  }
  return parsed;
}

/**
 * Which execution providers really create a session here. Each provider is tried in its own child
 * process: a native crash in one (a bad CUDA library) is reported, not suffered.
 */
export async function probeOnnxRuntime(o: OrtProbeOptions): Promise<OnnxRuntimeStatus> {
  const cpu = await probeOne('cpu', o);
  if (cpu.version === null && !cpu.loadable) {
    return { version: null, path: null, providers: [{ name: 'cpu', loadable: false, reason: cpu.reason, listed: false }] };
  }
  // CUDA is always asked about: it is the one users care for, listed or not.
  const others = [...new Set(o.only ?? ['cuda', ...cpu.listed])].filter((p) => p !== 'cpu');
  const rest = await Promise.all(others.map((p) => probeOne(p, o)));
  const providers: ProviderStatus[] = [cpu, ...rest].map((p) => ({
    name: p.provider,
    loadable: p.loadable,
    reason: p.loadable ? null : p.reason,
    listed: cpu.listed.includes(p.provider),
  }));
  return { version: cpu.version, path: cpu.packageDir, providers };
}
