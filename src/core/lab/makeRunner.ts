/** The one place a task runner is made, for the CLI's commands and the extension alike. */
import { InferenceService } from '../inference/inferenceService';
import type { Dtype } from '../inference/modelFiles';
import { ModelResolver } from '../inference/resolveModel';
import { BackendError } from '../backends/remoteError';
import { createRemoteRunner } from '../backends/remoteRunner';
import type { RemoteBackendOptions } from '../backends/types';
import type { TaskRunner } from '../nlp/runner';
import { ServiceTaskRunner, type DetailedRun, type ServiceRunnerOptions } from '../nlp/serviceRunner';

/** The local runner's options (device, Hub, idle unload, stages, log), and which backend and service. */
export interface MakeRunnerOptions extends Omit<ServiceRunnerOptions, 'dtype'> {
  /** A remote backend (src/core/backends) runs the models; undefined: the local inference service. */
  backend?: RemoteBackendOptions;
  /** One dtype, or one per model (a per-model setting, else the general one). */
  dtype: Dtype | ((model: string) => Dtype);
  /**
   * The local service: a long-lived one (or a function that starts it on first use), shared and not
   * disposed with the runner; or the path of its script, for a service this runner starts when first
   * needed and stops on dispose() (the CLI's one-shot commands).
   */
  service: InferenceService | (() => InferenceService) | { scriptPath: string };
  /** Shared between runners so a resolved model is reused (default: a new one that remembers for an hour). */
  resolver?: ModelResolver;
}

/** A TaskRunner the caller disposes when done; `runDetailed` gives the raw pipeline run its timings. */
export interface LabRunner extends TaskRunner {
  readonly backend: string;
  runDetailed(pipeline: string, model: string, inputs: unknown[], options?: { signal?: AbortSignal; onPartial?: (t: string) => void }): Promise<DetailedRun>;
  dispose(): void;
}

/**
 * A runner for `o.backend`: a remote backend's runner, else the ServiceTaskRunner over the local
 * inference service. A remote runner refuses runDetailed (the raw pipeline run with load timings is
 * the local service's) with BackendError('unsupported'); createRemoteRunner throws the same for a
 * backend without its URL.
 */
export function makeRunner(o: MakeRunnerOptions): LabRunner {
  if (o.backend) {
    const remote = createRemoteRunner(o.backend);
    return Object.assign(remote, {
      runDetailed: (): Promise<DetailedRun> =>
        Promise.reject(new BackendError('unsupported', `The raw pipeline run is local only: ${remote.backend} runs the AI Lab tasks (classify, summarize, ask…), not "Run Model".`, remote.backend, '')),
      dispose: () => undefined,
    });
  }
  const dtype = typeof o.dtype === 'function' ? o.dtype : ((d: Dtype) => () => d)(o.dtype);
  let owned: InferenceService | undefined;
  const given = o.service;
  const service = 'scriptPath' in given ? () => (owned ??= new InferenceService({ scriptPath: given.scriptPath })) : given;
  const runner = new ServiceTaskRunner(service, o.resolver ?? new ModelResolver(60 * 60_000), {
    device: o.device,
    dtype,
    hub: o.hub,
    idleUnloadMs: o.idleUnloadMs,
    onStage: o.onStage,
    log: o.log,
  });
  return Object.assign(runner, { dispose: () => owned?.dispose() });
}
