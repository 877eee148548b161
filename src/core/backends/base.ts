/** What every remote runner shares: the refusal of tasks it cannot do, the HTTP settings with their waits (loading, 429). */
import type { ModelInput } from '../nlp/modelInput';
import type { RunOptions } from '../nlp/runner';
import { ESTIMATED_TOKENS } from '../text/tokens';
import { backendFetch, type CallContext, type HttpConfig } from './http';
import { BackendError } from './remoteError';
import { BACKEND_PIPELINES, type BackendIdentity, type RemoteBackendOptions, type RemoteTaskRunner } from './types';

export const DEFAULT_TIMEOUT_MS = 120_000;
export const DEFAULT_LOADING_WAIT_MS = 300_000;

export abstract class RemoteRunnerBase implements RemoteTaskRunner {
  readonly backend: RemoteBackendOptions['id'];
  protected readonly http: HttpConfig;
  /** The model and device as the server last named them. */
  protected served?: { model: string; device?: string };

  constructor(
    protected readonly o: RemoteBackendOptions,
    origins: string[],
  ) {
    this.backend = o.id;
    const token = o.token?.trim();
    this.http = {
      backend: o.id,
      origins: new Set(origins),
      token: token || undefined,
      tokenSource: o.tokenSource,
      headers: { ...(o.headers ?? {}) },
      timeoutMs: o.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      fetch: o.fetch ?? fetch,
      retry: {
        maxWaitMs: o.maxLoadingWaitMs ?? DEFAULT_LOADING_WAIT_MS,
        backoffMs: o.rateLimitBackoffMs,
        onWait: (w, model) => o.onWait?.({ ...w, backend: this.backend, model: this.identity(model ?? '').model }),
      },
    };
  }

  supports(pipeline: string): boolean {
    return BACKEND_PIPELINES[this.backend].includes(pipeline);
  }

  identity(model: string): BackendIdentity {
    return { backend: this.backend, model: this.served?.model ?? model, ...(this.served?.device ? { device: this.served.device } : {}) };
  }

  /** Throws the 'unsupported' BackendError when this backend cannot run `pipeline` (nothing is sent). */
  protected refuseUnsupported(pipeline: string): void {
    if (this.supports(pipeline)) return;
    const can = BACKEND_PIPELINES[this.backend].join(', ');
    throw new BackendError('unsupported', `The ${this.backend} backend cannot run ${pipeline}; it runs ${can}. Use another backend for this task (e.g. local).`, this.backend, '');
  }

  protected fetcher(call: CallContext): typeof fetch {
    return backendFetch(this.http, call);
  }

  /** Headers with the credential as Bearer (tei, openai). */
  protected jsonHeaders(): Record<string, string> {
    return { 'content-type': 'application/json', accept: 'application/json', ...(this.http.token ? { authorization: `Bearer ${this.http.token}` } : {}) };
  }

  protected warn(message: string): void {
    this.o.onWarning?.(message);
  }

  /** The server's maximum input, when it says (TEI /info, vLLM max_model_len). */
  protected async serverMaxTokens(_pipeline: string, _model: string, _signal?: AbortSignal): Promise<number | undefined> {
    return undefined;
  }

  /** Tokens the backend adds before the text (a chat prompt's template). */
  protected prefixTokens(_pipeline: string): number {
    return 0;
  }

  /** No padded-token budget: the server takes a batch per request and splits by its own limits (TEI's max_client_batch_size). */
  batchLimits(_pipeline: string): { items?: number; tokens?: number } {
    return { tokens: Infinity };
  }

  async maxInputTokens(pipeline: string, model: string, signal?: AbortSignal): Promise<number | undefined> {
    return this.serverMaxTokens(pipeline, model, signal);
  }

  /** No tokenizer here: counts are estimates (on the high side); the maximum is the server's where it says. */
  async inputLimits(pipeline: string, model: string, signal?: AbortSignal): Promise<ModelInput> {
    this.refuseUnsupported(pipeline);
    const maxTokens = await this.serverMaxTokens(pipeline, model, signal);
    return { ...(maxTokens ? { maxTokens } : {}), counter: ESTIMATED_TOKENS, prefixTokens: this.prefixTokens(pipeline) };
  }

  async run(pipeline: string, model: string, inputs: unknown[], options: RunOptions = {}): Promise<unknown> {
    this.refuseUnsupported(pipeline);
    return this.runTask(pipeline, model, inputs, options);
  }

  /** One attempt at a task this backend supports; returns the local pipeline's output shape. */
  protected abstract runTask(pipeline: string, model: string, inputs: unknown[], options: RunOptions): Promise<unknown>;
}

/** The texts of a pipeline call's first input (one string or a list). */
export function textsOf(input: unknown, what = 'the input'): string[] {
  if (typeof input === 'string') return [input];
  if (Array.isArray(input) && input.every((x) => typeof x === 'string')) return input as string[];
  throw new TypeError(`${what} must be a string or a list of strings`);
}

/** The options object a pipeline call ends with, if any. */
export function optionsOf(inputs: unknown[], at: number): Record<string, unknown> {
  const o = inputs[at];
  return o && typeof o === 'object' && !Array.isArray(o) ? (o as Record<string, unknown>) : {};
}

/** Unit-length vector (for normalize: true on servers that do not normalize). */
export function normalized(v: number[]): number[] {
  const n = Math.hypot(...v);
  return n > 0 ? v.map((x) => x / n) : v;
}

/** A malformed reply as a BackendError (the server answered, but not in its protocol's shape). */
export function badReply(backend: RemoteBackendOptions['id'], origin: string, what: string): BackendError {
  return new BackendError('server', `${origin} answered, but not as ${what}.`, backend, origin);
}
