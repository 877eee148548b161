/** What the CLI's model-running commands share: their input text, the device, and the Hub. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { probeGpus } from '../core/env/nvidiaSmi';
import { threadsProblem } from '../core/inference/sessionOptions';
import { locateNvidiaSmi } from '../core/env/nvidiaSmiLocate';
import { detectWsl } from '../core/env/wsl';
import { chooseDevice, type DeviceChoice, type DeviceSetting } from '../core/inference/device';
import { hubAccess, type HubAccess } from '../core/lab/hubAccess';
import { probeOnnxRuntime } from '../core/onnx/ortProbe';
import { decodeText, decoderFor } from '../core/text/decode';
import { readTextFileBytes } from '../core/text/textFile';
import { requireVisibleText } from '../core/text/visible';
import { InputError } from '../core/text/chunks';
import { readStdinBytes, urlFlag, UsageError, type Parsed } from './args';

/** The --encoding flag, checked: a name TextDecoder knows (windows-1252, latin1, shift_jis, gbk…) or a VS Code id. */
export function encodingFlag(a: Parsed): string | undefined {
  const e = a.flags.get('--encoding');
  if (e !== undefined && !decoderFor(e)) throw new UsageError(`--encoding ${e} is not an encoding AI Lab can decode (e.g. windows-1252, latin1, iso-8859-2, shift_jis, gbk, euc-kr)`);
  return e;
}

/**
 * Bytes of a file or of stdin as text, decoded as VS Code does (BOM, UTF-16, else UTF-8); bytes that
 * are not valid UTF-8 are read as --encoding (default windows-1252) and a note on stderr says so.
 */
export function decodeInput(bytes: Uint8Array, name: string, a: Parsed): { text: string; bom: boolean } {
  const fallback = encodingFlag(a);
  const d = decodeText(bytes, { name, fallback, fallbackFrom: fallback ? '--encoding' : undefined, hint: fallback ? undefined : 'If it is in another encoding, give it with --encoding (e.g. --encoding shift_jis).' });
  if (d.notice) process.stderr.write(`ai-lab: note: ${d.notice}\n`);
  return { text: d.text, bom: d.bom };
}

/** A file or stdin with nothing visible in it: an input error (exit 2) that names it and says what it holds. */
export function requireInputText(text: string, bom: boolean, what: string): string {
  // Decoding drops the byte order mark: a file of nothing else is described as such.
  return requireVisibleText(bom && !text ? '\uFEFF' : text, what);
}

/** A PDF given where text is read: not "binary data", but which commands read PDFs (InputError, exit 2). */
function notPdf(bytes: Uint8Array, file: string): void {
  if (/^\s*%PDF-/.test(Buffer.from(bytes.subarray(0, 64)).toString('latin1'))) {
    const name = file === '-' ? 'the input on stdin' : file;
    const arg = file === '-' ? 'FILE.pdf' : JSON.stringify(file).replace(/^"([\w./-]+)"$/, '$1');
    throw new InputError(`${name} is a PDF, not text: ask it a question with \`ai-lab ask ${arg} "question"\`, or get its text with \`ai-lab pdf-text ${arg}\``);
  }
}

/**
 * --text, else --file, else stdin, decoded (see decodeInput). No input at all is a usage error; input
 * with nothing visible in it (whitespace, zero-width characters, a byte order mark) is an InputError
 * ("… nothing to work on"), both exit 2.
 */
export async function readInputText(a: Parsed): Promise<string> {
  encodingFlag(a);
  const inline = a.flags.get('--text');
  if (inline !== undefined) return requireVisibleText(inline, 'the --text value');
  const file = a.flags.get('--file');
  if (file) {
    if (!fs.existsSync(file)) throw new UsageError(`--file ${file} does not exist`, false);
    if (fs.statSync(file).isDirectory()) throw new UsageError(`--file ${file} is a folder, not a file`, false);
    const bytes = readTextFileBytes(file, `--file ${file}`);
    notPdf(bytes, file);
    const { text, bom } = decodeInput(bytes, path.basename(file), a);
    return requireInputText(text, bom, `the file ${file}`);
  }
  const bytes = await readStdinBytes();
  if (!bytes.length) throw new UsageError('no input text: give --text, --file, or pipe text on stdin');
  notPdf(bytes, '-');
  const { text, bom } = decodeInput(bytes, 'stdin', a);
  return requireInputText(text, bom, 'the text on stdin');
}

/**
 * The device from a real probe of the CUDA provider (none is needed for --device cpu). When --device
 * cuda cannot be had, nvidia-smi is asked whether there is an NVIDIA GPU at all, so the error says
 * "no NVIDIA GPU" rather than the loader's message.
 */
export async function cliDevice(setting: DeviceSetting): Promise<DeviceChoice> {
  const threads = threadsProblem(process.env);
  if (threads) process.stderr.write(`ai-lab: note: ${threads}\n`);
  const ort = setting === 'cpu' ? undefined : await probeOnnxRuntime({ probeScript: path.join(__dirname, 'ortProbe.js'), only: ['cuda'] });
  const cudaLoads = ort?.providers.some((p) => p.name === 'cuda' && p.loadable);
  let hasGpu: boolean | undefined;
  if (setting === 'cuda' && !cudaLoads) {
    const probe = await probeGpus(locateNvidiaSmi({ wsl: detectWsl(process.env) }), { timeoutMs: 5000 });
    // Not found or no GPU listed: none. A driver failure leaves it unknown (the loader's message decides).
    hasGpu = probe.gpus.length > 0 ? true : probe.failure === null || probe.failure.kind === 'missing' || probe.failure.kind === 'none' ? false : undefined;
  }
  return chooseDevice(setting, ort, hasGpu);
}

/** The Hub from --endpoint and --offline, and the environment (src/core/lab/hubAccess.ts says which wins). */
export function cliHub(a: Parsed): HubAccess {
  return hubAccess({ endpoint: urlFlag('--endpoint', a.flags.get('--endpoint')), offline: a.switches.has('--offline') });
}

/** Where the CLI's inference service script is (next to cli.js in dist/). */
export const CLI_SERVICE = { scriptPath: path.join(__dirname, 'inferenceService.js') };
