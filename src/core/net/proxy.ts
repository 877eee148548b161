/**
 * Proxies and extra CA certificates for every request of one process (plain Node: the extension host,
 * the CLI, the inference service, worker threads). Node's global fetch is undici (6.x in Node 20) and
 * asks the dispatcher stored under Symbol.for('undici.globalDispatcher.1'); undici 7's
 * setGlobalDispatcher writes that symbol too, so one installProxy() per process routes every global
 * fetch (ours and libraries') through undici's ProxyAgent (checked by test/unit/proxy*.test.ts).
 *
 * undici itself is loaded only when the first request is dispatched with a proxy or certificates set:
 * a process without either never loads it.
 */
import * as fs from 'node:fs';
import * as tls from 'node:tls';
import type { Dispatcher } from 'undici';

/** What VS Code's http.* settings (or a child's start environment) say. */
export interface ProxySettings {
  /** http.proxy: http://[user:pass@]host:port (https:// and socks5:// too). Empty: the environment decides. */
  proxy?: string;
  /** http.proxyStrictSSL: false accepts any certificate, of the proxy and of the servers behind it. */
  strictSSL: boolean;
  /** http.noProxy: hosts reached directly, as NO_PROXY lists them (host, .domain, *.domain, host:port, *). */
  noProxy: string[];
  /** Extra CA certificates (PEM text), trusted besides Node's own and NODE_EXTRA_CA_CERTS. */
  ca?: string[];
}

/** The proxy plan of a process: settings merged over the environment. */
export interface ProxyPlan {
  /** Proxy for http: URLs (absolute-URI requests), undefined: direct. */
  httpProxy?: string;
  /** Proxy for https: URLs (CONNECT tunnel), undefined: direct. */
  httpsProxy?: string;
  noProxy: string[];
  strictSSL: boolean;
  ca?: string[];
  /** Where the proxy came from, for the log. */
  from: 'settings' | 'environment' | 'none';
}

/** The variable that carries ProxySettings (JSON) from the extension host to its children. */
export const PROXY_SETTINGS_ENV = 'AI_LAB_PROXY_SETTINGS';

const DEFAULT_SETTINGS: ProxySettings = { strictSSL: true, noProxy: [] };

/** `host:port` or `http://host:port` → a URL with a scheme (env variables often leave it out). */
function withScheme(proxy: string | undefined): string | undefined {
  const p = proxy?.trim();
  if (!p) return undefined;
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(p) ? p : `http://${p}`;
}

function splitList(v: string | undefined): string[] {
  return (v ?? '').split(/[,\s]+/).map((s) => s.trim()).filter(Boolean);
}

/**
 * Settings win over the environment for the proxy itself; http.noProxy and NO_PROXY/no_proxy both
 * apply. HTTPS_PROXY (https_proxy first) serves https URLs, HTTP_PROXY both when HTTPS_PROXY is unset,
 * as undici's EnvHttpProxyAgent does.
 * @throws Error when a proxy is not a valid URL (named, credentials hidden).
 */
export function planProxy(settings: Partial<ProxySettings> | undefined, env: NodeJS.ProcessEnv = process.env): ProxyPlan {
  const s = { ...DEFAULT_SETTINGS, ...settings };
  const noProxy = [...new Set([...s.noProxy.map((e) => e.trim()).filter(Boolean), ...splitList(env.no_proxy ?? env.NO_PROXY)])];
  const ca = s.ca?.length ? s.ca : undefined;
  const fromSettings = withScheme(s.proxy);
  let httpProxy: string | undefined;
  let httpsProxy: string | undefined;
  let from: ProxyPlan['from'] = 'none';
  if (fromSettings) {
    httpProxy = httpsProxy = fromSettings;
    from = 'settings';
  } else {
    httpProxy = withScheme(env.http_proxy ?? env.HTTP_PROXY);
    httpsProxy = withScheme(env.https_proxy ?? env.HTTPS_PROXY) ?? httpProxy;
    if (httpProxy || httpsProxy) from = 'environment';
  }
  for (const p of [httpProxy, httpsProxy]) if (p && !URL.canParse(p)) throw new Error(`the proxy ${redact(p)} is not a URL: write it as http://host:port (http.proxy or HTTPS_PROXY)`);
  return { httpProxy, httpsProxy, noProxy, strictSSL: s.strictSSL, ca, from };
}

/** `url` without the password of its user part, for messages and the log. */
export function redact(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)([^@/]*)@/i, (_m, scheme: string, user: string) => `${scheme}${user.includes(':') ? `${user.split(':')[0]}:***` : user}@`);
}

const DEFAULT_PORTS: Record<string, number> = { 'http:': 80, 'https:': 443 };

/** Whether `target` is listed in noProxy (same rules as undici's EnvHttpProxyAgent and curl). */
export function bypassesProxy(noProxy: string[], target: URL): boolean {
  const host = target.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = Number(target.port) || DEFAULT_PORTS[target.protocol] || 0;
  for (const raw of noProxy) {
    if (raw === '*') return true;
    const m = /^(.+):(\d+)$/.exec(raw);
    if (m && m[1] && !m[1].includes(':') && Number(m[2]) !== port) continue;
    const name = (m && !m[1]!.includes(':') ? m[1]! : raw).replace(/^\*?\./, '').replace(/^\[|\]$/g, '').toLowerCase();
    if (host === name || host.endsWith(`.${name}`)) return true;
  }
  return false;
}

/** The proxy a request to `url` goes through under `plan`, or undefined (direct). */
export function proxyFor(plan: ProxyPlan, url: string | URL): string | undefined {
  const u = typeof url === 'string' ? new URL(url) : url;
  const proxy = u.protocol === 'https:' ? plan.httpsProxy : u.protocol === 'http:' ? plan.httpProxy : undefined;
  return proxy && !bypassesProxy(plan.noProxy, u) ? proxy : undefined;
}

/** Whether `plan` changes anything from Node's defaults (no proxy, default certificates, strict). */
export function planMatters(plan: ProxyPlan): boolean {
  return Boolean(plan.httpProxy || plan.httpsProxy || plan.ca || !plan.strictSSL);
}

/**
 * TLS options of `plan`: extra CAs are added to Node's bundled roots and NODE_EXTRA_CA_CERTS (Node
 * drops both when `ca` is given, so they are read here), strictSSL false turns verification off.
 */
export function tlsOptions(plan: ProxyPlan, env: NodeJS.ProcessEnv = process.env): { ca?: string[]; rejectUnauthorized?: boolean } {
  const out: { ca?: string[]; rejectUnauthorized?: boolean } = {};
  if (!plan.strictSSL) out.rejectUnauthorized = false;
  if (plan.ca) {
    const extraFile = env.NODE_EXTRA_CA_CERTS;
    let extra: string[] = [];
    try {
      if (extraFile) extra = [fs.readFileSync(extraFile, 'utf8')];
    } catch {
      // Node itself warns at start about an unreadable NODE_EXTRA_CA_CERTS.
    }
    out.ca = [...tls.rootCertificates, ...extra, ...plan.ca];
  }
  return out;
}

/**
 * The undici dispatcher for `plan`: requests to a noProxy host go direct, the others through a
 * ProxyAgent (credentials in the proxy URL become Proxy-Authorization; http URLs are sent as
 * absolute-URI requests, https ones through a CONNECT tunnel).
 */
export function makeDispatcher(plan: ProxyPlan, env: NodeJS.ProcessEnv = process.env): Dispatcher {
  // Loaded here, not at the top: a process without a proxy never pays for undici's load (~0.1–0.2 s).
  const undici = require('undici') as typeof import('undici');
  const t = tlsOptions(plan, env);
  const direct = new undici.Agent({ connect: t });
  const agents = new Map<string, Dispatcher>();
  const agentFor = (proxy: string): Dispatcher => {
    let a = agents.get(proxy);
    if (!a) {
      a = new undici.ProxyAgent({ uri: proxy, proxyTunnel: false, requestTls: t, proxyTls: t });
      agents.set(proxy, a);
    }
    return a;
  };
  class RoutingDispatcher extends undici.Dispatcher {
    override dispatch(opts: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
      const proxy = opts.origin ? proxyFor(plan, String(opts.origin)) : undefined;
      return (proxy ? agentFor(proxy) : direct).dispatch(opts, handler);
    }
    override async close(): Promise<void> {
      await Promise.all([direct.close(), ...[...agents.values()].map((a) => a.close())]);
    }
    override async destroy(): Promise<void> {
      await Promise.all([direct.destroy(), ...[...agents.values()].map((a) => a.destroy())]);
    }
  }
  return new RoutingDispatcher();
}

// Where Node's fetch (undici 6, "…1") and undici 7 ("…2") look for the process-wide dispatcher.
const GLOBAL_KEYS = [Symbol.for('undici.globalDispatcher.1'), Symbol.for('undici.globalDispatcher.2')];
type GlobalSlots = Record<symbol, unknown>;

interface Lazy {
  /** What goes into the global slot: builds the real dispatcher on its first request. */
  slot: Dispatcher;
  /** The real dispatcher, built now if need be. */
  real: () => Dispatcher;
  /** The real dispatcher if built. */
  built: () => Dispatcher | undefined;
}

let installed: (Lazy & { plan: ProxyPlan }) | undefined;
let before: unknown;

/** A dispatcher that is built on its first request (so installing costs nothing, undici unloaded). */
function lazyDispatcher(plan: ProxyPlan, env: NodeJS.ProcessEnv): Lazy {
  let real: Dispatcher | undefined;
  const get = () => (real ??= makeDispatcher(plan, env));
  const slot = {
    dispatch: (opts: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler) => get().dispatch(opts, handler),
    close: async () => void (await real?.close()),
    destroy: async () => void (await real?.destroy()),
  } as unknown as Dispatcher;
  return { slot, real: get, built: () => real };
}

function setGlobal(value: unknown): void {
  const g = globalThis as unknown as GlobalSlots;
  // The same property shape undici's setGlobalDispatcher defines (writable, not configurable).
  for (const k of GLOBAL_KEYS) Object.defineProperty(g, k, { value, writable: true, enumerable: false, configurable: false });
}

/**
 * Routes every request of this process by `settings` merged over `env` (call once at process start;
 * again when the settings change). Sets PROXY_SETTINGS_ENV in process.env so that child processes and
 * worker threads started afterwards get the same settings (installProxyFromEnv there); they inherit
 * NODE_EXTRA_CA_CERTS and the proxy variables with the rest of the environment.
 * A plan that changes nothing restores the dispatcher that was there before.
 * @returns the plan in force.
 * @throws Error when a proxy is not a URL (nothing is changed then).
 */
export function installProxy(settings?: Partial<ProxySettings>, env: NodeJS.ProcessEnv = process.env): ProxyPlan {
  const plan = planProxy(settings, env);
  const g = globalThis as unknown as GlobalSlots;
  const old = installed;
  if (planMatters(plan)) {
    before ??= g[GLOBAL_KEYS[0]!];
    installed = { plan, ...lazyDispatcher(plan, env) };
    setGlobal(installed.slot);
  } else if (old) {
    installed = undefined;
    // Node's fetch reads the slot on every request, so it is never left empty: a process that had no
    // dispatcher yet (Node makes its own on the first fetch) gets a plain Agent.
    setGlobal(before ?? new (require('undici') as typeof import('undici')).Agent());
    before = undefined;
  }
  void old?.built()?.close().catch(() => undefined);
  if (settings) process.env[PROXY_SETTINGS_ENV] = JSON.stringify({ ...DEFAULT_SETTINGS, ...settings });
  else delete process.env[PROXY_SETTINGS_ENV];
  return plan;
}

/**
 * installProxy with the settings a parent passed in PROXY_SETTINGS_ENV (absent: the environment's
 * proxy variables alone). For child processes and worker threads, first thing at their start.
 * A malformed value is reported on stderr and ignored (the environment's variables still apply).
 */
export function installProxyFromEnv(env: NodeJS.ProcessEnv = process.env): ProxyPlan {
  let settings: Partial<ProxySettings> | undefined;
  const raw = env[PROXY_SETTINGS_ENV];
  if (raw) {
    try {
      settings = JSON.parse(raw) as Partial<ProxySettings>;
    } catch (err) {
      process.stderr.write(`AI Lab: ignoring ${PROXY_SETTINGS_ENV}: not JSON (${(err as Error).message})\n`);
    }
  }
  try {
    return installProxy(settings, env);
  } catch (err) {
    process.stderr.write(`AI Lab: no proxy installed: ${(err as Error).message}\n`);
    return planProxy(undefined, {});
  }
}

/** The plan installProxy put in force in this process, or undefined (Node's defaults). */
export function currentProxyPlan(): ProxyPlan | undefined {
  return installed?.plan;
}

/**
 * The fetch AI Lab's own requests use (the default of makeRetryingFetch). Normally the global fetch,
 * which reaches the dispatcher installed here. But VS Code replaces the extension host's global fetch
 * with its own proxy support (http.proxySupport), which picks the proxy and certificates itself and
 * knows neither http.proxyStrictSSL nor extra CAs: when the plan has either, AI Lab's requests go
 * through undici's own fetch with this dispatcher instead, so they apply in every process alike.
 */
export const netFetch: typeof fetch = (input, init) => {
  const plan = installed?.plan;
  if (!installed || !plan || (plan.strictSSL && !plan.ca)) return fetch(input, init);
  const undici = require('undici') as typeof import('undici');
  const url = input instanceof Request ? input.url : String(input);
  const i = input instanceof Request ? { method: input.method, headers: input.headers, body: input.body, signal: input.signal, ...init } : init;
  return undici.fetch(url, { ...(i as object), dispatcher: installed.real() } as Parameters<typeof undici.fetch>[1]) as unknown as Promise<Response>;
};
