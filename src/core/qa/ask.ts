import { setting } from '../surface/names';
import { batchLimits, runInBatches } from '../inference/batching';
import { partBudget, type Answer, type LabOutput, type Progress, type TaskRunner } from '../nlp/runner';
import { pagesOf, type DocumentText } from '../pdf/pageText';
import { checkText, chunkText, InputError } from '../text/chunks';
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
  const { chunks: chosen, flat } = selectChunks(index.rank(question), p.retrieveTop ?? QA_DEFAULTS.retrieveTop);
  const retrieval = flat ? 'flat' : chosen.length === chunks.length ? 'all' : 'bm25';
  const perChunk = Math.max(1, Math.min(3, p.topK ?? QA_DEFAULTS.topK));
  const results = await runInBatches(
    chosen,
    batchLimits(p.runner, 'question-answering', batchSizeFor('qa'), p.batchSize),
    (i) => chunks[i]!.tokens,
    async (batch) => asAnswerLists(await p.runner.run('question-answering', p.model, [batch.map(() => question), batch.map((i) => chunks[i]!.text), { top_k: perChunk }], { signal: p.signal }), batch.length),
    (done, total) => p.onProgress?.({ done, total, message: `read ${done} of ${total} passages${retrieval === 'bm25' ? ` (best of ${chunks.length})` : ''}` }),
  );
  const found = new Map<string, Answer>();
  chosen.forEach((ci, k) => {
    const chunk = chunks[ci]!;
    for (const r of results[k]!) {
      if (!r?.answer?.trim()) continue;
      // The place comes from the model's own span (its tokens' offsets in the passage), never from
      // searching for the answer's words: "12 hours" is also inside "112 hours".
      if (typeof r.start !== 'number' || typeof r.end !== 'number' || r.start < 0 || r.end > chunk.text.length || r.start >= r.end) {
        throw new Error('The question-answering service gave an answer without its place in the passage.');
      }
      const start = chunk.start + r.start;
      const end = chunk.start + r.end;
      const key = `${start}:${end}`;
      if ((found.get(key)?.score ?? -1) >= r.score) continue; // Overlapping chunks find the same span.
      const ctx = answerContext(chunk, start, end);
      const pages = p.paged ? pagesOf(p.doc, start, end) : undefined;
      found.set(key, {
        answer: text.slice(start, end),
        score: r.score,
        start,
        end,
        ...(pages ? { page: pages.first, ...(pages.last !== pages.first ? { pageEnd: pages.last } : {}) } : {}),
        context: ctx.text,
        contextStart: ctx.start,
        contextEnd: ctx.end,
        inContext: { start: ctx.answerStart, end: ctx.answerEnd },
      });
    }
  });
  const ranked = [...found.values()].sort((a, b) => b.score - a.score || a.start - b.start);
  const min = p.minScore ?? QA_DEFAULTS.minScore;
  const answers = ranked.filter((a) => a.score >= min).slice(0, Math.max(1, p.topK ?? QA_DEFAULTS.topK));
  const best = ranked[0];
  return {
    kind: 'answers',
    question,
    answers,
    read: chosen.length,
    chunks: chunks.length,
    retrieval,
    minScore: min,
    ...(!answers.length && best ? { rejected: { answer: best.answer, score: best.score } } : {}),
  };
}
