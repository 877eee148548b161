/**
 * OpenAI-compatible servers (vLLM, LM Studio, Ollama, llama.cpp server): /v1/embeddings (one request
 * per batch), /v1/chat/completions for summarization and text-generation (a prompt the user can see
 * and change; streamed as SSE when the caller wants partial text), /v1/models, and vLLM's /classify
 * and /score where the server offers them (a 404 there means it does not: said so).
 */
import type { LabelScore, RunOptions } from '../nlp/runner';
import { estimateTokens } from '../text/tokens';
import { badReply, normalized, optionsOf, RemoteRunnerBase, textsOf } from './base';
import { readJson } from './http';
import { checkPrompt, DEFAULT_PROMPTS, fillPrompt } from './prompts';
import { BackendError, serverMessage } from './remoteError';
import { sseEvents } from './sse';
import type { PromptTemplate, RemoteBackendOptions } from './types';

interface ModelEntry {
  id: string;
  max_model_len?: number;
}

export class OpenAiRunner extends RemoteRunnerBase {
  /** The server root (without /v1). */
  private readonly root: string;
  private readonly origin: string;
  private models?: Promise<ModelEntry[]>;
  private readonly prompts: Record<'summarization' | 'text-generation', PromptTemplate>;

  constructor(o: RemoteBackendOptions) {
    const u = new URL(o.url!);
    super(o, [u.origin]);
    this.origin = u.origin;
    this.root = u.toString().replace(/\/+$/, '').replace(/\/v1$/, '');
    this.prompts = { ...DEFAULT_PROMPTS, ...(o.prompts ?? {}) };
    for (const [k, t] of Object.entries(this.prompts)) checkPrompt(t, k);
  }

  private async post<T>(route: string, body: unknown, model: string, signal?: AbortSignal): Promise<T> {
    const res = await this.fetcher({ model, signal })(`${this.root}${route}`, { method: 'POST', headers: this.jsonHeaders(), body: JSON.stringify(body) });
    return readJson<T>(res);
  }

  /** GET /v1/models, asked once. */
  async listModels(signal?: AbortSignal): Promise<ModelEntry[]> {
    this.models ??= (async () => {
      const res = await this.fetcher({ signal })(`${this.root}/v1/models`, { headers: this.jsonHeaders() });
      const body = await readJson<{ data?: ModelEntry[] }>(res);
      if (!body || !Array.isArray(body.data) || !body.data.every((m) => typeof m?.id === 'string')) throw badReply('openai', this.origin, 'an OpenAI-compatible /v1/models list');
      return body.data;
    })().catch((err) => {
      this.models = undefined;
      throw err;
    });
    return this.models;
  }

  /** The model to ask for: the one given, else the server's only model. */
  async modelFor(model: string, signal?: AbortSignal): Promise<string> {
    if (model) {
      this.served ??= { model };
      return model;
    }
    const list = await this.listModels(signal);
    if (list.length !== 1) {
      throw new BackendError('not-found', list.length ? `${this.origin} serves ${list.length} models (${list.map((m) => m.id).join(', ')}): name one with the model setting (--model).` : `${this.origin} lists no models in /v1/models.`, 'openai', this.origin);
    }
    this.served = { model: list[0]!.id };
    return list[0]!.id;
  }

  protected override async serverMaxTokens(_p: string, model: string, signal?: AbortSignal): Promise<number | undefined> {
    const id = await this.modelFor(model, signal);
    const list = await this.listModels(signal).catch(() => [] as ModelEntry[]);
    const len = list.find((m) => m.id === id)?.max_model_len;
    return typeof len === 'number' && len > 0 ? len : undefined;
  }

  protected override prefixTokens(pipeline: string): number {
    const t = this.prompts[pipeline as 'summarization'];
    // The template's own words, the chat format's tokens (~10 per message), and the answer's room are not the text's.
    return t ? estimateTokens(t.system + t.user) + 24 : 0;
  }

  protected async runTask(pipeline: string, model: string, inputs: unknown[], o: RunOptions): Promise<unknown> {
    const id = await this.modelFor(model, o.signal);
    if (pipeline === 'feature-extraction') {
      const texts = textsOf(inputs[0]);
      const out = await this.post<{ data?: Array<{ index: number; embedding: number[] }> }>('/v1/embeddings', { model: id, input: texts, encoding_format: 'float' }, id, o.signal);
      const rows = out?.data;
      if (!Array.isArray(rows) || rows.length !== texts.length || !rows.every((r) => Number.isInteger(r?.index) && Array.isArray(r.embedding))) throw badReply('openai', this.origin, 'an embeddings list (one per input)');
      const data = [...rows].sort((a, b) => a.index - b.index).map((r) => (optionsOf(inputs, 1).normalize === false ? r.embedding : normalized(r.embedding)));
      return { dims: [data.length, data[0]?.length ?? 0], data };
    }
    if (pipeline === 'summarization' || pipeline === 'text-generation') {
      const text = textsOf(inputs[0])[0] ?? '';
      const opts = optionsOf(inputs, 1);
      const maxNew = typeof opts.max_new_tokens === 'number' ? opts.max_new_tokens : 128;
      const out = await this.chat(pipeline, id, text, maxNew, opts, o);
      return pipeline === 'summarization' ? [{ summary_text: out }] : [{ generated_text: text + out }];
    }
    if (pipeline === 'text-classification') return this.classify(id, textsOf(inputs[0]), o.signal);
    if (pipeline === 'text-pair-classification') return this.score(id, inputs[0], o.signal);
    throw new Error(`unreachable: ${pipeline}`);
  }

  private async chat(pipeline: 'summarization' | 'text-generation', model: string, text: string, maxNew: number, opts: Record<string, unknown>, o: RunOptions): Promise<string> {
    const p = fillPrompt(this.prompts[pipeline], { text, max_new_tokens: maxNew });
    const sampling = opts.do_sample === true ? { temperature: opts.temperature ?? 0.8, top_p: opts.top_p ?? 0.95 } : { temperature: 0 };
    const body = { model, messages: [{ role: 'system', content: p.system }, { role: 'user', content: p.user }], max_tokens: maxNew, ...sampling, stream: Boolean(o.onPartial) };
    if (!o.onPartial) {
      const out = await this.post<{ choices?: Array<{ message?: { content?: string | null } }> }>('/v1/chat/completions', body, model, o.signal);
      const content = out?.choices?.[0]?.message?.content;
      if (typeof content !== 'string') throw badReply('openai', this.origin, 'a chat completion (choices[0].message.content)');
      return content;
    }
    const res = await this.fetcher({ model, signal: o.signal })(`${this.root}/v1/chat/completions`, { method: 'POST', headers: { ...this.jsonHeaders(), accept: 'text/event-stream' }, body: JSON.stringify(body) });
    if (!/event-stream/i.test(res.headers.get('content-type') ?? '')) {
      // A server that ignores stream: true answers one JSON completion.
      const out = (await res.json()) as { choices?: Array<{ message?: { content?: string } }> };
      const content = out?.choices?.[0]?.message?.content ?? '';
      if (content) o.onPartial(content);
      return content;
    }
    let all = '';
    for await (const ev of sseEvents(res, { backend: 'openai', origin: this.origin, idleMs: this.http.timeoutMs, signal: o.signal })) {
      const e = ev as { error?: unknown; choices?: Array<{ delta?: { content?: string | null } }> };
      if (e.error) throw new BackendError('server', `${this.origin} stopped the stream: ${serverMessage(e) ?? JSON.stringify(e.error)}`, 'openai', this.origin);
      const piece = e.choices?.[0]?.delta?.content;
      if (typeof piece === 'string' && piece) {
        all += piece;
        o.onPartial(piece);
      }
    }
    return all;
  }

  /** A 404 from a vLLM-only route: the server does not offer it (a missing model stays not-found). */
  private offered<T>(route: string, p: Promise<T>): Promise<T> {
    return p.catch((err: unknown) => {
      if (err instanceof BackendError && err.kind === 'not-found' && /\(HTTP 404\): Not Found$/.test(err.message)) {
        throw new BackendError('unsupported', `${this.origin} does not offer ${route} (HTTP 404). vLLM serves it for a classification / cross-encoder model (vllm serve MODEL --task ${route === '/classify' ? 'classify' : 'score'}); LM Studio, Ollama and llama.cpp do not.`, 'openai', this.origin, 404);
      }
      throw err;
    });
  }

  private readonly labelNames = new Map<string, string[]>();
  private readonly warnedNames = new Set<string>();

  /** vLLM /classify: probabilities per class; the server names only the top class, so names are learned as they come. */
  private async classify(model: string, texts: string[], signal?: AbortSignal): Promise<LabelScore[][]> {
    const out = await this.offered('/classify', this.post<{ data?: Array<{ index: number; label: string; probs: number[] }> }>('/classify', { model, input: texts }, model, signal));
    const rows = out?.data;
    if (!Array.isArray(rows) || rows.length !== texts.length || !rows.every((r) => Array.isArray(r?.probs) && typeof r.label === 'string')) throw badReply('openai', this.origin, "vLLM's /classify (probs per input)");
    const names = this.labelNames.get(model) ?? [];
    for (const r of rows) names[r.probs.indexOf(Math.max(...r.probs))] = r.label;
    this.labelNames.set(model, names);
    const unnamed = rows[0]!.probs.some((_, i) => !names[i]);
    if (unnamed && !this.warnedNames.has(model)) {
      this.warnedNames.add(model);
      this.warn(`${this.origin}'s /classify names only the top class; classes it has not named yet are shown as LABEL_n.`);
    }
    return [...rows].sort((a, b) => a.index - b.index).map((r) => r.probs.map((score, i) => ({ label: names[i] ?? `LABEL_${i}`, score })).sort((a, b) => b.score - a.score));
  }

  /** vLLM /score (a cross-encoder with one output): the score is the pair's entailment probability. */
  private async score(model: string, input: unknown, signal?: AbortSignal): Promise<LabelScore[][]> {
    if (!Array.isArray(input) || !input.every((p) => Array.isArray(p) && p.length === 2 && p.every((x) => typeof x === 'string'))) throw new TypeError('text-pair-classification takes a list of [text, text] pairs');
    const pairs = input as Array<[string, string]>;
    const out: LabelScore[][] = new Array(pairs.length);
    const groups = new Map<string, number[]>();
    pairs.forEach(([a], i) => groups.set(a, [...(groups.get(a) ?? []), i]));
    for (const [first, idx] of groups) {
      const r = await this.offered('/score', this.post<{ data?: Array<{ index: number; score: number }> }>('/score', { model, text_1: first, text_2: idx.map((i) => pairs[i]![1]) }, model, signal));
      const rows = r?.data;
      if (!Array.isArray(rows) || rows.length !== idx.length || !rows.every((x) => typeof x?.score === 'number' && x.score >= 0 && x.score <= 1)) throw badReply('openai', this.origin, "vLLM's /score (a probability per pair)");
      for (const x of rows) {
        const s = x.score;
        out[idx[x.index]!] = [{ label: 'entailment', score: s }, { label: 'not_entailment', score: 1 - s }].sort((a, b) => b.score - a.score);
      }
    }
    return out;
  }
}
