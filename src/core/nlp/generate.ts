import { checkText } from '../text/chunks';
import { dropCutCharacter } from '../text/cutCharacter';
import { requireVisibleText } from '../text/visible';
import type { LabOutput, TaskRunner } from './runner';

export interface GenerateParams {
  runner: TaskRunner;
  model: string;
  prompt: string;
  maxNewTokens?: number;
  temperature?: number;
  doSample?: boolean;
  topK?: number;
  topP?: number;
  signal?: AbortSignal;
  onPartial?: (text: string) => void;
}

/** Continues the prompt; only the new text is returned (and streamed). */
export async function continueText(p: GenerateParams): Promise<Extract<LabOutput, { kind: 'generation' }>> {
  const prompt = checkText(requireVisibleText(p.prompt, 'the prompt'));
  const opts = {
    max_new_tokens: p.maxNewTokens ?? 50,
    do_sample: Boolean(p.doSample),
    ...(p.doSample ? { temperature: p.temperature ?? 0.8, top_k: p.topK ?? 50, top_p: p.topP ?? 0.95 } : {}),
  };
  const out = (await p.runner.run('text-generation', p.model, [prompt, opts], { signal: p.signal, onPartial: p.onPartial })) as Array<{ generated_text: string }>;
  const full = out[0]?.generated_text ?? '';
  return { kind: 'generation', text: dropCutCharacter(full.startsWith(prompt) ? full.slice(prompt.length) : full) };
}
