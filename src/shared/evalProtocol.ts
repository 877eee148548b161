/**
 * Messages of the Compare Models results panel (src/host/webviews/evalPanel.ts, webview-ui/eval), over the
 * shared channel (./webviewChannel). The host sends the whole state each time a model ends (a reset);
 * every message from the page is validated before the host acts on it.
 */
import type { EvalTask } from '../core/eval/columns';
import type { EvalDataset, EvalExample, EvalReport, ModelRun } from '../core/eval/report';
import { record, type Validators } from './webviewChannel';

/** What the panel shows: the runs so far (null: not ended yet) and, once every model ended, the report. */
export interface EvalView {
  task: EvalTask;
  dataset: EvalDataset;
  examples: EvalExample[];
  /** The models as the user named them, in run order. */
  models: string[];
  runs: Array<ModelRun | null>;
  /** Set when the comparison ended (done, cancelled or failed): the disagreements and failures are in it. */
  report?: EvalReport;
  /** Whether "Add to Shortlist" is offered (a workspace folder is open). */
  shortlist: boolean;
}

export interface EvalProtocol {
  host: { notifications: { view: { view: EvalView } }; requests: {} };
  page: { notifications: { exportJson: {}; addToShortlist: { index: number } }; requests: {} };
}

export const EVAL_CHECKS: Validators<EvalProtocol['host'], EvalProtocol['page']> = {
  notifications: {
    exportJson: () => ({}),
    addToShortlist: (p) => {
      const index = record(p)?.index;
      return typeof index === 'number' && Number.isInteger(index) && index >= 0 && index < 100 ? { index } : undefined;
    },
  },
  requests: {},
  results: {},
};
