/**
 * API answers that are not what an API sends: a captive portal's or proxy's login page (200, text/html)
 * or malformed JSON. They are clear errors naming the host and content type, never "offline" (which
 * would silently serve the cache), and a web page is never saved as a downloaded file.
 */
import { HubError } from './hubError';

export const HUB_ENDPOINT_HINT = 'Sign in to the network or proxy in a browser, or check HF_ENDPOINT / aiLab.hubEndpoint.';

function isHtml(contentType: string | null): boolean {
  return /\btext\/html\b|\bapplication\/xhtml\+xml\b/i.test(contentType ?? '');
}

/** The error for an answer from `url` that should be JSON and is not. */
export function notJsonError(url: string, contentType: string | null, detail: string, hint = HUB_ENDPOINT_HINT): HubError {
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
 * A fetch for libraries that parse API answers themselves (@huggingface/hub): a successful answer is
 * read and parsed here first, so a web page or broken JSON becomes a notJsonError rather than the
 * library's bare SyntaxError. Error answers pass through untouched (the library explains them).
 */
export function jsonApiFetch(f: typeof fetch, hint?: string): typeof fetch {
  return (async (input: string | URL | Request, init?: RequestInit) => {
    const url = input instanceof Request ? input.url : String(input);
    const res = await f(input, init);
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
  return `${new URL(res.url || url).host} sent a web page (content type ${type}) instead of the file: a proxy login or captive portal page? Nothing was saved. ${HUB_ENDPOINT_HINT}`;
}
