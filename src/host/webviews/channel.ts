/**
 * The host's end of a panel's channel (src/shared/webviewChannel.ts): everything the page sends is
 * validated; what the host sends waits in a queue until the page says `ready`, and again after the
 * page is reloaded (or dropped while hidden, for panels that do not keep their context).
 * Only `vscode` types are used here, so plain-Node tests drive it with a fake panel.
 */
import type * as vscode from 'vscode';
import { Endpoint, type Protocol, type RequestOptions, type Validators, type WireMessage } from '../../shared/webviewChannel';

type Listen = (listener: () => void) => vscode.Disposable;

/** What the channel needs of a webview panel (a `vscode.WebviewPanel`, also a custom editor's). */
export interface ChannelPanel {
  readonly webview: { postMessage(message: unknown): Thenable<boolean>; onDidReceiveMessage(listener: (message: unknown) => void): vscode.Disposable };
  readonly visible: boolean;
  readonly onDidChangeViewState: Listen;
  readonly onDidDispose: Listen;
}

export interface HostChannelOptions<P extends Protocol> {
  /** For log lines and errors: "PDF viewer", "Results panel". */
  name: string;
  /** Checks of all the page sends: its notifications, its requests, the results of the host's requests. */
  validators: Validators<P['host'], P['page']>;
  /** Where refused messages are told (the AI Lab log). */
  log: (line: string) => void;
  /**
   * Host notifications that carry the page's whole state: queuing one drops the notifications queued
   * before it (never requests), so a page that was not ready gets the latest state once, not a replay.
   */
  resets?: ReadonlyArray<keyof P['host']['notifications'] & string>;
  /** False when the page is dropped while its panel is hidden (`retainContextWhenHidden` false). Default true. */
  retainsContext?: boolean;
}

interface Queued {
  message: WireMessage;
  posted?: (ok: boolean) => void;
}

/**
 * A panel's typed channel, host side. Typical use: create it with the panel, register `onNotification`
 * / `onRequest` handlers, send the page its state in `onReady` (called at each ready, before the queue
 * is flushed), then `notify` / `request` freely.
 */
export class HostChannel<P extends Protocol> {
  private readonly end: Endpoint<P['host'], P['page']>;
  private ready = false;
  private queue: Queued[] = [];
  /** Ids of requests posted to the page now loaded: they die with it. */
  private readonly posted = new Set<number>();
  private readonly readyListeners: Array<() => void> = [];
  private readonly subscriptions: vscode.Disposable[] = [];
  private disposed = false;

  constructor(
    private readonly panel: ChannelPanel,
    private readonly o: HostChannelOptions<P>,
  ) {
    this.end = new Endpoint<P['host'], P['page']>(o.name, (m) => this.send(m), o.log, o.validators);
    this.subscriptions.push(
      panel.webview.onDidReceiveMessage((raw) => {
        if (this.end.receive(raw)?.kind === 'ready') this.onPageReady();
      }),
      panel.onDidDispose(() => this.dispose()),
    );
    if (o.retainsContext === false) this.subscriptions.push(panel.onDidChangeViewState(() => !panel.visible && this.pageGone('its page was hidden')));
  }

  /** Whether the page now loaded has said it is ready (messages go straight out). */
  get isReady(): boolean {
    return this.ready;
  }

  /** Requests waiting for the page's reply (for tests). */
  get pendingCount(): number {
    return this.end.pendingCount;
  }

  /** Resolves when the message is posted to the page (true), or false when it is dropped (superseded, disposed, not deliverable). */
  notify<M extends keyof P['host']['notifications'] & string>(method: M, params: P['host']['notifications'][M]): Promise<boolean> {
    return this.end.notify(method, params);
  }

  /** Asks the page; rejects with a ChannelError (`failed`, `timeout`, `lost` when the page reloads first, `closed`). */
  request<M extends keyof P['host']['requests'] & string>(method: M, params: P['host']['requests'][M]['params'], o?: RequestOptions): Promise<P['host']['requests'][M]['result']> {
    return this.end.request(method, params, o);
  }

  onNotification<M extends keyof P['page']['notifications'] & string>(method: M, handler: (params: P['page']['notifications'][M]) => void): void {
    this.end.onNotification(method, handler);
  }

  onRequest<M extends keyof P['page']['requests'] & string>(method: M, handler: (params: P['page']['requests'][M]['params']) => P['page']['requests'][M]['result'] | Promise<P['page']['requests'][M]['result']>): void {
    this.end.onRequest(method, handler);
  }

  /** Called each time a page becomes ready (first load and every reload): send it the state it needs. */
  onReady(listener: () => void): void {
    this.readyListeners.push(listener);
  }

  private send(message: WireMessage): Promise<boolean> | void {
    if (this.disposed) return Promise.resolve(false);
    // A reply answers the page that asked; when that page is gone there is no one to tell.
    if (message.kind === 'reply') return this.ready ? this.deliver({ message }) : Promise.resolve(false);
    if (this.ready) return this.deliver({ message });
    if (message.kind === 'notify' && this.o.resets?.includes(message.method as never)) {
      for (const q of this.queue) if (q.message.kind === 'notify') q.posted?.(false);
      this.queue = this.queue.filter((q) => q.message.kind !== 'notify');
    }
    return new Promise<boolean>((posted) => this.queue.push({ message, posted }));
  }

  private deliver(q: Queued): Promise<boolean> {
    if (q.message.kind === 'request') this.posted.add(q.message.id);
    const done = Promise.resolve(this.panel.webview.postMessage(q.message)).then(
      (ok) => ok,
      () => false,
    );
    void done.then((ok) => q.posted?.(ok));
    return done;
  }

  private onPageReady(): void {
    // A second ready is a new page (reloaded): what the old one was asked will never be answered.
    if (this.ready || this.posted.size) this.pageGone('its page was reloaded');
    // The listeners' messages join the queue, so a reset among them drops what it supersedes.
    for (const l of this.readyListeners) {
      try {
        l();
      } catch (err) {
        this.o.log(`${this.o.name}: sending the page its state failed: ${(err as Error)?.message ?? String(err)}`);
      }
    }
    this.ready = true;
    const queue = this.queue;
    this.queue = [];
    for (const q of queue) void this.deliver(q);
  }

  private pageGone(why: string): void {
    this.ready = false;
    const posted = new Set(this.posted);
    this.posted.clear();
    this.end.rejectPending(why, 'lost', (id) => posted.has(id));
  }

  /** Ends the channel: pending requests fail (`closed`), queued messages are dropped. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.end.close();
    for (const q of this.queue) q.posted?.(false);
    this.queue = [];
    for (const s of this.subscriptions) s.dispose();
  }
}
