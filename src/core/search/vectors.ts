/**
 * Exact nearest-neighbour search over L2-normalised Float32 vectors: the workspace index's vector store.
 * Chosen on measurements (bench/vectorStore.ts, README "Search by meaning"): at 100k × 384 a scan is
 * fast enough for a person typing, has recall 1 by construction, adds nothing to the VSIX and needs
 * no native module (an approximate index would add one per platform and a recall below 1).
 */

/** `v` scaled to unit length (a zero vector stays zero). */
export function normalize(v: ArrayLike<number>): Float32Array {
  const out = Float32Array.from(v);
  let s = 0;
  for (let i = 0; i < out.length; i++) s += out[i]! * out[i]!;
  const n = Math.sqrt(s);
  if (n > 0) for (let i = 0; i < out.length; i++) out[i]! /= n;
  return out;
}

export interface Hit {
  /** Row of the matrix. */
  index: number;
  /** Dot product with the query: the cosine similarity when both are unit length. */
  score: number;
}

/**
 * The `k` rows of `matrix` (rows × dim, row-major) with the highest dot product with `query`, best
 * first (ties: lower row first). `keep(row)` false leaves a row out. O(rows × dim) time, O(k) memory.
 */
export function topK(matrix: Float32Array, dim: number, query: Float32Array, k: number, keep?: (row: number) => boolean): Hit[] {
  if (query.length !== dim) throw new Error(`the query has ${query.length} dimensions, the index ${dim}`);
  const rows = Math.floor(matrix.length / dim);
  const want = Math.max(0, Math.min(k, rows));
  // A min-heap of the best `want` so far: its root is the one to beat.
  const heapScore = new Float64Array(want);
  const heapRow = new Int32Array(want);
  let size = 0;
  const worse = (a: number, b: number) => heapScore[a]! < heapScore[b]! || (heapScore[a] === heapScore[b] && heapRow[a]! > heapRow[b]!);
  const swap = (a: number, b: number) => {
    const s = heapScore[a]!;
    heapScore[a] = heapScore[b]!;
    heapScore[b] = s;
    const r = heapRow[a]!;
    heapRow[a] = heapRow[b]!;
    heapRow[b] = r;
  };
  const down = (i: number) => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < size && worse(l, m)) m = l;
      if (r < size && worse(r, m)) m = r;
      if (m === i) return;
      swap(i, m);
      i = m;
    }
  };
  if (!want) return [];
  for (let row = 0; row < rows; row++) {
    if (keep && !keep(row)) continue;
    const base = row * dim;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let j = 0;
    for (; j + 3 < dim; j += 4) {
      s0 += matrix[base + j]! * query[j]!;
      s1 += matrix[base + j + 1]! * query[j + 1]!;
      s2 += matrix[base + j + 2]! * query[j + 2]!;
      s3 += matrix[base + j + 3]! * query[j + 3]!;
    }
    for (; j < dim; j++) s0 += matrix[base + j]! * query[j]!;
    const score = s0 + s1 + s2 + s3;
    if (size < want) {
      heapScore[size] = score;
      heapRow[size] = row;
      let i = size++;
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (!worse(i, p)) break;
        swap(i, p);
        i = p;
      }
    } else if (score > heapScore[0]!) {
      heapScore[0] = score;
      heapRow[0] = row;
      down(0);
    }
  }
  const out: Hit[] = [];
  for (let i = 0; i < size; i++) out.push({ index: heapRow[i]!, score: heapScore[i]! });
  return out.sort((a, b) => b.score - a.score || a.index - b.index);
}
