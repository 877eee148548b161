import * as vscode from 'vscode';

/** A progress notification's cancellation as the AbortSignal the core takes; a cancel is a CancellationError. */
export function toAbortSignal(token: vscode.CancellationToken): AbortSignal {
  const ac = new AbortController();
  token.onCancellationRequested(() => ac.abort(new vscode.CancellationError()));
  return ac.signal;
}
