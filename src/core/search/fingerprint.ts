/**
 * What identifies an embedding model's files, so an index made with a model folder whose weights were
 * replaced in place (same name, other vectors) is rebuilt, never searched with the new model's query
 * vectors: a SHA-256 over the name, size and modification time of the files that shape its vectors.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TaskRunner } from '../nlp/runner';

const SHAPING = ['config.json', 'tokenizer.json', 'modules.json', '1_Pooling/config.json', 'sentence_bert_config.json'];

/** The fingerprint of the model folder `dir` (hex, 16 characters); files that are not there count as absent. */
export function folderFingerprint(dir: string): string {
  const onnx = path.join(dir, 'onnx');
  const files = [...SHAPING, ...(fs.existsSync(onnx) ? fs.readdirSync(onnx).filter((f) => /\.onnx(_data)?$/.test(f)).sort().map((f) => `onnx/${f}`) : [])];
  const h = createHash('sha256');
  for (const f of files) {
    try {
      // stat follows links: a Hub snapshot's files are links to blobs, which a new revision replaces.
      const st = fs.statSync(path.join(dir, f));
      h.update(`${f}\0${st.size}\0${Math.round(st.mtimeMs)}\n`);
    } catch {
      h.update(`${f}\0absent\n`);
    }
  }
  return h.digest('hex').slice(0, 16);
}

/** The fingerprint of `model` as `runner` runs it (local folder or Hub snapshot); undefined on a remote backend, whose files are not at hand. */
export async function embedderFingerprint(runner: TaskRunner, model: string, signal?: AbortSignal): Promise<string | undefined> {
  if (!runner.modelDir) return undefined;
  return folderFingerprint(await runner.modelDir('feature-extraction', model, signal));
}
