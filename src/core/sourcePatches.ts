/**
 * Exact-text fixes to a pinned library's shipped source (pdf.js's worker, transformers.js), applied
 * when it is bundled or loaded. Each patch replaces one piece that occurs exactly once; one that no
 * longer matches (the library was upgraded) is skipped and reported, and the library runs as shipped.
 */
export interface SourcePatch {
  name: string;
  find: string;
  replace: string;
}

export interface PatchResult {
  source: string;
  applied: string[];
  /** Patches whose text was not found exactly once: left out. */
  skipped: string[];
}

export function applyPatches(source: string, patches: readonly SourcePatch[]): PatchResult {
  const applied: string[] = [];
  const skipped: string[] = [];
  for (const p of patches) {
    const at = source.indexOf(p.find);
    if (at < 0 || source.indexOf(p.find, at + 1) >= 0) {
      skipped.push(p.name);
      continue;
    }
    source = source.slice(0, at) + p.replace + source.slice(at + p.find.length);
    applied.push(p.name);
  }
  return { source, applied, skipped };
}
