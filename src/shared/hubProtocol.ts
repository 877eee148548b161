/**
 * Messages of the model card, dataset and tokenizer panels, shared by the host (src/host/webviews) and
 * the pages (webview-ui/modelCard, webview-ui/dataset, webview-ui/tokenizer), one protocol per panel over
 * the shared channel (./webviewChannel). Every message from a page is validated before the host acts on it.
 */
import type { TokenReport } from '../core/tokenize/types';
import { record, type Validators } from './webviewChannel';

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

export type CardAction = 'download' | 'useForTask' | 'openOnHub' | 'copyId';

/** The card panel's protocol (src/shared/webviewChannel.ts): `card` or `error` is what the page shows. */
export interface CardProtocol {
  host: { notifications: { card: { card: CardView }; error: { message: string } }; requests: {} };
  page: { notifications: { action: { action: CardAction } }; requests: {} };
}

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

/** A page of rows: `offset` is the first row's index in the split. */
export interface RowsPage {
  offset: number;
  total?: number;
  rows: string[][];
  partial: boolean;
}

export interface PlanRequest {
  slice: string;
  stratify?: { column: string; testSize: number; seed: number };
}

/**
 * The dataset panel's protocol: the host sends `init` when the page is ready; the page asks for
 * pages of rows and plans (a failure comes back as the request's error).
 */
export interface DatasetProtocol {
  host: { notifications: { init: { init: DatasetInit } }; requests: {} };
  page: {
    notifications: { copy: { text: string } };
    requests: { rows: { params: { offset: number }; result: RowsPage }; plan: { params: PlanRequest; result: PlanView } };
  };
}

/** What the host sent a dataset page (for tests): its init, a page of rows, a plan, or why one failed. */
export type DatasetToWebview =
  | { type: 'init'; init: DatasetInit }
  | ({ type: 'rows' } & RowsPage)
  | { type: 'plan'; plan: PlanView }
  | { type: 'error'; where: 'rows' | 'plan'; message: string };

/** The tokenizer panel's protocol: `report` is what the page shows; a click on a token asks to reveal its characters. */
export interface TokenizerProtocol {
  host: { notifications: { report: { text: string; report: TokenReport } }; requests: {} };
  page: { notifications: { reveal: { start: number; end: number } }; requests: {} };
}

const CARD_ACTIONS: readonly string[] = ['download', 'useForTask', 'openOnHub', 'copyId'];
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < 1e12;

/** Every message from a card page is checked before the host acts on it. */
export const CARD_CHECKS: Validators<CardProtocol['host'], CardProtocol['page']> = {
  notifications: {
    action: (p) => {
      const action = record(p)?.action;
      return typeof action === 'string' && CARD_ACTIONS.includes(action) ? { action: action as CardAction } : undefined;
    },
  },
  requests: {},
  results: {},
};

function planRequest(p: unknown): PlanRequest | undefined {
  const o = record(p);
  if (!o || typeof o.slice !== 'string' || o.slice.length >= 500) return undefined;
  if (o.stratify === undefined) return { slice: o.slice };
  const s = record(o.stratify);
  if (s && typeof s.column === 'string' && s.column.length < 200 && typeof s.testSize === 'number' && Number.isFinite(s.testSize) && isCount(s.seed)) {
    return { slice: o.slice, stratify: { column: s.column, testSize: s.testSize, seed: s.seed } };
  }
  return undefined;
}

/** Every message from a dataset page is checked before the host acts on it. */
export const DATASET_CHECKS: Validators<DatasetProtocol['host'], DatasetProtocol['page']> = {
  notifications: {
    copy: (p) => {
      const text = record(p)?.text;
      return typeof text === 'string' && text.length < 100_000 ? { text } : undefined;
    },
  },
  requests: {
    rows: (p) => {
      const offset = record(p)?.offset;
      return isCount(offset) ? { offset } : undefined;
    },
    plan: planRequest,
  },
  results: {},
};

/** Every message from a tokenizer page is checked before the host acts on it. */
export const TOKENIZER_CHECKS: Validators<TokenizerProtocol['host'], TokenizerProtocol['page']> = {
  notifications: {
    reveal: (p) => {
      const o = record(p);
      return o && isCount(o.start) && isCount(o.end) && o.end >= o.start ? { start: o.start, end: o.end } : undefined;
    },
  },
  requests: {},
  results: {},
};
