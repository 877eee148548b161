import type { DeviceSetting } from '../core/inference/device';
import { SUPPORTED_TASKS, type Dtype } from '../core/inference/modelFiles';
import { makeRunner } from '../core/lab/makeRunner';
import type { Stage } from '../core/nlp/serviceRunner';
import { pipelineInputs, RUN_MAX_NEW_TOKENS } from '../core/inference/taskInputs';
import { checkModelNewTokens } from '../core/nlp/outputLimit';
import { splitLabels } from '../core/nlp/labels';
import { oneOf, parseFlags, UsageError, wholeNumber } from './args';
import { CLI_SERVICE, cliDevice, cliHub, readInputText } from './context';
import { modelDisplayName } from '../core/inference/modelName';

export const RUN_USAGE = `  run <task> --model <id|folder> [--device auto|cpu|cuda] [--dtype auto|fp32|fp16|q8]
      [--text TEXT | --file PATH | stdin] [--labels a,b,c] [--multi-label] [--question Q]
      [--max-new-tokens N] [--encoding NAME] [--endpoint URL] [--offline] [--json]
      Runs a transformers.js pipeline. Tasks: ${SUPPORTED_TASKS.join(', ')}.
      Hub models are downloaded into the Hugging Face cache (HF_HOME) shared with Python.`;

/** The pipelines that write text, where --max-new-tokens applies. */
const GENERATING = ['summarization', 'text2text-generation', 'translation', 'text-generation'];

export async function runCommand(argv: string[]): Promise<number> {
  const a = parseFlags('run', argv, {
    values: ['--model', '--device', '--dtype', '--text', '--file', '--encoding', '--labels', '--question', '--max-new-tokens', '--endpoint'],
    switches: ['--json', '--offline', '--multi-label'],
  });
  const [task, ...extra] = a.positional;
  if (!task) throw new UsageError('run needs a task, e.g. "ai-lab run text-classification --model Xenova/distilbert-base-uncased-finetuned-sst-2-english"');
  if (extra.length) throw new UsageError(`unexpected argument "${extra[0]}" (put text in --text or on stdin)`);
  if (!SUPPORTED_TASKS.includes(task)) throw new UsageError(`unknown task "${task}"; one of ${SUPPORTED_TASKS.join(', ')}`);
  const model = a.flags.get('--model');
  if (!model) throw new UsageError('run needs --model <Hub id or folder>');
  const deviceSetting = oneOf<DeviceSetting>('--device', a.flags.get('--device'), ['auto', 'cpu', 'cuda'], 'auto');
  const dtype = oneOf<Dtype>('--dtype', a.flags.get('--dtype'), ['auto', 'fp32', 'fp16', 'q8'], 'auto');
  // Arguments the task needs, checked before the input is read or any model is fetched.
  const question = a.flags.get('--question');
  if (task === 'question-answering' && question === undefined) throw new UsageError('run question-answering needs --question "…" (the text to search is --text, --file or stdin)');
  const rawLabels = a.flags.get('--labels');
  if (task === 'zero-shot-classification' && rawLabels === undefined) throw new UsageError('run zero-shot-classification needs --labels "a,b,c"');
  let labels: string[] | undefined;
  try {
    labels = rawLabels === undefined ? undefined : splitLabels(rawLabels);
  } catch (err) {
    throw new UsageError(`--labels: ${(err as Error).message}`);
  }
  const maxNewTokens = wholeNumber('--max-new-tokens', a.flags.get('--max-new-tokens'), 1);
  const generates = GENERATING.includes(task);
  if (!generates && maxNewTokens !== undefined) throw new UsageError(`--max-new-tokens applies to ${GENERATING.join(', ')}, not ${task}`);
  const text = await readInputText(a);
  const json = a.switches.has('--json');
  const inputs = pipelineInputs(task, { text, labels, multiLabel: a.switches.has('--multi-label'), question, maxNewTokens });

  const t0 = performance.now();
  const device = await cliDevice(deviceSetting);
  let t1 = t0;
  const onStage = (s: Stage) => {
    if (s.stage === 'load') t1 = performance.now();
    const p = s.stage === 'download' ? s.progress : undefined;
    if (p && !json && process.stderr.isTTY) process.stderr.write(`\rdownloading ${p.file}: ${Math.round((100 * p.doneBytes) / Math.max(1, p.totalBytes))}%   `);
  };
  const runner = makeRunner({ device: device.device, dtype, hub: cliHub(a), service: CLI_SERVICE, onStage });
  try {
    // Never more new tokens than the model can write (the default is pipelineInputs' own).
    if (generates) await checkModelNewTokens(runner, task, model, { max: maxNewTokens ?? RUN_MAX_NEW_TOKENS, maxName: 'aiLab.generate.maxNewTokens' }, text);
    const r = await runner.runDetailed(task, model, inputs);
    const resolved = r.resolved;
    const result = {
      task,
      model: modelDisplayName(model),
      modelDir: resolved.dir,
      source: resolved.source,
      backend: runner.backend,
      device: device.device,
      deviceReason: device.reason,
      dtype: resolved.dtype,
      batchSize: r.batchSize ?? 1,
      threads: r.threads,
      output: r.output,
      timings: { resolveMs: Math.round(t1 - t0), loadMs: Math.round(r.loadMs), runMs: Math.round(r.runMs) },
    };
    process.stdout.write(json ? JSON.stringify(result, null, 2) + '\n' : formatOutput(result.output) + `\n(${modelDisplayName(model)} on ${device.device.toUpperCase()}, ${resolved.dtype}, ${result.timings.runMs} ms)\n`);
  } finally {
    runner.dispose();
  }
  return 0;
}

function formatOutput(out: unknown): string {
  if (Array.isArray(out) && out.every((o) => o && typeof o === 'object' && 'label' in o && 'score' in o)) {
    return (out as Array<{ label: string; score: number }>).map((o) => `${o.label}\t${o.score.toFixed(4)}`).join('\n');
  }
  return typeof out === 'string' ? out : JSON.stringify(out, null, 2);
}
