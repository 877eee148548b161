import { formatBytes } from '../bytes';
import type { DownloadProgress } from '../hub/snapshot';
import type { InferenceService } from '../inference/inferenceService';
import type { Dtype } from '../inference/modelFiles';
import { modelMaxLength, type HubAccess, type ModelResolver, type ResolvedModel } from '../inference/resolveModel';
import { outputLimitOf, type OutputLimit } from './outputLimit';
import { modelInput, type ModelInput } from './modelInput';
import type { RunOptions, TaskRunner } from './runner';

/** Where a local run is: finding the model, downloading its files, loading and running it. */
export type Stage = { stage: 'resolve' } | { stage: 'download'; progress: DownloadProgress } | { stage: 'load'; device: string };

export interface ServiceRunnerOptions {
  device: 'cpu' | 'cuda';
  /** The dtype for a model (a per-model setting, else the general one). */
  dtype: (model: string) => Dtype;
  /** The Hub, or a function that settles it on first use (the host reads the token from SecretStorage); asked once. */
  hub: HubAccess | (() => Promise<HubAccess>);
  /** Unload a model after this long unused (0: the service's own default, as the CLI's one-shot runs want). */
  idleUnloadMs?: number;
  onStage?: (s: Stage) => void;
  log?: (message: string) => void;
}

/** A pipeline's output with where its model came from and how long it took (the raw pipeline run shows these). */
export interface DetailedRun {
  output: unknown;
  resolved: ResolvedModel;
  loadMs: number;
  runMs: number;
  /** Texts that went through in this call, and ONNX Runtime's intra-op threads ('auto': its own pool). */
  batchSize?: number;
  threads?: number | 'auto';
}

/** A TaskRunner over the inference service: resolves (and downloads) each model once, then runs. */
export class ServiceTaskRunner implements TaskRunner {
  readonly backend = 'local';
  readonly device: 'cpu' | 'cuda';
  private hub: Promise<HubAccess> | undefined;
  private readonly runs = new Map<string, { dtype: string; threads?: number | 'auto' }>();

  /** `service`: the service, or a function that gives it when first needed (the host starts it on first use). */
  constructor(
    private readonly service: InferenceService | (() => InferenceService),
    private readonly resolver: ModelResolver,
    private readonly o: ServiceRunnerOptions,
  ) {
    this.device = o.device;
  }

  private async resolve(pipeline: string, model: string, signal?: AbortSignal): Promise<ResolvedModel> {
    const h = this.o.hub;
    this.hub ??= typeof h === 'function' ? h() : Promise.resolve(h);
    this.o.onStage?.({ stage: 'resolve' });
    const resolved = await this.resolver.resolve({
      model,
      task: pipeline,
      device: this.o.device,
      dtype: this.o.dtype(model),
      hub: await this.hub,
      signal,
      onProgress: this.o.onStage && ((progress) => this.o.onStage!({ stage: 'download', progress })),
      log: this.o.log,
    });
    if (resolved.downloadedBytes) this.o.log?.(`Downloaded ${model} (${formatBytes(resolved.downloadedBytes)}) into ${resolved.dir}`);
    return resolved;
  }

  async maxInputTokens(pipeline: string, model: string, signal?: AbortSignal): Promise<number | undefined> {
    return modelMaxLength((await this.resolve(pipeline, model, signal)).dir);
  }

  /** What the model can write, from its config (src/core/nlp/outputLimit.ts). */
  async outputLimit(pipeline: string, model: string, signal?: AbortSignal): Promise<OutputLimit> {
    return outputLimitOf((await this.resolve(pipeline, model, signal)).dir);
  }

  /** Parts are sized with the model's own tokenizer, read here from its folder (the service is not asked). */
  async inputLimits(pipeline: string, model: string, signal?: AbortSignal): Promise<ModelInput> {
    return modelInput((await this.resolve(pipeline, model, signal)).dir, pipeline);
  }

  lastRun(pipeline: string, model: string): { dtype?: string; threads?: number | 'auto' } | undefined {
    return this.runs.get(`${pipeline}|${model}`);
  }

  /** The model's folder (downloaded when needed), for the configs the pipeline does not read (sentence-transformers pooling). */
  async modelDir(pipeline: string, model: string, signal?: AbortSignal): Promise<string> {
    return (await this.resolve(pipeline, model, signal)).dir;
  }

  async run(pipeline: string, model: string, inputs: unknown[], options: RunOptions = {}): Promise<unknown> {
    return (await this.runDetailed(pipeline, model, inputs, options)).output;
  }

  /** Resolves the model (downloading it if needed), then runs it in the service. */
  async runDetailed(pipeline: string, model: string, inputs: unknown[], options: RunOptions = {}): Promise<DetailedRun> {
    const m = await this.resolve(pipeline, model, options.signal);
    this.o.onStage?.({ stage: 'load', device: this.o.device });
    const service = typeof this.service === 'function' ? this.service() : this.service;
    const r = await service.run(
      { task: pipeline, modelDir: m.dir, device: this.o.device, dtype: m.dtype, inputs, idleUnloadMs: this.o.idleUnloadMs ?? 0 },
      options.signal,
      options.onPartial,
    );
    this.o.log?.(`${pipeline} with ${model} on ${this.o.device} (${m.dtype}): load ${r.loadMs.toFixed(0)} ms, run ${r.runMs.toFixed(0)} ms`);
    this.runs.set(`${pipeline}|${model}`, { dtype: m.dtype, threads: r.threads });
    return { output: r.output, resolved: m, loadMs: r.loadMs, runMs: r.runMs, batchSize: r.batchSize, threads: r.threads };
  }
}
