/** --backend, --backend-url, --provider, --api-key-env: where the NLP commands and ask run their model. */
import { BACKEND_IDS, BACKEND_PIPELINES, type BackendId, type RemoteBackendOptions } from '../core/backends/types';
import { backendUrlProblem } from '../core/backends/http';
import { resolveToken } from '../core/hub/hubConfig';
import { UsageError, type Parsed } from './args';

export { remoteDefaultModel } from '../core/backends/remoteModels';

export const BACKEND_FLAGS = ['--backend', '--backend-url', '--provider', '--api-key-env'];

export const BACKEND_USAGE = `      [--backend local|hf-inference|tei|openai] [--backend-url URL] [--provider NAME (hf-inference)]
      [--api-key-env VAR (the key is read from this variable; default HF_TOKEN / OPENAI_API_KEY)]`;

/**
 * The backend flags, checked before any request: an unknown backend, a missing or malformed URL, a
 * task the backend cannot run, or a key variable that is not set are usage errors (exit 2).
 * Undefined for the local backend. The key is read from an environment variable, never a flag value.
 */
export function backendFlags(a: Parsed, pipeline: string, env: NodeJS.ProcessEnv = process.env): RemoteBackendOptions | undefined {
  const id = (a.flags.get('--backend') ?? 'local') as BackendId;
  if (!BACKEND_IDS.includes(id)) throw new UsageError(`--backend must be one of ${BACKEND_IDS.join(', ')} (got "${id}")`);
  const url = a.flags.get('--backend-url');
  const provider = a.flags.get('--provider');
  const keyEnv = a.flags.get('--api-key-env');
  if (id === 'local') {
    const extra = ['--backend-url', '--provider', '--api-key-env'].find((f) => a.flags.has(f));
    if (extra) throw new UsageError(`${extra} is for a remote --backend (hf-inference, tei, openai)`);
    return undefined;
  }
  if (!BACKEND_PIPELINES[id].includes(pipeline)) {
    throw new UsageError(`the ${id} backend cannot run ${pipeline} (it runs ${BACKEND_PIPELINES[id].join(', ')}); use another --backend`, false);
  }
  if ((id === 'tei' || id === 'openai') && !url) throw new UsageError(`--backend ${id} needs --backend-url (e.g. ${id === 'tei' ? 'http://127.0.0.1:8080' : 'http://127.0.0.1:8000/v1'})`);
  if (provider && id !== 'hf-inference') throw new UsageError('--provider is for --backend hf-inference');
  if (provider && url) throw new UsageError('--provider and --backend-url (an Inference Endpoint) do not go together: an Endpoint has no provider');
  if (url) {
    const problem = backendUrlProblem(url, '--backend-url');
    if (problem) throw new UsageError(problem.replace('give the key through the API key setting instead', 'put the key in an environment variable and name it with --api-key-env'));
  }
  if (id === 'hf-inference' && url && a.flags.has('--model')) {
    throw new UsageError('--model and --backend-url (an Inference Endpoint) do not go together: an Endpoint runs the model it was deployed with, which AI Lab neither chooses nor checks; leave out --model');
  }
  if (keyEnv !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(keyEnv)) throw new UsageError(`--api-key-env takes the NAME of an environment variable (got "${keyEnv}"); the key itself is never a flag value`);
  let token: string | undefined;
  let tokenSource: string | undefined;
  if (keyEnv) {
    token = env[keyEnv]?.trim();
    if (!token) throw new UsageError(`--api-key-env ${keyEnv}: the variable ${keyEnv} is not set or empty`, false);
    tokenSource = keyEnv;
  } else if (id === 'hf-inference') {
    const t = resolveToken(undefined, env);
    token = t?.token;
    tokenSource = t?.source;
  } else if (id === 'openai' && env.OPENAI_API_KEY?.trim()) {
    token = env.OPENAI_API_KEY.trim();
    tokenSource = 'OPENAI_API_KEY';
  }
  return {
    id,
    ...(url ? { url } : {}),
    ...(provider ? { provider } : {}),
    ...(token ? { token, tokenSource } : {}),
    onWait: (w) => process.stderr.write(`ai-lab: ${w.message} (Ctrl-C cancels)\n`),
    onWarning: (m) => process.stderr.write(`ai-lab: note: ${m}\n`),
  };
}
