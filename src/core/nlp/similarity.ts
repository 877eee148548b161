/**
 * Sentence similarity as sentence-transformers computes it: each text truncated to the model's
 * max_seq_length, its token vectors pooled as the model's Pooling config says (pooling.ts), the
 * vectors compared by cosine. Compare Similarity (two texts) and Find Similar Passages (a query
 * against a document's passages) are built on embedTexts, which the workspace index reuses.
 *
 * Remote backends (TEI /embed, OpenAI-compatible /v1/embeddings, hf-inference feature-extraction)
 * return pooled vectors: the server applies the model's pooling (TEI and the Hub's sentence-transformers
 * pipeline read the same config) and its own truncation; AI Lab only normalises them.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { batchLimits, runInBatches } from '../inference/batching';
import { pagesOf, type DocumentText } from '../pdf/pageText';
import { checkText, InputError } from '../text/chunks';
import { requireVisibleText } from '../text/visible';
import { ESTIMATED_TOKENS, type TokenCounter } from '../text/tokens';
import { cosine, poolTokens, readSentenceEmbedder, unitVector } from './pooling';
import { cutToTokens } from './tokenCut';
import { chunkByPage } from '../text/pageChunks';
import { unknownTokens } from '../tokenize/inspect';
import type { EmbeddingRecipe, Progress, SimilarityOutput, SimilarPassagesOutput, TaskRunner } from './runner';
import { batchSizeFor, SIMILARITY_DEFAULTS } from './tasks';

const PIPELINE = 'feature-extraction';

/** What embedding a model's texts needs, found once per call: its recipe, tokenizer and folder. */
interface Prepared {
  recipe: EmbeddingRecipe;
  counter: TokenCounter;
  /** Special tokens the tokenizer adds around one text. */
  specials: number;
  dir?: string;
}

async function prepare(runner: TaskRunner, model: string, signal?: AbortSignal): Promise<Prepared> {
  const limits = runner.inputLimits ? await runner.inputLimits(PIPELINE, model, signal) : undefined;
  const counter = limits?.counter ?? ESTIMATED_TOKENS;
  const specials = counter.specials.single;
  if (!runner.modelDir) {
    const recipe: EmbeddingRecipe = {
      pooling: 'server',
      from: 'the server',
      normalize: true,
      notes: [
        `The ${runner.backend ?? 'remote'} backend returns pooled sentence vectors: the model's pooling and the truncation of long text are the server's (TEI and the Hub's sentence-transformers pipeline read the model's 1_Pooling config; token vectors, where a server answers those, are mean-pooled by AI Lab).`,
      ],
    };
    return { recipe, counter, specials };
  }
  const dir = await runner.modelDir(PIPELINE, model, signal);
  const st = readSentenceEmbedder(dir, model);
  // sentence-transformers reads max_seq_length tokens; the pipeline's tokenizer would read model_max_length.
  const caps = [st.maxSeqLength, limits?.maxTokens].filter((n): n is number => typeof n === 'number' && n > specials);
  const maxTokens = caps.length ? Math.min(...caps) : undefined;
  return { recipe: { pooling: st.pooling, from: st.from, normalize: st.normalize, maxTokens, notes: st.notes }, counter, specials, dir };
}

interface Embedded {
  vectors: number[][];
  /** Per text: tokens with special tokens (as the counter counts), and whether it was cut. */
  tokens: number[];
  truncated: boolean[];
}

function rows(out: unknown, n: number): number[][] {
  const data = (out as { data?: unknown })?.data;
  if (!Array.isArray(data) || data.length !== n || !data.every((r) => Array.isArray(r) && r.length && r.every((x) => typeof x === 'number' && Number.isFinite(x)))) {
    throw new Error(`the feature-extraction model gave no sentence vector for each of ${n} text${n === 1 ? '' : 's'}`);
  }
  return data as number[][];
}

async function embedPrepared(runner: TaskRunner, model: string, prep: Prepared, texts: readonly string[], o: EmbedOptions): Promise<Embedded> {
  const { recipe, counter, specials } = prep;
  const room = recipe.maxTokens !== undefined ? recipe.maxTokens - specials : undefined;
  const items = texts.map((t) => {
    const tokens = counter.count(t);
    const cut = room !== undefined && tokens > room;
    return { text: cut ? cutToRoom(prep, t, room) : t, tokens: Math.min(tokens, room ?? tokens) + specials, truncated: cut };
  });
  const pooling = recipe.pooling;
  // Mean and CLS are the pipeline's own poolings (masked mean over the batch's padding, first token);
  // the others need each text's unpadded token vectors, so those texts go one at a time.
  const perText = pooling !== 'mean' && pooling !== 'cls' && pooling !== 'server';
  const limits = perText ? 1 : batchLimits(runner, PIPELINE, batchSizeFor('similarity'), o.batchSize);
  const raw = await runInBatches(
    items,
    limits,
    (i) => i.tokens,
    async (batch) => {
      const texts = batch.map((i) => i.text);
      if (perText) {
        const out = (await runner.run(PIPELINE, model, [texts, { pooling: 'none', normalize: false }], { signal: o.signal })) as { data?: unknown };
        const tokens = Array.isArray(out?.data) ? (out.data[0] as number[][] | undefined) : undefined;
        if (!Array.isArray(tokens) || !tokens.length) throw new Error('the feature-extraction model gave no token vectors');
        return [poolTokens(tokens, pooling)];
      }
      const options = pooling === 'server' ? { pooling: 'mean', normalize: true } : { pooling, normalize: false };
      return rows(await runner.run(PIPELINE, model, [texts, options], { signal: o.signal }), batch.length);
    },
    o.onProgress,
  );
  const dim = raw[0]?.length;
  if (raw.some((v) => v.length !== dim)) throw new Error('the feature-extraction model gave vectors of different lengths');
  return { vectors: raw.map(unitVector), tokens: items.map((i) => i.tokens), truncated: items.map((i) => i.truncated) };
}

/**
 * A text whose tokens are all the unknown token gives the same vector as any other such text (two
 * emoji-only texts score 1.0): refused, where the model's tokenizer is at hand (local models).
 */
function requireReadable(prep: Prepared, model: string, text: string, what: string): void {
  if (!prep.dir || !fs.existsSync(path.join(prep.dir, 'tokenizer.json'))) return;
  const u = unknownTokens(text, prep.dir);
  if (u.tokens > 0 && u.unknown === u.tokens) {
    throw new InputError(`${model} cannot read ${what}: every token of it is ${u.unkToken}, unknown to its vocabulary, so its vector is the same as any other unreadable text's and a score would mean nothing. Use a model whose vocabulary covers these characters (a multilingual or byte-level one).`);
  }
}

function cutToRoom(prep: Prepared, text: string, room: number): string {
  return cutToTokens(prep.dir, text, room, prep.counter);
}

export interface EmbedOptions {
  signal?: AbortSignal;
  /** Texts embedded so far, of all. */
  onProgress?: (done: number, total: number) => void;
  /** Texts per model call (default: the runner's, else 32); padded tokens per call are bounded too (batching.ts). */
  batchSize?: number;
}

/**
 * Sentence vectors of `texts` from a sentence-embedding `model` (a Hub id or local folder, on the
 * runner's backend), one per text in order, each of unit length (L2), so the dot product of two is
 * their cosine similarity. Made as sentence-transformers makes them: the model's pooling from its
 * folder (modules.json + 1_Pooling/config.json; mean when it has none), text longer than its
 * max_seq_length cut to that many tokens. Texts go in batches (runInBatches + batchLimits).
 * Throws an InputError for a model whose modules AI Lab cannot reproduce (pooling.ts), the
 * runner's errors (a classifier: "… needs a bare encoder or a sentence-embedding model"), and
 * AbortError when `o.signal` fires. An empty list gives [] without loading the model.
 */
export async function embedTexts(runner: TaskRunner, model: string, texts: readonly string[], o: EmbedOptions = {}): Promise<number[][]> {
  if (!texts.length) return [];
  return (await embedPrepared(runner, model, await prepare(runner, model, o.signal), texts, o)).vectors;
}

/** How embedTexts will treat `model`'s texts (pooling, normalisation, max tokens, notes), without running it. */
export async function embeddingRecipe(runner: TaskRunner, model: string, signal?: AbortSignal): Promise<EmbeddingRecipe> {
  return (await prepare(runner, model, signal)).recipe;
}

function truncationNote(recipe: EmbeddingRecipe, which: string, plural = false): string {
  return `${which} longer than the ${recipe.maxTokens} tokens the model reads: only ${plural ? 'their' : 'its'} first ${recipe.maxTokens} tokens (special tokens included) were embedded, as sentence-transformers truncates.`;
}

export interface CompareParams {
  runner: TaskRunner;
  model: string;
  a: string;
  b: string;
  /** How messages name the texts ("the selection", "the file a.txt"). */
  whatA?: string;
  whatB?: string;
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
}

/**
 * Compare Similarity: the cosine (−1…1) of the two texts' sentence vectors. A text longer than the
 * model reads is truncated, as sentence-transformers does, and the result says so. Empty or binary
 * text is an InputError.
 */
export async function compareSimilarity(p: CompareParams): Promise<SimilarityOutput> {
  const a = checkText(requireVisibleText(p.a, p.whatA ?? 'the first text'), p.whatA ?? 'the first text');
  const b = checkText(requireVisibleText(p.b, p.whatB ?? 'the second text'), p.whatB ?? 'the second text');
  const prep = await prepare(p.runner, p.model, p.signal);
  requireReadable(prep, p.model, a, p.whatA ?? 'the first text');
  requireReadable(prep, p.model, b, p.whatB ?? 'the second text');
  p.onProgress?.({ done: 0, total: 1, message: 'embedding the two texts' });
  const e = await embedPrepared(p.runner, p.model, prep, [a, b], { signal: p.signal });
  const notes = [...prep.recipe.notes];
  if (e.truncated.some(Boolean)) notes.push(truncationNote(prep.recipe, e.truncated.every(Boolean) ? 'Both texts are' : e.truncated[0] ? 'The first text is' : 'The second text is', e.truncated.every(Boolean)));
  const counted = prep.counter.source === 'model';
  return {
    kind: 'similarity',
    ...prep.recipe,
    notes,
    score: cosine(e.vectors[0]!, e.vectors[1]!),
    texts: [a, b].map((text, i) => ({ text, ...(counted ? { tokens: e.tokens[i]! } : {}), truncated: e.truncated[i]! })),
  };
}

export interface FindSimilarParams {
  runner: TaskRunner;
  model: string;
  query: string;
  /** The document; a PDF's pages make hits say their page. */
  doc: DocumentText;
  paged: boolean;
  /** Hits to return (default 5) and passage size in tokens (default 128; the model's max_seq_length wins). */
  topK?: number;
  passageTokens?: number;
  /** The query's own place in the document (a selection): passages overlapping it are not ranked. */
  exclude?: { start: number; end: number };
  batchSize?: number;
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
}

/**
 * Find Similar Passages: the document cut into passages (sentence-aligned chunks of the text layer,
 * offsets in UTF-16 units of `doc.text`; for a PDF, chunks of each page, so every hit has one page), each embedded with the query, ranked by
 * cosine; the best `topK`. Throws an InputError for an empty query or document, or a document with
 * no passage left once the query's own place is left out.
 */
export async function findSimilarPassages(p: FindSimilarParams): Promise<SimilarPassagesOutput> {
  const query = p.query.trim();
  if (!query) throw new InputError('Type the text to look for (or select it).');
  requireVisibleText(query, 'the query');
  const text = checkText(p.doc.text, 'the document');
  const prep = await prepare(p.runner, p.model, p.signal);
  requireReadable(prep, p.model, query, 'the query');
  const room = prep.recipe.maxTokens !== undefined ? prep.recipe.maxTokens - prep.specials : Infinity;
  const passageTokens = Math.max(8, Math.min(p.passageTokens ?? SIMILARITY_DEFAULTS.passageTokens, room));
  // A PDF's passages never run over a page break: each hit is on one page, and a click shows the page its
  // words are on (chunked whole, a page's last footer line would take the next page's passage to its page).
  const pieces = chunkByPage({ ...p.doc, text }, Boolean(p.paged), passageTokens, 0, prep.counter);
  const chunks = pieces.filter((c) => /[\p{L}\p{N}]/u.test(c.text));
  const ex = p.exclude;
  const candidates = ex ? chunks.filter((c) => c.end <= ex.start || c.start >= ex.end) : chunks;
  if (!candidates.length) {
    throw new InputError(chunks.length ? 'The document has no passage besides the selection itself: select less, or type the text to look for.' : 'The document has no passage with words or numbers to compare.');
  }
  const all = [query, ...candidates.map((c) => c.text)];
  const e = await embedPrepared(p.runner, p.model, prep, all, {
    signal: p.signal,
    batchSize: p.batchSize,
    onProgress: (done, total) => p.onProgress?.({ done, total, message: `embedded ${done} of ${total} passages` }),
  });
  const q = e.vectors[0]!;
  const scored = candidates.map((c, i) => ({ c, score: cosine(q, e.vectors[i + 1]!) }));
  scored.sort((x, y) => y.score - x.score || x.c.start - y.c.start);
  const hits = scored.slice(0, Math.max(1, p.topK ?? SIMILARITY_DEFAULTS.topK)).map(({ c, score }) => {
    const pages = p.paged ? pagesOf(p.doc, c.start, c.end) : undefined;
    return { text: c.text, start: c.start, end: c.end, ...(pages ? { page: pages.first, ...(pages.last !== pages.first ? { pageEnd: pages.last } : {}) } : {}), score };
  });
  const notes = [...prep.recipe.notes];
  if (e.truncated[0]) notes.push(truncationNote(prep.recipe, 'The query is'));
  return { kind: 'similarPassages', ...prep.recipe, notes, query, queryTruncated: e.truncated[0]!, hits, ranked: candidates.length, passages: chunks.length, passageTokens };
}
