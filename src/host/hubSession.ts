import * as vscode from 'vscode';
import { DatasetViewer } from '../core/hub/datasetViewer';
import { HubClient, type WhoAmI } from '../core/hub/hubApi';
import { resolveHubCacheDir, resolveHubEndpoint, resolveToken, type TokenSource } from '../core/hub/hubConfig';
import { hubAccess, type HubAccess } from '../core/lab/hubAccess';
import { HubError } from '../core/hub/snapshot';
import { readConfig } from './config';
import type { Log } from './log';

const SECRET_KEY = 'aiLab.huggingFaceToken';

export type HubState = { kind: 'anonymous' } | { kind: 'signedIn'; user: WhoAmI; source: TokenSource['source'] } | { kind: 'invalid'; source: TokenSource['source']; error: string } | { kind: 'offline'; error: string };

/**
 * The Hub as the sidebar sees it: the endpoint, the token (SecretStorage, then HF_TOKEN and the token
 * file `hf auth login` writes), who it belongs to, and whether the Hub answers at all. The token is
 * never logged, never put in settings, and only sent to the configured endpoint.
 */
export class HubSession implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<HubState>();
  readonly onDidChange = this.changed.event;
  state: HubState = { kind: 'anonymous' };

  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly log: Log,
  ) {}

  endpoint(): string {
    return resolveHubEndpoint(readConfig().hubEndpoint);
  }

  cacheDir(): string {
    return resolveHubCacheDir();
  }

  /** The token AI Lab signed in with (SecretStorage only). */
  storedToken(): Promise<string | undefined> {
    return Promise.resolve(this.secrets.get(SECRET_KEY));
  }

  /** The Hub for model downloads: aiLab.hubEndpoint, aiLab.hubOffline and the signed-in token (src/core/lab/hubAccess.ts says which wins). */
  async hubAccess(): Promise<HubAccess> {
    const cfg = readConfig();
    return hubAccess({ endpoint: cfg.hubEndpoint, signedInToken: await this.storedToken(), offline: cfg.hubOffline });
  }

  async token(): Promise<TokenSource | undefined> {
    return resolveToken(await this.storedToken());
  }

  async client(signal?: AbortSignal): Promise<HubClient> {
    return new HubClient({ endpoint: this.endpoint(), token: (await this.token())?.token, signal });
  }

  async viewer(): Promise<DatasetViewer> {
    // aiLab.datasetsServerEndpoint is read from user settings only: the token may go there (viewerGetsToken).
    return new DatasetViewer({ base: readConfig().datasetsServerEndpoint, hubEndpoint: this.endpoint(), token: (await this.token())?.token });
  }

  private set(state: HubState): void {
    this.state = state;
    void vscode.commands.executeCommand('setContext', 'aiLab.hub.signedIn', state.kind === 'signedIn');
    // Not aiLab.hub.offline: whether the Hub answers is the Models view's own finding (ModelsTreeProvider),
    // which holds signed in or not; an anonymous session (no whoami asked) must not clear it.
    this.changed.fire(state);
  }

  /** Asks the Hub who the current token is; offline and refused tokens are states, not errors. */
  async refresh(): Promise<HubState> {
    const t = await this.token();
    if (!t) {
      this.set({ kind: 'anonymous' });
      return this.state;
    }
    try {
      const user = await new HubClient({ endpoint: this.endpoint(), token: t.token, retry: { attempts: 1, timeoutMs: 10_000 } }).whoami();
      this.set({ kind: 'signedIn', user, source: t.source });
    } catch (err) {
      const msg = (err as Error).message;
      if (err instanceof HubError && err.kind === 'offline') this.set({ kind: 'offline', error: msg });
      else this.set({ kind: 'invalid', source: t.source, error: msg });
      this.log.warn(`Hugging Face token (${t.source}) could not be checked: ${msg}`);
    }
    return this.state;
  }

  /** Checks the token with whoami before storing it; a refused token is not stored. */
  async signIn(token?: string): Promise<WhoAmI | undefined> {
    const value =
      token ??
      (await vscode.window.showInputBox({
        title: 'AI Lab: Sign In to Hugging Face',
        prompt: `Paste a Hugging Face access token ("read" is enough to download; publishing a model needs "write"): ${this.endpoint()}/settings/tokens`,
        password: true,
        ignoreFocusOut: true,
        placeHolder: 'hf_…',
        validateInput: (v) => (!v.trim() ? 'Paste a token' : /\s/.test(v.trim()) ? 'A token has no spaces' : undefined),
      }));
    if (!value?.trim()) return undefined;
    const clean = value.trim();
    let user: WhoAmI;
    try {
      user = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'AI Lab: checking the token with the Hub…' }, () =>
        new HubClient({ endpoint: this.endpoint(), token: clean, retry: { attempts: 2, timeoutMs: 15_000 } }).whoami(),
      );
    } catch (err) {
      // The message names the endpoint and the status, never the token.
      await this.log.showError('AI Lab: the Hub did not accept this token; nothing was stored', err);
      return undefined;
    }
    await this.secrets.store(SECRET_KEY, clean);
    this.log.info(`Signed in to ${this.endpoint()} as ${user.name} (token "${user.tokenName ?? 'unnamed'}", role ${user.tokenRole ?? 'unknown'}).`);
    const t = await this.token();
    this.set({ kind: 'signedIn', user, source: t?.source ?? 'signed-in' });
    if (t && t.source !== 'signed-in') {
      void vscode.window.showWarningMessage(`AI Lab: signed in as ${user.name}, but ${t.source} takes precedence over the stored token while it is set.`);
    } else {
      void vscode.window.showInformationMessage(`AI Lab: signed in to Hugging Face as ${user.name}.`);
    }
    return user;
  }

  async signOut(): Promise<void> {
    await this.secrets.delete(SECRET_KEY);
    this.log.info('Signed out of Hugging Face: the stored token was deleted.');
    const state = await this.refresh();
    if (state.kind !== 'anonymous') {
      void vscode.window.showInformationMessage(`AI Lab: the stored token was deleted; a token from ${(await this.token())?.source} is still in use.`);
    } else {
      void vscode.window.showInformationMessage('AI Lab: signed out of Hugging Face.');
    }
  }

  dispose(): void {
    this.changed.dispose();
  }
}
