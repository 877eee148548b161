/**
 * Which surface core messages are for: the extension (settings and command titles, as they are) or
 * the CLI (flags, environment variables, `ai-lab …` commands). A process runs one surface, so the CLI
 * says so once at start (useSurface); every core message that names a setting or a command goes
 * through setting() / command(), never the raw name.
 */

/** A setting's CLI wording: the flag or environment variable that does the same. */
export const CLI_SETTING_NAMES: Record<string, string> = {
  'aiLab.device': '--device',
  'aiLab.hubEndpoint': '--endpoint (or HF_ENDPOINT)',
  'aiLab.datasetsServerEndpoint': '--datasets-server',
  'aiLab.cudaProviderFeed': '--feed',
  'aiLab.nvidiaSmiPath': '--nvidia-smi',
  'aiLab.pythonPaths': '--python',
  'aiLab.modelDtypes': '--dtype',
  'aiLab.http.caCertificates': 'NODE_EXTRA_CA_CERTS',
  'aiLab.cudaLibraryPaths': 'LD_LIBRARY_PATH',
  'aiLab.generate.maxNewTokens': '--max-new-tokens',
  'aiLab.labelMaps': '--label-map',
  'aiLab.qa.chunkTokens': '--chunk-tokens',
  'aiLab.qa.overlapTokens': '--overlap-tokens',
  'aiLab.index.maxFileMB': '--max-file-mb',
  'aiLab.summarize.presets': '--max-new-tokens / --min-new-tokens',
  'aiLab.summarize.presets.maxNewTokens': '--max-new-tokens',
  'aiLab.summarize.presets.minNewTokens': '--min-new-tokens',
  'aiLab.translate.from': '--from',
  'aiLab.translate.to': '--to',
  'aiLab.translate.detectModel': '--detect-model',
  'aiLab.models.translate': '--model',
};

/** A command title's CLI wording. */
export const CLI_COMMAND_NAMES: Record<string, string> = {
  'AI Lab: Enable CUDA Acceleration': '`ai-lab enable-cuda`',
  'AI Lab: Sign In to Hugging Face': '`hf auth login` (or set HF_TOKEN)',
  'AI Lab: Run Model on Selection…': '`ai-lab run <task> --model ID`',
  'AI Lab: Get ONNX Weights': '`ai-lab onnx MODEL`',
};

export interface Surface {
  readonly id: 'extension' | 'cli';
  /** How this surface names a setting ("aiLab.device" → "--device" on the CLI). */
  setting(key: string): string;
  /** How this surface names a command ("AI Lab: Enable CUDA Acceleration" → "`ai-lab enable-cuda`"). */
  command(title: string): string;
}

export const EXTENSION_SURFACE: Surface = { id: 'extension', setting: (k) => k, command: (t) => `"${t}"` };

export const CLI_SURFACE: Surface = {
  id: 'cli',
  setting: (k) => CLI_SETTING_NAMES[k] ?? k,
  command: (t) => CLI_COMMAND_NAMES[t] ?? `"${t}"`,
};

let current: Surface = EXTENSION_SURFACE;

/** Says which surface this process's messages are for (the CLI calls it once; the extension need not). */
export function useSurface(s: Surface): void {
  current = s;
}

export function surface(): Surface {
  return current;
}

/** The current surface's name for a setting. */
export const setting = (key: string): string => current.setting(key);
/** The current surface's name for a command, quoted or in backticks as it is typed. */
export const command = (title: string): string => current.command(title);

/** A setting with a value, as this surface says it: `aiLab.device is "cuda"`, or `--device cuda` on the CLI. */
export const settingIs = (key: string, value: string): string => (current.id === 'cli' ? `${current.setting(key)} ${value}` : `${key} is "${value}"`);
