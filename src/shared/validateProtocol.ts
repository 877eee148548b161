/**
 * Messages of the Validate Model Folder panel (src/host/webviews/validatePanel.ts, webview-ui/validate),
 * over the shared channel (./webviewChannel). Every message from the page is validated before the host acts on it.
 */
import type { FolderReport } from '../core/model/findings';
import { record, type Validators } from './webviewChannel';

export interface ValidateProtocol {
  host: { notifications: { report: { report: FolderReport } }; requests: {} };
  page: { notifications: { openFile: { file: string }; revalidate: {} }; requests: {} };
}

/** A relative path inside the folder: no absolute path, no "..", at most 1,000 characters. */
const isRelative = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= 1000 && !/^([\\/]|[A-Za-z]:)/.test(v) && !v.split(/[\\/]/).includes('..');

export const VALIDATE_CHECKS: Validators<ValidateProtocol['host'], ValidateProtocol['page']> = {
  notifications: {
    openFile: (p) => {
      const file = record(p)?.file;
      return isRelative(file) ? { file } : undefined;
    },
    revalidate: () => ({}),
  },
  requests: {},
  results: {},
};
