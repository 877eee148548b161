/**
 * Messages of the model card, dataset and tokenizer panels, shared by the host (src/host/webviews) and
 * the pages (webview-ui/modelCard, webview-ui/dataset, webview-ui/tokenizer). Every message from a page
 * is validated before the host acts on it.
 */
import type { TokenReport } from '../core/tokenize/types';

export interface CardView {
  id: string;
  kind: 'model' | 'dataset';
  hubUrl: string;
  /** Sanitized HTML of the README body (model cards are untrusted). */
  html: string;
  table: Array<{ key: string; value: string }>;
  files: Array<{ path: string; size: string; lfs: boolean }>;
  verdict?: { runs: boolean; reason: string };
  stats: string;
  gated: false | 'auto' | 'manual';
  cached: boolean;
  metaError?: string;
}

export type CardToWebview = { type: 'card'; card: CardView } | { type: 'error'; message: string };
export type CardAction = 'download' | 'useForTask' | 'openOnHub' | 'copyId';
export type CardFromWebview = { type: 'ready' } | { type: 'action'; action: CardAction };

export interface DatasetInit {
  dataset: string;
  config: string;
  split: string;
  splits: Array<{ split: string; rows?: number }>;
  columns: Array<{ name: string; type: string }>;
  labelColumns: string[];
  pageSize: number;
}

export interface PlanView {
  spec: string;
  rows: number;
  parts: string[];
  stratified?: { column: string; train: number; test: number; perLabel: Array<{ label: string; total: number; train: number; test: number }>; estimated: boolean };
  code: string;
}

export type DatasetToWebview =
  | { type: 'init'; init: DatasetInit }
  | { type: 'rows'; offset: number; total?: number; rows: string[][]; partial: boolean }
  | { type: 'plan'; plan: PlanView }
  | { type: 'error'; where: 'rows' | 'plan'; message: string };

export type DatasetFromWebview =
  | { type: 'ready' }
  | { type: 'page'; offset: number }
  | { type: 'plan'; slice: string; stratify?: { column: string; testSize: number; seed: number } }
  | { type: 'copy'; text: string };

export type TokenizerToWebview = { type: 'report'; text: string; report: TokenReport };
export type TokenizerFromWebview = { type: 'ready' } | { type: 'reveal'; start: number; end: number };

const obj = (m: unknown): Record<string, unknown> | undefined => (m && typeof m === 'object' ? (m as Record<string, unknown>) : undefined);
const CARD_ACTIONS: readonly string[] = ['download', 'useForTask', 'openOnHub', 'copyId'];
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < 1e12;

export function parseCardMessage(m: unknown): CardFromWebview | undefined {
  const o = obj(m);
  if (o?.type === 'ready') return { type: 'ready' };
  if (o?.type === 'action' && typeof o.action === 'string' && CARD_ACTIONS.includes(o.action)) return { type: 'action', action: o.action as CardAction };
  return undefined;
}

export function parseDatasetMessage(m: unknown): DatasetFromWebview | undefined {
  const o = obj(m);
  if (o?.type === 'ready') return { type: 'ready' };
  if (o?.type === 'page' && isCount(o.offset)) return { type: 'page', offset: o.offset };
  if (o?.type === 'copy' && typeof o.text === 'string' && o.text.length < 100_000) return { type: 'copy', text: o.text };
  if (o?.type === 'plan' && typeof o.slice === 'string' && o.slice.length < 500) {
    const s = obj(o.stratify);
    if (o.stratify === undefined) return { type: 'plan', slice: o.slice };
    if (s && typeof s.column === 'string' && s.column.length < 200 && typeof s.testSize === 'number' && Number.isFinite(s.testSize) && isCount(s.seed)) {
      return { type: 'plan', slice: o.slice, stratify: { column: s.column, testSize: s.testSize, seed: s.seed } };
    }
  }
  return undefined;
}

export function parseTokenizerMessage(m: unknown): TokenizerFromWebview | undefined {
  const o = obj(m);
  if (o?.type === 'ready') return { type: 'ready' };
  if (o?.type === 'reveal' && isCount(o.start) && isCount(o.end) && o.end >= o.start) return { type: 'reveal', start: o.start, end: o.end };
  return undefined;
}
