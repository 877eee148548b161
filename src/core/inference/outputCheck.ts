/** A pipeline's output checked before anyone sees it: NaN is never shown as a score. */
import { setting, surface } from '../surface/names';
import type { ConcreteDtype } from './modelFiles';

/** The path of the first number in `v` that is NaN or infinite ("[0].score", "data[12]"), or undefined. */
export function firstNonFinite(v: unknown, at = ''): string | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? undefined : at || '(the output)';
  if (ArrayBuffer.isView(v)) {
    const a = v as unknown as ArrayLike<number | bigint>;
    for (let i = 0; i < a.length; i++) if (typeof a[i] === 'number' && !Number.isFinite(a[i] as number)) return `${at}[${i}]`;
    return undefined;
  }
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const p = firstNonFinite(v[i], `${at}[${i}]`);
      if (p) return p;
    }
    return undefined;
  }
  if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      const p = firstNonFinite(x, at ? `${at}.${k}` : k);
      if (p) return p;
    }
  }
  return undefined;
}

/**
 * Throws when the output holds NaN or an infinity (a model with broken weights, or fp16 overflow):
 * the message says where, and what to try.
 */
export function assertFiniteOutput(output: unknown, model: string, dtype: ConcreteDtype): void {
  const at = firstNonFinite(output);
  if (!at) return;
  const advice =
    dtype === 'fp32'
      ? 'its weights are broken for this input; use another copy of the model'
      : `its ${dtype} weights may overflow or be broken; try fp32 (${surface().id === 'cli' ? '--dtype fp32' : `--dtype fp32, or ${setting('aiLab.modelDtypes')} for this model`}) or another copy of the model`;
  throw new Error(`${model} returned NaN or an infinite number instead of a score (at output ${at}), so there is no result to show: ${advice}.`);
}
