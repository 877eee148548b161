import type { TaskRunner } from '../nlp/runner';

/**
 * Runs items in batches of similar length and returns results in the original order: items are sorted
 * by `length` (the token count where the caller knows it, so the padding each batch adds is small),
 * cut into buckets of at most `limits` items (a number) or items and padded tokens (BatchLimits; an item
 * longer than the budget goes alone), and each bucket's results put back at their items' places. `run`
 * gets one batch and returns one result per item. Padding does not change a result (the attention
 * mask hides it; the tests check batched against one-at-a-time outputs to 1e-5 in fp32).
 */
export async function runInBatches<T, R>(
  items: readonly T[],
  limits: number | BatchLimits,
  length: (item: T) => number,
  run: (batch: T[]) => Promise<R[]>,
  onBatch?: (done: number, total: number) => void,
): Promise<R[]> {
  const { items: size, tokens: budget } = typeof limits === 'number' ? { items: Math.max(1, Math.floor(limits)), tokens: Infinity } : limits;
  const order = items.map((_, i) => i).sort((a, b) => length(items[a]!) - length(items[b]!));
  const out = new Array<R>(items.length);
  let start = 0;
  while (start < order.length) {
    // Sorted ascending, so the item added last is the batch's longest: the padded size is count × its length.
    let end = start + 1;
    while (end < order.length && end - start < size && (end - start + 1) * length(items[order[end]!]!) <= budget) end++;
    const idx = order.slice(start, end);
    const results = await run(idx.map((i) => items[i]!));
    if (results.length !== idx.length) throw new Error(`a batch of ${idx.length} gave ${results.length} results`);
    idx.forEach((i, k) => (out[i] = results[k]!));
    start = end;
    onBatch?.(start, order.length);
  }
  return out;
}

/**
 * Padded tokens one local batch may hold (its items × its longest item's tokens). ONNX Runtime's CPU
 * arena keeps the largest activations it ever needed, so the batch's size, not the model, sets the
 * service's memory after the first long batch: BERT-base at 16 × 400 tokens peaked at 2.45× its weights,
 * at 2 × 400 at 1.35×. Per item, the smaller batches were as fast or faster (2 cores: 481 ms per
 * 400-token item at batch 2, 547 at 16; 140 and 144 ms at 128 tokens, batch 8 and 16): one 64-token
 * sentence already fills the GEMMs, so what batching saves is the per-request overhead.
 */
export const BATCH_TOKENS = 1024;

/** How many items, and padded tokens, one batch may hold. */
export interface BatchLimits {
  items: number;
  tokens: number;
}

/**
 * The limits for a task's batches on `runner`: the runner's own where it has one (a remote runner that
 * splits a call into full requests, several in flight), else the caller's batch size (aiLab.batchSize),
 * else the task's; BATCH_TOKENS unless the runner says otherwise (a server splits by its own limits).
 */
export function batchLimits(runner: TaskRunner, pipeline: string, taskItems: number, explicit?: number): BatchLimits {
  const hint = runner.batchLimits?.(pipeline) ?? {};
  const items = Math.max(1, Math.floor(hint.items ?? explicit ?? taskItems));
  return { items, tokens: hint.tokens ?? BATCH_TOKENS };
}
