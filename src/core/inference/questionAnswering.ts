/**
 * Extractive question answering that says where its answer is. transformers.js's question-answering
 * pipeline returns only the decoded answer text, and searching a passage for that text finds the
 * wrong place ("12 hours" inside "112 hours"). So the pipeline's tokenizer and model run here, the
 * span is chosen as the pipeline chooses it (softmax over the passage's start and end logits,
 * [CLS] kept in the softmax but never an answer, best start × end with start ≤ end, at most 15
 * tokens as in transformers' Python pipeline), and its first
 * and last tokens are mapped back to the passage through the tokenizer's offsets.
 */
import type { Tokenizer } from '@huggingface/tokenizers';
import { TokenOffsetMapper } from '../tokenize/offsets';

/** One answer: its text as written in the passage and its [start, end) there, in UTF-16 code units. */
export interface QaAnswer {
  answer: string;
  score: number;
  start: number;
  end: number;
}

type Ids = Array<number | bigint>;
interface Logits {
  tolist(): number[][];
}

/** What a transformers.js question-answering pipeline object holds (its own call is not used). */
export interface QaPipelineParts {
  tokenizer: ((q: string[], o: { text_pair: string[]; padding: boolean; truncation: boolean }) => { input_ids: { tolist(): Ids[] } }) & {
    _tokenizer?: Tokenizer;
    _tokenizerJSON?: Record<string, unknown>;
    all_special_ids?: Ids;
    padding_side?: string;
  };
  model: (inputs: unknown) => Promise<{ start_logits: Logits; end_logits: Logits }>;
  dispose?: () => Promise<void>;
}

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** Widens [start, end) to whole grapheme clusters (never half an emoji or a letter without its accent). */
export function snapToGraphemes(text: string, start: number, end: number): { start: number; end: number } {
  const snap = (at: number, toEnd: boolean): number => {
    if (at <= 0 || at >= text.length) return at;
    const from = Math.max(0, at - 64);
    for (const g of segmenter.segment(text.slice(from, Math.min(text.length, at + 64)))) {
      const a = from + g.index;
      const b = a + g.segment.length;
      if (a < at && at < b) return toEnd ? b : a;
      if (a >= at) break;
    }
    return at;
  };
  return { start: snap(start, false), end: snap(end, true) };
}

function softmax(row: number[]): number[] {
  const max = Math.max(...row);
  if (max === -Infinity) return row.map(() => 0);
  const e = row.map((x) => Math.exp(x - max));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / sum);
}

/**
 * The longest answer, in tokens: transformers' Python pipeline's `max_answer_len` default.
 * transformers.js has no limit, so a start on one page and an end pages later could win a tie.
 */
export const MAX_ANSWER_TOKENS = 15;

/**
 * The best `topK` spans of one row: positions are the passage's tokens that have a place; scores are
 * start × end probabilities; a span is at most MAX_ANSWER_TOKENS tokens. Ties keep the earlier span,
 * as the pipeline's stable sort does.
 */
function bestSpans(start: number[], end: number[], candidates: number[], topK: number): Array<[number, number, number]> {
  const best: Array<[number, number, number]> = [];
  for (let a = 0; a < candidates.length; a++) {
    const i = candidates[a]!;
    if (start[i]! === 0) continue;
    for (let b = a; b < candidates.length; b++) {
      const j = candidates[b]!;
      if (j - i + 1 > MAX_ANSWER_TOKENS) break;
      const score = start[i]! * end[j]!;
      if (best.length === topK && score <= best[best.length - 1]![2]) continue;
      let k = best.length;
      while (k > 0 && best[k - 1]![2] < score) k--;
      best.splice(k, 0, [i, j, score]);
      if (best.length > topK) best.pop();
    }
  }
  return best;
}

/**
 * Wraps a loaded question-answering pipeline: called like it, (question, context, { top_k }) with
 * strings or arrays, it returns the same shapes (one answer, a list for top_k > 1, a list per pair
 * for arrays) with `start` and `end` added and `answer` the passage's own text there.
 * @throws Error when the tokenizer's tokens cannot be traced back to the passage (no answer is
 *   better than one in the wrong place)
 */
export function questionAnswerer(p: QaPipelineParts): ((...args: unknown[]) => Promise<unknown>) & { dispose?: () => Promise<void> } {
  const tok = p.tokenizer;
  if (!tok._tokenizer || !tok._tokenizerJSON) throw new Error('This version of transformers.js does not expose its tokenizer, which AI Lab needs to say where an answer is.');
  const mapper = new TokenOffsetMapper(tok._tokenizer, tok._tokenizerJSON);
  const special = new Set((tok.all_special_ids ?? []).map(Number));
  const call = async (...args: unknown[]): Promise<unknown> => {
    const [question, context, options] = args as [string | string[], string | string[], { top_k?: number } | undefined];
    const batched = Array.isArray(question);
    const qs = batched ? question : [question];
    const cs = (Array.isArray(context) ? context : [context]) as string[];
    if (qs.length !== cs.length) throw new Error(`question-answering got ${qs.length} questions for ${cs.length} passages`);
    const topK = Math.max(1, Math.floor(options?.top_k ?? 1));
    const inputs = tok(qs, { text_pair: cs, padding: true, truncation: true });
    const { start_logits, end_logits } = await p.model(inputs);
    const ids = inputs.input_ids.tolist();
    const starts = start_logits.tolist();
    const ends = end_logits.tolist();
    const results = qs.map((q, row) => {
      const passage = cs[row]!;
      const enc = mapper.encode(q, { pair: passage });
      const seen = ids[row]!.map(Number);
      // The model read enc's tokens, cut at its maximum length (at the end) and padded (after them,
      // or before them for left padding): anything else means the offsets describe other tokens.
      const shift = tok.padding_side === 'left' ? Math.max(0, seen.length - enc.ids.length) : 0;
      const same = enc.mapped && seen.every((id, k) => (k >= shift && k - shift < enc.ids.length ? id === enc.ids[k - shift] : special.has(id)));
      if (!same) throw new Error('AI Lab could not trace this model\'s tokens back to the passage, so it cannot say where an answer is. Try another question-answering model.');
      const at = (i: number) => i - shift;
      const inPassage = (i: number) => i >= shift && enc.sequence[at(i)] === 1 && !special.has(seen[i]!);
      // Only the passage's tokens (and [CLS], which some models use for "no answer") stay in the softmax.
      const mask = (row: number[]) => row.map((x, i) => (i === 0 || inPassage(i) ? x : -Infinity));
      const s = softmax(mask(starts[row]!));
      const e = softmax(mask(ends[row]!));
      s[0] = 0;
      e[0] = 0;
      const candidates = seen.map((_, i) => i).filter((i) => inPassage(i) && enc.offsets[at(i)] !== undefined);
      return bestSpans(s, e, candidates, topK).map(([i, j, score]): QaAnswer => {
        const first = enc.offsets[at(i)]!;
        const span = snapToGraphemes(passage, first.start, Math.max(first.end, enc.offsets[at(j)]!.end));
        return { answer: passage.slice(span.start, span.end), score, start: span.start, end: span.end };
      });
    });
    const shaped = topK === 1 ? results.map((r) => r[0] ?? { answer: '', score: 0, start: 0, end: 0 }) : results;
    return batched ? shaped : shaped[0];
  };
  return Object.assign(call, { dispose: p.dispose?.bind(p) });
}
