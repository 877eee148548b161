/** The one way to get a runner for a remote backend. */
import { HfInferenceRunner } from './hfInference';
import { originOf } from './http';
import { OpenAiRunner } from './openai';
import { BackendError } from './remoteError';
import { TeiRunner } from './tei';
import type { RemoteBackendOptions, RemoteTaskRunner } from './types';

/**
 * A TaskRunner for `o.id`. tei and openai need `o.url`; hf-inference takes one for a dedicated
 * Inference Endpoint (else Inference Providers through router.huggingface.co).
 * @throws BackendError 'unsupported' for a missing or malformed URL (before anything is sent)
 */
export function createRemoteRunner(o: RemoteBackendOptions): RemoteTaskRunner {
  if (o.url !== undefined) originOf(o.url, o.id);
  if (o.id === 'hf-inference') return new HfInferenceRunner(o);
  if (!o.url) throw new BackendError('unsupported', `The ${o.id} backend needs the server's URL (e.g. ${o.id === 'tei' ? 'http://127.0.0.1:8080' : 'http://127.0.0.1:8000/v1'}).`, o.id, '');
  if (o.id === 'tei') return new TeiRunner(o);
  if (o.id === 'openai') return new OpenAiRunner(o);
  throw new BackendError('unsupported', `Unknown backend "${String((o as { id: unknown }).id)}".`, 'local', '');
}
