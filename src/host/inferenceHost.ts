import * as path from 'node:path';
import * as vscode from 'vscode';
import { progressText } from '../core/hub/fetchBlobs';
import { chooseDevice, type DeviceChoice } from '../core/inference/device';
import { InferenceService } from '../core/inference/inferenceService';
import { ModelResolver } from '../core/inference/resolveModel';
import type { BackendWait } from '../core/backends/types';
import { hubAccess, type HubAccess } from '../core/lab/hubAccess';
import type { LabTaskId } from '../core/nlp/tasks';
import type { BackendSettings } from './backends/backendSettings';
import { makeRunner, type LabRunner } from '../core/lab/makeRunner';
import type { DetailedRun, Stage } from '../core/nlp/serviceRunner';
import { probeOnnxRuntime } from '../core/onnx/ortProbe';
import type { OnnxRuntimeStatus } from '../core/env/types';
import { cudaChildEnv, readConfig } from './config';
import type { EnvironmentService } from './environmentService';
import type { Log } from './log';
import { modelDisplayName } from '../core/inference/modelName';

export interface PipelineRun {
  task: string;
  model: string;
  inputs: unknown[];
}

export interface PipelineResult extends DetailedRun {
  task: string;
  model: string;
  device: DeviceChoice;
  totalMs: number;
}

export type { Stage } from '../core/nlp/serviceRunner';

/** A stage in words, for a progress notification. */
export function stageMessage(s: Stage, model: string): string {
  if (s.stage === 'resolve') return `finding ${modelDisplayName(model)}…`;
  if (s.stage === 'load') return `running on ${s.device.toUpperCase()}…`;
  return s.progress.waitingOn ? `Downloading: ${progressText(s.progress)}` : `Downloading ${progressText(s.progress)}`;
}

/**
 * The extension's side of inference: picks the device from a real probe, gets the model into the
 * Hugging Face cache, and runs it in the service process (started on first use, never at activation).
 */
export class InferenceHost implements vscode.Disposable {
  private service: InferenceService | undefined;
  // A resolved model is reused for 10 minutes: a run of many batches lists the Hub once.
  private readonly resolver = new ModelResolver(10 * 60_000);
  private ort: Promise<OnnxRuntimeStatus> | undefined;
  lastDevice: DeviceChoice | undefined;

  constructor(
    private readonly extensionPath: string,
    private readonly env: EnvironmentService,
    private readonly log: Log,
    /** The Hub (the settings and the signed-in token: HubSession.hubAccess); without a session, settings and environment. */
    private readonly hub: () => Promise<HubAccess> = async () => hubAccess({ endpoint: readConfig().hubEndpoint, offline: readConfig().hubOffline }),
  ) {}

  private getService(): InferenceService {
    this.service ??= new InferenceService({
      scriptPath: path.join(this.extensionPath, 'dist', 'inferenceService.js'),
      env: cudaChildEnv(),
      log: (m) => this.log.info(m),
      // A crash during a request is reported by that request's error; an idle crash is told here.
      onCrash: (m, failed) => (failed ? this.log.warn(m) : void this.log.showError(`AI Lab's inference service crashed. ${m}`)),
    });
    return this.service;
  }

  /** The CUDA provider's real status: the environment report's, else a probe of CUDA alone. */
  private onnxStatus(): Promise<OnnxRuntimeStatus> {
    const known = this.env.report?.onnxRuntime;
    if (known?.providers.some((p) => p.name === 'cuda')) return Promise.resolve(known);
    this.ort ??= probeOnnxRuntime({ probeScript: path.join(this.extensionPath, 'dist', 'ortProbe.js'), only: ['cuda'], env: cudaChildEnv() });
    return this.ort;
  }

  async chooseDevice(): Promise<DeviceChoice> {
    const cfg = readConfig();
    const d = chooseDevice(cfg.device, cfg.device === 'cpu' ? undefined : await this.onnxStatus());
    if (d.device !== this.lastDevice?.device || d.reason !== this.lastDevice.reason) this.log.info(`Inference device: ${d.device.toUpperCase()} (${d.reason})${d.detail ? `; the CUDA provider's loader said: ${d.detail}` : ''}`);
    this.lastDevice = d;
    return d;
  }

  /**
   * A runner for one command (src/core/lab/makeRunner.ts), on the device chosen now, reporting
   * downloads and loads through `onStage`. Its Hub access is settled on first use, once, not again for
   * each of its batches.
   */
  async taskRunner(onStage: (s: Stage) => void = () => undefined): Promise<LabRunner> {
    return (await this.runnerOnDevice(onStage)).runner;
  }

  /**
   * The runner for one lab task and the model it runs: a remote backend's when one is chosen for the
   * task (aiLab.backend, aiLab.backendPerTask; its model is the server's or the Hub original of
   * `model`), else the local service's with `model` as it is.
   */
  async runnerFor(task: LabTaskId, model: string, onStage: (s: Stage) => void, onWait?: (w: BackendWait) => void): Promise<{ runner: LabRunner; model: string }> {
    const remote = this.backends ? await this.backends.options(task, { onWait }) : undefined;
    if (!remote) return { runner: await this.taskRunner(onStage), model };
    return { runner: makeRunner({ backend: remote, device: 'cpu', dtype: 'auto', hub: this.hub, service: () => this.getService() }), model: this.backends!.modelFor(task, model, remote) };
  }

  /** Which backend runs each task (set by the extension once the secrets are at hand). */
  backends: BackendSettings | undefined;

  private async runnerOnDevice(onStage: (s: Stage) => void): Promise<{ runner: LabRunner; device: DeviceChoice }> {
    const cfg = readConfig();
    const device = await this.chooseDevice();
    const runner = makeRunner({
      device: device.device,
      dtype: (model) => cfg.modelDtypes[model.trim()] ?? cfg.dtype,
      hub: this.hub,
      service: () => this.getService(),
      resolver: this.resolver,
      idleUnloadMs: cfg.idleUnloadMinutes * 60_000,
      onStage,
      log: (m) => this.log.info(m),
    });
    return { runner, device };
  }

  /** A raw pipeline run ("Run Model on Selection"): the model's output, where it came from, timings. */
  async run(r: PipelineRun, signal: AbortSignal, onStage: (s: Stage) => void = () => undefined): Promise<PipelineResult> {
    const started = performance.now();
    const { runner, device } = await this.runnerOnDevice(onStage);
    const out = await runner.runDetailed(r.task, r.model, r.inputs, { signal });
    return { ...out, task: r.task, model: r.model, device, totalMs: performance.now() - started };
  }

  /** After the CUDA provider or its libraries change: probe again, and restart the service on next use. */
  reset(): void {
    this.ort = undefined;
    this.service?.dispose();
    this.service = undefined;
  }

  dispose(): void {
    this.service?.dispose();
  }
}
