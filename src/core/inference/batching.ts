/**
 * Runs items in batches of similar length and returns results in the original order: items are sorted
 * by `length` (the token count where the caller knows it, so the padding each batch adds is small),
 * cut into buckets of `batchSize`, and each bucket's results put back at their items' places. `run`
 * gets one batch and returns one result per item. Padding does not change a result (the attention
 * mask hides it; the tests check batched against one-at-a-time outputs to 1e-5 in fp32).
 */
export async function runInBatches<T, R>(
  items: readonly T[],
  batchSize: number,
  length: (item: T) => number,
  run: (batch: T[]) => Promise<R[]>,
  onBatch?: (done: number, total: number) => void,
): Promise<R[]> {
  const size = Math.max(1, Math.floor(batchSize));
  const order = items.map((_, i) => i).sort((a, b) => length(items[a]!) - length(items[b]!));
  const out = new Array<R>(items.length);
  for (let start = 0; start < order.length; start += size) {
    const idx = order.slice(start, start + size);
    const results = await run(idx.map((i) => items[i]!));
    if (results.length !== idx.length) throw new Error(`a batch of ${idx.length} gave ${results.length} results`);
    idx.forEach((i, k) => (out[i] = results[k]!));
    onBatch?.(Math.min(start + size, order.length), order.length);
  }
  return out;
}
