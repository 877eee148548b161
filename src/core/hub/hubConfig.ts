import { setting as settingName, surface } from '../surface/names';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const DEFAULT_HUB_ENDPOINT = 'https://huggingface.co';

/** `aiLab.hubEndpoint`, then HF_ENDPOINT, then huggingface.co; no trailing slash. */
export function resolveHubEndpoint(setting?: string, env: NodeJS.ProcessEnv = process.env): string {
  const raw = (setting?.trim() || env.HF_ENDPOINT?.trim() || DEFAULT_HUB_ENDPOINT).replace(/\/+$/, '');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`The Hub endpoint "${raw}" is not a URL (check ${surface().id === 'cli' ? '--endpoint' : settingName('aiLab.hubEndpoint')} or HF_ENDPOINT)`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`The Hub endpoint must be http(s), not ${url.protocol}`);
  return raw;
}

/** HF_HOME, as huggingface_hub computes it. */
export function hfHome(env: NodeJS.ProcessEnv = process.env): string {
  return env.HF_HOME || path.join(env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'huggingface');
}

/** The hub cache shared with Python: HF_HUB_CACHE, else $HF_HOME/hub. */
export function resolveHubCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.HF_HUB_CACHE || env.HUGGINGFACE_HUB_CACHE || path.join(hfHome(env), 'hub');
}

export function isOfflineByEnv(env: NodeJS.ProcessEnv = process.env): boolean {
  return ['1', 'true', 'yes', 'on'].includes((env.HF_HUB_OFFLINE ?? env.TRANSFORMERS_OFFLINE ?? '').toLowerCase());
}

export interface TokenSource {
  token: string;
  source: 'HF_TOKEN' | 'signed-in' | 'token file';
}

/** HF_TOKEN, then the token AI Lab signed in with, then the file `hf auth login` writes. */
export function resolveToken(signedIn: string | undefined, env: NodeJS.ProcessEnv = process.env): TokenSource | undefined {
  const fromEnv = (env.HF_TOKEN || env.HUGGING_FACE_HUB_TOKEN || '').trim();
  if (fromEnv) return { token: fromEnv, source: 'HF_TOKEN' };
  if (signedIn?.trim()) return { token: signedIn.trim(), source: 'signed-in' };
  const file = env.HF_TOKEN_PATH || path.join(hfHome(env), 'token');
  try {
    const t = fs.readFileSync(file, 'utf8').trim();
    if (t) return { token: t, source: 'token file' };
  } catch {
    // No token file: anonymous.
  }
  return undefined;
}
