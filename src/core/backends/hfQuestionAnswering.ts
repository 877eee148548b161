/**
 * Question answering on Hugging Face Inference with several passages per request, where the server
 * is the Inference Toolkit (a dedicated Inference Endpoint's default handler, the hf-inference
 * provider). Its question-answering handler takes `inputs: {question, context}` with both either a
 * string or a list of strings (huggingface-inference-toolkit, handler.py) and hands them to the
 * transformers pipeline, which answers one result per pair: a dict, or a list of dicts with top_k > 1
 * (an example with a single answer gives that dict; a list of one example answers as that example
 * alone). The request is built by the official client (makeRequestOptions with its hf-inference
 * helper: URL, headers, provider mapping), only the body holds lists.
 */
import { getProviderHelper, makeRequestOptions } from '@huggingface/inference';
import type { ServerSpan } from './qaSpans';

export interface QaRequest {
  /** The HF token; '' or undefined: none sent. */
  token?: string;
  /** The model id (Inference Providers); may be empty with an Endpoint. */
  model?: string;
  /** A dedicated Inference Endpoint's URL. */
  endpointUrl?: string;
  /** The backend's fetch (origin checks, errors as BackendErrors, waits). */
  fetch: typeof fetch;
  signal?: AbortSignal;
}

/**
 * Asks `questions[i]` about `contexts[i]` for every i in one request (one pair: the single form the
 * client itself sends) and returns the reply's JSON, unchecked (see qaReplyLists).
 * @throws InferenceClientInputError when the model is not served by hf-inference (the provider mapping
 *   says so); BackendError for the server's refusals (from `fetch`)
 */
export async function requestAnswers(r: QaRequest, questions: string[], contexts: string[], topK: number): Promise<unknown> {
  const inputs = contexts.length === 1 ? { question: questions[0]!, context: contexts[0]! } : { question: questions, context: contexts };
  const args = { accessToken: r.token || undefined, ...(r.model ? { model: r.model } : {}), ...(r.endpointUrl ? { endpointUrl: r.endpointUrl } : {}), inputs, parameters: { top_k: topK } };
  // The client's types say one pair; the Toolkit takes lists (see above), so the args are cast.
  const { url, info } = await makeRequestOptions(args as Parameters<typeof makeRequestOptions>[0], getProviderHelper('hf-inference', 'question-answering'), { fetch: r.fetch, task: 'question-answering', signal: r.signal });
  const res = await r.fetch(url, info);
  return res.json();
}

const isSpan = (x: unknown): x is ServerSpan => {
  const s = x as ServerSpan;
  return !!s && typeof s === 'object' && !Array.isArray(s) && typeof s.answer === 'string' && typeof s.start === 'number' && typeof s.end === 'number' && typeof s.score === 'number';
};

/** One pair's result (a span, or a list of spans) as a list; undefined when it is neither. */
function spansOf(x: unknown): ServerSpan[] | undefined {
  if (isSpan(x)) return [x];
  return Array.isArray(x) && x.every(isSpan) ? (x as ServerSpan[]) : undefined;
}

/**
 * The answers for each of `n` pairs in a Toolkit reply: for one pair its span or list of spans; for
 * several, a list of `n` results in the pairs' order. Undefined when the reply is not that shape (a
 * custom handler that does not take lists): the caller then asks one pair per request.
 */
export function qaReplyLists(body: unknown, n: number): ServerSpan[][] | undefined {
  if (n === 1) {
    const one = spansOf(body);
    return one ? [one] : undefined;
  }
  if (!Array.isArray(body) || body.length !== n) return undefined;
  const lists = body.map(spansOf);
  return lists.every((l): l is ServerSpan[] => l !== undefined) ? lists : undefined;
}
