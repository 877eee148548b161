/**
 * Ask the Workspace: the question's passages retrieved from the workspace index (hybrid: BM25 and
 * meaning, RRF), then the extractive reader over them; each answer names its file and page.
 */
import type { Answer, LabOutput, Progress, TaskRunner } from '../nlp/runner';
import { partBudget } from '../nlp/runner';
import { QA_DEFAULTS } from '../nlp/tasks';
import { bestAnswers, readPassages, type ReadPassage } from '../qa/ask';
import { chunkText, InputError } from '../text/chunks';
import { requireVisibleText } from '../text/visible';
import { searchIndex, type SearchableIndex } from './hybridSearch';

export interface AskWorkspaceParams {
  runner: TaskRunner;
  /** The extractive question-answering model. */
  model: string;
  question: string;
  index: SearchableIndex;
  /** The runner of the index's embedding model when it is not `runner` (another backend embeds). */
  embedRunner?: TaskRunner;
  /** The embedding model as `embedRunner` takes it (see SearchParams.model). */
  embedModel?: string;
  /** Passages retrieved from the index and read (default: QA_DEFAULTS.retrieveTop); 0 reads every passage of the index (no retrieval). */
  retrieveTop?: number;
  topK?: number;
  minScore?: number;
  batchSize?: number;
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
}

export type WorkspaceAnswers = Extract<LabOutput, { kind: 'answers' }> & { answers: Array<Answer & { file: string }> };

/**
 * The best answers across the indexed documents, each with `file` (relative to the indexed folder),
 * offsets in that file's text, page (PDFs) and context. A passage longer than the reader takes
 * beside the question is read in parts. Throws an InputError for an empty question or an empty index.
 */
export async function askWorkspace(p: AskWorkspaceParams): Promise<WorkspaceAnswers> {
  const question = p.question.trim();
  if (!question) throw new InputError('Type a question to ask.');
  requireVisibleText(question, 'the question');
  if (question.length > 1000) throw new InputError('The question is longer than 1,000 characters; ask something shorter.');
  const data = p.index.data;
  if (!data.passages.length) throw new InputError('The workspace index holds no passages: index a folder with text, Markdown or PDF files first.');
  const top = p.retrieveTop ?? QA_DEFAULTS.retrieveTop;
  if (!Number.isInteger(top) || top < 0) throw new InputError(`The passages to read must be a whole number, 0 for all (got ${top}).`);
  // 0 (or as many as the index holds): every passage is read, in index order; nothing is embedded.
  const all = top === 0 || top >= data.passages.length;
  if (!all) p.onProgress?.({ done: 0, total: 1, message: 'searching the index' });
  const hits = all ? data.passages.map((_, passage) => ({ passage })) : await searchIndex(p.index, { runner: p.embedRunner ?? p.runner, query: question, top, model: p.embedModel, signal: p.signal });
  const part = await partBudget(p.runner, 'question-answering', p.model, QA_DEFAULTS.chunkTokens, { pairedWith: [question], signal: p.signal });
  const passages: ReadPassage[] = [];
  const owner: number[] = [];
  for (const h of hits) {
    const ps = data.passages[h.passage]!;
    for (const c of chunkText(ps.text, part.tokens, Math.min(QA_DEFAULTS.overlapTokens, Math.floor(part.tokens / 2)), part.counter)) {
      passages.push({ text: c.text, start: ps.start + c.start, end: ps.start + c.end, tokens: c.tokens, doc: ps.file });
      owner.push(h.passage);
    }
  }
  const found = await readPassages(p, question, passages, all ? '' : ` (best of ${data.passages.length} in the index)`, (k, start, end) => {
    const ps = data.passages[owner[k]!]!;
    if (ps.page === undefined) return undefined;
    if (ps.pageEnd === undefined) return { first: ps.page, last: ps.page };
    // A passage over a page break: which side the answer is on is in the passage's page spans.
    const starts = ps.pageStarts ?? [];
    const at = (o: number) => [...starts].reverse().find((s) => s.start <= o)?.page ?? ps.page!;
    return { first: at(start), last: at(Math.max(start, end - 1)) };
  });
  const named = new Map([...found].map(([key, { passage, ...a }]) => (void passage, [key, { ...a, file: data.files[data.passages[owner[passage]!]!.file]!.path }] as const)));
  return { kind: 'answers', question, ...bestAnswers(named, p), read: passages.length, chunks: data.passages.length, retrieval: all ? 'all' : 'hybrid' };
}
