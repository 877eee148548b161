/**
 * Hugging Face Inference Providers (router.huggingface.co) and dedicated Inference Endpoints, through
 * the official client @huggingface/inference (it knows each provider's routes and reply shapes).
 * AI Lab passes its own fetch, which keeps the HF token to huggingface.co / router.huggingface.co (or
 * the Endpoint's origin), turns the servers' errors into BackendErrors, and owns the 503 "loading"
 * wait (the client's own retry would retry at once, forever). Inputs that the API takes one at a
 * time run as parallel requests, a few at once; question answering sends several passages per request
 * where the server takes them (src/core/backends/hfQuestionAnswering.ts).
 */
import { InferenceClient, InferenceClientError, InferenceClientInputError, setLogger } from '@huggingface/inference';
import type { LabelScore, RunOptions } from '../nlp/runner';
import { badReply, normalized, optionsOf, RemoteRunnerBase, textsOf } from './base';
import { qaReplyLists, requestAnswers } from './hfQuestionAnswering';
import { checkedSpan, type ServerSpan } from './qaSpans';
import { BackendError } from './remoteError';
import type { RemoteBackendOptions } from './types';
import { mapLimit } from './waits';

// The client logs to the console (its 'auto' provider choice), which would land in the CLI's JSON on
// stdout: its chatter is dropped, its warnings (a model in staging) go to the runner that last ran.
let warnSink: ((m: string) => void) | undefined;
const quiet = () => undefined;
setLogger({ debug: quiet, info: quiet, log: quiet, warn: (m: string) => warnSink?.(String(m)), error: (m: string) => warnSink?.(String(m)) });

export const HF_HUB_ORIGIN = 'https://huggingface.co';
export const HF_ROUTER_ORIGIN = 'https://router.huggingface.co';
/** Passages per question-answering request on the Inference Toolkit (the local reader's batch too). */
export const DEFAULT_BATCH_SIZE = 8;

export class HfInferenceRunner extends RemoteRunnerBase {
  private readonly endpointUrl?: string;
  private readonly origin: string;
  private dropped = 0;
  /** False once the server refused several passages in one request (then one per request). */
  private qaBatched = true;
  /** True once the provider mapping said hf-inference does not serve the QA model ('auto' then asks the client). */
  private qaViaClient = false;

  constructor(o: RemoteBackendOptions) {
    const endpoint = o.url ? new URL(o.url) : undefined;
    super(o, endpoint ? [endpoint.origin] : [HF_HUB_ORIGIN, HF_ROUTER_ORIGIN]);
    this.endpointUrl = endpoint?.toString().replace(/\/+$/, '');
    this.origin = endpoint?.origin ?? HF_ROUTER_ORIGIN;
  }

  /** Answers dropped so far because the passage's text at their span was not the answer. */
  get droppedSpans(): number {
    return this.dropped;
  }

  /** An Endpoint runs the model it was deployed with (the model id is not sent to it): named by its URL. */
  override identity(model: string) {
    return { backend: this.backend, model: this.endpointUrl ?? model };
  }

  private client(model: string, signal?: AbortSignal): InferenceClient {
    return new InferenceClient(this.http.token ?? '', {
      fetch: this.fetcher({ model: model || undefined, signal }),
      signal,
      retry_on_error: false,
      ...(this.endpointUrl ? { endpointUrl: this.endpointUrl } : {}),
    });
  }

  /** Model and provider as the client takes them (an Endpoint has its model; no provider with it). */
  private args(model: string): { model?: string; provider?: never } {
    const provider = this.endpointUrl ? undefined : (this.o.provider ?? 'auto');
    return { ...(model ? { model } : {}), ...(provider ? { provider: provider as never } : {}) };
  }

  private concurrency(): number {
    return Math.max(1, this.o.concurrency ?? 4);
  }

  private batchSize(): number {
    return Math.max(1, Math.floor(this.o.batchSize ?? DEFAULT_BATCH_SIZE));
  }

  /** QA: passages per run() call that keep every request full and `concurrency` of them in flight. */
  override batchLimits(pipeline: string): { items?: number; tokens?: number } {
    return pipeline === 'question-answering' ? { items: this.batchSize() * this.concurrency(), tokens: Infinity } : super.batchLimits(pipeline);
  }

  /** The client's own errors (input it refuses, replies it cannot read) as BackendErrors. */
  private async call<T>(p: () => Promise<T>): Promise<T> {
    try {
      return await p();
    } catch (err) {
      if (err instanceof BackendError || !(err instanceof InferenceClientError)) throw err;
      const kind = err instanceof InferenceClientInputError ? 'unsupported' : 'server';
      throw new BackendError(kind, `Hugging Face Inference: ${err.message}`, 'hf-inference', this.origin);
    }
  }

  protected async runTask(pipeline: string, model: string, inputs: unknown[], o: RunOptions): Promise<unknown> {
    if (!model && !this.endpointUrl) throw new BackendError('unsupported', 'The hf-inference backend needs a model id (or an Inference Endpoint URL).', 'hf-inference', '');
    warnSink = (m) => this.warn(`Hugging Face Inference: ${m}`);
    const c = this.client(model, o.signal);
    const a = this.args(model);
    const opts = optionsOf(inputs, inputs.length - 1);
    switch (pipeline) {
      case 'text-classification':
        return mapLimit(textsOf(inputs[0]), this.concurrency(), async (text) => {
          const out = await this.call(() => c.textClassification({ ...a, inputs: text }));
          return sortLabels(out);
        });
      case 'zero-shot-classification': {
        const labels = inputs[1] as string[];
        const parameters = { candidate_labels: labels, multi_label: opts.multi_label === true, ...(typeof opts.hypothesis_template === 'string' ? { hypothesis_template: opts.hypothesis_template } : {}) };
        const texts = textsOf(inputs[0]);
        const rows = await mapLimit(texts, this.concurrency(), async (text) => {
          const out = sortLabels(await this.call(() => c.zeroShotClassification({ ...a, inputs: text, parameters })));
          return { sequence: text, labels: out.map((l) => l.label), scores: out.map((l) => l.score) };
        });
        return Array.isArray(inputs[0]) ? rows : rows[0];
      }
      case 'question-answering':
        return this.answer(c, a, model, inputs, o.signal);
      case 'summarization': {
        const generate_parameters = { ...(typeof opts.max_new_tokens === 'number' ? { max_new_tokens: opts.max_new_tokens } : {}), ...(typeof opts.min_new_tokens === 'number' ? { min_new_tokens: opts.min_new_tokens } : {}) };
        return mapLimit(textsOf(inputs[0]), this.concurrency(), async (text) => {
          const out = await this.call(() => c.summarization({ ...a, inputs: text, parameters: { generate_parameters } }));
          if (typeof out?.summary_text !== 'string') throw badReply('hf-inference', this.origin, 'a summary');
          return { summary_text: out.summary_text };
        });
      }
      case 'translation': {
        const parameters = { ...(typeof opts.src_lang === 'string' ? { src_lang: opts.src_lang } : {}), ...(typeof opts.tgt_lang === 'string' ? { tgt_lang: opts.tgt_lang } : {}) };
        return mapLimit(textsOf(inputs[0]), this.concurrency(), async (text) => {
          const out = (await this.call(() => c.translation({ ...a, inputs: text, parameters }))) as { translation_text?: string } | Array<{ translation_text?: string }>;
          const t = Array.isArray(out) ? out[0]?.translation_text : out?.translation_text;
          if (typeof t !== 'string') throw badReply('hf-inference', this.origin, 'a translation');
          return { translation_text: t };
        });
      }
      case 'feature-extraction': {
        const texts = textsOf(inputs[0]);
        const out = await this.call(() => c.featureExtraction({ ...a, inputs: texts, normalize: opts.normalize !== false }));
        const rows = (texts.length === 1 && Array.isArray(out) && typeof out[0] === 'number' ? [out] : out) as unknown[];
        if (!Array.isArray(rows) || rows.length !== texts.length) throw badReply('hf-inference', this.origin, 'an embedding per input');
        // A model without sentence-transformers pooling answers one vector per token: mean-pooled here, as the local pipeline does.
        const data = rows.map((r) => pooled(r)).map((v) => (opts.normalize === false ? v : normalized(v)));
        return { dims: [data.length, data[0]?.length ?? 0], data };
      }
      case 'text-generation': {
        const prompt = textsOf(inputs[0])[0] ?? '';
        const parameters = { ...(typeof opts.max_new_tokens === 'number' ? { max_new_tokens: opts.max_new_tokens } : {}), ...(opts.do_sample === true ? { do_sample: true, temperature: num(opts.temperature), top_k: num(opts.top_k), top_p: num(opts.top_p) } : {}), return_full_text: false };
        const out = await this.call(() => c.textGeneration({ ...a, inputs: prompt, parameters }));
        if (typeof out?.generated_text !== 'string') throw badReply('hf-inference', this.origin, 'generated text');
        const continuation = out.generated_text.startsWith(prompt) ? out.generated_text.slice(prompt.length) : out.generated_text;
        o.onPartial?.(continuation);
        return [{ generated_text: prompt + continuation }];
      }
    }
    throw new Error(`unreachable: ${pipeline}`);
  }

  /**
   * Answers with spans converted from code points and checked against their passage. On the Inference
   * Toolkit (an Endpoint, the hf-inference provider, 'auto' where the mapping names hf-inference)
   * `batchSize` passages go in one request, `concurrency` requests at once; a server that refuses a
   * list (a custom handler) is asked one passage per request from then on. Other providers: one
   * passage per request through the client.
   */
  private async answer(c: InferenceClient, a: { model?: string }, model: string, inputs: unknown[], signal?: AbortSignal): Promise<unknown> {
    const questions = textsOf(inputs[0], 'the questions');
    const contexts = textsOf(inputs[1], 'the passages');
    if (questions.length !== contexts.length) throw new TypeError(`question-answering got ${questions.length} questions for ${contexts.length} passages`);
    const topK = Math.max(1, Math.floor(Number(optionsOf(inputs, 2).top_k ?? 1)));
    const provider = this.o.provider ?? 'auto';
    const toolkit = !this.qaViaClient && (this.endpointUrl !== undefined || provider === 'auto' || provider === 'hf-inference');
    let raw: ServerSpan[][] | undefined;
    if (toolkit) {
      try {
        raw = await this.toolkitAnswers(model, questions, contexts, topK, signal);
      } catch (err) {
        // 'auto' for a model hf-inference does not serve: the client picks the provider that does.
        if (!(err instanceof InferenceClientInputError) || this.endpointUrl !== undefined || provider !== 'auto') return this.call(() => Promise.reject(err));
        this.qaViaClient = true;
      }
    }
    raw ??= await mapLimit(contexts, this.concurrency(), async (context, i) => {
      const out = await this.call(() => c.questionAnswering({ ...a, inputs: { question: questions[i]!, context }, parameters: { top_k: topK } }));
      return (Array.isArray(out) ? out : [out]) as ServerSpan[];
    });
    let dropped = 0;
    const lists = raw.map((spans, i) => {
      const ok: ServerSpan[] = [];
      for (const s of spans) {
        if (typeof s?.answer === 'string' && !s.answer.trim()) continue; // "no answer" (SQuAD 2 models)
        const checked = checkedSpan(contexts[i]!, s);
        if (checked) ok.push(checked);
        else dropped++;
      }
      return ok;
    });
    if (dropped) {
      this.dropped += dropped;
      this.warn(`${dropped} answer${dropped === 1 ? '' : 's'} from ${this.origin} ${dropped === 1 ? 'was' : 'were'} not shown: the passage's text at the span the server gave is not the answer it gave.`);
    }
    const shaped = topK === 1 ? lists.map((l) => l[0] ?? { answer: '', score: 0, start: 0, end: 0 }) : lists;
    return Array.isArray(inputs[0]) ? shaped : shaped[0];
  }

  /** The Toolkit's answers per passage, `batchSize` passages a request (see requestAnswers). */
  private async toolkitAnswers(model: string, questions: string[], contexts: string[], topK: number, signal?: AbortSignal): Promise<ServerSpan[][]> {
    const req = { token: this.http.token, model: model || undefined, endpointUrl: this.endpointUrl, fetch: this.fetcher({ model: model || undefined, signal }), signal };
    const size = this.qaBatched ? this.batchSize() : 1;
    const groups: number[][] = [];
    for (let i = 0; i < contexts.length; i += size) groups.push(contexts.slice(i, i + size).map((_, k) => i + k));
    const one = async (i: number): Promise<ServerSpan[]> => {
      const lists = qaReplyLists(await requestAnswers(req, [questions[i]!], [contexts[i]!], topK), 1);
      if (!lists) throw badReply('hf-inference', this.origin, 'answers with their spans');
      return lists[0]!;
    };
    const perGroup = await mapLimit(groups, this.concurrency(), async (g) => {
      if (g.length > 1 && this.qaBatched) {
        let why: string;
        try {
          const lists = qaReplyLists(await requestAnswers(req, g.map((i) => questions[i]!), g.map((i) => contexts[i]!), topK), g.length);
          if (lists) return lists;
          why = `it answered ${g.length} passages in another shape`;
        } catch (err) {
          if (!batchRefused(err)) throw err;
          why = (err as BackendError).message;
        }
        if (this.qaBatched) {
          this.qaBatched = false;
          this.warn(`${this.origin} did not take ${g.length} passages in one request (${why}); asking one passage per request from now on.`);
        }
      }
      const out: ServerSpan[][] = [];
      for (const i of g) out.push(await one(i)); // sequential: the groups already keep `concurrency` requests in flight
      return out;
    });
    return perGroup.flat();
  }
}

/** A refusal of a list of passages (a handler that takes one pair, a payload too large), not of the task itself. */
function batchRefused(err: unknown): boolean {
  return err instanceof BackendError && (err.kind === 'server' || err.kind === 'unsupported') && [400, 413, 422, 500].includes(err.status);
}

const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);

function sortLabels(out: unknown): LabelScore[] {
  const list = Array.isArray(out) ? out : [];
  if (!list.every((l) => l && typeof l.label === 'string' && typeof l.score === 'number')) throw new BackendError('server', 'Hugging Face Inference answered labels without scores.', 'hf-inference', '');
  return (list as LabelScore[]).map((l) => ({ label: l.label, score: l.score })).sort((x, y) => y.score - x.score);
}

function pooled(row: unknown): number[] {
  if (Array.isArray(row) && row.every((x) => typeof x === 'number')) return row as number[];
  if (Array.isArray(row) && row.length && row.every((t) => Array.isArray(t) && t.every((x) => typeof x === 'number'))) {
    const tokens = row as number[][];
    return tokens[0]!.map((_, j) => tokens.reduce((s, t) => s + t[j]!, 0) / tokens.length);
  }
  throw new BackendError('server', 'Hugging Face Inference answered an embedding that is not a list of numbers.', 'hf-inference', '');
}
