/** What a remote backend is, how to reach it, and which tasks it can run. */
import type { TaskRunner } from '../nlp/runner';

export type BackendId = 'local' | 'hf-inference' | 'tei' | 'openai';

export const BACKEND_IDS: readonly BackendId[] = ['local', 'hf-inference', 'tei', 'openai'];

/** A template for the chat-completion tasks of the openai backend: `{text}` and `{max_new_tokens}` are filled in. */
export interface PromptTemplate {
  system: string;
  user: string;
}

/** A wait the runner makes before retrying (a model still loading on the server). */
export interface BackendWait {
  backend: BackendId;
  model: string;
  /** How long this wait lasts and how long the runner has waited for this request so far, in ms. */
  waitMs: number;
  waitedMs: number;
  message: string;
}

export interface RemoteBackendOptions {
  id: Exclude<BackendId, 'local'>;
  /** TEI / OpenAI-compatible base URL (http://host:8080, http://host:8000/v1); for hf-inference a dedicated Inference Endpoint's URL. */
  url?: string;
  /** hf-inference only: the Inference Provider or policy ('auto', 'hf-inference', 'together'…). Default 'auto'. Ignored with `url`. */
  provider?: string;
  /** The HF token (hf-inference) or API key (tei, openai). Sent only to this backend's origin. */
  token?: string;
  /** Where the token came from, for messages ("HF_TOKEN", "OPENAI_API_KEY"); never its value. */
  tokenSource?: string;
  /** Extra headers for every request to this backend's origin (treated like the token: never sent elsewhere). */
  headers?: Record<string, string>;
  /** No answer for this long (ms) ends a request with a 'timeout' BackendError. Default 120 000. */
  timeoutMs?: number;
  /** The fetch to use (tests rewrite origins to a loopback server; proxies plug in here). Default: global fetch. */
  fetch?: typeof fetch;
  /**
   * Longest total wait for one request while the server asks to wait: a model loading (503 with
   * estimated_time), a rate limit (429, its Retry-After), an overload (503 with Retry-After), in ms.
   * Default 300 000. A server asking for more than is left gets its error shown at once.
   */
  maxLoadingWaitMs?: number;
  /** First wait after a 429 that gives no Retry-After, in ms; doubled each time (5 retries at most). Default 1 000. */
  rateLimitBackoffMs?: number;
  /** Called before each such wait. */
  onWait?: (w: BackendWait) => void;
  /** Notes for the user that do not stop the task (e.g. answers dropped because their span did not match). */
  onWarning?: (message: string) => void;
  /** openai: the prompts for summarization and text-generation (defaults: DEFAULT_PROMPTS). */
  prompts?: Partial<Record<'summarization' | 'text-generation', PromptTemplate>>;
  /** Requests in flight at once where a task needs several requests. Default 4. */
  concurrency?: number;
  /** hf-inference question answering: passages per request where the server takes a list (the Inference Toolkit). Default 8. */
  batchSize?: number;
}

/**
 * The transformers.js pipelines (and AI Lab's text-pair-classification) each backend runs. A task not
 * listed is refused before anything is sent. openai's text-classification and text-pair-classification
 * need vLLM's /classify and /score routes (other servers answer 404: refused with a message).
 */
export const BACKEND_PIPELINES: Record<BackendId, string[]> = {
  local: ['text-classification', 'text-pair-classification', 'zero-shot-classification', 'question-answering', 'summarization', 'translation', 'feature-extraction', 'text-generation'],
  'hf-inference': ['text-classification', 'zero-shot-classification', 'question-answering', 'summarization', 'translation', 'feature-extraction', 'text-generation'],
  tei: ['feature-extraction', 'text-classification', 'text-pair-classification'],
  openai: ['feature-extraction', 'summarization', 'text-generation', 'text-classification', 'text-pair-classification'],
};

/** Which backend, model and device produced a result. `device` only where the server says it. */
export interface BackendIdentity {
  backend: BackendId;
  model: string;
  device?: string;
}

/** A TaskRunner on a server: says what it can do (before anything is sent) and who answered. */
export interface RemoteTaskRunner extends TaskRunner {
  readonly backend: Exclude<BackendId, 'local'>;
  supports(pipeline: string): boolean;
  /** The model as the server names it (after the first request, where the server says), and its device. */
  identity(model: string): BackendIdentity;
}
