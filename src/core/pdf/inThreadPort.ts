/**
 * The message port between pdf.js's two halves when both run on one thread (pdfWorkerMain.ts). pdf.js's
 * own (LoopbackPort) copies every message with structuredClone, whose fixed cost per call is most of
 * the cost of its ~12 small messages per page. This one copies plain data (objects, arrays, primitives)
 * in JavaScript and hands anything else to structuredClone: the receiver gets a copy either way, so
 * neither half can see the other change what it sent.
 */
import type { TransferListItem } from 'node:worker_threads';

type Listener = (event: { data: unknown }) => void;

const NOT_PLAIN = Symbol('not plain');
/** Deeper than pdf.js's messages go; a cycle ends here too and goes to structuredClone. */
const MAX_DEPTH = 16;

function copyPlain(v: unknown, depth: number): unknown {
  if (v === null || typeof v !== 'object') return typeof v === 'function' || typeof v === 'symbol' ? NOT_PLAIN : v;
  if (depth > MAX_DEPTH) return NOT_PLAIN;
  if (Array.isArray(v)) {
    const out = new Array<unknown>(v.length);
    for (let i = 0; i < v.length; i++) {
      if (!(i in v)) return NOT_PLAIN; // holes: structuredClone keeps them
      const c = copyPlain(v[i], depth + 1);
      if (c === NOT_PLAIN) return NOT_PLAIN;
      out[i] = c;
    }
    return out;
  }
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return NOT_PLAIN;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) {
    const c = copyPlain((v as Record<string, unknown>)[k], depth + 1);
    if (c === NOT_PLAIN) return NOT_PLAIN;
    out[k] = c;
  }
  return out;
}

/** What structuredClone(v) gives, quicker for plain data. */
export function copyMessage(v: unknown): unknown {
  const c = copyPlain(v, 0);
  return c === NOT_PLAIN ? structuredClone(v) : c;
}

/** Both ends of one channel, like pdf.js's LoopbackPort: each side's MessageHandler picks its own messages. */
export class InThreadPort {
  readonly #listeners = new Map<Listener, (() => void) | undefined>();

  postMessage(data: unknown, transfer?: readonly TransferListItem[]): void {
    const event = { data: transfer?.length ? structuredClone(data, { transfer: [...transfer] }) : copyMessage(data) };
    // Delivered later, as a real port does, to every listener present when it arrives.
    queueMicrotask(() => {
      for (const listener of [...this.#listeners.keys()]) listener.call(this, event);
    });
  }

  addEventListener(_type: 'message', listener: Listener, options?: { signal?: AbortSignal }): void {
    const signal = options?.signal;
    if (signal?.aborted) return;
    const onAbort = () => this.removeEventListener('message', listener);
    signal?.addEventListener('abort', onAbort, { once: true });
    this.#listeners.set(listener, signal ? () => signal.removeEventListener('abort', onAbort) : undefined);
  }

  removeEventListener(_type: 'message', listener: Listener): void {
    this.#listeners.get(listener)?.();
    this.#listeners.delete(listener);
  }

  terminate(): void {
    for (const l of [...this.#listeners.keys()]) this.removeEventListener('message', l);
  }
}
