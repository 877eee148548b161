/**
 * The typed message channel between a webview page and the extension host, one for every AI Lab
 * panel (GitLens's webview IPC is the model). Used from both sides: no `vscode` and no DOM here; the
 * host end (src/host/webviews/channel.ts) adds the ready handshake and queue, the page end
 * (webview-ui/channel.ts) wraps `acquireVsCodeApi()`.
 *
 * A panel declares ONE protocol: what each side sends, by method name.
 * - notifications: fire-and-forget, `params` only;
 * - requests: `{ params; result }`; each gets an id, and the other side answers with a reply
 *   (its result, or an error message). A request that gets no reply in time fails with a timeout.
 * On the wire every message is a {@link WireMessage}; anything else is ignored (and logged).
 */

/** One side's messages: notification method → params, request method → params and result. */
export interface Side {
  notifications: object;
  requests: { [method: string]: { params: unknown; result: unknown } };
}

/** A panel's protocol: what the host sends to the page, and what the page sends to the host. */
export interface Protocol {
  host: Side;
  page: Side;
}

/** The messages on the wire (both directions). `ready` goes page → host, each time a page (re)loads. */
export type WireMessage =
  | { kind: 'ready' }
  | { kind: 'notify'; method: string; params?: unknown }
  | { kind: 'request'; id: number; method: string; params?: unknown }
  | { kind: 'reply'; id: number; ok: true; result?: unknown }
  | { kind: 'reply'; id: number; ok: false; error: string };

/** Why a request failed: the other side said so, it did not answer in time, the page went away, or the channel closed. */
export type ChannelErrorCode = 'failed' | 'timeout' | 'lost' | 'closed';

/** The one error type of the channel; `code` says why (see {@link ChannelErrorCode}). */
export class ChannelError extends Error {
  constructor(
    readonly code: ChannelErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ChannelError';
  }
}

/** Checks the params of one message kind from the other side: the params, typed, or undefined when malformed. */
export type Validator<T> = (params: unknown) => T | undefined;

/**
 * Validators of everything one end receives (the host checks all a page sends): the other side's
 * notifications and requests, and the results of the requests this end sends (`Out`).
 */
export interface Validators<Out extends Side, In extends Side> {
  notifications: { [M in keyof In['notifications']]: Validator<In['notifications'][M]> };
  requests: { [M in keyof In['requests']]: Validator<In['requests'][M]['params']> };
  results: { [M in keyof Out['requests']]: Validator<Out['requests'][M]['result']> };
}

/** An object's fields, or undefined when `v` is not an object (for validators). */
export function record(v: unknown): Record<string, unknown> | undefined {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

type Params<S extends Side, M extends keyof S['notifications']> = S['notifications'][M];
type ReqParams<S extends Side, M extends keyof S['requests']> = S['requests'][M]['params'];
type ReqResult<S extends Side, M extends keyof S['requests']> = S['requests'][M]['result'];

export interface RequestOptions {
  /** Milliseconds to wait for the reply; Infinity waits as long as it takes (a prompt to the user). Default 30 s. */
  timeoutMs?: number;
}

export const DEFAULT_TIMEOUT_MS = 30_000;

const isId = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v > 0;

/** The wire message in `raw`, or undefined when it is not one. */
export function parseWire(raw: unknown): WireMessage | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const o = raw as Record<string, unknown>;
  const method = typeof o.method === 'string' && o.method.length > 0 && o.method.length <= 100 ? o.method : undefined;
  switch (o.kind) {
    case 'ready':
      return { kind: 'ready' };
    case 'notify':
      return method ? { kind: 'notify', method, params: o.params } : undefined;
    case 'request':
      return method && isId(o.id) ? { kind: 'request', id: o.id, method, params: o.params } : undefined;
    case 'reply':
      if (!isId(o.id)) return undefined;
      if (o.ok === true) return { kind: 'reply', id: o.id, ok: true, result: o.result };
      return o.ok === false ? { kind: 'reply', id: o.id, ok: false, error: typeof o.error === 'string' ? o.error.slice(0, 2000) : 'failed' } : undefined;
    default:
      return undefined;
  }
}

interface Pending {
  method: string;
  resolve(v: unknown): void;
  reject(e: Error): void;
  timer?: ReturnType<typeof setTimeout>;
}

/**
 * One end of a channel, over any transport: `send` posts a wire message to the other side, and
 * {@link receive} takes what arrives. `Out` is what this end sends, `In` what it receives; with
 * `validators`, every incoming message's params are checked (the host's end), else trusted (the page's).
 */
export class Endpoint<Out extends Side, In extends Side> {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly notificationHandlers = new Map<string, (params: never) => void>();
  private readonly requestHandlers = new Map<string, (params: never) => unknown>();
  private closed = false;

  constructor(
    /** For log lines and errors: "PDF viewer", "Results panel". */
    readonly name: string,
    private readonly send: (m: WireMessage) => Promise<boolean> | void,
    private readonly log: (line: string) => void,
    private readonly validators?: Validators<Out, In>,
  ) {}

  /** Sends a notification (no reply); resolves with what the transport says: posted (true) or dropped. */
  notify<M extends keyof Out['notifications'] & string>(method: M, params: Params<Out, M>): Promise<boolean> {
    if (this.closed) return Promise.resolve(false);
    return Promise.resolve(this.send({ kind: 'notify', method, params }) ?? true);
  }

  /**
   * Sends a request and resolves with the other side's result. Rejects with a {@link ChannelError}:
   * `failed` (the handler threw: its message), `timeout`, `lost` (see {@link rejectPending}) or `closed`.
   */
  request<M extends keyof Out['requests'] & string>(method: M, params: ReqParams<Out, M>, o: RequestOptions = {}): Promise<ReqResult<Out, M>> {
    if (this.closed) return Promise.reject(new ChannelError('closed', `${this.name} is closed`));
    const id = this.nextId++;
    const timeoutMs = o.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    return new Promise<ReqResult<Out, M>>((resolve, reject) => {
      const p: Pending = { method, resolve: resolve as (v: unknown) => void, reject };
      if (Number.isFinite(timeoutMs)) {
        p.timer = setTimeout(() => {
          this.pending.delete(id);
          reject(new ChannelError('timeout', `${this.name} did not answer "${method}" in ${timeoutMs / 1000} s`));
        }, timeoutMs);
      }
      this.pending.set(id, p);
      this.send({ kind: 'request', id, method, params });
    });
  }

  /** Handles one notification method (one handler per method; a later one replaces it). */
  onNotification<M extends keyof In['notifications'] & string>(method: M, handler: (params: Params<In, M>) => void): void {
    this.notificationHandlers.set(method, handler as (params: never) => void);
  }

  /** Answers one request method: the handler's value (or promise) is the reply; what it throws goes back as the error. */
  onRequest<M extends keyof In['requests'] & string>(method: M, handler: (params: ReqParams<In, M>) => ReqResult<In, M> | Promise<ReqResult<In, M>>): void {
    this.requestHandlers.set(method, handler as (params: never) => unknown);
  }

  /** Takes a message from the other side; returns the `ready` message for the transport to act on, else undefined. */
  receive(raw: unknown): WireMessage | undefined {
    if (this.closed) return undefined;
    const m = parseWire(raw);
    if (!m) {
      this.log(`${this.name}: ignored a message that is not in the channel's format: ${preview(raw)}`);
      return undefined;
    }
    if (m.kind === 'ready') return m;
    if (m.kind === 'reply') this.settle(m);
    else if (m.kind === 'notify') this.dispatchNotification(m.method, m.params);
    else void this.dispatchRequest(m.id, m.method, m.params);
    return undefined;
  }

  private settle(m: Extract<WireMessage, { kind: 'reply' }>): void {
    const p = this.pending.get(m.id);
    if (!p) {
      this.log(`${this.name}: ignored a reply to no pending request (id ${m.id}; it timed out or its page was reloaded)`);
      return;
    }
    this.pending.delete(m.id);
    clearTimeout(p.timer);
    if (!m.ok) return p.reject(new ChannelError('failed', m.error));
    const check = this.validators?.results[p.method as keyof Out['requests']] as Validator<unknown> | undefined;
    const result = check ? check(m.result) : m.result;
    if (this.validators && (!check || result === undefined)) {
      this.log(`${this.name}: refused a malformed reply to "${p.method}": ${preview(m.result)}`);
      return p.reject(new ChannelError('failed', `${this.name} gave a malformed reply to "${p.method}"`));
    }
    p.resolve(result);
  }

  private dispatchNotification(method: string, raw: unknown): void {
    const handler = this.notificationHandlers.get(method);
    const check = this.validators?.notifications[method as keyof In['notifications']] as Validator<unknown> | undefined;
    if (!handler || (this.validators && !check)) return this.log(`${this.name}: ignored an unknown notification "${method}"`);
    const params = check ? check(raw) : raw;
    if (params === undefined) return this.log(`${this.name}: ignored a malformed "${method}" notification: ${preview(raw)}`);
    try {
      handler(params as never);
    } catch (err) {
      this.log(`${this.name}: the "${method}" handler failed: ${(err as Error)?.message ?? String(err)}`);
    }
  }

  private async dispatchRequest(id: number, method: string, raw: unknown): Promise<void> {
    const reply = (m: { ok: true; result?: unknown } | { ok: false; error: string }) => void (!this.closed && this.send({ kind: 'reply', id, ...m }));
    const handler = this.requestHandlers.get(method);
    const check = this.validators?.requests[method as keyof In['requests']] as Validator<unknown> | undefined;
    if (!handler || (this.validators && !check)) {
      this.log(`${this.name}: refused an unknown request "${method}"`);
      return reply({ ok: false, error: `${this.name} has no request "${method}"` });
    }
    const params = check ? check(raw) : raw;
    if (params === undefined) {
      this.log(`${this.name}: refused a malformed "${method}" request: ${preview(raw)}`);
      return reply({ ok: false, error: `malformed "${method}" request` });
    }
    try {
      reply({ ok: true, result: await handler(params as never) });
    } catch (err) {
      reply({ ok: false, error: err instanceof Error ? err.message : String(err) });
    }
  }

  /** How many requests wait for a reply (for tests). */
  get pendingCount(): number {
    return this.pending.size;
  }

  /** Fails the requests still waiting (all, or those `only` picks by id): the page that would answer them is gone. */
  rejectPending(why: string, code: ChannelErrorCode = 'lost', only?: (id: number) => boolean): void {
    for (const [id, p] of this.pending) {
      if (only && !only(id)) continue;
      this.pending.delete(id);
      clearTimeout(p.timer);
      p.reject(new ChannelError(code, `${this.name}: "${p.method}" got no reply: ${why}`));
    }
  }

  /** Stops: pending requests fail with `closed`, later messages are dropped. */
  close(): void {
    this.rejectPending('it was closed', 'closed');
    this.closed = true;
  }
}

function preview(v: unknown): string {
  try {
    return (JSON.stringify(v) ?? String(v)).slice(0, 200);
  } catch {
    return String(v).slice(0, 200);
  }
}
