import * as path from 'node:path';
import type { DeviceSetting } from '../core/inference/device';
import { InferenceService } from '../core/inference/inferenceService';
import { SUPPORTED_TASKS, type Dtype } from '../core/inference/modelFiles';
import { resolveModel } from '../core/inference/resolveModel';
import { pipelineInputs } from '../core/inference/taskInputs';
import { oneOf, parseFlags, positiveNumber, UsageError } from './args';
import { cliDevice, cliHub, readInputText } from './context';
import { modelDisplayName } from '../core/inference/modelName';

export const RUN_USAGE = `  run <task> --model <id|folder> [--device auto|cpu|cuda] [--dtype auto|fp32|fp16|q8]
      [--text TEXT | --file PATH | stdin] [--labels a,b,c] [--multi-label] [--question Q]
      [--max-new-tokens N] [--encoding NAME] [--endpoint URL] [--offline] [--json]
      Runs a transformers.js pipeline. Tasks: ${SUPPORTED_TASKS.join(', ')}.
      Hub models are downloaded into the Hugging Face cache (HF_HOME) shared with Python.`;

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
  const text = await readInputText(a);
  const json = a.switches.has('--json');
  const inputs = pipelineInputs(task, {
    text,
    labels: a.flags.get('--labels')?.split(',').map((s) => s.trim()).filter(Boolean),
    multiLabel: a.switches.has('--multi-label'),
    question: a.flags.get('--question'),
    maxNewTokens: positiveNumber('--max-new-tokens', a.flags.get('--max-new-tokens')),
  });

  const t0 = performance.now();
  const device = await cliDevice(deviceSetting);
  const progress = (p: { file: string; doneBytes: number; totalBytes: number }) => {
    if (!json && process.stderr.isTTY) process.stderr.write(`\rdownloading ${p.file}: ${Math.round((100 * p.doneBytes) / Math.max(1, p.totalBytes))}%   `);
  };
  const resolved = await resolveModel({
    model,
    task,
    device: device.device,
    dtype,
    hub: cliHub(a),
    onProgress: progress,
  });
  const t1 = performance.now();
  const service = new InferenceService({ scriptPath: path.join(__dirname, 'inferenceService.js') });
  try {
    const r = await service.run({ task, modelDir: resolved.dir, device: device.device, dtype: resolved.dtype, inputs, idleUnloadMs: 0 });
    const result = {
      task,
      model: modelDisplayName(model),
      modelDir: resolved.dir,
      source: resolved.source,
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
    service.dispose();
  }
  return 0;
}

function formatOutput(out: unknown): string {
  if (Array.isArray(out) && out.every((o) => o && typeof o === 'object' && 'label' in o && 'score' in o)) {
    return (out as Array<{ label: string; score: number }>).map((o) => `${o.label}\t${o.score.toFixed(4)}`).join('\n');
  }
  return typeof out === 'string' ? out : JSON.stringify(out, null, 2);
}
