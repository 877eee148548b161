/**
 * Files a publish must never send because they usually hold secrets: by name (credential files of
 * common tools, private keys) and by content (a Hugging Face access token pasted into a script,
 * notebook or config). The content check runs on the bytes already read for hashing, so it costs no
 * extra read.
 */

export const SECRET_WHY = 'may hold secrets (keys, passwords, tokens): never published';
export const TOKEN_WHY = 'holds a Hugging Face access token: never published (remove the token from the file, then publish again)';

/** Folders that hold credentials (ssh keys, cloud and GPG credentials, huggingface_hub's token store). */
export const SECRET_DIRS = new Set(['.ssh', '.aws', '.gnupg', '.azure', '.kube', '.docker', '.huggingface']);

/** Whether a file named `name` (no folder) is a usual home of secrets. */
export function isSecretName(name: string): boolean {
  const n = name.toLowerCase();
  return n === '.env' || n.startsWith('.env.') || n === '.netrc' || n === '_netrc' || n === '.git-credentials'
    || n === '.npmrc' || n === '.pypirc' || n === '.pgpass' || n === '.htpasswd' || n === 'credentials.json'
    || /^client_secrets?.*\.json$/.test(n) || /\.(pem|key|p12|pfx|jks|keystore|ppk|kdbx)$/.test(n)
    || /^id_(rsa|ed25519|ecdsa|dsa)/.test(n);
}

/** A Hugging Face user access token: "hf_" and 34 letters (the Hub's format), as a whole word. */
const HF_TOKEN_PATTERN = /(?<![A-Za-z0-9_])hf_[A-Za-z0-9]{34}(?![A-Za-z0-9_])/;

/** Files past this size are only searched for the exact token in use, not the token pattern (weights, not scripts). */
const PATTERN_SCAN_MAX_BYTES = 16 * 1024 * 1024;

/**
 * Scans a file's bytes chunk by chunk for an access token: the one in use (`token`, any file size) or
 * any Hugging Face token pattern (files up to 16 MB). A match may straddle two chunks: the tail of the
 * previous chunk is kept. `found` is true once one was seen.
 */
export class TokenScanner {
  found = false;
  private tail = Buffer.alloc(0);
  private readonly needle: Buffer | undefined;
  private readonly keep: number;

  constructor(token: string | undefined, private readonly fileBytes: number) {
    this.needle = token && token.length >= 8 ? Buffer.from(token, 'utf8') : undefined;
    this.keep = Math.max(this.needle?.length ?? 0, 37) - 1;
  }

  push(chunk: Buffer): void {
    if (this.found) return;
    const window = this.tail.length ? Buffer.concat([this.tail, chunk]) : chunk;
    if (this.needle && window.includes(this.needle)) this.found = true;
    else if (this.fileBytes <= PATTERN_SCAN_MAX_BYTES && window.includes('hf_') && HF_TOKEN_PATTERN.test(window.toString('latin1'))) this.found = true;
    this.tail = Buffer.from(window.subarray(Math.max(0, window.length - this.keep)));
  }
}
