import * as vscode from 'vscode';

/** The "AI Lab" log channel, plus "show an error once, with Show Log". */
export class Log implements vscode.Disposable {
  readonly channel: vscode.LogOutputChannel;
  private readonly shown = new Set<string>();

  constructor() {
    this.channel = vscode.window.createOutputChannel('AI Lab', { log: true });
  }

  info(msg: string): void {
    this.channel.info(msg);
  }
  warn(msg: string): void {
    this.channel.warn(msg);
  }
  error(msg: string, err?: unknown): void {
    this.channel.error(err === undefined ? msg : `${msg}: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
  }

  /**
   * Logs, then notifies once per distinct message in this session; cancellations stay silent.
   * Returns at once: the notification's "Show Log" is handled whenever the user clicks it.
   */
  async showError(msg: string, err?: unknown): Promise<void> {
    if (isCancellation(err)) return;
    this.error(msg, err);
    const text = err instanceof Error ? `${msg}: ${err.message}` : msg;
    if (this.shown.has(text)) return;
    this.shown.add(text);
    void vscode.window.showErrorMessage(text, 'Show Log').then((pick) => {
      if (pick === 'Show Log') this.channel.show(true);
    });
  }

  show(): void {
    this.channel.show(true);
  }

  dispose(): void {
    this.channel.dispose();
  }
}

export function isCancellation(err: unknown): boolean {
  return err instanceof Error && (err.name === 'AbortError' || err instanceof vscode.CancellationError);
}
