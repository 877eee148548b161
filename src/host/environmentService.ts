import * as path from 'node:path';
import * as vscode from 'vscode';
import { collectEnvironment } from '../core/env/collect';
import { GpuPoller } from '../core/env/gpuPoller';
import { probeGpus } from '../core/env/nvidiaSmi';
import { locateNvidiaSmi } from '../core/env/nvidiaSmiLocate';
import type { EnvironmentReport, GpuFailureKind, GpuProbe, OnnxRuntimeStatus } from '../core/env/types';
import { detectWsl } from '../core/env/wsl';
import { diagnosePython, diagnosePythonSetup } from '../core/python/diagnose';
import { discoverPythons, environmentStamp, type PythonCandidate } from '../core/python/discover';
import { probePython } from '../core/python/probe';
import { setupState, type SetupState } from '../core/python/setupSteps';
import type { SmokeVerdict } from '../core/python/smokeTest';
import type { PythonEnv } from '../core/python/types';
import { cudaChildEnv, insideUntrustedWorkspace, localWorkspaceFolders, readConfig, trustedWorkspaceFolders } from './config';
import type { Log } from './log';

export type GpuState = 'loading' | 'found' | GpuFailureKind;

interface PythonExtensionApi {
  environments?: { getActiveEnvironmentPath?: (resource?: vscode.Uri) => { path?: string } | undefined };
  settings?: { getExecutionDetails?: (resource?: vscode.Uri) => { execCommand?: string[] } | undefined };
}

/** The interpreter the Python extension has selected, when it is installed (optional; never waits long). */
async function selectedInterpreter(): Promise<string | undefined> {
  const ext = vscode.extensions.getExtension<PythonExtensionApi>('ms-python.python');
  if (!ext) return undefined;
  try {
    const api = ext.isActive ? ext.exports : await Promise.race([ext.activate(), new Promise<undefined>((r) => setTimeout(() => r(undefined), 3000))]);
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    return api?.environments?.getActiveEnvironmentPath?.(folder)?.path ?? api?.settings?.getExecutionDetails?.(folder)?.execCommand?.[0];
  } catch {
    return undefined;
  }
}

/**
 * Owns what AI Lab knows of the machine: the last full environment report (refreshed on demand)
 * and the last GPU poll (on a timer). Views and the status bar listen to onDidChange.
 */
export class EnvironmentService implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly poller: GpuPoller;
  private refreshing: Promise<EnvironmentReport> | undefined;
  private followUp: Promise<EnvironmentReport> | undefined;
  private reprobeNext = false;
  private onnxRuntime: OnnxRuntimeStatus | undefined;
  private lastPollKind: string | undefined;
  private readonly wsl = detectWsl();
  /** Probed interpreters, reused until their environment changes on disk. */
  private readonly pythonCache = new Map<string, { stamp: string; env: PythonEnv }>();
  private pythonRun: Promise<void> | undefined;
  /** Which of the walkthrough's steps are done. */
  setup: SetupState = setupState([], [], () => false);
  /** The last GPU smoke test's verdict per interpreter. */
  readonly smokeVerdicts = new Map<string, SmokeVerdict>();
  report: EnvironmentReport | undefined;
  lastPoll: GpuProbe | undefined;

  private showWithoutGpu = false;

  constructor(
    private readonly extensionPath: string,
    private readonly log: Log,
  ) {
    this.poller = new GpuPoller(() => this.pollOnce(), (p) => this.onPoll(p), readConfig().gpuPollSeconds * 1000);
  }

  startPolling(focused: boolean): void {
    this.poller.setFocused(focused);
    if (readConfig().gpuPollSeconds > 0) this.poller.start();
  }

  setFocused(focused: boolean): void {
    this.poller.setFocused(focused);
  }

  configurationChanged(e: vscode.ConfigurationChangeEvent): void {
    if (e.affectsConfiguration('aiLab.gpuPollSeconds')) this.poller.setIntervalMs(readConfig().gpuPollSeconds * 1000);
    const reprobeOnnx = e.affectsConfiguration('aiLab.cudaLibraryPaths');
    if (reprobeOnnx || e.affectsConfiguration('aiLab.pythonPaths') || e.affectsConfiguration('aiLab.nvidiaSmiPath') || e.affectsConfiguration('aiLab.nvidiaSmiTimeoutSeconds')) {
      void this.refresh({ reprobeOnnx }).catch((err: unknown) => this.log.error('Refresh after a settings change failed', err));
    }
  }

  /** The user chose to see the environment although there is no GPU (the welcome view's button). */
  get showingWithoutGpu(): boolean {
    return this.showWithoutGpu;
  }

  setShowWithoutGpu(show: boolean): void {
    this.showWithoutGpu = show;
    this.changed.fire();
    if (show && !this.report) void this.refresh().catch((err: unknown) => this.log.error('Probing the environment failed', err));
  }

  get gpuState(): GpuState {
    if (!this.report) return 'loading';
    return this.report.nvidiaSmi.failure?.kind ?? 'found';
  }

  /** The first look at the view: probe, unless a probe is already running (the tree asks more than once). */
  probeOnce(): Promise<EnvironmentReport> {
    return this.refreshing ?? this.refresh();
  }

  /** A poll right now (joins one that is running). */
  pollNow(): Promise<GpuProbe> {
    return this.poller.pollNow();
  }

  /** Where nvidia-smi is; in Restricted Mode never inside the workspace (a PATH entry or `AI_LAB_NVIDIA_SMI` there). */
  private location() {
    const found = locateNvidiaSmi({ setting: readConfig().nvidiaSmiPath, wsl: this.wsl });
    if (!found.path || !insideUntrustedWorkspace(found.path)) return found;
    return { path: null, source: null, tried: [...found.tried, `${found.path} (inside the workspace: not run in Restricted Mode)`] };
  }

  private pollOnce(): Promise<GpuProbe> {
    return probeGpus(this.location(), { timeoutMs: readConfig().nvidiaSmiTimeoutSeconds * 1000 });
  }

  private onPoll(p: GpuProbe): void {
    this.lastPoll = p;
    // Log state changes only, not every poll.
    const lost = (p.lostGpus ?? []).map((g) => g.message);
    const kind = p.failure ? `${p.failure.kind}: ${p.failure.message}` : `ok ${p.gpus.length} ${lost.join('; ')}`;
    if (kind !== this.lastPollKind) {
      this.lastPollKind = kind;
      if (p.failure) this.log.warn(`GPU poll: ${p.failure.message}`);
      else this.log.info(`GPU poll: ${p.gpus.length} GPU(s) via ${p.smiPath} in ${p.durationMs} ms`);
      if (!p.failure) for (const m of lost) this.log.warn(`GPU poll: a GPU does not answer: ${m}`);
    }
    // Live figures go into the report's GPUs so the tree shows them too.
    if (this.report && !p.failure) {
      for (const g of this.report.gpus) {
        const live = p.gpus.find((x) => x.index === g.index);
        if (!live) continue;
        g.memoryUsedMiB = live.memoryUsedMiB;
        g.utilizationPct = live.utilizationPct;
        g.temperatureC = live.temperatureC;
      }
    }
    this.changed.fire();
  }

  /**
   * Re-collects everything. A request during a run gets one more run after it (requests coalesce),
   * since the running one may predate the settings change that asked for it.
   */
  refresh(options: { reprobeOnnx: boolean } = { reprobeOnnx: true }): Promise<EnvironmentReport> {
    if (this.refreshing) {
      this.reprobeNext ||= options.reprobeOnnx;
      this.followUp ??= this.refreshing
        .catch(() => undefined)
        .then(() => {
          this.followUp = undefined;
          const reprobeOnnx = this.reprobeNext;
          this.reprobeNext = false;
          return this.refresh({ reprobeOnnx });
        });
      return this.followUp;
    }
    if (options.reprobeOnnx) this.onnxRuntime = undefined;
    void vscode.commands.executeCommand('setContext', 'aiLab.gpuState', 'loading');
    const run = this.collect().finally(() => {
      this.refreshing = undefined;
    });
    this.refreshing = run;
    return run;
  }

  private async collect(): Promise<EnvironmentReport> {
    const cfg = readConfig();
    const started = Date.now();
    try {
      const { report, gpuProbe } = await vscode.window.withProgress(
        { location: { viewId: 'aiLab.environment' }, title: 'Probing the environment' },
        () =>
          collectEnvironment({
            nvidiaSmiPath: cfg.nvidiaSmiPath,
            smiTimeoutMs: cfg.nvidiaSmiTimeoutSeconds * 1000,
            ortProbeScript: path.join(this.extensionPath, 'dist', 'ortProbe.js'),
            ortEnv: cudaChildEnv(),
            onnxRuntime: this.onnxRuntime,
          }),
      );
      this.onnxRuntime = report.onnxRuntime;
      this.report = report;
      this.lastPoll = gpuProbe;
      this.log.info(
        `Environment: ${report.gpus.map((g) => `${g.name} (${g.sm ?? 'sm ?'}, ${g.architecture ?? '?'})`).join(', ') || 'no GPU'}; ` +
          `CUDA toolkit ${report.cudaToolkit?.version ?? 'none'}; onnxruntime-node ${report.onnxRuntime.version ?? 'missing'} ` +
          `[${report.onnxRuntime.providers.map((p) => `${p.name}:${p.loadable ? 'ok' : 'no'}`).join(' ')}] in ${Date.now() - started} ms`,
      );
      for (const e of report.errors) this.log.warn(e);
      for (const p of report.onnxRuntime.providers) if (!p.loadable) this.log.info(`ONNX Runtime ${p.name} provider does not load: ${p.reason}`);
      await vscode.commands.executeCommand('setContext', 'aiLab.gpuState', this.gpuState);
      this.changed.fire();
      // Python environments come second: importing torch can take many seconds.
      this.pythonRun = this.probePythons(report).catch((err: unknown) => this.log.error('Probing Python environments failed', err));
      return report;
    } catch (err) {
      await vscode.commands.executeCommand('setContext', 'aiLab.gpuState', 'error');
      throw err;
    }
  }

  setSmokeVerdict(python: string, verdict: SmokeVerdict): void {
    this.smokeVerdicts.set(python, verdict);
    this.updateSetupContext();
    this.changed.fire();
  }

  /** The walkthrough's completion events are these context keys. */
  private updateSetupContext(): void {
    const r = this.report;
    this.setup = setupState(r?.python ?? [], r?.diagnoses ?? [], (p) => this.smokeVerdicts.get(p)?.passed === true);
    for (const k of ['venv', 'tools', 'torch', 'smoke', 'companions'] as const) void vscode.commands.executeCommand('setContext', `aiLab.setup.${k}`, this.setup[k]);
  }

  /** Resolves when the Python part of the last refresh is in (for tests and the smoke test). */
  pythonReady(): Promise<void> {
    return this.pythonRun ?? Promise.resolve();
  }

  /**
   * The interpreters to probe, and in Restricted Mode those that lie inside the workspace, found
   * and not run: its `.venv`/`venv`/`env`, and a `VIRTUAL_ENV`, `CONDA_PREFIX` or `aiLab.pythonPaths`
   * entry that leads into it. The Python extension's choice counts only in a trusted workspace (a
   * workspace setting can make it).
   */
  private pythonCandidates(selected?: string): { run: PythonCandidate[]; notRun: PythonCandidate[] } {
    const cfg = readConfig();
    const all = discoverPythons({
      workspaceFolders: localWorkspaceFolders(),
      configured: cfg.pythonPaths,
      configuredSource: cfg.origins.pythonPaths === 'user' ? 'aiLab.pythonPaths' : `aiLab.pythonPaths (${cfg.origins.pythonPaths} settings)`,
      selected: vscode.workspace.isTrusted ? selected : undefined,
      includeSystem: true,
    });
    return { run: all.filter((c) => !insideUntrustedWorkspace(c.path)), notRun: all.filter((c) => insideUntrustedWorkspace(c.path)) };
  }

  /** Restricted Mode: the interpreters inside the workspace that were found and not run. */
  workspacePythonsNotRun(): string[] {
    return vscode.workspace.isTrusted ? [] : this.pythonCandidates().notRun.map((c) => c.path);
  }

  private async probePythons(report: EnvironmentReport): Promise<void> {
    const workspaceFolders = trustedWorkspaceFolders();
    const candidates = this.pythonCandidates(vscode.workspace.isTrusted ? await selectedInterpreter() : undefined).run;
    const envs: PythonEnv[] = [];
    await vscode.window.withProgress({ location: { viewId: 'aiLab.environment' }, title: 'Checking Python environments' }, async () => {
      for (const c of candidates) {
        const stamp = environmentStamp(c.path);
        const hit = this.pythonCache.get(c.path);
        const env = hit && hit.stamp === stamp ? hit.env : await probePython(c);
        this.pythonCache.set(c.path, { stamp, env: { ...env, source: c.source } });
        envs.push({ ...env, source: c.source });
      }
    });
    if (this.report !== report) return; // A newer refresh took over.
    report.python = envs;
    report.diagnoses = [...report.diagnoses, ...envs.flatMap((e) => diagnosePython(e, report.gpus)), ...diagnosePythonSetup(envs, workspaceFolders)];
    this.updateSetupContext();
    this.log.info(`Python: ${envs.map((e) => `${e.path} (${e.version ?? 'broken'}${e.packages.torch ? `, torch ${e.packages.torch}` : ''})`).join('; ') || 'none found'}`);
    this.changed.fire();
  }

  dispose(): void {
    this.poller.dispose();
    this.changed.dispose();
  }
}
