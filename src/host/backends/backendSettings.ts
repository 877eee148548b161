/**
 * Which backend runs each lab task in the extension (aiLab.backend, aiLab.backendPerTask) and how to
 * reach it: the servers' URLs and extra headers from the user's own settings only (they receive the
 * text and a credential), the API keys in SecretStorage, the Hugging Face token from the sign-in.
 */
import * as vscode from 'vscode';
import type { BackendId, RemoteBackendOptions } from '../../core/backends/types';
import { BACKEND_IDS, BACKEND_PIPELINES } from '../../core/backends/types';
import { remoteDefaultModel } from '../../core/backends/remoteModels';
import { looksLikeLocalPath } from '../../core/inference/modelName';
import { netFetch } from '../../core/net/proxy';
import { LAB_TASKS, type LabTaskId } from '../../core/nlp/tasks';
import { resolveGuarded, type GuardedKey } from '../../core/settings/guarded';
import type { Log } from '../log';

/** SecretStorage key of a backend's API key. */
export const apiKeySecret = (id: 'tei' | 'openai'): string => `aiLab.backends.${id}.apiKey`;


export class BackendSettings {
  constructor(
    private readonly secrets: vscode.SecretStorage,
    /** The signed-in Hub token (else HF_TOKEN / the token file), for hf-inference. */
    private readonly hubToken: () => Promise<string | undefined>,
    private readonly log: Log,
  ) {}

  /** The backend chosen for `task`: its aiLab.backendPerTask entry, else aiLab.backend, else local. */
  chosen(task: LabTaskId): BackendId {
    const perTask = this.guarded<Record<string, string>>('backendPerTask') ?? {};
    const pick = (v: unknown): BackendId | undefined => (BACKEND_IDS as readonly unknown[]).includes(v) ? (v as BackendId) : undefined;
    return pick(perTask[task]) ?? pick(this.guarded<string>('backend')) ?? 'local';
  }

  /**
   * How to reach the backend that runs `task`, or undefined for the local service. Throws an Error
   * that says what to set when the backend cannot do the task or has no URL.
   */
  async options(task: LabTaskId, hooks: Pick<RemoteBackendOptions, 'onWait'> = {}): Promise<RemoteBackendOptions | undefined> {
    const id = this.chosen(task);
    if (id === 'local') return undefined;
    const pipeline = LAB_TASKS[task].pipeline;
    if (!BACKEND_PIPELINES[id].includes(pipeline)) {
      throw new Error(`The ${id} backend cannot run ${pipeline} (it runs ${BACKEND_PIPELINES[id].join(', ')}). Choose another backend for this task in aiLab.backendPerTask, or set aiLab.backend to local.`);
    }
    const user = (key: 'teiUrl' | 'openaiUrl' | 'hfEndpointUrl' | 'hfProvider') => String((key === 'hfProvider' ? vscode.workspace.getConfiguration('aiLab').get('backends.hfProvider') : this.guarded(`backends.${key}`)) ?? '').trim();
    const timeoutMs = Math.max(1, Number(vscode.workspace.getConfiguration('aiLab').get<number>('backends.timeoutSeconds', 120))) * 1000;
    const common = { fetch: netFetch, timeoutMs, onWait: hooks.onWait, onWarning: (m: string) => this.log.warn(m) };
    if (id === 'hf-inference') {
      const token = await this.hubToken();
      return { id, ...common, url: user('hfEndpointUrl') || undefined, provider: user('hfProvider') || 'auto', token, tokenSource: 'your Hugging Face sign-in' };
    }
    const url = user(`${id}Url`);
    if (!url) throw new Error(`Set aiLab.backends.${id}Url (your user settings) to the ${id === 'tei' ? 'Text Embeddings Inference' : 'OpenAI-compatible'} server's URL, e.g. ${id === 'tei' ? 'http://gpu-box:8080' : 'http://gpu-box:8000/v1'}.`);
    const headers = id === 'openai' ? (this.guarded<Record<string, string>>('backends.openaiHeaders') ?? {}) : {};
    return { id, ...common, url, token: (await this.secrets.get(apiKeySecret(id))) || undefined, tokenSource: `the ${id} API key (AI Lab: Set Backend API Key)`, headers };
  }

  /**
   * The model a remote backend runs for `task`: TEI, an OpenAI-compatible server and an Inference
   * Endpoint serve their own ('' asks the server); hf-inference the Hub original of the configured
   * model (a local folder cannot be sent: the task's default then).
   */
  modelFor(task: LabTaskId, configured: string, o: RemoteBackendOptions): string {
    const local = looksLikeLocalPath(configured) || !configured.trim() ? LAB_TASKS[task].defaultModel : configured.trim();
    return remoteDefaultModel(o, local) || (o.id === 'hf-inference' && !o.url ? local : '');
  }

  /** AI Lab: Set Backend API Key: stored in SecretStorage; an empty value removes it. */
  async setApiKey(): Promise<void> {
    const id = await vscode.window.showQuickPick(
      (['tei', 'openai'] as const).map((b) => ({ label: b, description: b === 'tei' ? 'Text Embeddings Inference (--api-key)' : 'OpenAI-compatible server (vLLM, LM Studio, Ollama, llama.cpp)' })),
      { title: 'AI Lab: Set Backend API Key', placeHolder: 'Which backend (hf-inference uses your Hugging Face sign-in)' },
    );
    if (!id) return;
    const key = await vscode.window.showInputBox({ title: `AI Lab: API key for ${id.label}`, prompt: 'Kept in VS Code\'s secret storage, sent only to that server. Empty removes it.', password: true, ignoreFocusOut: true });
    if (key === undefined) return;
    const name = apiKeySecret(id.label as 'tei' | 'openai');
    if (key.trim()) await this.secrets.store(name, key.trim());
    else await this.secrets.delete(name);
    void vscode.window.showInformationMessage(`AI Lab: ${id.label} API key ${key.trim() ? 'saved' : 'removed'}.`);
  }

  private guarded<T>(key: GuardedKey): T | undefined {
    return resolveGuarded<T>(key, vscode.workspace.getConfiguration('aiLab').inspect<T>(key), vscode.workspace.isTrusted).value;
  }
}
