/**
 * What a model folder's tokenizer files say, without loading a tokenizer: which files it uses, its size
 * (largest id + 1, added tokens included), token → id, and whether it lowercases. Formats: Hugging Face
 * tokenizers' `tokenizer.json` (model.vocab: an object for WordPiece/BPE/WordLevel, [piece, score]
 * pairs for Unigram; added_tokens), the slow tokenizers' `vocab.txt` (one token a line, id = line) and
 * `vocab.json` + `merges.txt`; a SentencePiece model (`spiece.model`, `tokenizer.model`) is named, not read.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface TokenizerFacts {
  /** The file the vocabulary was read from; undefined when none was found. */
  source?: 'tokenizer.json' | 'vocab.txt' | 'vocab.json' | 'spiece.model' | 'tokenizer.model' | 'sentencepiece.bpe.model';
  /** Largest id + 1 (undefined for a SentencePiece model, which is not read). */
  size?: number;
  ids: Map<string, number>;
  /** Whether the tokenizer lowercases text (BertNormalizer.lowercase, a Lowercase normalizer, do_lower_case); undefined when nothing says. */
  lowercase?: boolean;
  /** The tokenizer model's type in tokenizer.json (WordPiece, BPE, Unigram, WordLevel). */
  modelType?: string;
  /** Problems reading the files (not JSON…), each with its file. */
  problems: Array<{ file: string; problem: string }>;
}

function readJson(dir: string, file: string): Record<string, unknown> | undefined | Error {
  const full = path.join(dir, file);
  if (!fs.existsSync(full)) return undefined;
  try {
    const v = JSON.parse(fs.readFileSync(full, 'utf8')) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : new Error('is not a JSON object');
  } catch (err) {
    return new Error(`is not valid JSON (${(err as Error).message.split('\n')[0]})`);
  }
}

function normalizerLowercases(n: unknown): boolean | undefined {
  if (!n || typeof n !== 'object') return undefined;
  const o = n as { type?: string; lowercase?: unknown; normalizers?: unknown[] };
  if (o.type === 'BertNormalizer') return o.lowercase !== false;
  if (o.type === 'Lowercase') return true;
  if (o.type === 'Sequence' && Array.isArray(o.normalizers)) {
    const parts = o.normalizers.map(normalizerLowercases);
    return parts.includes(true) ? true : parts.includes(false) ? false : undefined;
  }
  return undefined;
}

/** Reads the tokenizer files of `dir` (see the module comment). Never throws for a file's content: problems are listed. */
export function tokenizerFacts(dir: string, tokenizerConfig?: Record<string, unknown>): TokenizerFacts {
  const facts: TokenizerFacts = { ids: new Map(), problems: [] };
  const tj = readJson(dir, 'tokenizer.json');
  if (tj instanceof Error) facts.problems.push({ file: 'tokenizer.json', problem: tj.message });
  else if (tj) {
    facts.source = 'tokenizer.json';
    const model = (tj.model ?? {}) as { type?: string; vocab?: unknown };
    facts.modelType = typeof model.type === 'string' ? model.type : undefined;
    if (Array.isArray(model.vocab)) model.vocab.forEach((entry, id) => Array.isArray(entry) && typeof entry[0] === 'string' && facts.ids.set(entry[0], id));
    else if (model.vocab && typeof model.vocab === 'object') for (const [tok, id] of Object.entries(model.vocab)) if (typeof id === 'number') facts.ids.set(tok, id);
    for (const a of Array.isArray(tj.added_tokens) ? tj.added_tokens : []) {
      const t = a as { content?: unknown; id?: unknown };
      if (typeof t.content === 'string' && typeof t.id === 'number') facts.ids.set(t.content, t.id);
    }
    facts.lowercase = normalizerLowercases(tj.normalizer);
  } else if (fs.existsSync(path.join(dir, 'vocab.txt'))) {
    facts.source = 'vocab.txt';
    fs.readFileSync(path.join(dir, 'vocab.txt'), 'utf8').split(/\r?\n/).forEach((tok, id, all) => (id < all.length - 1 || tok) && facts.ids.set(tok, id));
  } else {
    const vj = readJson(dir, 'vocab.json');
    if (vj instanceof Error) facts.problems.push({ file: 'vocab.json', problem: vj.message });
    else if (vj) {
      facts.source = 'vocab.json';
      for (const [tok, id] of Object.entries(vj)) if (typeof id === 'number') facts.ids.set(tok, id);
    } else {
      for (const sp of ['spiece.model', 'tokenizer.model', 'sentencepiece.bpe.model'] as const) {
        if (fs.existsSync(path.join(dir, sp))) {
          facts.source = sp;
          break;
        }
      }
    }
  }
  // Tokens added in tokenizer_config.json (added_tokens_decoder: {"id": {content}}) count too.
  const decoder = tokenizerConfig?.added_tokens_decoder;
  if (decoder && typeof decoder === 'object') {
    for (const [id, t] of Object.entries(decoder as Record<string, { content?: unknown }>)) {
      if (typeof t?.content === 'string' && /^\d+$/.test(id) && !facts.ids.has(t.content)) facts.ids.set(t.content, Number(id));
    }
  }
  if (facts.ids.size) facts.size = Math.max(...facts.ids.values()) + 1;
  if (facts.lowercase === undefined && typeof tokenizerConfig?.do_lower_case === 'boolean') facts.lowercase = tokenizerConfig.do_lower_case;
  return facts;
}

/** The special tokens a tokenizer config names (cls_token, pad_token…; a string or {content}), by role. */
export function specialTokens(...configs: Array<Record<string, unknown> | undefined>): Map<string, string> {
  const out = new Map<string, string>();
  for (const c of configs) {
    for (const role of ['bos_token', 'eos_token', 'unk_token', 'sep_token', 'pad_token', 'cls_token', 'mask_token']) {
      const v = c?.[role];
      const content = typeof v === 'string' ? v : v && typeof v === 'object' && typeof (v as { content?: unknown }).content === 'string' ? (v as { content: string }).content : undefined;
      if (content !== undefined && !out.has(role)) out.set(role, content);
    }
  }
  return out;
}
