import * as assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { HostChannel, type ChannelPanel } from '../../src/host/webviews/channel';
import { ChannelError, Endpoint, parseWire, record, type Validators, type WireMessage } from '../../src/shared/webviewChannel';

/** A small protocol with every kind of message, as a panel declares one. */
interface TestProtocol {
  host: {
    notifications: { state: { n: number }; tick: { n: number } };
    requests: { show: { params: { page: number }; result: { shown: number } } };
  };
  page: {
    notifications: { clicked: { id: string } };
    requests: { add: { params: { a: number; b: number }; result: number } };
  };
}

const int = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

const CHECKS: Validators<TestProtocol['host'], TestProtocol['page']> = {
  notifications: { clicked: (p) => (typeof record(p)?.id === 'string' ? { id: record(p)!.id as string } : undefined) },
  requests: {
    add: (p) => {
      const o = record(p);
      return o && int(o.a) && int(o.b) ? { a: o.a, b: o.b } : undefined;
    },
  },
  results: { show: (r) => (int(record(r)?.shown) ? { shown: record(r)!.shown as number } : undefined) },
};

/** A panel as VS Code gives it, with the page's side played by the test. */
class FakePanel implements ChannelPanel {
  readonly sent: WireMessage[] = [];
  visible = true;
  deliverable = true;
  private readonly events = new EventEmitter();
  readonly webview = {
    postMessage: (m: unknown): Promise<boolean> => {
      if (this.deliverable) this.sent.push(JSON.parse(JSON.stringify(m)) as WireMessage);
      return Promise.resolve(this.deliverable);
    },
    onDidReceiveMessage: (l: (m: unknown) => void) => this.listen('message', l),
  };
  readonly onDidChangeViewState = (l: () => void) => this.listen('view', l);
  readonly onDidDispose = (l: () => void) => this.listen('dispose', l);

  private listen(event: string, l: (...a: unknown[]) => void) {
    this.events.on(event, l);
    return { dispose: () => void this.events.off(event, l) };
  }

  /** The page posts a message to the host. */
  fromPage(m: unknown): void {
    this.events.emit('message', m);
  }

  hide(): void {
    this.visible = false;
    this.events.emit('view');
  }

  dispose(): void {
    this.events.emit('dispose');
  }
}

const tick = () => new Promise((r) => setImmediate(r));

function hostOn(panel: FakePanel, o: { retainsContext?: boolean } = {}) {
  const logs: string[] = [];
  const channel = new HostChannel<TestProtocol>(panel, { name: 'Test panel', validators: CHECKS, log: (l) => logs.push(l), resets: ['state'], ...o });
  return { channel, logs };
}

/**
 * Runs `fn` counting the timers started and not cleared (nor fired) meanwhile: a request's timeout
 * must not outlive its reply, and nothing may keep ticking at idle.
 */
async function liveTimers(fn: () => Promise<void>): Promise<number> {
  const real = { set: globalThis.setTimeout, clear: globalThis.clearTimeout };
  const live = new Set<unknown>();
  globalThis.setTimeout = ((cb: () => void, ms?: number) => {
    const t = real.set(() => (live.delete(t), cb()), ms);
    live.add(t);
    return t;
  }) as typeof setTimeout;
  globalThis.clearTimeout = ((t: ReturnType<typeof setTimeout>) => (live.delete(t), real.clear(t))) as typeof clearTimeout;
  try {
    await fn();
  } finally {
    Object.assign(globalThis, { setTimeout: real.set, clearTimeout: real.clear });
  }
  return live.size;
}

describe('webview channel: the wire format', () => {
  it('reads the five message kinds and refuses the rest', () => {
    assert.deepEqual(parseWire({ kind: 'ready' }), { kind: 'ready' });
    assert.deepEqual(parseWire({ kind: 'notify', method: 'a', params: { x: 1 } }), { kind: 'notify', method: 'a', params: { x: 1 } });
    assert.deepEqual(parseWire({ kind: 'request', id: 3, method: 'a' }), { kind: 'request', id: 3, method: 'a', params: undefined });
    assert.deepEqual(parseWire({ kind: 'reply', id: 3, ok: false, error: 7 }), { kind: 'reply', id: 3, ok: false, error: 'failed' });
    for (const bad of [null, 'ready', { type: 'ready' }, { kind: 'notify' }, { kind: 'notify', method: '' }, { kind: 'request', id: 0, method: 'a' }, { kind: 'request', id: 1.5, method: 'a' }, { kind: 'reply', id: 1 }, { kind: 'notify', method: 'x'.repeat(101) }]) {
      assert.equal(parseWire(bad), undefined, JSON.stringify(bad));
    }
  });
});

describe('webview channel: requests and replies', () => {
  /** Two ends wired back to back (the page's end trusts, the host's end checks). */
  function pair() {
    const logs: string[] = [];
    let host!: Endpoint<TestProtocol['host'], TestProtocol['page']>;
    const page = new Endpoint<TestProtocol['page'], TestProtocol['host']>('page', (m) => void setImmediate(() => host.receive(m)), (l) => logs.push(l));
    host = new Endpoint<TestProtocol['host'], TestProtocol['page']>('host', (m) => void setImmediate(() => page.receive(m)), (l) => logs.push(l), CHECKS);
    return { host, page, logs };
  }

  it('each request gets its own id and its own reply, also when replies come out of order', async () => {
    const { host, page } = pair();
    page.onRequest('show', async ({ page: n }) => {
      await new Promise((r) => setTimeout(r, n === 1 ? 30 : 1));
      return { shown: n };
    });
    const [a, b] = await Promise.all([host.request('show', { page: 1 }), host.request('show', { page: 2 })]);
    assert.deepEqual([a, b], [{ shown: 1 }, { shown: 2 }]);
    assert.equal(host.pendingCount, 0);
  });

  it('a handler that throws rejects the request with its message (code "failed"); a malformed request is refused the same way', async () => {
    const { host, page, logs } = pair();
    host.onRequest('add', ({ a, b }) => {
      if (a < 0) throw new Error('only positive numbers');
      return a + b;
    });
    assert.equal(await page.request('add', { a: 2, b: 3 }), 5);
    await assert.rejects(page.request('add', { a: -1, b: 3 }), (e: unknown) => e instanceof ChannelError && e.code === 'failed' && e.message === 'only positive numbers');
    await assert.rejects(page.request('add', { a: 'two', b: 3 } as never), (e: unknown) => e instanceof ChannelError && e.code === 'failed' && /malformed "add"/.test(e.message));
    assert.ok(logs.some((l) => /refused a malformed "add" request/.test(l)), logs.join('\n'));
  });

  it('a reply that does not match its result check is refused (the host trusts no page)', async () => {
    const { host, page, logs } = pair();
    page.onRequest('show', () => ({ shown: 'everything' }) as never);
    await assert.rejects(host.request('show', { page: 1 }), (e: unknown) => e instanceof ChannelError && e.code === 'failed');
    assert.ok(logs.some((l) => /malformed reply to "show"/.test(l)));
  });

  it('a request with no reply times out (code "timeout") and leaves no timer behind; a late reply is ignored with a log', async () => {
    const { host, page, logs } = pair();
    let answer: (() => void) | undefined;
    page.onRequest('show', ({ page: n }) => new Promise((r) => (answer = () => r({ shown: n }))));
    const live = await liveTimers(() => assert.rejects(host.request('show', { page: 4 }, { timeoutMs: 20 }), (e: unknown) => e instanceof ChannelError && e.code === 'timeout' && /did not answer "show" in 0.02 s/.test(e.message)));
    assert.equal(live, 0);
    assert.equal(host.pendingCount, 0);
    answer!();
    await tick();
    await tick();
    assert.ok(logs.some((l) => /reply to no pending request/.test(l)), logs.join('\n'));
  });

  it('a replied request clears its timer (nothing keeps ticking at idle)', async () => {
    const { host, page } = pair();
    page.onRequest('show', ({ page: n }) => ({ shown: n }));
    let started = 0;
    const live = await liveTimers(async () => {
      const p = host.request('show', { page: 1 }, { timeoutMs: 60_000 });
      started = host.pendingCount;
      await p;
    });
    assert.equal(started, 1);
    assert.equal(live, 0);
    // Infinity (a password prompt) starts no timer at all.
    assert.equal(await liveTimers(async () => void (await host.request('show', { page: 2 }, { timeoutMs: Infinity }))), 0);
  });

  it('unknown notifications and requests are ignored with a log; a request for an unknown method is refused', async () => {
    const { host, logs } = pair();
    host.onNotification('clicked', () => assert.fail('a malformed message reached its handler'));
    host.receive({ kind: 'notify', method: 'explode', params: {} });
    host.receive({ kind: 'notify', method: 'clicked', params: { id: 5 } });
    host.receive({ type: 'ready' });
    const replies: WireMessage[] = [];
    const lone = new Endpoint<TestProtocol['host'], TestProtocol['page']>('host', (m) => void replies.push(m), (l) => logs.push(l), CHECKS);
    lone.receive({ kind: 'request', id: 9, method: 'format-disk', params: {} });
    await tick();
    assert.deepEqual(replies, [{ kind: 'reply', id: 9, ok: false, error: 'host has no request "format-disk"' }]);
    assert.ok(logs.some((l) => /unknown notification "explode"/.test(l)));
    assert.ok(logs.some((l) => /malformed "clicked" notification/.test(l)));
    assert.ok(logs.some((l) => /not in the channel's format/.test(l)));
    assert.ok(logs.some((l) => /unknown request "format-disk"/.test(l)));
  });

  it('closing fails what is pending (code "closed") and refuses new requests', async () => {
    const { host } = pair();
    const pending = host.request('show', { page: 1 });
    host.close();
    await assert.rejects(pending, (e: unknown) => e instanceof ChannelError && e.code === 'closed');
    await assert.rejects(host.request('show', { page: 1 }), (e: unknown) => e instanceof ChannelError && e.code === 'closed');
    assert.equal(await host.notify('tick', { n: 1 }), false);
  });
});

describe('webview channel: the host end (ready handshake and queue)', () => {
  it('queues what the host sends until the page says ready, then sends it in order', async () => {
    const panel = new FakePanel();
    const { channel } = hostOn(panel);
    const posted = channel.notify('tick', { n: 1 });
    void channel.notify('tick', { n: 2 });
    assert.deepEqual(panel.sent, []);
    assert.equal(channel.isReady, false);
    panel.fromPage({ kind: 'ready' });
    assert.equal(await posted, true);
    assert.deepEqual(panel.sent, [
      { kind: 'notify', method: 'tick', params: { n: 1 } },
      { kind: 'notify', method: 'tick', params: { n: 2 } },
    ]);
  });

  it('a request made before ready waits in the queue and is answered after it', async () => {
    const panel = new FakePanel();
    const { channel } = hostOn(panel);
    const shown = channel.request('show', { page: 7 });
    assert.equal(panel.sent.length, 0);
    panel.fromPage({ kind: 'ready' });
    await tick();
    const req = panel.sent.find((m) => m.kind === 'request')!;
    assert.ok(req.kind === 'request' && req.method === 'show' && req.id > 0);
    panel.fromPage({ kind: 'reply', id: req.id, ok: true, result: { shown: 7 } });
    assert.deepEqual(await shown, { shown: 7 });
  });

  it('onReady runs at each ready; a state notification queued drops the notifications it supersedes, never requests', async () => {
    const panel = new FakePanel();
    const { channel } = hostOn(panel);
    let state = 0;
    channel.onReady(() => void channel.notify('state', { n: state }));
    const dropped = channel.notify('tick', { n: 1 });
    void channel.request('show', { page: 1 }).catch(() => undefined);
    state = 5;
    panel.fromPage({ kind: 'ready' });
    assert.equal(await dropped, false);
    await tick();
    assert.deepEqual(
      panel.sent.map((m) => (m.kind === 'notify' ? `${m.method}:${(m.params as { n: number }).n}` : m.kind)),
      ['request', 'state:5'],
    );
  });

  it('re-ready (the page reloaded): requests the old page had fail as "lost", the new page gets the state again', async () => {
    const panel = new FakePanel();
    const { channel } = hostOn(panel);
    channel.onReady(() => void channel.notify('state', { n: 1 }));
    panel.fromPage({ kind: 'ready' });
    const lost = channel.request('show', { page: 3 });
    await tick();
    panel.sent.length = 0;
    panel.fromPage({ kind: 'ready' });
    await assert.rejects(lost, (e: unknown) => e instanceof ChannelError && e.code === 'lost' && /reloaded/.test(e.message));
    await tick();
    assert.deepEqual(panel.sent, [{ kind: 'notify', method: 'state', params: { n: 1 } }]);
    assert.equal(channel.pendingCount, 0);
  });

  it('a panel that drops its page when hidden queues again until the page is back and ready', async () => {
    const panel = new FakePanel();
    const { channel } = hostOn(panel, { retainsContext: false });
    panel.fromPage({ kind: 'ready' });
    const lost = channel.request('show', { page: 2 });
    await tick();
    panel.hide();
    await assert.rejects(lost, (e: unknown) => e instanceof ChannelError && e.code === 'lost' && /hidden/.test(e.message));
    panel.sent.length = 0;
    void channel.notify('tick', { n: 9 });
    assert.deepEqual(panel.sent, []);
    panel.visible = true;
    panel.fromPage({ kind: 'ready' });
    await tick();
    assert.deepEqual(panel.sent, [{ kind: 'notify', method: 'tick', params: { n: 9 } }]);
  });

  it('a panel that keeps its page while hidden keeps sending', async () => {
    const panel = new FakePanel();
    const { channel } = hostOn(panel);
    panel.fromPage({ kind: 'ready' });
    panel.hide();
    void channel.notify('tick', { n: 1 });
    await tick();
    assert.equal(panel.sent.length, 1);
  });

  it('answers the page\'s requests and passes its notifications on, validated; what is not in the protocol is logged and ignored', async () => {
    const panel = new FakePanel();
    const { channel, logs } = hostOn(panel);
    const clicks: string[] = [];
    channel.onNotification('clicked', (m) => clicks.push(m.id));
    channel.onRequest('add', ({ a, b }) => a + b);
    panel.fromPage({ kind: 'ready' });
    panel.fromPage({ kind: 'notify', method: 'clicked', params: { id: 'x1' } });
    panel.fromPage({ kind: 'notify', method: 'clicked', params: { id: ['x2'] } });
    panel.fromPage({ type: 'clicked', id: 'old-format' });
    panel.fromPage({ kind: 'request', id: 1, method: 'add', params: { a: 2, b: 40 } });
    await tick();
    assert.deepEqual(clicks, ['x1']);
    assert.deepEqual(panel.sent, [{ kind: 'reply', id: 1, ok: true, result: 42 }]);
    assert.equal(logs.length, 2, logs.join('\n'));
  });

  it('disposing the panel fails pending requests ("closed") and drops the queue', async () => {
    const panel = new FakePanel();
    const { channel } = hostOn(panel);
    const queued = channel.notify('tick', { n: 1 });
    const pending = channel.request('show', { page: 1 });
    panel.dispose();
    assert.equal(await queued, false);
    await assert.rejects(pending, (e: unknown) => e instanceof ChannelError && e.code === 'closed');
    panel.fromPage({ kind: 'ready' });
    await tick();
    assert.deepEqual(panel.sent, []);
  });

  it('a message the webview could not take resolves false', async () => {
    const panel = new FakePanel();
    const { channel } = hostOn(panel);
    panel.fromPage({ kind: 'ready' });
    panel.deliverable = false;
    assert.equal(await channel.notify('tick', { n: 1 }), false);
  });
});
