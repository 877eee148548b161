/**
 * Failures of the proxy itself, told apart from failures of the server behind it: a proxy that wants
 * credentials (407), one that cannot be reached, one that refuses the tunnel. Without this, a dead
 * proxy reads as "the Hub cannot be reached" and a 407 as a bare "fetch failed".
 */
import { setting, surface } from '../surface/names';
import { currentProxyPlan, proxyFor, redact, type ProxyPlan } from './proxy';

export type ProxyFailure = 'auth' | 'unreachable' | 'refused';

/** A failure on the way to a server (its proxy, or the certificate it shows), not of the server itself. */
export abstract class NetPathError extends Error {
  /** Retrying the same request cannot help. */
  abstract readonly final: boolean;
  /** Like a network failure: a cache may stand in (the message still says what is wrong). */
  abstract readonly isNetwork: boolean;
}

export class ProxyError extends NetPathError {
  readonly final: boolean;
  readonly isNetwork: boolean;
  constructor(
    message: string,
    readonly reason: ProxyFailure,
    /** host:port of the proxy. */
    readonly proxyHost: string,
    /** HTTP status the proxy answered, when it answered. */
    readonly status?: number,
  ) {
    super(message);
    this.name = 'ProxyError';
    this.final = reason === 'auth' || (reason === 'refused' && (status ?? 0) < 500);
    // A dead proxy, or one that cannot reach the server: as good as offline.
    this.isNetwork = reason === 'unreachable' || (reason === 'refused' && (status ?? 0) >= 500);
  }
}

/**
 * The server's certificate is not trusted: a company proxy or firewall that inspects HTTPS, a captive
 * portal, or a server with a self-signed certificate. Final (a retry sees the same certificate), and
 * network-like: a cache may stand in, as when offline.
 */
export class CertificateError extends NetPathError {
  readonly final = true;
  readonly isNetwork = true;
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = 'CertificateError';
  }
}

const CONNECT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT']);

function where(plan: ProxyPlan, https: boolean): string {
  return plan.from === 'settings' ? 'http.proxy' : https ? 'HTTPS_PROXY' : 'HTTP_PROXY';
}

function hostPort(proxy: string): string {
  const u = new URL(proxy);
  return `${u.hostname}:${u.port || (u.protocol === 'https:' ? 443 : 80)}`;
}

/**
 * The codes and messages of an error and its causes: Node's fetch wraps undici's error once or twice
 * (TypeError "fetch failed" → DOMException "Request was cancelled." → the proxy's answer).
 */
function causeChain(err: unknown): { codes: string[]; message: string } {
  const codes: string[] = [];
  const messages: string[] = [];
  let e = err as { code?: unknown; message?: unknown; cause?: unknown } | undefined;
  for (let depth = 0; e && typeof e === 'object' && depth < 6; depth++, e = e.cause as typeof e) {
    if (typeof e.code === 'string') codes.push(e.code);
    if (typeof e.message === 'string') messages.push(e.message);
  }
  return { codes, message: messages.join(' | ') };
}

const CERT_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** A fetch of `url` that failed on the server's certificate, explained; undefined for other failures. */
export function certificateError(err: unknown, url: string): CertificateError | undefined {
  const { codes } = causeChain(err);
  const code = codes.find((c) => CERT_CODES.has(c));
  if (!code) return undefined;
  let host = url;
  try {
    host = new URL(url).host;
  } catch {
    // Named as given.
  }
  const untrusted = !/EXPIRED|NOT_YET_VALID|ALTNAME/.test(code);
  return new CertificateError(
    `the certificate of ${host} is ${untrusted ? 'not trusted' : 'not valid for it'} (${code}). ` +
      (untrusted
        ? `If a company proxy or firewall inspects HTTPS, trust its CA: NODE_EXTRA_CA_CERTS=/path/to/ca.pem (set before VS Code or the CLI starts)${surface().id === 'cli' ? '.' : ` or the setting ${setting('aiLab.http.caCertificates')}; http.proxyStrictSSL: false turns the check off.`}`
        : 'Check the address and the computer\'s clock; a proxy that inspects HTTPS may be sending its own certificate.'),
    code,
  );
}

/** The 407 message: the proxy wants credentials, or refused the ones given. */
export function proxyAuthError(proxy: string, setting: string): ProxyError {
  const u = new URL(proxy);
  const host = hostPort(proxy);
  const msg = u.username
    ? `the proxy at ${host} refused the credentials of ${redact(proxy)} (HTTP 407): check the user and password in ${setting} (http://user:pass@host:port; special characters percent-encoded)`
    : `the proxy at ${host} asked for credentials (HTTP 407): put them in http.proxy as http://user:pass@host:port or HTTPS_PROXY`;
  return new ProxyError(msg, 'auth', host, 407);
}

/**
 * What a failed fetch of `url` says about the proxy in force (plan: this process's, by default), or
 * undefined when no proxy was used or the failure is not the proxy's.
 */
export function explainNetPathFailure(err: unknown, url: string, plan: ProxyPlan | undefined = currentProxyPlan()): NetPathError | undefined {
  if (err instanceof NetPathError) return err;
  const cert = certificateError(err, url);
  if (cert || !plan) return cert;
  let proxy: string | undefined;
  let https = false;
  try {
    const u = new URL(url);
    https = u.protocol === 'https:';
    proxy = proxyFor(plan, u);
  } catch {
    return undefined;
  }
  if (!proxy) return undefined;
  const host = hostPort(proxy);
  const setting = where(plan, https);
  const { codes, message } = causeChain(err);
  // undici: "Proxy response (407) !== 200 when HTTP Tunneling" (CONNECT), "Proxy Authentication Required (407)" (plain http).
  const status = Number(/Proxy response \((\d{3})\)/.exec(message)?.[1] ?? (/Proxy Authentication Required/.test(message) ? 407 : NaN));
  if (status === 407) return proxyAuthError(proxy, setting);
  const target = new URL(url).host;
  if (Number.isFinite(status)) {
    return new ProxyError(`the proxy ${host} would not connect to ${target} (HTTP ${status}${status === 403 ? ': not allowed by the proxy' : status >= 500 ? ': the proxy could not reach it' : ''}). Check ${setting}, or list ${new URL(url).hostname} in http.noProxy / NO_PROXY if it is reached directly.`, 'refused', host, status);
  }
  const code = codes.find((c) => CONNECT_CODES.has(c));
  if (code) {
    return new ProxyError(`the proxy ${host} could not be reached (${code}) on the way to ${target}: check ${setting}, or list ${new URL(url).hostname} in http.noProxy / NO_PROXY if it is reached directly.`, 'unreachable', host);
  }
  return undefined;
}

/** A 407 answer that reached the caller as a response (a proxy undici did not treat as one). */
export function proxyAuthAnswer(res: Response, url: string, plan: ProxyPlan | undefined = currentProxyPlan()): ProxyError | undefined {
  if (res.status !== 407) return undefined;
  const u = new URL(url);
  const proxy = plan ? proxyFor(plan, u) : undefined;
  if (proxy) return proxyAuthError(proxy, where(plan!, u.protocol === 'https:'));
  return new ProxyError(`a proxy between AI Lab and ${u.host} asked for credentials (HTTP 407): put them in http.proxy as http://user:pass@host:port or HTTPS_PROXY`, 'auth', u.host, 407);
}
