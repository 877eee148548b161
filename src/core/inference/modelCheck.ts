/**
 * One check of a model folder before it runs, shared by resolveModel (CLI and extension) and the
 * inference service: files, JSON contents, the task it can do, the ONNX weights; and, when a load
 * fails anyway, which file is to blame.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { assertRunnableFiles } from './modelFiles';
import { checkModelJson, listWords, ModelFilesError, onnxFileProblems, problemText } from './modelFolder';
import { taskMismatch } from './taskFit';

/** Every file under `dir`, as relative paths with "/". */
export function listModelFiles(dir: string, prefix = ''): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    return e.isDirectory() ? listModelFiles(path.join(dir, e.name), rel) : [rel];
  });
}

/**
 * Checks a model folder (a local one, or a Hub snapshot holding at least its JSON files) before
 * anything loads: the files transformers.js needs and what the JSON ones hold (see checkModelJson),
 * then whether the model can do `task` (see taskMismatch). Throws a ModelFilesError naming the file or
 * the mismatch. `name` is the model as the user named it; `files` the folder's (or repo's) files.
 */
export function checkModelFolder(name: string, dir: string, files: string[], task: string): void {
  const json = checkModelJson(dir, { quick: true });
  const present = new Set(files);
  // Missing files are said by assertRunnableFiles, with why each is needed.
  assertRunnableFiles(name, files, json.problems.filter((x) => present.has(x.file)).map(problemText));
  const mismatch = json.config && taskMismatch(name, json.config, task);
  if (mismatch) throw new ModelFilesError(mismatch);
}

/** Throws a ModelFilesError when an ONNX file among `files` is empty or a Git LFS pointer. */
export function checkWeights(name: string, dir: string, files: string[]): void {
  const problems = onnxFileProblems(dir, files.filter((f) => f.endsWith('.onnx')));
  if (problems.length) throw new ModelFilesError(`${name} cannot be loaded: ${listWords(problems)}.`);
}

/**
 * The message for a load that failed: when a JSON file of the folder is broken (checked in full,
 * big tokenizer.json included), that, named; else the original message.
 */
export function explainLoadFailure(dir: string, err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  try {
    const problems = checkModelJson(dir).problems;
    if (problems.length) return `${dir} cannot be loaded: ${listWords(problems.map(problemText))}.`;
  } catch {
    // The folder cannot be read: the original message says more.
  }
  // ONNX Runtime: "Load model from /m/onnx/model.onnx failed:Protobuf parsing failed." (damaged, cut short, not ONNX).
  const onnx = /Load model from (.+?\.onnx) failed:\s*Protobuf parsing failed/i.exec(msg)?.[1];
  if (onnx) return `${dir} cannot be loaded: ${path.relative(dir, onnx).split(path.sep).join('/')} is not a valid ONNX file (ONNX Runtime cannot parse it: damaged, cut short, or not ONNX). Download it again.`;
  return msg;
}
