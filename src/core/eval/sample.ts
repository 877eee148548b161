/**
 * A reproducible sample of a split: the same size and seed give the same rows every time, on every
 * machine. Generator: mulberry32 (src/core/random.ts) seeded with the seed; order: a Fisher–Yates shuffle
 * of the row indices, of which the first `size` are kept. No stratification.
 */
import { seededRandom } from '../random';
import { EvalDataError } from './dataTable';

export interface SampleChoice {
  /** Row indices chosen, ascending (so pages and row ranges are read in order). */
  indices: number[];
  /** True when the sample asked for as many rows as the split has or more: every row is taken. */
  all: boolean;
}

/**
 * Chooses `size` of `total` rows with `seed` (an integer; taken modulo 2^32).
 * Runs in O(size) time and memory (a sparse Fisher–Yates: only swapped slots are stored), so a sample of
 * a split of millions of rows costs only its size.
 * size ≥ total: all rows, `all: true` (documented behaviour, not an error).
 * Errors (EvalDataError): an empty split (total 0); size not a whole number ≥ 1; seed not an integer.
 */
export function chooseSample(total: number, size: number, seed: number, what = 'The split'): SampleChoice {
  if (!Number.isInteger(total) || total < 0) throw new EvalDataError(`${what}: row count ${total} is not a whole number.`);
  if (total === 0) throw new EvalDataError(`${what} has no rows: there is nothing to evaluate.`);
  if (!Number.isInteger(size) || size < 1) throw new EvalDataError(`Sample size must be a whole number ≥ 1 (got ${size}).`);
  if (!Number.isInteger(seed)) throw new EvalDataError(`Seed must be an integer (got ${seed}).`);
  if (size >= total) return { indices: Array.from({ length: total }, (_, i) => i), all: true };
  const rand = seededRandom(seed);
  const swapped = new Map<number, number>();
  const at = (i: number) => swapped.get(i) ?? i;
  const chosen: number[] = [];
  // Fisher–Yates from the front: slot i takes a uniform pick from [i, total).
  for (let i = 0; i < size; i++) {
    const j = i + Math.floor(rand() * (total - i));
    const vi = at(i);
    const vj = at(j);
    swapped.set(j, vi);
    swapped.set(i, vj);
    chosen.push(vj);
  }
  return { indices: chosen.sort((a, b) => a - b), all: false };
}
