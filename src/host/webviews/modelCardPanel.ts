import * as vscode from 'vscode';
import { formatBytes } from '../../core/bytes';
import { cachedModelIds } from '../../core/hub/cacheLayout';
import { compatibilityVerdict } from '../../core/hub/compat';
import { cardTable, renderCard, splitFrontMatter } from '../../core/hub/modelCard';
import { CARD_CHECKS, type CardProtocol, type CardView } from '../../shared/hubProtocol';
import { readConfig } from '../config';
import type { HubSession } from '../hubSession';
import type { Log } from '../log';
import { HostChannel } from './channel';
import { createPanel } from './webviewPage';

/** Builds what the card panel shows: sanitized README, front matter, files with sizes, the verdict. */
export async function loadCard(session: HubSession, id: string, kind: 'model' | 'dataset'): Promise<CardView> {
  const client = await session.client();
  const [info, files, readme] = await Promise.all([
    kind === 'model' ? client.modelInfo(id) : client.datasetInfo(id),
    client.files(id, kind),
    client.readText(id, 'README.md', kind).catch(() => undefined),
  ]);
  const hubUrl = `${client.endpoint}${kind === 'dataset' ? '/datasets' : ''}/${id}`;
  const front = splitFrontMatter(readme ?? '');
  const body = readme === undefined ? '*This repo has no README (model card).*' : front.body;
  return {
    id,
    kind,
    hubUrl,
    html: renderCard(body, { repoUrl: hubUrl, remoteImages: readConfig().modelCardRemoteImages }),
    table: cardTable(info.cardData ?? front.meta),
    files: files.map((f) => ({ path: f.path, size: formatBytes(f.size), lfs: f.lfs })),
    verdict: kind === 'model' ? compatibilityVerdict({ id, files: files.map((f) => f.path), pipelineTag: info.pipelineTag, config: info.config }) : undefined,
    stats: [info.pipelineTag, `${info.downloads.toLocaleString('en-US')} downloads`, `${info.likes} likes`, info.lastModified && `updated ${info.lastModified.slice(0, 10)}`].filter(Boolean).join(' · '),
    gated: info.gated,
    cached: kind === 'model' && cachedModelIds(session.cacheDir()).includes(id),
    metaError: front.error,
  };
}

interface PanelEntry {
  panel: vscode.WebviewPanel;
  card?: CardView;
  /** What the page shows (the card, or why it could not be loaded): sent again to a reloaded page. */
  show?: () => void;
}

/** One panel per repo card; opening it again reveals it. */
export class ModelCardPanels implements vscode.Disposable {
  private readonly panels = new Map<string, PanelEntry>();
  private readonly shown = new vscode.EventEmitter<CardView>();
  /** For tests: fires when a card has been sent to its page. */
  readonly onDidShow = this.shown.event;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly session: HubSession,
    private readonly log: Log,
  ) {}

  card(id: string): CardView | undefined {
    return this.panels.get(id)?.card;
  }

  async open(id: string, kind: 'model' | 'dataset' = 'model'): Promise<CardView | undefined> {
    const key = `${kind}:${id}`;
    const existing = this.panels.get(key);
    if (existing) {
      existing.panel.reveal();
      return existing.card;
    }
    const panel = createPanel(this.extensionUri, 'aiLab.modelCard', `${kind === 'dataset' ? 'Dataset' : 'Model'}: ${id}`, vscode.ViewColumn.Active, {
      title: id,
      script: 'modelCard',
      styles: ['results.css', 'hub.css'],
      imgSrc: readConfig().modelCardRemoteImages ? 'https:' : undefined,
      body: `<main id="app" aria-busy="true"><p class="muted">Loading ${kind} card…</p></main>`,
    });
    const entry: PanelEntry = { panel };
    this.panels.set(key, entry);
    const channel = new HostChannel<CardProtocol>(panel, { name: 'Card panel', validators: CARD_CHECKS, log: (l) => this.log.warn(l), resets: ['card', 'error'] });
    const show = (f: () => void) => {
      entry.show = f;
      f();
    };
    channel.onReady(() => entry.show?.());
    panel.onDidDispose(() => this.panels.delete(key));
    channel.onNotification('action', (m) => {
      if (m.action === 'openOnHub') return void vscode.env.openExternal(vscode.Uri.parse(entry.card?.hubUrl ?? `${this.session.endpoint()}/${id}`));
      if (m.action === 'copyId') return void vscode.env.clipboard.writeText(id);
      if (m.action === 'download') return void vscode.commands.executeCommand('aiLab.models.download', { id });
      if (m.action === 'useForTask') return void vscode.commands.executeCommand('aiLab.models.useForTask', { id });
    });
    try {
      const card = await loadCard(this.session, id, kind);
      entry.card = card;
      show(() => void channel.notify('card', { card }).then((posted) => posted && this.shown.fire(card)));
      return card;
    } catch (err) {
      const message = (err as Error).message;
      this.log.warn(`Card of ${id}: ${message}`);
      show(() => void channel.notify('error', { message }));
      void this.log.showError(`AI Lab: could not open the card of ${id}`, err);
      return undefined;
    }
  }

  dispose(): void {
    for (const { panel } of this.panels.values()) panel.dispose();
    this.shown.dispose();
  }
}
