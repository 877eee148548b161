/** The "AI Lab Results" panel's messages, shared by the host (src/host/webviews) and the page (webview-ui/results). */
import type { LabOutput } from '../core/nlp/runner';
import { formatAnswers } from '../core/qa/format';
import { formatSimilarity, formatSimilarPassages } from '../core/nlp/similarityFormat';
import { record, type Validators } from './webviewChannel';

export interface ResultEntry {
  id: string;
  task: string;
  title: string;
  model: string;
  device: string;
  /** Which backend produced the output ('local': the inference service on this machine), once it is done. */
  backend?: string;
  /** Local runs, once done: the weights' dtype and the largest batch sent to the model. */
  dtype?: string;
  batchSize?: number;
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

export type EntryAction = 'reveal' | 'copy' | 'insertBelow' | 'replace';

/** The panel's one protocol (src/shared/webviewChannel.ts): `init` holds the whole history. */
export interface ResultsProtocol {
  host: {
    notifications: { init: { entries: ResultEntry[] }; upsert: { entry: ResultEntry }; partial: { id: string; text: string } };
    requests: {};
  };
  page: {
    notifications: { action: { action: EntryAction; id: string }; clear: {}; openAnswer: { id: string; index: number } };
    requests: {};
  };
}

const ACTIONS: readonly string[] = ['reveal', 'copy', 'insertBelow', 'replace'];
const entryId = (v: unknown): v is string => typeof v === 'string' && v.length < 100;

/** Every message from the page is checked before the host acts on it. */
export const RESULTS_CHECKS: Validators<ResultsProtocol['host'], ResultsProtocol['page']> = {
  notifications: {
    action: (p) => {
      const o = record(p);
      return o && entryId(o.id) && typeof o.action === 'string' && ACTIONS.includes(o.action) ? { action: o.action as EntryAction, id: o.id } : undefined;
    },
    clear: () => ({}),
    openAnswer: (p) => {
      const o = record(p);
      return o && entryId(o.id) && Number.isInteger(o.index) && (o.index as number) >= 0 && (o.index as number) < 100 ? { id: o.id, index: o.index as number } : undefined;
    },
  },
  requests: {},
  results: {},
};

/** The text an entry offers to copy or insert: a summary, generated text, or its labels. */
export function entryText(e: ResultEntry): string {
  const o = e.output;
  if (!o) return e.partial ?? '';
  if (o.kind === 'labels') return o.labels.map((l) => `${l.label}: ${(l.score * 100).toFixed(1)} %`).join('\n');
  if (o.kind === 'answers') return formatAnswers(o);
  if (o.kind === 'similarity') return formatSimilarity(o, e.model);
  if (o.kind === 'similarPassages') return formatSimilarPassages(o);
  if (o.kind === 'summary' && o.sections && o.sections.length > 1) return [o.text.trim(), '', ...o.sections.map((s) => `${s.pages}: ${s.text.trim()}`)].join('\n');
  if (o.kind === 'summary' && o.sections?.length === 1) return `${o.text.trim()} (${o.sections[0]!.pages})`;
  return o.text.trim();
}
