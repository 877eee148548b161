/** A model's tokenizer files, for the tokenizer inspector (the CLI's `tokenize`, the extension's command). */
import { downloadSnapshot, type DownloadProgress } from '../hub/snapshot';
import { looksLikeLocalPath } from '../inference/modelName';
import type { HubAccess } from '../inference/resolveModel';
import { TOKENIZER_FILES } from '../tokenize/inspect';

export interface FetchTokenizerOptions {
  signal?: AbortSignal;
  onProgress?: (p: DownloadProgress) => void;
  log?: (message: string) => void;
}

/**
 * The folder that holds `model`'s tokenizer: a local folder as it is; for a Hub id, its tokenizer and
 * config files (those the repo has) fetched into the Hugging Face cache, or found there when `hub.offline`.
 */
export async function fetchTokenizer(model: string, hub: HubAccess, o: FetchTokenizerOptions = {}): Promise<string> {
  if (looksLikeLocalPath(model)) return model;
  const snap = await downloadSnapshot({
    repoId: model,
    ...hub,
    signal: o.signal,
    select: (files) => TOKENIZER_FILES.filter((f) => files.includes(f)),
    onProgress: o.onProgress,
    log: o.log,
  });
  return snap.dir;
}
