import { checkText, chunkText, sentencesWithin } from '../text/chunks';
import { dropCutCharacter } from '../text/cutCharacter';
import { hasVisibleText, requireVisibleText } from '../text/visible';
import { checkModelNewTokens, type NewTokens } from './outputLimit';
import { embeddingRecipe, embedTexts } from './similarity';
import { partBudget, type LabOutput, type Progress, type TaskRunner } from './runner';
import { SUMMARY_DEFAULTS, type SummaryPreset } from './tasks';

export interface SummarizeParams {
  runner: TaskRunner;
  model: string;
  text: string;
  preset: SummaryPreset;
  /** Tokens of one part at most (distilbart reads 1024; the model's own maximum always wins), counted with the model's tokenizer. */
  chunkTokens?: number;
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
  /** The final summary as it is written. */
  onPartial?: (text: string) => void;
}

/** A preset's min/max new tokens, named as the settings that give them (the CLI: --min/--max-new-tokens). */
export function summaryNewTokens(preset: SummaryPreset): NewTokens {
  return { min: preset.minNewTokens, max: preset.maxNewTokens, minName: 'aiLab.summarize.presets.minNewTokens', maxName: 'aiLab.summarize.presets.maxNewTokens' };
}

async function summarizeOne(p: SummarizeParams, text: string, stream: boolean): Promise<string> {
  const opts = { max_new_tokens: p.preset.maxNewTokens, min_new_tokens: p.preset.minNewTokens };
  const out = (await p.runner.run('summarization', p.model, [text, opts], { signal: p.signal, onPartial: stream ? p.onPartial : undefined })) as Array<{ summary_text: string }>;
  return dropCutCharacter(out[0]?.summary_text ?? '').trim();
}

/**
 * Abstractive summary of any length (map-reduce): sentence-aligned chunks that fit the model are
 * summarized one by one, their summaries joined and summarized again until one call takes them all.
 */
export async function summarize(p: SummarizeParams): Promise<Extract<LabOutput, { kind: 'summary' }>> {
  let text = checkText(requireVisibleText(p.text, 'the text'));
  await checkModelNewTokens(p.runner, 'summarization', p.model, summaryNewTokens(p.preset), undefined, p.signal);
  const part = await partBudget(p.runner, 'summarization', p.model, p.chunkTokens ?? SUMMARY_DEFAULTS.chunkTokens, { signal: p.signal });
  let firstChunks = 0;
  let levels = 0;
  let step = 0;
  // Map steps of every level plus the final call, known only level by level: report as they come.
  for (;;) {
    const chunks = chunkText(text, part.tokens, 0, part.counter);
    firstChunks ||= chunks.length;
    if (chunks.length === 1 || levels >= 4) {
      p.onProgress?.({ done: step, total: step + 1, message: levels ? 'combining the partial summaries' : 'summarizing' });
      // After 4 rounds, the model reads what fits of the joined summaries (all it could read anyway).
      const summary = await summarizeOne(p, chunks[0]!.text, true);
      return { kind: 'summary', text: summary, chunks: firstChunks, levels: levels + 1 };
    }
    levels++;
    const parts: string[] = [];
    for (const [i, c] of chunks.entries()) {
      p.onProgress?.({ done: step, total: step + chunks.length - i + 1, message: `summarizing part ${i + 1} of ${chunks.length}${levels > 1 ? ` (round ${levels})` : ''}` });
      parts.push(await summarizeOne(p, c.text, false));
      step++;
    }
    const joined = parts.filter(Boolean).join(' ');
    if (!joined || part.counter.count(joined) >= chunks.reduce((n, c) => n + c.tokens, 0)) {
      // The model does not shorten any more: stop rather than loop.
      return { kind: 'summary', text: joined, chunks: firstChunks, levels };
    }
    text = joined;
  }
}

export interface ExtractiveParams {
  runner: TaskRunner;
  /** A feature-extraction (sentence embedding) model. */
  model: string;
  text: string;
  /** How many sentences, or a share of them (0–1); the count wins when both are set. */
  sentences?: number;
  ratio?: number;
  batchSize?: number;
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
}

/**
 * Extractive summary by embedding centrality: each sentence is embedded as sentence-transformers
 * embeds it (embedTexts: the model's own pooling from its folder, mean / CLS / …; L2 normalisation;
 * on a remote backend the server's pooled vectors), sentences closest to the document's centroid
 * are kept, verbatim and in their original order. A sentence longer than the model reads (its
 * max_seq_length, else the tokenizer's maximum) is cut into pieces that fit, each counting as a
 * sentence, so no sentence is truncated unseen. Throws what embedTexts throws (a model whose
 * modules AI Lab cannot reproduce: InputError).
 */
export async function extractiveSummary(p: ExtractiveParams): Promise<Extract<LabOutput, { kind: 'extractive' }>> {
  const text = checkText(requireVisibleText(p.text, 'the text'));
  // One sentence per input: one longer than the model reads (a Chinese run without punctuation) is cut;
  // a "sentence" of zero-width characters alone would be embedded from special tokens only.
  const recipe = await embeddingRecipe(p.runner, p.model, p.signal);
  const part = await partBudget(p.runner, 'feature-extraction', p.model, Number.MAX_SAFE_INTEGER, { signal: p.signal });
  // sentence-transformers reads max_seq_length tokens (special ones included), often fewer than the tokenizer allows.
  const room = recipe.maxTokens !== undefined ? Math.max(8, Math.min(part.tokens, recipe.maxTokens - part.counter.specials.single)) : part.tokens;
  const sentences = sentencesWithin(text, room, part.counter).filter((s) => hasVisibleText(s.text));
  const k = Math.max(1, Math.min(sentences.length, p.sentences ?? Math.round(sentences.length * (p.ratio ?? SUMMARY_DEFAULTS.extractiveRatio))));
  const vectors = await embedTexts(
    p.runner,
    p.model,
    sentences.map((s) => s.text),
    {
      signal: p.signal,
      batchSize: p.batchSize,
      onProgress: (done, total) => p.onProgress?.({ done, total, message: `embedded ${done} of ${total} sentences` }),
    },
  );
  const dim = vectors[0]?.length ?? 0;
  const centroid = new Array<number>(dim).fill(0);
  for (const v of vectors) v.forEach((x, i) => (centroid[i]! += x / vectors.length));
  const norm = Math.hypot(...centroid) || 1;
  const scored = sentences.map((s, i) => ({ ...s, score: vectors[i]!.reduce((acc, x, j) => acc + x * centroid[j]!, 0) / norm }));
  const keep = [...scored].sort((a, b) => b.score - a.score).slice(0, k).sort((a, b) => a.start - b.start);
  return { kind: 'extractive', text: keep.map((s) => s.text).join(' '), sentences: keep };
}
