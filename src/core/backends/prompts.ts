/** The prompts the openai backend sends for tasks a chat model does by instruction. The user sees and may change them. */
import type { PromptTemplate } from './types';

/** `{text}` is the input; `{max_new_tokens}` the length asked for (tokens). */
export const DEFAULT_PROMPTS: Record<'summarization' | 'text-generation', PromptTemplate> = {
  summarization: {
    system: 'You summarize texts faithfully. Use only facts stated in the text. Reply with the summary only.',
    user: 'Summarize the following text in at most {max_new_tokens} tokens.\n\n{text}',
  },
  'text-generation': {
    system: 'You continue texts. Reply with the continuation only, without repeating the text.',
    user: 'Continue this text (about {max_new_tokens} tokens):\n\n{text}',
  },
};

/** The template with its placeholders filled (each at most once replaced per occurrence; other braces kept). */
export function fillPrompt(t: PromptTemplate, values: { text: string; max_new_tokens: number }): PromptTemplate {
  const fill = (s: string) => s.replace(/\{(text|max_new_tokens)\}/g, (_, k: 'text' | 'max_new_tokens') => String(values[k]));
  return { system: fill(t.system), user: fill(t.user) };
}

/** A template without {text} would send nothing of the input: refused early. */
export function checkPrompt(t: PromptTemplate, name: string): void {
  if (!t.user.includes('{text}') && !t.system.includes('{text}')) throw new Error(`The ${name} prompt must contain {text} (where the input goes).`);
}
