import { setting } from '../surface/names';
import { batchLimits, runInBatches } from '../inference/batching';
import { partBudget, type Answer, type LabOutput, type Progress, type TaskRunner } from '../nlp/runner';
import { pagesOf, type DocumentText } from '../pdf/pageText';
import { checkText, chunkText, InputError, type Chunk } from '../text/chunks';
import { embedTexts } from '../search/embed';
import { fuseRankings, topKeepingEachBest } from '../search/fuse';
import { requireVisibleText } from '../text/visible';
import { batchSizeFor, QA_DEFAULTS } from '../nlp/tasks';
import { Bm25Index, selectChunks } from './bm25';
import { answerContext } from './context';

export interface AskParams {
  runner: TaskRunner;
  /** An extractive question-answering model. */
  model: string;
  question: string;
  /** The text to search; with pages (a PDF), answers say their page. */
  doc: DocumentText;
  paged: boolean;
  /** Chunk size and overlap, in tokens of the model's tokenizer (the model's own maximum, less the question, wins). */
  chunkTokens?: number;
  overlapTokens?: number;
  /** Answers to return, and the score below which an answer is not given. */
  topK?: number;
  minScore?: number;
  /** Chunks to read after BM25 ranking; 0 reads every chunk. */
  retrieveTop?: number;
  /**
   * A sentence-embedding (feature-extraction) model: chunks are then ranked by BM25 and by meaning,
   * fused by reciprocal rank fusion (src/core/search/fuse.ts), so a question in other words than the
   * document finds its passage. Without it, BM25 alone.
   */
  embedModel?: string;
  batchSize?: number;
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
}

/** A reader's answer: its text and its [start, end) in the passage it read (UTF-16 offsets). */
interface RawAnswer {
  answer: string;
  score: number;
  start?: number;
  end?: number;
}

function asAnswerLists(out: unknown, n: number): RawAnswer[][] {
  const arr = (Array.isArray(out) ? out : [out]) as unknown[];
  const lists = arr.map((x) => (Array.isArray(x) ? (x as RawAnswer[]) : [x as RawAnswer]));
  if (lists.length !== n) throw new Error(`the question-answering model gave ${lists.length} results for ${n} chunks`);
  return lists;
}

/**
 * Extractive question answering over a document of any length: overlapping chunks, BM25 to pick the
 * chunks worth reading, the reader model over them in batches, then the best answers across chunks,
 * each traced to its offsets (UTF-16, from the model's span: passage → document → page) and sentence.
 */
export async function askQuestion(p: AskParams): Promise<Extract<LabOutput, { kind: 'answers' }>> {
  const question = p.question.trim();
  if (!question) throw new InputError('Type a question to ask.');
  requireVisibleText(question, 'the question');
  if (question.length > 1000) throw new InputError('The question is longer than 1,000 characters; ask something shorter.');
  const text = checkText(p.doc.text, 'the document');
  // The question shares the model's input with each passage: sized with the model's tokenizer to fit beside it.
  const part = await partBudget(p.runner, 'question-answering', p.model, p.chunkTokens ?? QA_DEFAULTS.chunkTokens, { pairedWith: [question], signal: p.signal });
  const overlap = p.overlapTokens ?? QA_DEFAULTS.overlapTokens;
  // An overlap as long as a passage would repeat whole passages (the chunker would cut it silently).
  if (overlap >= part.tokens) {
    const cut = part.tokens < (p.chunkTokens ?? QA_DEFAULTS.chunkTokens) ? ` (${p.model} leaves room for ${part.tokens} beside the question)` : '';
    throw new InputError(`${setting('aiLab.qa.overlapTokens')} ${overlap} must be less than the passage size, ${part.tokens} tokens${cut}; ${setting('aiLab.qa.chunkTokens')} sets the size.`);
  }
  const chunks = chunkText(text, part.tokens, overlap, part.counter);
  const index = new Bm25Index(chunks.map((c) => c.text));
  const retrieveTop = p.retrieveTop ?? QA_DEFAULTS.retrieveTop;
  let chosen: number[];
  let retrieval: 'all' | 'bm25' | 'flat' | 'hybrid';
  if (p.embedModel && retrieveTop > 0 && retrieveTop < chunks.length) {
    chosen = await hybridChoice(p, p.embedModel, question, chunks.map((c) => c.text), index, retrieveTop);
    retrieval = 'hybrid';
  } else {
    const sel = selectChunks(index.rank(question), retrieveTop);
    chosen = sel.chunks;
    retrieval = sel.flat ? 'flat' : chosen.length === chunks.length ? 'all' : 'bm25';
  }
  const found = await readPassages(
    p,
    question,
    chosen.map((i) => chunks[i]!),
    retrieval === 'bm25' || retrieval === 'hybrid' ? ` (best of ${chunks.length})` : '',
    (_, start, end) => (p.paged ? pagesOf(p.doc, start, end) : undefined),
  );
  // The passage index is for callers that read passages of several documents.
  const answers = new Map([...found].map(([key, { passage, ...a }]) => (void passage, [key, a] as const)));
  return { kind: 'answers', question, ...bestAnswers(answers, p), read: chosen.length, chunks: chunks.length, retrieval };
}

/** The chunks to read by RRF over BM25's and the embedder's rankings: the best `top`, each ranking's own best among them. */
async function hybridChoice(p: AskParams, embedModel: string, question: string, texts: string[], index: Bm25Index, top: number): Promise<number[]> {
  const [q, ...vectors] = await embedTexts(p.runner, embedModel, [question, ...texts], { signal: p.signal, onProgress: (done, total) => p.onProgress?.({ done, total, message: `embedded ${done} of ${total} passages` }) });
  const dense = vectors.map((v, i) => ({ i, s: v.reduce((acc, x, j) => acc + x * q![j]!, 0) })).sort((a, b) => b.s - a.s || a.i - b.i).map((d) => d.i);
  const lexical = index.rank(question);
  return topKeepingEachBest(fuseRankings(dense, lexical.order, lexical.scores, texts.length), top).map((f) => f.id);
}

/** What the reader needs besides the passages (AskParams' reading options). */
export type ReadParams = Pick<AskParams, 'runner' | 'model' | 'topK' | 'batchSize' | 'signal' | 'onProgress'>;

/** A passage the reader reads: its text and [start, end) in its document; `doc` tells documents apart (Ask the Workspace). */
export interface ReadPassage extends Chunk {
  doc?: number;
}

/**
 * The reader model over `passages` in batches; each answer traced to its document's offsets from the
 * model's own span (passage start + span), with its page (`pages`), sentence and passage. The same
 * span found twice (overlapping passages) keeps its best score. Keyed by document and span.
 */
export async function readPassages(
  p: ReadParams,
  question: string,
  passages: readonly ReadPassage[],
  progressNote: string,
  pages: (passage: number, start: number, end: number) => { first: number; last: number } | undefined,
): Promise<Map<string, Answer & { passage: number }>> {
  const perChunk = Math.max(1, Math.min(3, p.topK ?? QA_DEFAULTS.topK));
  const results = await runInBatches(
    passages,
    batchLimits(p.runner, 'question-answering', batchSizeFor('qa'), p.batchSize),
    (c) => c.tokens,
    async (batch) => asAnswerLists(await p.runner.run('question-answering', p.model, [batch.map(() => question), batch.map((c) => c.text), { top_k: perChunk }], { signal: p.signal }), batch.length),
    (done, total) => p.onProgress?.({ done, total, message: `read ${done} of ${total} passages${progressNote}` }),
  );
  const found = new Map<string, Answer & { passage: number }>();
  passages.forEach((chunk, k) => {
    for (const r of results[k]!) {
      if (!r?.answer?.trim()) continue;
      // The place comes from the model's own span (its tokens' offsets in the passage), never from
      // searching for the answer's words: "12 hours" is also inside "112 hours".
      if (typeof r.start !== 'number' || typeof r.end !== 'number' || r.start < 0 || r.end > chunk.text.length || r.start >= r.end) {
        throw new Error('The question-answering service gave an answer without its place in the passage.');
      }
      const start = chunk.start + r.start;
      const end = chunk.start + r.end;
      const key = `${chunk.doc ?? 0}:${start}:${end}`;
      if ((found.get(key)?.score ?? -1) >= r.score) continue; // Overlapping chunks find the same span.
      const ctx = answerContext(chunk, start, end);
      const pg = pages(k, start, end);
      found.set(key, {
        answer: chunk.text.slice(r.start, r.end),
        score: r.score,
        start,
        end,
        ...(pg ? { page: pg.first, ...(pg.last !== pg.first ? { pageEnd: pg.last } : {}) } : {}),
        context: ctx.text,
        contextStart: ctx.start,
        contextEnd: ctx.end,
        inContext: { start: ctx.answerStart, end: ctx.answerEnd },
        passage: k,
      });
    }
  });
  return found;
}

/** The answers at or above the minimum score, best first, `topK` of them; the best one below when none is. */
export function bestAnswers<A extends Answer>(found: Map<string, A>, p: Pick<AskParams, 'topK' | 'minScore'>): { answers: A[]; minScore: number; rejected?: { answer: string; score: number } } {
  const ranked = [...found.values()].sort((a, b) => b.score - a.score || a.start - b.start);
  const min = p.minScore ?? QA_DEFAULTS.minScore;
  const answers = ranked.filter((a) => a.score >= min).slice(0, Math.max(1, p.topK ?? QA_DEFAULTS.topK));
  const best = ranked[0];
  return { answers, minScore: min, ...(!answers.length && best ? { rejected: { answer: best.answer, score: best.score } } : {}) };
}
