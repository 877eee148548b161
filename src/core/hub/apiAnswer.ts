/**
 * API answers that are not what an API sends: a captive portal's or proxy's login page (200, text/html)
 * or malformed JSON. They are clear errors naming the host and content type, never "offline" (which
 * would silently serve the cache), and a web page is never saved as a downloaded file.
 */
import { setting, surface } from '../surface/names';
import { HubError } from './hubError';

export const hubEndpointHint = (): string => `Sign in to the network or proxy in a browser, or check ${surface().id === 'cli' ? '--endpoint / HF_ENDPOINT' : `HF_ENDPOINT / ${setting('aiLab.hubEndpoint')}`}.`;

function isHtml(contentType: string | null): boolean {
  return /\btext\/html\b|\bapplication\/xhtml\+xml\b/i.test(contentType ?? '');
}

/** The error for an answer from `url` that should be JSON and is not. */
export function notJsonError(url: string, contentType: string | null, detail: string, hint = hubEndpointHint()): HubError {
  const u = new URL(url);
  const what = isHtml(contentType)
    ? `a web page (content type ${contentType}) instead of JSON: a proxy login or captive portal page?`
    : `malformed JSON (content type ${contentType || 'none'}: ${detail})`;
  return new HubError(`${u.host} answered ${u.pathname} with ${what} ${hint}`, 'invalid');
}

/** The JSON body of `res`, or a notJsonError naming `url`'s host and the content type. */
export async function readJsonAnswer(res: Response, url: string, hint?: string): Promise<unknown> {
  const text = await res.text();
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw notJsonError(url, res.headers.get('content-type'), (err as Error).message, hint);
  }
}

/**
 * Why a refusal (401/403/407) is not the Hub's: a web page without the Hub's X-Error-Code, as a proxy
 * login or captive portal sends. undefined when it may be the Hub's own (gated, private, bad token).
 */
export function webPageRefusal(res: Response, url: string): string | undefined {
  const type = res.headers.get('content-type');
  if (![401, 403, 407].includes(res.status) || !isHtml(type) || res.headers.has('x-error-code')) return undefined;
  const u = new URL(res.url || url);
  return `${u.host} answered ${u.pathname} with HTTP ${res.status} and a web page (content type ${type}), not the Hub's answer: a proxy login or captive portal page? ${hubEndpointHint()}`;
}

/**
 * A fetch for libraries that parse API answers themselves (@huggingface/hub): a successful answer is
 * read and parsed here first, so a web page or broken JSON becomes a notJsonError rather than the
 * library's bare SyntaxError. Error answers pass through untouched (the library explains them).
 */
export function jsonApiFetch(f: typeof fetch, hint?: string, endpoint?: string): typeof fetch {
  return (async (input: string | URL | Request, init?: RequestInit) => {
    const url = input instanceof Request ? input.url : String(input);
    const res = await f(input, init);
    const portal = webPageRefusal(res, url);
    if (portal) throw new HubError(portal, 'invalid');
    const at = new URL(res.url || url);
    if ((res.status === 401 || res.status === 403) && endpoint && at.origin !== new URL(endpoint).origin) {
      // A Link page or redirect the Hub's answer named on another origin: it never gets the token, so
      // its refusal says nothing about access to the repo.
      throw new HubError(
        `${at.host} refused ${at.pathname} with HTTP ${res.status}. It is not the Hub endpoint (${new URL(endpoint).origin}), so AI Lab sent it no token; the endpoint's answer pointed there (a Link page or redirect). Check ${surface().id === 'cli' ? '--endpoint / HF_ENDPOINT' : `HF_ENDPOINT / ${setting('aiLab.hubEndpoint')}`} or the mirror.`,
        'invalid',
      );
    }
    if (!res.ok || res.status === 204) return res;
    const text = await res.text();
    try {
      JSON.parse(text);
    } catch (err) {
      throw notJsonError(url, res.headers.get('content-type'), (err as Error).message, hint);
    }
    return new Response(text, { status: res.status, statusText: res.statusText, headers: res.headers });
  }) as typeof fetch;
}

/**
 * Why a file download's answer is not the file: a web page (text/html) for a file that is not one.
 * undefined when the answer may be the file.
 */
export function webPageInsteadOfFile(res: Response, url: string): string | undefined {
  const type = res.headers.get('content-type');
  if (!isHtml(type) || /\.x?html?$/i.test(new URL(url).pathname)) return undefined;
  return `${new URL(res.url || url).host} sent a web page (content type ${type}) instead of the file: a proxy login or captive portal page? Nothing was saved. ${hubEndpointHint()}`;
}
