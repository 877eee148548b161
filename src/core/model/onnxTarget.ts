/**
 * What Get ONNX Weights works on: a Hub id or a local model folder, the Hub model whose ports to look
 * for (the id itself, or the one a folder's config.json says it was saved from), the task, the output
 * folder and the Python environment to export with.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { discoverPythons, isVirtualEnv, type DiscoverInput } from '../python/discover';
import { expandHome, looksLikeHubId, savedFrom } from '../inference/localModelHint';
import { looksLikeLocalPath } from '../inference/modelName';
import { ExportError, OPTIMUM_TASK, taskFromConfig } from './optimumExport';
import { probeOptimum, type OptimumEnv } from './optimumProbe';

export interface OnnxTarget {
  /** A Hub id, or an absolute folder. */
  model: string;
  isFolder: boolean;
  /** The Hub model to find ports of (undefined: a folder that names none). */
  portsOf?: string;
  /** config.json of a folder. */
  config?: Record<string, unknown>;
}

/** Reads `given` (a Hub id or a folder path); throws ExportError for a path that is not a model folder or a name that is neither. */
export function onnxTarget(given: string, cwd = process.cwd()): OnnxTarget {
  const g = given.trim();
  const asPath = path.resolve(cwd, expandHome(g));
  // A path, or a bare name of a folder here that holds config.json: a local model.
  if (looksLikeLocalPath(g) || (fs.existsSync(path.join(asPath, 'config.json')) && !/^[\w.-]+\/[\w.-]+$/.test(g))) {
    if (!fs.existsSync(asPath) || !fs.statSync(asPath).isDirectory()) throw new ExportError(`${given} is not a folder.`);
    let config: Record<string, unknown> | undefined;
    try {
      config = JSON.parse(fs.readFileSync(path.join(asPath, 'config.json'), 'utf8')) as Record<string, unknown>;
    } catch {
      throw new ExportError(`${given} has no readable config.json: it is not a transformers model folder Optimum can export (run ai-lab validate ${given} to see what is wrong).`);
    }
    return { model: asPath, isFolder: true, portsOf: savedFrom(asPath), config };
  }
  if (!looksLikeHubId(g)) throw new ExportError(`${given} is neither a Hub model id (org/name) nor a folder.`);
  return { model: g, isFolder: false, portsOf: g };
}

/** The task: given, else the Hub's pipeline tag, else the folder's head class; ExportError when none says. */
export function exportTask(t: OnnxTarget, given?: string, pipelineTag?: string): string {
  if (given !== undefined && !OPTIMUM_TASK[given]) throw new ExportError(`Unknown task "${given}" for an ONNX export. Give one of: ${Object.keys(OPTIMUM_TASK).join(', ')}.`);
  const task = given ?? pipelineTag ?? taskFromConfig(t.config);
  if (!task) throw new ExportError(`Which task should ${t.model} be exported for? Nothing says (${t.isFolder ? 'config.json names no head class AI Lab knows' : 'the Hub lists no pipeline tag'}): give --task (e.g. text-classification, question-answering, feature-extraction, text-generation, summarization).`);
  return task;
}

/** Default output folder: beside a folder (`<dir>-onnx`), or `<name>-onnx` in `cwd` for a Hub id. */
export function defaultOut(t: OnnxTarget, cwd = process.cwd()): string {
  return t.isFolder ? `${t.model.replace(/[\\/]+$/, '')}-onnx` : path.join(cwd, `${t.model.split('/').pop()}-onnx`);
}

/**
 * The environment to export with: `python` when given; else the discovered interpreters (workspace
 * venvs, VIRTUAL_ENV, conda, then PATH's python3), probed, the first with the exporter installed,
 * else the first virtual environment that runs, else the first that runs. Throws ExportError when none runs.
 */
export async function chooseExportPython(o: { python?: string; discover?: DiscoverInput; signal?: AbortSignal }): Promise<OptimumEnv> {
  if (o.python) {
    // A venv or conda folder stands for its interpreter, as for `ai-lab env --python`.
    const isDir = fs.existsSync(o.python) && fs.statSync(o.python).isDirectory();
    const python = isDir ? discoverPythons({ workspaceFolders: [], configured: [o.python] })[0]?.path ?? o.python : o.python;
    const env = await probeOptimum(python, '--python', { signal: o.signal });
    if (!env.version) throw new ExportError(`${env.error ?? `${python} does not run`}${isDir ? ' (the folder has no bin/python or Scripts/python.exe)' : ''}.`);
    return env;
  }
  const candidates = discoverPythons({ workspaceFolders: [], configured: [], includeSystem: true, ...o.discover });
  const envs: OptimumEnv[] = [];
  for (const c of candidates) envs.push(await probeOptimum(c.path, c.source, { signal: o.signal }));
  const running = envs.filter((e) => e.version);
  const pick = running.find((e) => e.exporter) ?? running.find((e) => isVirtualEnv(e.python)) ?? running[0];
  if (!pick) {
    const why = envs.map((e) => e.error).filter(Boolean).slice(0, 3).join('; ');
    throw new ExportError(`No Python interpreter found to export with${why ? ` (${why})` : ''}. Create a virtual environment (python3 -m venv .venv) or give one with --python.`);
  }
  return pick;
}
