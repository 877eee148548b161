import * as path from 'node:path';
import * as vscode from 'vscode';
import { formatBytes } from '../core/bytes';
import { isOfflineByEnv, resolveHubCacheDir, resolveHubEndpoint, resolveToken } from '../core/hub/hubConfig';
import type { DownloadProgress } from '../core/hub/snapshot';
import { progressText } from '../core/hub/fetchBlobs';
import { chooseDevice, type DeviceChoice } from '../core/inference/device';
import { InferenceService } from '../core/inference/inferenceService';
import { ModelResolver, modelMaxLength, type HubAccess, type ResolvedModel } from '../core/inference/resolveModel';
import { probeOnnxRuntime } from '../core/onnx/ortProbe';
import type { OnnxRuntimeStatus } from '../core/env/types';
import { modelInput } from '../core/nlp/modelInput';
import type { TaskRunner } from '../core/nlp/runner';
import { cudaChildEnv, readConfig } from './config';
import type { EnvironmentService } from './environmentService';
import type { Log } from './log';
import { modelDisplayName } from '../core/inference/modelName';

export interface PipelineRun {
  task: string;
  model: string;
  inputs: unknown[];
}

export interface PipelineResult {
  task: string;
  model: string;
  output: unknown;
  device: DeviceChoice;
  resolved: ResolvedModel;
  loadMs: number;
  runMs: number;
  totalMs: number;
}

export type Stage = { stage: 'resolve' } | { stage: 'download'; progress: DownloadProgress } | { stage: 'load'; device: string };

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
    private readonly signedInToken: () => Promise<string | undefined> = async () => undefined,
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

  /** Endpoint, token (HF_TOKEN, signed-in, or the token file on disk), cache folder, offline mode. */
  private async hubAccess(): Promise<HubAccess> {
    const cfg = readConfig();
    return {
      endpoint: resolveHubEndpoint(cfg.hubEndpoint),
      token: resolveToken(await this.signedInToken())?.token,
      cacheDir: resolveHubCacheDir(),
      offline: cfg.hubOffline || isOfflineByEnv(),
    };
  }

  /** The device, and the model's files in the cache (downloaded if needed). */
  private async resolve(task: string, model: string, signal: AbortSignal | undefined, onStage: (s: Stage) => void, hub: Promise<HubAccess>) {
    const cfg = readConfig();
    onStage({ stage: 'resolve' });
    const device = await this.chooseDevice();
    const resolved = await this.resolver.resolve({
      model,
      task,
      device: device.device,
      dtype: cfg.modelDtypes[model.trim()] ?? cfg.dtype,
      hub: await hub,
      signal,
      onProgress: (progress) => onStage({ stage: 'download', progress }),
      log: (m) => this.log.info(m),
    });
    if (resolved.downloadedBytes) this.log.info(`Downloaded ${model} (${formatBytes(resolved.downloadedBytes)}) into ${resolved.dir}`);
    return { device, resolved };
  }

  /** Device, model files (downloading if needed), then the service: the one path every run takes. */
  private async execute(
    task: string,
    model: string,
    inputs: unknown[],
    signal: AbortSignal | undefined,
    onStage: (s: Stage) => void,
    hub: Promise<HubAccess>,
    onPartial?: (t: string) => void,
  ) {
    const cfg = readConfig();
    const { device, resolved } = await this.resolve(task, model, signal, onStage, hub);
    onStage({ stage: 'load', device: device.device });
    const out = await this.getService().run(
      { task, modelDir: resolved.dir, device: device.device, dtype: resolved.dtype, inputs, idleUnloadMs: cfg.idleUnloadMinutes * 60_000 },
      signal,
      onPartial,
    );
    this.log.info(`${task} with ${model} on ${device.device} (${resolved.dtype}): load ${out.loadMs.toFixed(0)} ms, run ${out.runMs.toFixed(0)} ms`);
    return { out, device, resolved };
  }

  async run(r: PipelineRun, signal: AbortSignal, onStage: (s: Stage) => void = () => undefined): Promise<PipelineResult> {
    const started = performance.now();
    const { out, device, resolved } = await this.execute(r.task, r.model, r.inputs, signal, onStage, this.hubAccess());
    return { task: r.task, model: r.model, output: out.output, device, resolved, loadMs: out.loadMs, runMs: out.runMs, totalMs: performance.now() - started };
  }

  /**
   * A TaskRunner for one NLP command, reporting downloads and loads through `onStage`. Its Hub access
   * (the token file is read from disk) is settled once, not again for each of its batches.
   */
  taskRunner(onStage: (s: Stage) => void = () => undefined): TaskRunner {
    let hub: Promise<HubAccess> | undefined;
    const access = () => (hub ??= this.hubAccess());
    return {
      run: async (pipeline, model, inputs, options = {}) => (await this.execute(pipeline, model, inputs, options.signal, onStage, access(), options.onPartial)).out.output,
      maxInputTokens: async (pipeline, model, signal) => modelMaxLength((await this.resolve(pipeline, model, signal, onStage, access())).resolved.dir),
      // Parts are sized with the model's own tokenizer, read here from its folder (the service is not asked).
      inputLimits: async (pipeline, model, signal) => modelInput((await this.resolve(pipeline, model, signal, onStage, access())).resolved.dir, pipeline),
    };
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
