/**
 * What a publish sends: the folder's files compared with the repo's tree, so a re-publish uploads only
 * what changed. A file is unchanged when the remote copy has the same content: the sha256 for an LFS
 * file (the tree's lfs.oid), the git blob sha1 for a regular one (the tree's oid). Remote files the
 * folder does not have are left alone (publishing never deletes).
 *
 * Left out of the upload, each with the reason given to the user:
 * - `.git/` (another repository's history) and `.cache/` (huggingface_hub's download/upload metadata),
 *   as huggingface_hub's upload_folder leaves them out;
 * - `__pycache__/`, `*.pyc`, `.ipynb_checkpoints/`, `.DS_Store`, `Thumbs.db`: machine and editor litter;
 * - usual homes of secrets (secretFiles.ts: `.env*`, `.netrc`, `.git-credentials`, `.npmrc`, `.pypirc`,
 *   private keys, `.ssh/`, `.aws/`…) and any file holding a Hugging Face access token, never published;
 * - symbolic links and anything that is not a plain file (what they point to may be outside the folder).
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isSecretName, SECRET_DIRS, SECRET_WHY, TokenScanner, TOKEN_WHY } from './secretFiles';

export interface LocalFile {
  /** Path in the repo, "/"-separated. */
  path: string;
  abs: string;
  size: number;
  sha256: string;
  /** git blob sha1 ("blob <size>\0" + content), as the Hub names regular files. */
  gitSha1: string;
}

export interface SkippedLocal {
  path: string;
  why: string;
}

/** One entry of the Hub's tree listing (GET /api/{type}s/{id}/tree/{rev}?recursive=true). */
export interface RemoteEntry {
  path: string;
  /** git blob sha1 (for LFS files, of the pointer). */
  oid: string;
  size: number;
  lfs?: { oid: string; size: number };
}

export interface PublishPlan {
  /** Files to send (new or changed), in path order. */
  upload: LocalFile[];
  /** Files the repo already has with the same content. */
  unchanged: LocalFile[];
  skipped: SkippedLocal[];
  /** Bytes of the files to send. */
  uploadBytes: number;
}

const SKIP_DIRS: Record<string, string> = {
  '.git': 'a git repository\'s own data, not a model file',
  '.cache': 'download and upload metadata (huggingface_hub writes it), not a model file',
  __pycache__: 'Python bytecode cache',
  '.ipynb_checkpoints': 'Jupyter autosaves',
};

function skipFile(name: string): string | undefined {
  if (name === '.DS_Store' || name === 'Thumbs.db') return 'file-manager metadata';
  if (name.endsWith('.pyc')) return 'Python bytecode';
  if (isSecretName(name)) return SECRET_WHY;
  return undefined;
}

/**
 * The files of `dir` to publish and what was left out (and why), in path order. Hashes are computed
 * here; a file holding `token` (the token publishing with) or any Hugging Face token is left out.
 */
export async function localFiles(dir: string, signal?: AbortSignal, onFile?: (file: string, filesDone: number) => void, token?: string): Promise<{ files: LocalFile[]; skipped: SkippedLocal[] }> {
  const files: LocalFile[] = [];
  const skipped: SkippedLocal[] = [];
  const walk = async (abs: string, rel: string): Promise<void> => {
    const entries = fs.readdirSync(abs, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      signal?.throwIfAborted();
      const p = rel ? `${rel}/${e.name}` : e.name;
      const full = path.join(abs, e.name);
      if (e.isDirectory()) {
        if (SKIP_DIRS[e.name]) skipped.push({ path: `${p}/`, why: SKIP_DIRS[e.name]! });
        else if (SECRET_DIRS.has(e.name.toLowerCase())) skipped.push({ path: `${p}/`, why: SECRET_WHY });
        else await walk(full, p);
        continue;
      }
      if (!e.isFile()) {
        skipped.push({ path: p, why: e.isSymbolicLink() ? 'a symbolic link (what it points to may be outside the folder): copy the file in instead' : 'not a plain file' });
        continue;
      }
      const why = skipFile(e.name);
      if (why) {
        skipped.push({ path: p, why });
        continue;
      }
      onFile?.(p, files.length);
      const { holdsToken, ...hashes } = await hashFile(full, signal, token);
      if (holdsToken) skipped.push({ path: p, why: TOKEN_WHY });
      else files.push({ path: p, abs: full, ...hashes });
    }
  };
  await walk(dir, '');
  const byPath = (a: { path: string }, b: { path: string }) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
  return { files: files.sort(byPath), skipped: skipped.sort(byPath) };
}

/** Names a model loader reads: config, tokenizer, weights, ONNX, the card (what validation looks at). */
const MODEL_FILE = /^(README\.md|[\w.-]*config\.json|tokenizer[\w.-]*|special_tokens_map\.json|vocab\.(txt|json)|merges\.txt|[\w.-]+\.(safetensors|bin|onnx|onnx_data|model|gguf|h5|msgpack)|[\w.-]+\.index\.json|onnx)$/;

/**
 * The model files of `dir` (top level and `onnx/`, "/"-separated) that are symbolic links, which
 * localFiles leaves out: publishing them would leave the repo without files validation saw.
 */
export function linkedModelFiles(dir: string): string[] {
  const out: string[] = [];
  for (const sub of ['', 'onnx']) {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(path.join(dir, sub), { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) if (e.isSymbolicLink() && (sub || MODEL_FILE.test(e.name))) out.push(sub ? `${sub}/${e.name}` : e.name);
  }
  return out.sort();
}

/**
 * size, sha256 and git blob sha1 of a file, read once as a stream; `holdsToken`: it contains `token`
 * or a Hugging Face token (secretFiles.ts).
 */
export async function hashFile(file: string, signal?: AbortSignal, token?: string): Promise<{ size: number; sha256: string; gitSha1: string; holdsToken: boolean }> {
  const size = fs.statSync(file).size;
  const h256 = createHash('sha256');
  const h1 = createHash('sha1').update(`blob ${size}\0`);
  const scan = new TokenScanner(token, size);
  let read = 0;
  for await (const chunk of fs.createReadStream(file, { signal })) {
    read += (chunk as Buffer).length;
    h256.update(chunk as Buffer);
    h1.update(chunk as Buffer);
    scan.push(chunk as Buffer);
  }
  // The git sha1 names the size up front: a file still being written would get a wrong one.
  if (read !== size) throw new Error(`${file} changed while it was read (${size} bytes, then ${read}): publish again once it is written`);
  return { size, sha256: h256.digest('hex'), gitSha1: h1.digest('hex'), holdsToken: scan.found };
}

/** Whether the remote entry holds the same content as the local file. */
export function sameContent(local: LocalFile, remote: RemoteEntry | undefined): boolean {
  if (!remote) return false;
  if (remote.lfs) return remote.lfs.oid === local.sha256 && remote.lfs.size === local.size;
  return remote.oid === local.gitSha1;
}

/** Splits the local files into those to send and those the repo already has (see the module comment). */
export function planPublish(local: { files: LocalFile[]; skipped: SkippedLocal[] }, remote: RemoteEntry[]): PublishPlan {
  const byPath = new Map(remote.map((r) => [r.path, r]));
  const upload = local.files.filter((f) => !sameContent(f, byPath.get(f.path)));
  const unchanged = local.files.filter((f) => sameContent(f, byPath.get(f.path)));
  return { upload, unchanged, skipped: local.skipped, uploadBytes: upload.reduce((n, f) => n + f.size, 0) };
}
