import { checkText } from '../text/chunks';
import { dropCutCharacter } from '../text/cutCharacter';
import { requireVisibleText } from '../text/visible';
import { checkModelNewTokens } from './outputLimit';
import type { LabOutput, TaskRunner } from './runner';
import { GENERATE_DEFAULTS } from './tasks';

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
  const maxNewTokens = p.maxNewTokens ?? GENERATE_DEFAULTS.maxNewTokens;
  await checkModelNewTokens(p.runner, 'text-generation', p.model, { max: maxNewTokens, maxName: 'aiLab.generate.maxNewTokens' }, prompt, p.signal);
  const opts = {
    max_new_tokens: maxNewTokens,
    do_sample: Boolean(p.doSample),
    ...(p.doSample ? { temperature: p.temperature ?? GENERATE_DEFAULTS.temperature, top_k: p.topK ?? GENERATE_DEFAULTS.topK, top_p: p.topP ?? GENERATE_DEFAULTS.topP } : {}),
  };
  const out = (await p.runner.run('text-generation', p.model, [prompt, opts], { signal: p.signal, onPartial: p.onPartial })) as Array<{ generated_text: string }>;
  const full = out[0]?.generated_text ?? '';
  return { kind: 'generation', text: dropCutCharacter(full.startsWith(prompt) ? full.slice(prompt.length) : full) };
}
