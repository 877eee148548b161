/**
 * What a model can read, from its folder: its tokenizer as a token counter (tokenizer.json through
 * @huggingface/tokenizers, the library transformers.js tokenizes with, so counts are the pipeline's
 * own), its maximum input length, and what the pipeline puts before each text.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { modelMaxLength } from '../inference/resolveModel';
import { ESTIMATED_TOKENS, type TokenCounter } from '../text/tokens';
import type { ModelInput } from './runner';

export type { ModelInput } from './runner';

type Json = Record<string, unknown>;

async function readJson(file: string): Promise<Json | undefined> {
  try {
    return JSON.parse(await fs.promises.readFile(file, 'utf8')) as Json;
  } catch {
    return undefined;
  }
}

/** A counter over a loaded tokenizer: counts without special tokens, and how many those add. */
export function tokenizerCounter(tokenizer: Tokenizer): TokenCounter {
  const count = (text: string) => (text ? tokenizer.encode(text, { add_special_tokens: false }).ids.length : 0);
  const a = count('a');
  const single = Math.max(0, tokenizer.encode('a').ids.length - a);
  const pair = Math.max(0, tokenizer.encode('a', { text_pair: 'a' }).ids.length - 2 * a);
  return { count, specials: { single, pair }, source: 'model' };
}

/** The text the pipeline prepends for a task (transformers.js's text2text pipelines read these). */
function prefixOf(config: Json | undefined, pipeline: string): string {
  const tsp = config?.task_specific_params as Record<string, { prefix?: unknown }> | undefined;
  const own = typeof config?.prefix === 'string' ? config.prefix : '';
  const task = typeof tsp?.[pipeline]?.prefix === 'string' ? (tsp[pipeline]!.prefix as string) : '';
  return own + task;
}

const counters = new Map<string, { stamp: string; counter: Promise<TokenCounter> }>();

async function loadCounter(dir: string): Promise<TokenCounter> {
  const json = await readJson(path.join(dir, 'tokenizer.json'));
  if (!json) return ESTIMATED_TOKENS;
  try {
    return tokenizerCounter(new Tokenizer(json, (await readJson(path.join(dir, 'tokenizer_config.json'))) ?? {}));
  } catch {
    return ESTIMATED_TOKENS; // A tokenizer the library cannot build: the pipeline will say so when it loads.
  }
}

/** The tokenizer of a model folder, loaded once per folder (again only when tokenizer.json changes). */
async function counterFor(dir: string): Promise<TokenCounter> {
  let stamp: string;
  try {
    const st = await fs.promises.stat(path.join(dir, 'tokenizer.json'));
    stamp = `${st.size}:${st.mtimeMs}`;
  } catch {
    return ESTIMATED_TOKENS;
  }
  let hit = counters.get(dir);
  if (hit?.stamp !== stamp) hit = { stamp, counter: loadCounter(dir) };
  counters.delete(dir);
  counters.set(dir, hit); // most recently used last
  // A few models at a time: a large vocabulary takes tens of MB.
  while (counters.size > 4) counters.delete(counters.keys().next().value!);
  return hit.counter;
}

/** How `pipeline` on the model in `dir` (a local folder, already downloaded) measures its input. */
export async function modelInput(dir: string, pipeline: string): Promise<ModelInput> {
  const counter = await counterFor(dir);
  const prefix = prefixOf(await readJson(path.join(dir, 'config.json')), pipeline);
  return { maxTokens: modelMaxLength(dir), counter, prefixTokens: prefix ? counter.count(prefix) : 0 };
}
