/** Intl.Segmenter over texts of any length. */

export interface Segment {
  segment: string;
  /** UTF-16 offset into the whole text. */
  index: number;
}

/**
 * The segments of `text`, as `segmenter.segment(text)` gives them, read through windows of a few
 * thousand characters: V8 takes time in proportion to the string's length for each segment, so a
 * 1 MB text in one piece takes minutes. Each window ends before its last segment (which the window
 * may have cut short), and the next one starts there; a segment longer than the window grows it.
 */
export function* segmentsOf(segmenter: Intl.Segmenter, text: string, window = 4096): Generator<Segment> {
  let pos = 0;
  let size = window;
  while (pos < text.length) {
    const end = Math.min(text.length, pos + size);
    const segs = Array.from(segmenter.segment(text.slice(pos, end)));
    if (end < text.length && segs.length < 2) {
      size *= 2;
      continue;
    }
    const keep = end < text.length ? segs.length - 1 : segs.length;
    for (let k = 0; k < keep; k++) yield { segment: segs[k]!.segment, index: pos + segs[k]!.index };
    pos += end < text.length ? segs[keep]!.index : end - pos;
    size = window;
  }
}
