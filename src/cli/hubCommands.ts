/** ai-lab models | datasets | tasks | download: the Hub from a terminal (cache and tokenize live beside). */
import { MODALITY_LABELS } from '@huggingface/tasks';
import { formatBytes } from '../core/bytes';
import { compatibilityVerdict } from '../core/hub/compat';
import { DatasetViewer } from '../core/hub/datasetViewer';
import { HubClient, MODEL_SORTS, type ModelSort } from '../core/hub/hubApi';
import { cliHub } from './context';
import { cardTable } from '../core/hub/modelCard';
import { downloadSnapshot } from '../core/hub/snapshot';
import { oneOf, parseFlags, positiveNumber, urlFlag, UsageError, type Parsed } from './args';

export const HUB_USAGE = `  models search [QUERY] [--task T] [--library L] [--author A] [--language L] [--license L]
      [--sort downloads|likes|trending|lastModified] [--limit N] [--json]
  models info <ID> [--json]        card data, files with sizes, and whether it runs in AI Lab
  datasets search [QUERY] [--task-category T] [--language L] [--size 10K<n<100K] [--license L]
      [--author A] [--sort …] [--limit N] [--json]
  datasets info <ID> [--datasets-server URL] [--json]   configs, splits with row counts, features
  tasks [--json]                   the Hub's tasks grouped by modality
  download <ID> [--type model|dataset] [--revision R] [--include GLOB]… [--json]
      into the Hugging Face cache (HF_HOME / HF_HUB_CACHE), shared with Python
      All take [--endpoint URL] (default HF_ENDPOINT or https://huggingface.co); HF_TOKEN or \`hf auth login\`'s token is used.`;

function client(a: Parsed): HubClient {
  const hub = cliHub(a);
  return new HubClient({ endpoint: hub.endpoint, token: hub.token });
}

function limitOf(a: Parsed): number {
  const n = positiveNumber('--limit', a.flags.get('--limit')) ?? 20;
  if (!Number.isInteger(n) || n > 1000) throw new UsageError('--limit must be a whole number up to 1000');
  return n;
}

const out = (s: string) => process.stdout.write(s.endsWith('\n') ? s : `${s}\n`);
const SEARCH_VALUES = ['--endpoint', '--sort', '--limit', '--author', '--language', '--license'];

/** Reads pages until `limit` items (the Hub pages with Link headers). */
async function collect<T>(limit: number, first: (l: number) => Promise<{ items: T[]; next?: string }>, more: (next: string) => Promise<{ items: T[]; next?: string }>): Promise<T[]> {
  let page = await first(Math.min(limit, 100));
  const items = [...page.items];
  while (items.length < limit && page.next) {
    page = await more(page.next);
    items.push(...page.items);
  }
  return items.slice(0, limit);
}

async function models(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'search') {
    const a = parseFlags('models search', rest, { values: [...SEARCH_VALUES, '--task', '--library'], switches: ['--json'] });
    const sort = oneOf<ModelSort>('--sort', a.flags.get('--sort'), MODEL_SORTS, 'downloads');
    const c = client(a);
    const q = { search: a.positional.join(' '), task: a.flags.get('--task'), library: a.flags.get('--library'), author: a.flags.get('--author'), language: a.flags.get('--language'), license: a.flags.get('--license'), sort };
    const found = await collect(limitOf(a), (limit) => c.searchModels({ ...q, limit }), (next) => c.searchModels(q, next));
    if (a.switches.has('--json')) out(JSON.stringify({ models: found }, null, 2));
    else if (!found.length) out('No models match.');
    else for (const m of found) out(`${m.id}\t${m.pipelineTag ?? '-'}\t${m.downloads} downloads\t${m.likes} likes${m.runsInAiLab ? '\truns in AI Lab' : ''}`);
    return 0;
  }
  if (sub === 'info') {
    const a = parseFlags('models info', rest, { values: ['--endpoint'], switches: ['--json'] });
    const id = a.positional[0];
    if (!id || a.positional.length > 1) throw new UsageError('models info takes one model id, e.g. Xenova/distilbert-base-uncased-finetuned-sst-2-english');
    const c = client(a);
    const info = await c.modelInfo(id);
    const files = await c.files(id);
    const verdict = compatibilityVerdict({ id, files: files.map((f) => f.path), pipelineTag: info.pipelineTag, config: info.config });
    if (a.switches.has('--json')) {
      out(JSON.stringify({ ...info, files, verdict }, null, 2));
      return 0;
    }
    out(`${info.id}  ${info.pipelineTag ?? ''}  ${info.downloads} downloads  ${info.likes} likes${info.gated ? `  gated (${info.gated})` : ''}`);
    for (const row of cardTable(info.cardData)) out(`  ${row.key}: ${row.value}`);
    out(`${verdict.runs ? 'Runs in AI Lab' : 'Does not run in AI Lab'}: ${verdict.reason}`);
    for (const f of files) out(`  ${f.path}\t${formatBytes(f.size)}${f.lfs ? '\tLFS' : ''}`);
    return 0;
  }
  throw new UsageError('models needs search or info');
}

async function datasets(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'search') {
    const a = parseFlags('datasets search', rest, { values: [...SEARCH_VALUES, '--task-category', '--size'], switches: ['--json'] });
    const sort = oneOf<ModelSort>('--sort', a.flags.get('--sort'), MODEL_SORTS, 'downloads');
    const c = client(a);
    const q = { search: a.positional.join(' '), author: a.flags.get('--author'), taskCategory: a.flags.get('--task-category'), language: a.flags.get('--language'), sizeCategory: a.flags.get('--size'), license: a.flags.get('--license'), sort };
    const found = await collect(limitOf(a), (limit) => c.searchDatasets({ ...q, limit }), (next) => c.searchDatasets(q, next));
    if (a.switches.has('--json')) out(JSON.stringify({ datasets: found }, null, 2));
    else if (!found.length) out('No datasets match.');
    else for (const d of found) out(`${d.id}\t${d.downloads} downloads\t${d.likes} likes`);
    return 0;
  }
  if (sub === 'info') {
    const a = parseFlags('datasets info', rest, { values: ['--endpoint', '--datasets-server'], switches: ['--json'] });
    const id = a.positional[0];
    if (!id || a.positional.length > 1) throw new UsageError('datasets info takes one dataset id, e.g. stanfordnlp/imdb');
    urlFlag('--datasets-server', a.flags.get('--datasets-server'));
    const c = client(a);
    const info = await c.datasetInfo(id);
    // The token goes to a viewer named here, to the Hub's own viewer for huggingface.co, and nowhere else (viewerGetsToken).
    const viewer = new DatasetViewer({ base: urlFlag('--datasets-server', a.flags.get('--datasets-server')), hubEndpoint: c.endpoint, token: cliHub(a).token });
    let configs: Awaited<ReturnType<DatasetViewer['configs']>> = [];
    let viewerError: string | undefined;
    try {
      configs = await viewer.configs(id);
    } catch (err) {
      viewerError = (err as Error).message;
    }
    if (a.switches.has('--json')) {
      out(JSON.stringify({ ...info, configs, ...(viewerError ? { viewerError } : {}) }, null, 2));
      return 0;
    }
    out(`${info.id}  ${info.downloads} downloads  ${info.likes} likes${info.gated ? `  gated (${info.gated})` : ''}`);
    for (const row of cardTable(info.cardData)) out(`  ${row.key}: ${row.value}`);
    if (viewerError) out(`Dataset viewer: ${viewerError}`);
    for (const cfg of configs) {
      out(`config ${cfg.config}: ${cfg.features.map((f) => `${f.name} (${f.type})`).join(', ')}`);
      for (const s of cfg.splits) out(`  ${s.split}\t${s.numRows ?? '?'} rows`);
    }
    return 0;
  }
  throw new UsageError('datasets needs search or info');
}

async function tasks(argv: string[]): Promise<number> {
  const a = parseFlags('tasks', argv, { values: ['--endpoint'], switches: ['--json'] });
  const list = await client(a).tasks();
  if (a.switches.has('--json')) {
    out(JSON.stringify({ tasks: list }, null, 2));
    return 0;
  }
  const labels = MODALITY_LABELS as Record<string, string>;
  for (const modality of [...new Set(list.map((t) => t.modality))].sort()) {
    out(labels[modality] ?? modality);
    for (const t of list.filter((x) => x.modality === modality)) out(`  ${t.label} (${t.id})`);
  }
  return 0;
}

/** A glob with * and ** (as hf download --include takes) as a RegExp. */
function globToRegExp(glob: string): RegExp {
  const re = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*\*/g, '\u0000').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]').replace(/\u0000/g, '.*');
  return new RegExp(`^${re}$`);
}

async function download(argv: string[]): Promise<number> {
  const a = parseFlags('download', argv, { values: ['--endpoint', '--type', '--revision', '--include'], switches: ['--json'] });
  const id = a.positional[0];
  if (!id || a.positional.length > 1) throw new UsageError('download takes one repo id, e.g. Xenova/distilbert-base-uncased-finetuned-sst-2-english');
  const type = oneOf('--type', a.flags.get('--type'), ['model', 'dataset'] as const, 'model');
  const include = (a.all.get('--include') ?? []).map(globToRegExp);
  let last = 0;
  const r = await downloadSnapshot({
    repoId: id,
    type,
    revision: a.flags.get('--revision'),
    ...cliHub(a),
    select: (files) => {
      const chosen = include.length ? files.filter((f) => include.some((re) => re.test(f))) : files;
      if (!chosen.length) throw new Error(`No file of ${id} matches ${a.all.get('--include')!.join(', ')}`);
      return chosen;
    },
    onProgress: (p) => {
      if (p.waitingOn) return; // log() says it.
      if (Date.now() - last < 500 && p.doneBytes < p.totalBytes) return;
      last = Date.now();
      process.stderr.write(`${p.file}: ${formatBytes(p.doneBytes)} of ${formatBytes(p.totalBytes)} (${p.filesDone}/${p.filesTotal} files)\n`);
    },
    log: (m) => process.stderr.write(`${m}\n`),
  });
  // Skipped names were already warned about on stderr (log); --json carries them too.
  if (a.switches.has('--json')) out(JSON.stringify({ id, type, commit: r.commit, path: r.dir, files: r.files, downloadedBytes: r.downloadedBytes, skipped: r.skipped }, null, 2));
  else out(r.dir);
  return 0;
}

export const HUB_COMMANDS: Record<string, (argv: string[]) => Promise<number>> = { models, datasets, tasks, download };
