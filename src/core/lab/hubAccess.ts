/**
 * The Hub as every model-running path reaches it (the CLI from its flags, the extension from its
 * settings and SecretStorage): endpoint, token, cache folder, offline mode.
 */
import { isOfflineByEnv, resolveHubCacheDir, resolveHubEndpoint, resolveToken } from '../hub/hubConfig';
import type { HubAccess } from '../inference/resolveModel';

export type { HubAccess } from '../inference/resolveModel';

/** What a caller knows of the Hub: its flags (CLI) or settings (extension), and the signed-in token. */
export interface HubGiven {
  /** --endpoint, or the setting aiLab.hubEndpoint (empty counts as not given). */
  endpoint?: string;
  /** The token AI Lab signed in with (SecretStorage); the CLI has none. */
  signedInToken?: string;
  /** A cache folder chosen by the caller (tests); else the environment's. */
  cacheDir?: string;
  /** --offline, or the setting aiLab.hubOffline. */
  offline?: boolean;
}

/**
 * One precedence rule for each value: what the caller gives (a flag, a setting) wins over the
 * environment, which wins over what is stored on this machine, which wins over the default.
 * - endpoint: `given.endpoint` > HF_ENDPOINT > https://huggingface.co (throws on a value that is not an http(s) URL);
 * - token: HF_TOKEN (or HUGGING_FACE_HUB_TOKEN) > the signed-in token (SecretStorage) > HF_TOKEN_PATH or
 *   $HF_HOME/token (what `hf auth login` writes) > none. No flag or setting names a token, so the
 *   environment comes first, as it does for huggingface_hub;
 * - cache folder: `given.cacheDir` > HF_HUB_CACHE (or HUGGINGFACE_HUB_CACHE) > $HF_HOME/hub > ~/.cache/huggingface/hub;
 * - offline: on when the flag or setting says so, or HF_HUB_OFFLINE / TRANSFORMERS_OFFLINE is 1/true/yes/on
 *   (a switch can only turn it on: either asking for offline is enough).
 */
export function hubAccess(given: HubGiven = {}, env: NodeJS.ProcessEnv = process.env): HubAccess {
  return {
    endpoint: resolveHubEndpoint(given.endpoint, env),
    token: resolveToken(given.signedInToken, env)?.token,
    cacheDir: given.cacheDir?.trim() || resolveHubCacheDir(env),
    offline: given.offline === true || isOfflineByEnv(env),
  };
}
