/**
 * Model and dataset cards are untrusted: README markdown (with raw HTML) rendered by markdown-it and then
 * sanitized with an allow-list, so scripts, event handlers, javascript: links, iframes and styles never
 * reach the webview. Relative links and images are resolved against the repo on the Hub.
 */
import { load as loadYaml, JSON_SCHEMA } from 'js-yaml';
import MarkdownIt from 'markdown-it';
import sanitizeHtml from 'sanitize-html';

export interface FrontMatter {
  meta?: Record<string, unknown>;
  body: string;
  /** Set when the front matter is not valid YAML, or not a mapping (a list, a bare value): the card still renders. */
  error?: string;
}

export function splitFrontMatter(md: string): FrontMatter {
  const m = /^\uFEFF?---\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/.exec(md);
  if (!m) return { body: md };
  const body = md.slice(m[0].length);
  try {
    const meta = loadYaml(m[1]!, { schema: JSON_SCHEMA });
    if (meta && typeof meta === 'object' && !Array.isArray(meta)) return { meta: meta as Record<string, unknown>, body };
    // Empty front matter is no metadata; a list or a bare value is metadata the Hub cannot read as fields.
    if (meta === null || meta === undefined) return { body };
    return { body, error: `The card's metadata is not a YAML mapping of "key: value" lines: it holds ${Array.isArray(meta) ? 'a list' : `a single ${typeof meta}`}` };
  } catch (err) {
    return { body, error: `The card's metadata is not valid YAML: ${(err as Error).message.split('\n')[0]}` };
  }
}

/** The front-matter fields worth a row, in this order, each as text. */
const CARD_FIELDS = ['license', 'pipeline_tag', 'library_name', 'language', 'datasets', 'metrics', 'base_model', 'tags'];

function asText(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (Array.isArray(v)) return v.map(asText).filter(Boolean).join(', ');
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

export function cardTable(meta: Record<string, unknown> | undefined): Array<{ key: string; value: string }> {
  if (!meta) return [];
  return CARD_FIELDS.filter((k) => meta[k] !== undefined && asText(meta[k]) !== '').map((k) => ({ key: k, value: asText(meta[k]) }));
}

export interface RenderOptions {
  /** e.g. https://huggingface.co/org/name (for models) or …/datasets/org/name. */
  repoUrl: string;
  /** Keep remote images (they load from their hosts); otherwise they become links. */
  remoteImages?: boolean;
}

const md = new MarkdownIt({ html: true, linkify: true, typographer: false });

const ALLOWED_TAGS = [
  'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'p', 'br', 'hr', 'a', 'img', 'ul', 'ol', 'li', 'strong', 'b', 'em', 'i', 'del', 's',
  'code', 'pre', 'blockquote', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'details', 'summary', 'sup', 'sub', 'kbd', 'div', 'span',
];

function resolveUrl(raw: string, base: string, kind: 'blob' | 'resolve'): string | undefined {
  const href = raw.trim();
  if (!href) return undefined;
  if (href.startsWith('#')) return href;
  try {
    const abs = /^[a-z][a-z0-9+.-]*:/i.test(href) || href.startsWith('//') ? new URL(href, 'https://x') : new URL(href.replace(/^\.?\//, ''), `${base}/${kind}/main/`);
    return ['http:', 'https:', 'mailto:'].includes(abs.protocol) ? abs.href : undefined;
  } catch {
    return undefined;
  }
}

export function renderCard(markdown: string, o: RenderOptions): string {
  const html = md.render(markdown);
  return sanitizeHtml(html, {
    allowedTags: ALLOWED_TAGS,
    allowedAttributes: {
      a: ['href', 'title', 'rel'],
      img: ['src', 'alt', 'title', 'width', 'height'],
      th: ['align'],
      td: ['align'],
      code: ['class'],
      '*': [],
    },
    allowedSchemes: ['http', 'https', 'mailto'],
    allowedSchemesAppliedToAttributes: ['href', 'src'],
    allowProtocolRelative: false,
    // Dropped with their content, not just their tags.
    nonTextTags: ['script', 'style', 'textarea', 'noscript', 'iframe', 'object', 'embed', 'svg', 'math', 'template'],
    allowedClasses: { code: [/^language-[\w-]+$/] },
    transformTags: {
      a: (_tag, attribs): sanitizeHtml.Tag => {
        const href = attribs.href ? resolveUrl(attribs.href, o.repoUrl, 'blob') : undefined;
        const out: sanitizeHtml.Attributes = href ? { href, title: attribs.title ?? href, rel: 'noopener noreferrer' } : {};
        return { tagName: 'a', attribs: out };
      },
      img: (_tag, attribs): sanitizeHtml.Tag => {
        const src = attribs.src ? resolveUrl(attribs.src, o.repoUrl, 'resolve') : undefined;
        const alt = attribs.alt || 'image';
        if (!src || src.startsWith('#') || src.startsWith('mailto:')) return { tagName: 'span', attribs: {}, text: `[${alt}]` };
        if (!o.remoteImages) return { tagName: 'a', attribs: { href: src, title: src }, text: `[image: ${alt}]` };
        const out: sanitizeHtml.Attributes = { src, alt };
        if (attribs.width) out.width = attribs.width;
        if (attribs.height) out.height = attribs.height;
        return { tagName: 'img', attribs: out };
      },
    },
    allowedSchemesByTag: { img: ['http', 'https'] },
  });
}
