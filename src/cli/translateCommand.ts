/** ai-lab translate: a text or file translated sentence by sentence (src/core/nlp/translate.ts). */
import { HubClient } from '../core/hub/hubApi';
import type { DeviceSetting } from '../core/inference/device';
import type { Dtype } from '../core/inference/modelFiles';
import { makeRunner } from '../core/lab/makeRunner';
import { runLabTask } from '../core/lab/runLabTask';
import { parseLanguage } from '../core/nlp/languages';
import { LAB_TASKS } from '../core/nlp/tasks';
import { marianPairs } from '../core/nlp/translationModels';
import { InputError } from '../core/text/chunks';
import { oneOf, parseFlags, UsageError, wholeNumber } from './args';
import { BACKEND_FLAGS, BACKEND_USAGE, backendFlags } from './backendFlags';
import { CLI_SERVICE, cliDevice, cliHub, readInputText } from './context';

export const TRANSLATE_USAGE = `  translate [FILE | --text TEXT | --file PATH | stdin] --to LANG [--from LANG | --detect-model ID|FOLDER]
      [--model ID|FOLDER] [--batch-size N] [--json] [--device auto|cpu|cuda] [--dtype auto|fp32|fp16|q8]
      [--endpoint URL] [--offline] [--encoding NAME]
${BACKEND_USAGE}
      Translates sentence by sentence (printed as each batch is done). LANG: an ISO 639-1 code (de, en),
      an NLLB code (deu_Latn) or an English name. Without --model the pair's MarianMT port
      (Xenova/opus-mt-FROM-TO; on hf-inference Helsinki-NLP/opus-mt-FROM-TO) is used, if the Hub lists
      one (else the built-in list of ports); --model Xenova/nllb-200-distilled-600M translates any pair.
      Unknown or equal languages, a pair without a model, or empty input exit 2.`;

const VALUES = ['--model', '--text', '--file', '--device', '--dtype', '--endpoint', '--encoding', '--from', '--to', '--detect-model', '--batch-size', ...BACKEND_FLAGS];
const SWITCHES = ['--json', '--offline'];

export async function translateCommand(argv: string[]): Promise<number> {
  const a = parseFlags('translate', argv, { values: VALUES, switches: SWITCHES });
  if (a.positional.length > 1) throw new UsageError(`translate takes one FILE (got "${a.positional[1]}" too)`);
  if (a.positional.length && (a.flags.has('--file') || a.flags.has('--text'))) throw new UsageError('give the input once: a FILE, --file or --text');
  if (a.positional.length) a.flags.set('--file', a.positional[0]!);
  const to = a.flags.get('--to');
  if (!to) throw new UsageError('translate needs --to LANG (e.g. --to en)');
  const from = a.flags.get('--from');
  const detectModel = a.flags.get('--detect-model');
  if (!from && !detectModel) throw new UsageError('translate needs --from LANG (e.g. --from de), or --detect-model ID to find the source language');
  // Unknown or equal codes are refused before any input is read or model fetched.
  const tgt = parseLanguage(to, '--to');
  const src = from ? parseLanguage(from, '--from') : undefined;
  if (src && src.iso === tgt.iso && src.nllb === tgt.nllb) throw new InputError(`--from and --to are both ${src.name} (${src.iso}): nothing to translate.`);
  const remote = backendFlags(a, LAB_TASKS.translate.pipeline);
  const deviceSetting = oneOf<DeviceSetting>('--device', a.flags.get('--device'), ['auto', 'cpu', 'cuda'], 'auto');
  const dtype = oneOf<Dtype>('--dtype', a.flags.get('--dtype'), ['auto', 'fp32', 'fp16', 'q8'], 'auto');
  const batchSize = wholeNumber('--batch-size', a.flags.get('--batch-size'), 1);
  const json = a.switches.has('--json');
  const text = await readInputText(a);
  const model = a.flags.get('--model');
  const hub = cliHub(a);
  // The pairs that have a Marian port: the Hub's listing, else the built-in list (the output says which).
  const pairs = model ? undefined : await marianPairs(hub.offline ? undefined : new HubClient({ endpoint: hub.endpoint, token: hub.token, retry: { attempts: 1, timeoutMs: 15_000 } }));
  if (pairs?.note && !json) process.stderr.write(`ai-lab: note: pairs from ${pairs.note}\n`);
  const started = performance.now();
  const device = remote ? { device: undefined, reason: undefined } : await cliDevice(deviceSetting);
  const runner = makeRunner({ backend: remote, device: device.device ?? 'cpu', dtype, hub, service: CLI_SERVICE });
  const onPartial = json ? undefined : (t: string) => process.stdout.write(t);
  try {
    const { producedBy, ...out } = await runLabTask({ task: 'translate', model, text, from, to, what: a.flags.has('--text') ? 'the --text value' : undefined, options: { detectModel, pairs, batchSize } }, runner, { onPartial });
    const result = { task: 'translate', model: producedBy.model, ...(producedBy.modelPath ? { modelPath: producedBy.modelPath } : {}), backend: producedBy.backend, device: producedBy.device ?? device.device, deviceReason: device.reason, output: out, timings: { totalMs: Math.round(performance.now() - started) } };
    process.stdout.write(json ? JSON.stringify(result, null, 2) + '\n' : '\n');
  } finally {
    runner.dispose();
  }
  return 0;
}
