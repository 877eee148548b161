/**
 * The page's end of a panel's channel (src/shared/webviewChannel.ts), around `acquireVsCodeApi()`
 * (which a page may call once: this is the one place). The page trusts what the host sends; unknown
 * messages are ignored with a console warning.
 */
import { Endpoint, type Protocol, type WireMessage } from '../src/shared/webviewChannel';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

/** The page's channel, plus the webview's saved state (kept by VS Code while the panel lives). */
export class PageChannel<P extends Protocol> extends Endpoint<P['page'], P['host']> {
  private readonly api: VsCodeApi;

  constructor(name: string) {
    const api = acquireVsCodeApi();
    super(name, (m) => api.postMessage(m), (line) => console.warn(line));
    this.api = api;
    window.addEventListener('message', (e: MessageEvent<unknown>) => void this.receive(e.data));
  }

  /** Tells the host this page is loaded and listening (it then sends its state and what it queued). */
  ready(): void {
    this.api.postMessage({ kind: 'ready' } satisfies WireMessage);
  }

  getState(): unknown {
    return this.api.getState();
  }

  setState(state: unknown): void {
    this.api.setState(state);
  }
}

/**
 * Connects the page: handlers registered in the same task are in place before the host sends
 * anything, because `ready` goes out after the page's module has run (a microtask later).
 */
export function connect<P extends Protocol>(name: string): PageChannel<P> {
  const channel = new PageChannel<P>(name);
  queueMicrotask(() => channel.ready());
  return channel;
}
