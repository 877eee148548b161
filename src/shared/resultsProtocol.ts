/** The "AI Lab Results" panel's messages, shared by the host (src/host/webviews) and the page (webview-ui/results). */
import type { LabOutput } from '../core/nlp/runner';
import { formatAnswers } from '../core/qa/format';

export interface ResultEntry {
  id: string;
  task: string;
  title: string;
  model: string;
  device: string;
  startedAt: number;
  durationMs?: number;
  input: { excerpt: string; length: number; where?: string };
  status: 'running' | 'done' | 'error' | 'cancelled';
  output?: LabOutput;
  /** Text streamed so far (generation, summaries). */
  partial?: string;
  error?: string;
  /** Insert Below / Replace Selection apply (the input came from an editor). */
  canEdit: boolean;
}

export type ToWebview = { type: 'init'; entries: ResultEntry[] } | { type: 'upsert'; entry: ResultEntry } | { type: 'partial'; id: string; text: string };

export type EntryAction = 'reveal' | 'copy' | 'insertBelow' | 'replace';

export type FromWebview = { type: 'ready' } | { type: 'action'; action: EntryAction; id: string } | { type: 'clear' } | { type: 'openAnswer'; id: string; index: number };

const ACTIONS: readonly string[] = ['reveal', 'copy', 'insertBelow', 'replace'];

/** Every message from the page is checked before the host acts on it. */
export function parseFromWebview(m: unknown): FromWebview | undefined {
  if (!m || typeof m !== 'object') return undefined;
  const o = m as Record<string, unknown>;
  if (o.type === 'ready' || o.type === 'clear') return { type: o.type };
  if (o.type === 'openAnswer' && typeof o.id === 'string' && o.id.length < 100 && Number.isInteger(o.index) && (o.index as number) >= 0 && (o.index as number) < 100) {
    return { type: 'openAnswer', id: o.id, index: o.index as number };
  }
  if (o.type === 'action' && typeof o.id === 'string' && o.id.length < 100 && typeof o.action === 'string' && ACTIONS.includes(o.action)) {
    return { type: 'action', action: o.action as EntryAction, id: o.id };
  }
  return undefined;
}

/** The text an entry offers to copy or insert: a summary, generated text, or its labels. */
export function entryText(e: ResultEntry): string {
  const o = e.output;
  if (!o) return e.partial ?? '';
  if (o.kind === 'labels') return o.labels.map((l) => `${l.label}: ${(l.score * 100).toFixed(1)} %`).join('\n');
  if (o.kind === 'answers') return formatAnswers(o);
  if (o.kind === 'summary' && o.sections && o.sections.length > 1) return [o.text.trim(), '', ...o.sections.map((s) => `${s.pages}: ${s.text.trim()}`)].join('\n');
  if (o.kind === 'summary' && o.sections?.length === 1) return `${o.text.trim()} (${o.sections[0]!.pages})`;
  return o.text.trim();
}
