import type { InferenceService } from '../inference/inferenceService';
import type { Dtype } from '../inference/modelFiles';
import { modelMaxLength, type HubAccess, type ModelResolver } from '../inference/resolveModel';
import { modelInput, type ModelInput } from './modelInput';
import type { RunOptions, TaskRunner } from './runner';

/** A TaskRunner over the inference service: resolves (and downloads) each model once, then runs. */
export class ServiceTaskRunner implements TaskRunner {
  constructor(
    private readonly service: InferenceService,
    private readonly resolver: ModelResolver,
    private readonly o: { device: 'cpu' | 'cuda'; dtype: (model: string) => Dtype; hub: HubAccess; idleUnloadMs?: number },
  ) {}

  private resolve(pipeline: string, model: string, signal?: AbortSignal) {
    return this.resolver.resolve({ model, task: pipeline, device: this.o.device, dtype: this.o.dtype(model), hub: this.o.hub, signal });
  }

  async maxInputTokens(pipeline: string, model: string, signal?: AbortSignal): Promise<number | undefined> {
    return modelMaxLength((await this.resolve(pipeline, model, signal)).dir);
  }

  async inputLimits(pipeline: string, model: string, signal?: AbortSignal): Promise<ModelInput> {
    return modelInput((await this.resolve(pipeline, model, signal)).dir, pipeline);
  }

  async run(pipeline: string, model: string, inputs: unknown[], options: RunOptions = {}): Promise<unknown> {
    const m = await this.resolve(pipeline, model, options.signal);
    const r = await this.service.run(
      { task: pipeline, modelDir: m.dir, device: this.o.device, dtype: m.dtype, inputs, idleUnloadMs: this.o.idleUnloadMs ?? 0 },
      options.signal,
      options.onPartial,
    );
    return r.output;
  }
}
