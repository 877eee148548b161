/** A one-line summary of a pipeline's output for a status message. */
export function summarizeOutput(output: unknown): string {
  const first = Array.isArray(output) ? output[0] : output;
  if (first && typeof first === 'object') {
    const o = first as Record<string, unknown>;
    if (typeof o.label === 'string' && typeof o.score === 'number') return `${o.label} (${(o.score * 100).toFixed(1)} %)`;
    if (Array.isArray(o.labels) && Array.isArray(o.scores)) return `${o.labels[0]} (${((o.scores[0] as number) * 100).toFixed(1)} %)`;
    if (typeof o.answer === 'string') return `“${o.answer}”${typeof o.score === 'number' ? ` (${(o.score * 100).toFixed(1)} %)` : ''}`;
    for (const k of ['summary_text', 'generated_text', 'translation_text']) if (typeof o[k] === 'string') return String(o[k]).slice(0, 200);
  }
  return JSON.stringify(output).slice(0, 200);
}
