/**
 * Where an answer is on a PDF page's text layer, from its place in its sentence (no DOM here, so the
 * viewer page and the unit tests share it). The layer's text is compared "dense": lower case, one
 * UTF-16 unit for one (so offsets stay put), whitespace left out (the layer breaks runs where the
 * extracted text may not, and the other way round).
 */

/** Lower case without changing the length ("İ" lowercases to two units: kept as it is). */
export function lowerUnit(c: string): string {
  const l = c.toLowerCase();
  return l.length === c.length ? l : c;
}

/** `s` lower-cased UTF-16 unit by unit (as the layer is read), with no whitespace. */
export function dense(s: string): string {
  return s.replace(/\s+/g, '').split('').map(lowerUnit).join('');
}

/** How many characters agree going backwards from a (exclusive) in x and b in y, plus forwards from c and d. */
function agreement(x: string, a: number, y: string, b: number, c: number, d: number): number {
  let n = 0;
  while (a - n > 0 && b - n > 0 && x[a - n - 1] === y[b - n - 1]) n++;
  let m = 0;
  while (c + m < x.length && d + m < y.length && x[c + m] === y[d + m]) m++;
  return n + m;
}

/**
 * Where the answer starts in `page` (a layer's dense text) and how long it is there, or undefined.
 * `at` is where the answer starts in `context` (UTF-16, from the model's span). The sentence is found
 * on the page and the answer taken at that offset in it, so "12 hours" is placed in "… for 12 hours
 * of volunteer time …", never inside "112 hours". When the sentence reads differently on the page,
 * the answer's occurrence whose surroundings agree most with the sentence wins (the first on a tie).
 */
export function placeAnswer(page: string, answer: string, context?: string, at?: number): { start: number; length: number } | undefined {
  return placeDense(page, answer, context, at) ?? placeWithoutHyphens(page, answer, context, at);
}

const HYPHENS = /[-\u00AD\u2010]/;

/**
 * The extracted text joins words hyphenated at a line end ("crys-" / "tals" is "crystals") where the
 * layer still has the hyphen: hyphens are left out of both sides, and the place mapped back to the layer.
 */
function placeWithoutHyphens(page: string, answer: string, context?: string, at?: number): { start: number; length: number } | undefined {
  const kept: number[] = [];
  let bare = '';
  for (let i = 0; i < page.length; i++) {
    if (HYPHENS.test(page[i]!)) continue;
    kept.push(i);
    bare += page[i];
  }
  if (bare.length === page.length) return undefined;
  const strip = (s: string) => s.replace(new RegExp(HYPHENS.source, 'g'), '');
  const bareAt = context !== undefined && at !== undefined ? strip(context.slice(0, at)).length : undefined;
  const p = placeDense(bare, strip(answer), context === undefined ? undefined : strip(context), bareAt);
  if (!p) return undefined;
  const start = kept[p.start]!;
  return { start, length: kept[p.start + p.length - 1]! + 1 - start };
}

function placeDense(page: string, answer: string, context?: string, at?: number): { start: number; length: number } | undefined {
  const q = dense(answer);
  if (!q) return undefined;
  const ctx = context ? dense(context) : '';
  const inCtx = context && at !== undefined && at >= 0 && at <= context.length ? dense(context.slice(0, at)).length : ctx.indexOf(q);
  if (ctx && inCtx >= 0 && ctx.slice(inCtx, inCtx + q.length) === q) {
    const c = page.indexOf(ctx);
    if (c >= 0) return { start: c + inCtx, length: q.length };
  }
  let best = -1;
  let bestScore = -1;
  for (let k = page.indexOf(q); k >= 0; k = page.indexOf(q, k + 1)) {
    const score = inCtx >= 0 ? agreement(ctx, inCtx, page, k, inCtx + q.length, k + q.length) : 0;
    if (score > bestScore) [best, bestScore] = [k, score];
  }
  return best < 0 ? undefined : { start: best, length: q.length };
}
