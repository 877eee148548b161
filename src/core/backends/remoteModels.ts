/** Which model a remote backend runs when none is named. */
import type { RemoteBackendOptions } from './types';

/** The Hub models the local defaults (Xenova's ONNX conversions) were converted from: what a server runs. */
const ORIGINAL_MODELS: Record<string, string> = {
  'Xenova/distilbert-base-uncased-finetuned-sst-2-english': 'distilbert/distilbert-base-uncased-finetuned-sst-2-english',
  'Xenova/bart-large-mnli': 'facebook/bart-large-mnli',
  'Xenova/distilbart-cnn-6-6': 'sshleifer/distilbart-cnn-6-6',
  'Xenova/all-MiniLM-L6-v2': 'sentence-transformers/all-MiniLM-L6-v2',
  'Xenova/distilgpt2': 'distilbert/distilgpt2',
  'Xenova/distilbert-base-cased-distilled-squad': 'distilbert/distilbert-base-cased-distilled-squad',
  'Xenova/nllb-200-distilled-600M': 'facebook/nllb-200-distilled-600M',
};

/**
 * The model a remote backend runs when --model is not given: tei and openai use the server's own
 * ('' = ask the server); hf-inference the original of the local default.
 */
export function remoteDefaultModel(o: RemoteBackendOptions, localDefault: string): string {
  if (o.id !== 'hf-inference' || o.url) return '';
  // The opus-mt ports keep their originals' names (Helsinki-NLP/opus-mt-de-en).
  return ORIGINAL_MODELS[localDefault] ?? localDefault.replace(/^Xenova\/opus-mt-/, 'Helsinki-NLP/opus-mt-');
}
