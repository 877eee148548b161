import { seededRandom } from '../random';

/**
 * The partition planner: what `datasets` would give for split slices like "train[:90%]+test[10:20]" and
 * for a stratified train_test_split, with the Python that reproduces it.
 */

export interface SliceResult {
  spec: string;
  parts: Array<{ split: string; from: number; to: number }>;
  rows: number;
}

/** Python's round(): halves go to the even neighbour (datasets rounds percent boundaries this way). */
function pyRound(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (Math.abs(d - 0.5) < 1e-9) return f % 2 === 0 ? f : f + 1;
  return Math.round(x);
}

const PART = /^([\w.-]+)(?:\[\s*(-?\d+(?:\.\d+)?%?)?\s*:\s*(-?\d+(?:\.\d+)?%?)?\s*\])?$/;

/**
 * Resolves a split spec against split sizes, following datasets' ReadInstruction rules: percent
 * boundaries rounded to the closest row, negative boundaries counted from the end, clamped to the split.
 */
export function resolveSliceSpec(spec: string, sizes: Record<string, number>): SliceResult {
  const parts = spec.split('+').map((raw) => {
    const p = raw.trim();
    const m = PART.exec(p);
    if (!m) throw new Error(`"${p}" is not a split slice: write e.g. train, train[:90%], train[-10%:], test[100:200]`);
    const [, split, a, b] = m as unknown as [string, string, string | undefined, string | undefined];
    const n = sizes[split];
    if (n === undefined) throw new Error(`There is no split "${split}" (this config has ${Object.keys(sizes).join(', ') || 'no splits'})`);
    if (a && b && a.endsWith('%') !== b.endsWith('%')) throw new Error(`"${p}": both boundaries must be percentages or both row numbers`);
    const bound = (v: string | undefined, dflt: number): number => {
      if (v === undefined) return dflt;
      if (v.endsWith('%')) {
        const pct = Number(v.slice(0, -1));
        if (pct < -100 || pct > 100) throw new Error(`"${p}": percentages must be between -100% and 100%`);
        return pyRound((pct * n) / 100);
      }
      if (!/^-?\d+$/.test(v)) throw new Error(`"${p}": row boundaries must be whole numbers`);
      return Number(v);
    };
    let from = bound(a, 0);
    let to = bound(b, n);
    if (from < 0) from = Math.max(n + from, 0);
    if (to < 0) to = Math.max(n + to, 0);
    from = Math.min(from, n);
    to = Math.min(to, n);
    return { split, from, to };
  });
  return { spec, parts, rows: parts.reduce((s, p) => s + Math.max(0, p.to - p.from), 0) };
}

/** sklearn's _approximate_mode, which datasets uses: floors, then the largest remainders get one more. */
function approximateMode(counts: number[], draws: number, random: () => number): number[] {
  const total = counts.reduce((s, c) => s + c, 0);
  const continuous = counts.map((c) => (draws * c) / total);
  const floored = continuous.map(Math.floor);
  let need = draws - floored.reduce((s, c) => s + c, 0);
  const remainders = [...new Set(continuous.map((c, i) => +(c - floored[i]!).toFixed(9)))].sort((x, y) => y - x);
  for (const r of remainders) {
    if (need <= 0) break;
    const ties = continuous.map((_c, i) => i).filter((i) => +(continuous[i]! - floored[i]!).toFixed(9) === r);
    // Fisher–Yates with the seeded generator picks which tied labels get the extra row.
    for (let i = ties.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [ties[i], ties[j]] = [ties[j]!, ties[i]!];
    }
    for (const i of ties.slice(0, Math.min(ties.length, need))) floored[i]!++;
    need -= Math.min(ties.length, need);
  }
  return floored;
}

export interface StratifiedPlan {
  total: number;
  train: number;
  test: number;
  perLabel: Array<{ label: string; total: number; train: number; test: number }>;
}

/**
 * Counts of a stratified train_test_split(test_size, stratify_by_column, seed): test = ceil(size × n) for
 * a fraction, then each label gets its share. Where labels tie for a leftover row the seed decides here;
 * datasets decides those ties with numpy's generator, so such counts can differ by one row.
 */
export function stratifiedSplit(labelCounts: Record<string, number>, testSize: number, seed = 42): StratifiedPlan {
  const labels = Object.keys(labelCounts);
  const counts = labels.map((l) => labelCounts[l]!);
  if (!labels.length) throw new Error('No label counts to stratify on');
  if (counts.some((c) => !Number.isInteger(c) || c < 0)) throw new Error('Label counts must be whole numbers ≥ 0');
  const total = counts.reduce((s, c) => s + c, 0);
  if (!(testSize > 0)) throw new Error('The test size must be a fraction between 0 and 1, or a number of rows');
  const test = testSize < 1 ? Math.ceil(testSize * total) : Math.floor(testSize);
  const train = total - test;
  if (test >= total || train <= 0) throw new Error(`A test size of ${testSize} leaves no rows to train on (${total} rows)`);
  if (counts.some((c) => c < 2)) throw new Error(`Stratifying needs at least 2 rows of every label; ${labels.filter((l) => labelCounts[l]! < 2).join(', ')} has fewer`);
  if (test < labels.length || train < labels.length) throw new Error(`The test and train parts need at least one row per label (${labels.length} labels)`);
  const random = seededRandom(seed);
  const trainCounts = approximateMode(counts, train, random);
  const rest = counts.map((c, i) => c - trainCounts[i]!);
  const testCounts = approximateMode(rest, test, random);
  return {
    total,
    train,
    test,
    perLabel: labels.map((label, i) => ({ label, total: counts[i]!, train: trainCounts[i]!, test: testCounts[i]! })),
  };
}

export interface PlanRequest {
  dataset: string;
  config: string;
  slice: string;
  stratify?: { column: string; testSize: number; seed: number };
}

/** The Python (datasets library) that makes the same partition. */
export function partitionCode(r: PlanRequest): string {
  const q = (s: string) => JSON.stringify(s);
  const lines = ['from datasets import load_dataset', '', `ds = load_dataset(${q(r.dataset)}, ${q(r.config)}, split=${q(r.slice)})`];
  if (r.stratify) {
    lines.push(
      `parts = ds.train_test_split(test_size=${r.stratify.testSize}, stratify_by_column=${q(r.stratify.column)}, seed=${r.stratify.seed})`,
      'train, test = parts["train"], parts["test"]',
      'print(len(train), len(test))',
    );
  } else {
    lines.push('print(len(ds))');
  }
  return lines.join('\n') + '\n';
}
