/**
 * The one fetch that every Hub-facing caller gets (our code and the @huggingface/hub library alike):
 * it sends the token only to the origins it was given for (the Hub endpoint, a configured dataset
 * viewer) and strips any Authorization header from a request to any other origin, whatever form the
 * headers came in. Redirects are followed by hand, so a redirect to a CDN or to a host named by a
 * hostile server goes there without the token.
 */
import { netFetch } from '../net/proxy';

export interface GuardOptions {
  /** Origins (or URLs, reduced to their origin) the token may go to; usually the Hub endpoint. */
  trusted: string[];
  /** Added as `Authorization: Bearer <token>` to requests for a trusted origin. */
  token?: string;
  /** What actually sends requests (a retrying fetch); global fetch by default. */
  fetchImpl?: typeof fetch;
  /** Redirects followed before giving up (fetch's own limit is 20). */
  maxRedirects?: number;
}

const REDIRECT = new Set([301, 302, 303, 307, 308]);

/**
 * A request AI Lab will not make: a redirect to a scheme other than http(s) (file:, data:, ftp:…) or a
 * redirect loop. `final`: retrying cannot help, so downloads stop at once.
 */
export class RefusedRequestError extends Error {
  readonly final = true;
  constructor(message: string) {
    super(message);
    this.name = 'RefusedRequestError';
  }
}

/** Throws RefusedRequestError unless `url` is http: or https: (`from`: who named it, for the message). */
export function assertHttpUrl(url: string, from?: string): void {
  const protocol = new URL(url).protocol;
  if (protocol === 'http:' || protocol === 'https:') return;
  const shown = url.length > 80 ? `${url.slice(0, 77)}...` : url;
  throw new RefusedRequestError(`${from ? `${from} redirected to` : 'Refusing'} a ${protocol} URL (${shown}); only http(s) is followed`);
}

/** The origin of a URL string or URL; throws on what is not a URL. */
export function originOf(url: string | URL): string {
  return new URL(url).origin;
}

/**
 * A fetch that adds the token for trusted origins only and never lets an Authorization header reach
 * another origin (Headers objects, plain records in any casing, [name, value] arrays and Request
 * objects are all handled). Redirects are followed hand by hand (redirect: 'manual' underneath),
 * re-deciding the header at each hop; a caller that asks for redirect: 'manual' gets the 3xx itself.
 */
export function makeGuardedFetch(o: GuardOptions): typeof fetch {
  const trusted = new Set(o.trusted.map((t) => originOf(t)));
  const impl = o.fetchImpl ?? netFetch;
  const max = o.maxRedirects ?? 10;
  return (async (input: string | URL | Request, init?: RequestInit) => {
    const req = input instanceof Request ? input : undefined;
    let url = req ? req.url : input instanceof URL ? input.href : String(input);
    const headers = new Headers(req?.headers);
    new Headers(init?.headers).forEach((value, name) => headers.set(name, value));
    // A caller's own Authorization is kept only where a token may go at all.
    const callerAuth = headers.get('authorization');
    let method = (init?.method ?? req?.method ?? 'GET').toUpperCase();
    let body = init?.body !== undefined ? init.body : (req?.body ?? null);
    const signal = init?.signal ?? req?.signal;
    const follow = (init?.redirect ?? req?.redirect ?? 'follow') !== 'manual';
    let from: string | undefined;
    for (let hop = 0; ; hop++) {
      assertHttpUrl(url, from);
      const h = new Headers(headers);
      h.delete('authorization');
      if (trusted.has(originOf(url))) {
        const auth = o.token ? `Bearer ${o.token}` : callerAuth;
        if (auth) h.set('authorization', auth);
      }
      const res = await impl(url, {
        ...init,
        method,
        headers: h,
        body,
        signal,
        redirect: 'manual',
        ...(body ? { duplex: 'half' } : {}),
      } as RequestInit);
      const location = res.headers.get('location');
      if (!follow || !REDIRECT.has(res.status) || !location) return res;
      if (hop >= max) throw new RefusedRequestError(`too many redirects (more than ${max}) from ${req?.url ?? String(input)}`);
      await res.body?.cancel().catch(() => undefined);
      const next = new URL(location, url).href;
      if (res.status === 303 || ((res.status === 301 || res.status === 302) && method === 'POST')) {
        method = method === 'HEAD' ? 'HEAD' : 'GET';
        body = null;
        headers.delete('content-type');
        headers.delete('content-length');
      } else if (body) {
        throw new Error(`${url} redirected a ${method} with a body to ${next}; AI Lab does not resend bodies`);
      }
      from = url;
      url = next;
    }
  }) as typeof fetch;
}
