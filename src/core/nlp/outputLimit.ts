/**
 * How many tokens a generating model can write, and the check of min/max new tokens against it,
 * made before anything is generated: a model asked for more than its positions loops or writes past
 * what it was trained on, and a huge max_new_tokens runs until killed.
 */
import * as path from 'node:path';
import { readJsonObject } from '../inference/resolveModel';
import { setting } from '../surface/names';
import { InputError } from '../text/chunks';
import type { OutputLimit, TaskRunner } from './runner';

export type { OutputLimit } from './runner';

/** The cap for a model that names no limit of its own (no position count, no model_max_length). */
export const UNKNOWN_OUTPUT_LIMIT = 4096;



const sensible = (v: unknown): number | undefined => (Number.isInteger(v) && (v as number) > 0 && (v as number) < 1_000_000 ? (v as number) : undefined);

/**
 * The output limit of the model in `dir`: config.json's max_target_positions (the decoder of an
 * encoder-decoder), max_position_embeddings, n_positions or n_ctx (also inside a `decoder` section),
 * else tokenizer_config.json's model_max_length, else UNKNOWN_OUTPUT_LIMIT.
 */
export function outputLimitOf(dir: string): OutputLimit {
  const config = readJsonObject(path.join(dir, 'config.json')) ?? {};
  const decoder = (config.decoder && typeof config.decoder === 'object' ? config.decoder : {}) as Record<string, unknown>;
  for (const [c, where] of [[config, 'config.json'], [decoder, "config.json's decoder"]] as const) {
    for (const key of ['max_target_positions', 'max_position_embeddings', 'n_positions', 'n_ctx']) {
      const n = sensible(c[key]);
      if (n !== undefined) return { tokens: n, from: `${key} in ${where}`, known: true };
    }
  }
  const fromTokenizer = sensible(readJsonObject(path.join(dir, 'tokenizer_config.json'))?.model_max_length);
  if (fromTokenizer !== undefined) return { tokens: fromTokenizer, from: 'model_max_length in tokenizer_config.json', known: true };
  return { tokens: UNKNOWN_OUTPUT_LIMIT, from: `AI Lab's cap for a model that states no limit of its own`, known: false };
}

export interface NewTokens {
  min?: number;
  max: number;
  /** The setting each comes from, named in this surface's words (setting()): e.g. aiLab.generate.maxNewTokens. */
  minName?: string;
  maxName: string;
}

/**
 * Refuses (InputError) a max_new_tokens above what the model can write, `promptTokens` (a decoder-only
 * model's prompt, which shares its positions) included, and a min_new_tokens above the max. `model`
 * names the model in the message; `limit` undefined: the runner cannot say, UNKNOWN_OUTPUT_LIMIT applies.
 */
export function checkNewTokens(n: NewTokens, model: string, limit: OutputLimit | undefined, promptTokens = 0): void {
  const maxName = setting(n.maxName);
  const minName = n.minName ? setting(n.minName) : 'min_new_tokens';
  if (!Number.isInteger(n.max) || n.max < 1) throw new InputError(`${maxName} must be a whole number of at least 1 (got ${n.max}).`);
  if (n.min !== undefined && (!Number.isInteger(n.min) || n.min < 0)) throw new InputError(`${minName} must be a whole number (got ${n.min}).`);
  if (n.min !== undefined && n.min > n.max) throw new InputError(`${minName} ${n.min} is more than ${maxName} ${n.max}: the minimum cannot exceed the maximum.`);
  const l = limit ?? outputLimitFallback();
  const room = l.tokens - promptTokens;
  if (n.max <= room) return;
  const prompt = promptTokens ? `, ${promptTokens} of them taken by the prompt` : '';
  const source = l.known ? `${model} holds at most ${l.tokens} tokens (${l.from})${prompt}` : `${model} states no limit of its own, so AI Lab caps it at ${l.tokens} tokens${prompt}`;
  if (room < 1) throw new InputError(`The prompt takes ${promptTokens} tokens, all that ${model} holds (${l.tokens}, ${l.from}): make it shorter.`);
  throw new InputError(`${maxName} ${n.max} is more than the model can write: ${source}. Use at most ${room}.`);
}

function outputLimitFallback(): OutputLimit {
  return { tokens: UNKNOWN_OUTPUT_LIMIT, from: `AI Lab's cap for a model that states no limit of its own`, known: false };
}

/** min ≤ max and both whole numbers: checked before any model is fetched (InputError). */
export function checkNewTokenOrder(n: Omit<NewTokens, 'max'> & { max?: number }): void {
  if (n.max === undefined) return;
  checkNewTokens({ ...n, max: n.max }, '', { tokens: Number.MAX_SAFE_INTEGER, from: '', known: true });
}

/**
 * Checks min/max new tokens against what `model` can write, as `runner` reports it (its outputLimit;
 * without one, UNKNOWN_OUTPUT_LIMIT). For text-generation, `prompt` takes positions too (counted with
 * the model's tokenizer where the runner has it). Throws InputError; runs nothing.
 */
export async function checkModelNewTokens(runner: TaskRunner, pipeline: string, model: string, n: NewTokens, prompt?: string, signal?: AbortSignal): Promise<void> {
  checkNewTokenOrder(n);
  const limit = runner.outputLimit ? await runner.outputLimit(pipeline, model, signal) : undefined;
  let promptTokens = 0;
  if (prompt !== undefined && pipeline === 'text-generation' && runner.inputLimits) {
    const m = await runner.inputLimits(pipeline, model, signal);
    promptTokens = m.counter.count(prompt) + m.counter.specials.single;
  }
  checkNewTokens(n, model, limit, promptTokens);
}
