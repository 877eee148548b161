/**
 * Runs items in batches of similar length (sorted, so padding per batch stays small) and returns
 * results in the original order. `run` gets one batch and returns one result per item.
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
