/**
 * Get ONNX Weights, first half: transformers.js-ready copies ("ports") of a Hub model that has only
 * PyTorch weights. Candidates are the repos that declare it as their base model (the Hub tags them
 * `base_model:<id>`, and `base_model:quantized:<id>` / `base_model:finetune:<id>` by relation, from the
 * card's `base_model` front matter) plus the well-known port owners' repos of the same name
 * (`onnx-community/<name>`, `Xenova/<name>`). Each is kept only when its file list runs in
 * transformers.js (assertRunnableFiles: `onnx/*.onnx`, config.json, tokenizer.json,
 * tokenizer_config.json) and, when a task is given, has the ONNX files of that task.
 */
import type { HubClient, ModelSummary, RepoDetails } from '../hub/hubApi';
import { HubError } from '../hub/hubError';
import { assertRunnableFiles, chooseModelFiles } from '../inference/modelFiles';
import { ModelFilesError } from '../inference/modelFolder';

/** Owners that publish ports made for transformers.js: ranked first. */
export const PORT_OWNERS = ['onnx-community', 'Xenova'] as const;

export interface OnnxPort {
  id: string;
  owner: string;
  downloads: number;
  likes: number;
  /** Made by a PORT_OWNERS owner. */
  official: boolean;
  /** Its `onnx/*.onnx` files (every dtype). */
  onnxFiles: string[];
  /** Why it counts as a copy of the model: "declares base_model X (quantized)", "same name under onnx-community". */
  reason: string;
}

export interface PortSearch {
  /** The Hub model searched for. */
  base: string;
  /** Ports that run in AI Lab, best first (official owners, then downloads). */
  ports: OnnxPort[];
  /** Candidates looked at and left out, with why (no ONNX files, a port of another model…). */
  rejected: Array<{ id: string; reason: string }>;
}

export interface PortSearchOptions {
  /** A transformers.js task (text-classification, summarization…): ports without its ONNX files are left out. */
  task?: string;
  /** Most candidates whose file lists are fetched (each is one request). Default 12. */
  maxCandidates?: number;
}

/** The `base_model` ids a repo declares, from its card data and its `base_model:` tags. */
export function declaredBaseModels(d: Pick<RepoDetails, 'cardData' | 'tags'>): string[] {
  const out = new Set<string>();
  const card = d.cardData?.base_model;
  for (const b of Array.isArray(card) ? card : [card]) if (typeof b === 'string' && b.trim()) out.add(b.trim());
  for (const t of d.tags) {
    const m = /^base_model:(?:(?:quantized|finetune|adapter|merge):)?(.+)$/.exec(t);
    if (m) out.add(m[1]!);
  }
  return [...out];
}

const sameId = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/**
 * Ports of `base` (a Hub id) found through `client`. Hub failures of a single candidate's info are
 * recorded in `rejected`; a failing search (offline, refused) throws its HubError.
 */
export async function findOnnxPorts(client: HubClient, base: string, o: PortSearchOptions = {}): Promise<PortSearch> {
  const name = base.split('/').pop()!;
  const found = new Map<string, { summary?: ModelSummary; relation: string }>();
  for (const relation of ['', 'quantized:', 'finetune:']) {
    const url = `${client.modelSearchUrl({ sort: 'downloads', limit: 20 })}&filter=${encodeURIComponent(`base_model:${relation}${base}`)}`;
    const page = await client.searchModels({}, url);
    for (const m of page.items) if (!sameId(m.id, base) && !found.has(m.id)) found.set(m.id, { summary: m, relation: relation.replace(':', '') });
  }
  // The well-known owners' copies by name, listed or not (older ports declare no base_model).
  for (const owner of PORT_OWNERS) {
    const id = `${owner}/${name}`;
    if (!sameId(id, base) && ![...found.keys()].some((k) => sameId(k, id))) found.set(id, { relation: 'name' });
  }
  const official = (id: string) => PORT_OWNERS.some((x) => sameId(id.split('/')[0]!, x));
  // Official owners first, then the most downloaded: the order candidates are looked at and returned in.
  const order = [...found.entries()].sort(([a, x], [b, y]) => Number(official(b)) - Number(official(a)) || (y.summary?.downloads ?? 0) - (x.summary?.downloads ?? 0));
  const ports: OnnxPort[] = [];
  const rejected: PortSearch['rejected'] = [];
  for (const [id, c] of order.slice(0, o.maxCandidates ?? 12)) {
    let info: RepoDetails;
    try {
      info = await client.modelInfo(id);
    } catch (err) {
      if (!(err instanceof HubError)) throw err;
      // A name guessed from an owner that is not on the Hub is no finding worth a line.
      if (c.relation !== 'name' || err.kind !== 'not-found') rejected.push({ id, reason: err.message });
      continue;
    }
    const declared = declaredBaseModels(info);
    if (c.relation === 'name' && declared.length && !declared.some((b) => sameId(b, base))) {
      rejected.push({ id, reason: `a port of ${declared.join(', ')}, not of ${base}` });
      continue;
    }
    try {
      assertRunnableFiles(id, info.files);
      if (o.task) chooseModelFiles(id, info.files, o.task, 'cpu', 'auto');
    } catch (err) {
      if (!(err instanceof ModelFilesError)) throw err;
      rejected.push({ id, reason: err.message.split(/(?<=\.) /)[0]! });
      continue;
    }
    const reason =
      c.relation === 'name'
        ? `same name under ${id.split('/')[0]}${declared.length ? ` (declares base_model ${base})` : ' (declares no base_model)'}`
        : `declares base_model ${base}${c.relation ? ` (${c.relation})` : ''}`;
    ports.push({
      id: info.id || id,
      owner: id.split('/')[0]!,
      downloads: info.downloads,
      likes: info.likes,
      official: official(id),
      onnxFiles: info.files.filter((f) => f.startsWith('onnx/') && f.endsWith('.onnx')),
      reason,
    });
  }
  ports.sort((a, b) => Number(b.official) - Number(a.official) || b.downloads - a.downloads);
  return { base, ports, rejected };
}
