/** ai-lab classify | grammar | qnli | zero-shot | summarize | generate: the NLP tasks from a terminal. */
import { formatAnswers } from '../core/qa/format';
import type { DeviceSetting } from '../core/inference/device';
import type { Dtype } from '../core/inference/modelFiles';
import { makeRunner } from '../core/lab/makeRunner';
import { runLabTask, type LabRequest } from '../core/lab/runLabTask';
import { parseLabels } from '../core/nlp/classify';
import { checkHypothesisTemplate } from '../core/nlp/hypothesis';
import type { LabOutput, ProducedBy } from '../core/nlp/runner';
import { DEFAULT_PRESETS, LAB_TASKS, SUMMARY_DEFAULTS, type LabTaskId } from '../core/nlp/tasks';
import { checkNewTokenOrder } from '../core/nlp/outputLimit';
import { summaryNewTokens } from '../core/nlp/summarize';
import { numberIn, oneOf, parseFlags, positiveNumber, UsageError, wholeNumber } from './args';
import { CLI_SERVICE, cliDevice, cliHub, readInputText } from './context';
import { remoteDefaultModel } from '../core/backends/remoteModels';
import { BACKEND_FLAGS, BACKEND_USAGE, backendFlags } from './backendFlags';

export const NLP_USAGE = `  classify | grammar | qnli | zero-shot | summarize | generate [--model ID|FOLDER]
      [--text TEXT | --file PATH | stdin] [--json] [--device auto|cpu|cuda] [--dtype auto|fp32|fp16|q8]
      [--endpoint URL] [--offline] [--encoding NAME]
${BACKEND_USAGE}
      classify/grammar: [--label-map LABEL_0=unacceptable,LABEL_1=acceptable] [--max-tokens N]
      qnli: --question Q        zero-shot: --labels "a,b,c" [--multi-label] [--template "This example is {}."]
      summarize: [--preset short|medium|long] [--min-new-tokens N] [--max-new-tokens N]
                 [--extractive [--sentences N | --ratio R]]
      generate: [--max-new-tokens N] [--do-sample] [--temperature T] [--top-k K] [--top-p P]
      Long texts are split on sentence boundaries; the parts are classified (or summarized) and combined.
      Input: UTF-8 (with or without BOM) or UTF-16 with a BOM; other bytes are read as --encoding
      (default windows-1252) with a note. Input with nothing visible in it exits 2.`;

const COMMON_VALUES = ['--model', '--text', '--file', '--device', '--dtype', '--endpoint', '--encoding', ...BACKEND_FLAGS];
const COMMON_SWITCHES = ['--json', '--offline'];

const SPEC: Record<string, { task: LabTaskId; values: string[]; switches: string[] }> = {
  classify: { task: 'sentiment', values: ['--label-map', '--max-tokens'], switches: [] },
  grammar: { task: 'grammar', values: ['--label-map', '--max-tokens'], switches: [] },
  qnli: { task: 'qnli', values: ['--question', '--max-tokens'], switches: [] },
  'zero-shot': { task: 'zeroShot', values: ['--labels', '--template', '--max-tokens'], switches: ['--multi-label'] },
  summarize: { task: 'summarize', values: ['--preset', '--min-new-tokens', '--max-new-tokens', '--sentences', '--ratio'], switches: ['--extractive'] },
  generate: { task: 'generate', values: ['--max-new-tokens', '--temperature', '--top-k', '--top-p'], switches: ['--do-sample'] },
};

export const NLP_COMMANDS = Object.keys(SPEC);

/** --label-map; without it the task's own (grammar's LABEL_0/LABEL_1 names) applies. */
function labelMap(raw: string | undefined): Record<string, string> | undefined {
  if (!raw) return undefined;
  const entries = raw.split(',').map((kv) => kv.split('=').map((s) => s.trim()));
  if (entries.some((e) => e.length !== 2 || !e[0] || !e[1])) throw new UsageError('--label-map takes LABEL=name pairs, e.g. "LABEL_0=unacceptable,LABEL_1=acceptable"');
  return Object.fromEntries(entries as Array<[string, string]>);
}

function print(out: LabOutput): string {
  if (out.kind === 'labels') return out.labels.map((l) => `${l.label}\t${l.score.toFixed(4)}`).join('\n');
  if (out.kind === 'answers') return formatAnswers(out);
  if (out.kind === 'similarity' || out.kind === 'similarPassages') throw new Error(`a ${out.kind} result is printed by ai-lab similarity / similar`);
  return out.text.trim();
}

export async function nlpCommand(command: string, argv: string[]): Promise<number> {
  const spec = SPEC[command]!;
  const a = parseFlags(command, argv, { values: [...COMMON_VALUES, ...spec.values], switches: [...COMMON_SWITCHES, ...spec.switches] });
  if (a.positional.length) throw new UsageError(`unexpected argument "${a.positional[0]}" (put text in --text or on stdin)`);
  const extractive = a.switches.has('--extractive');
  const task = LAB_TASKS[extractive ? 'extractive' : spec.task];
  const remote = backendFlags(a, task.pipeline);
  const model = a.flags.get('--model') ?? (remote ? remoteDefaultModel(remote, task.defaultModel) : task.defaultModel);
  const deviceSetting = oneOf<DeviceSetting>('--device', a.flags.get('--device'), ['auto', 'cpu', 'cuda'], 'auto');
  const dtype = oneOf<Dtype>('--dtype', a.flags.get('--dtype'), ['auto', 'fp32', 'fp16', 'q8'], 'auto');
  // Parts are at least 8 tokens (core/nlp/runner partBudget); the model's own maximum still wins above.
  const maxTokens = wholeNumber('--max-tokens', a.flags.get('--max-tokens'), 8);
  const json = a.switches.has('--json');
  // Validate everything before any model is fetched.
  let labels: string[] = [];
  if (command === 'zero-shot') {
    const raw = a.flags.get('--labels');
    if (!raw) throw new UsageError('zero-shot needs --labels "a,b,c"');
    try {
      labels = parseLabels(raw);
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
  }
  const template = a.flags.get('--template');
  try {
    checkHypothesisTemplate(template, '--template');
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const question = a.flags.get('--question') ?? '';
  if (command === 'qnli' && !question.trim()) throw new UsageError('qnli needs --question "…"');
  const preset = oneOf('--preset', a.flags.get('--preset'), ['short', 'medium', 'long'] as const, SUMMARY_DEFAULTS.preset);
  const minNew = wholeNumber('--min-new-tokens', a.flags.get('--min-new-tokens'), 0);
  const maxNew = wholeNumber('--max-new-tokens', a.flags.get('--max-new-tokens'), 1);
  // A bound given alone moves the preset's other one to meet it; both given, min above max is refused.
  const p = DEFAULT_PRESETS[preset];
  const newTokens = { min: minNew ?? Math.min(p.minNewTokens, maxNew ?? p.minNewTokens), max: maxNew ?? Math.max(p.maxNewTokens, minNew ?? 0) };
  if (command === 'summarize' && !extractive) checkNewTokenOrder(summaryNewTokens({ minNewTokens: newTokens.min, maxNewTokens: newTokens.max }));
  const ratio = positiveNumber('--ratio', a.flags.get('--ratio'));
  if (ratio !== undefined && ratio > 1) throw new UsageError('--ratio is a share of the sentences, between 0 and 1');
  const map = labelMap(a.flags.get('--label-map'));
  const sentences = wholeNumber('--sentences', a.flags.get('--sentences'), 1);
  const temperature = positiveNumber('--temperature', a.flags.get('--temperature'));
  const topK = wholeNumber('--top-k', a.flags.get('--top-k'), 1);
  const topP = numberIn('--top-p', a.flags.get('--top-p'), 0, 1);
  const text = await readInputText(a);
  const maxTokensOpt = { maxTokens };
  let request: LabRequest;
  if (command === 'classify' || command === 'grammar') request = { task: spec.task as 'sentiment' | 'grammar', model, text, options: { ...maxTokensOpt, labelMap: map } };
  else if (command === 'qnli') request = { task: 'qnli', model, text, question, options: maxTokensOpt };
  else if (command === 'zero-shot') request = { task: 'zeroShot', model, text, labels, options: { ...maxTokensOpt, multiLabel: a.switches.has('--multi-label'), hypothesisTemplate: template } };
  else if (extractive) request = { task: 'extractive', model, text, options: { sentences, ratio } };
  else if (command === 'summarize') {
    request = { task: 'summarize', model, text, options: { preset: { minNewTokens: newTokens.min, maxNewTokens: newTokens.max } } };
  } else {
    request = {
      task: 'generate',
      model,
      text,
      options: {
        maxNewTokens: maxNew,
        doSample: a.switches.has('--do-sample'),
        temperature,
        topK,
        topP,
      },
    };
  }

  const started = performance.now();
  const device = remote ? { device: undefined, reason: undefined } : await cliDevice(deviceSetting);
  const runner = makeRunner({ backend: remote, device: device.device ?? 'cpu', dtype, hub: cliHub(a), service: CLI_SERVICE });
  const stream = !json && process.stdout.isTTY !== undefined ? (t: string) => process.stdout.write(t) : undefined;
  let streamed = false;
  const onPartial = stream && command === 'generate' ? (t: string) => ((streamed = true), stream(t)) : undefined;
  try {
    const { producedBy, ...out } = await runLabTask(request, runner, { onPartial });
    const result = { task: task.id, model: producedBy.model, ...(producedBy.modelPath ? { modelPath: producedBy.modelPath } : {}), backend: producedBy.backend, device: producedBy.device ?? device.device, deviceReason: device.reason, ...runOf(producedBy), output: out, timings: { totalMs: Math.round(performance.now() - started) } };
    if (json) process.stdout.write(JSON.stringify(result, null, 2) + '\n');
    else process.stdout.write(streamed ? '\n' : `${print(out)}\n`);
  } catch (err) {
    // Text already streamed ends its line, so the error on stderr does not run on from it.
    if (streamed) process.stdout.write('\n');
    throw err;
  } finally {
    runner.dispose();
  }
  return 0;
}

/** A local run's dtype, largest batch and threads (run --json has the same keys), when known. */
export function runOf(by: ProducedBy): { dtype?: string; batchSize?: number; threads?: number | 'auto' } {
  return { ...(by.dtype ? { dtype: by.dtype } : {}), ...(by.batchSize ? { batchSize: by.batchSize } : {}), ...(by.threads !== undefined ? { threads: by.threads } : {}) };
}
