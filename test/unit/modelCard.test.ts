import * as assert from 'node:assert/strict';
import { cardTable, renderCard, splitFrontMatter } from '../../src/core/hub/modelCard';
import { HOSTILE_CARD } from '../fixtures/hub/catalog';

describe('Model cards: front matter and sanitized markdown', () => {
  const repoUrl = 'https://huggingface.co/Xenova/fixture-sst2';

  it('splits the YAML front matter into a table of the fields that matter', () => {
    const { meta, body, error } = splitFrontMatter(HOSTILE_CARD);
    assert.equal(error, undefined);
    assert.ok(body.startsWith('# Fixture SST-2'));
    assert.deepEqual(cardTable(meta), [
      { key: 'license', value: 'apache-2.0' },
      { key: 'pipeline_tag', value: 'text-classification' },
      { key: 'language', value: 'en' },
      { key: 'datasets', value: 'sst2' },
      { key: 'metrics', value: 'accuracy' },
    ]);
  });

  it('renders a card whose front matter is broken, and says so', () => {
    const f = splitFrontMatter('---\nlicense: [unclosed\n---\n# Hello\n');
    assert.match(f.error!, /not valid YAML/);
    assert.match(renderCard(f.body, { repoUrl }), /<h1>Hello<\/h1>/);
    assert.deepEqual(splitFrontMatter('# No front matter').body, '# No front matter');
  });

  it('renders scripts, event handlers, javascript: links, iframes and styles inert', () => {
    const html = renderCard(splitFrontMatter(HOSTILE_CARD).body, { repoUrl });
    assert.doesNotMatch(html, /<script|onerror|onclick|href="javascript|<iframe|style=/i);
    assert.doesNotMatch(html, /pwned-(script|onerror|a)/, 'script content and handlers are dropped, not shown');
    // markdown-it refuses the javascript: link, so it stays plain text.
    assert.match(html, /<p>\[Click me\]\(javascript:document\.title='pwned-link'\) and <a>this<\/a>\.<\/p>/);
    assert.match(html, /<table>[\s\S]*<td>accuracy<\/td>/, 'tables render');
    assert.match(html, /<a href="https:\/\/huggingface\.co\/Xenova\/fixture-sst2\/blob\/main\/docs\/usage\.md"/, 'relative links point at the repo');
    // Images are links unless remote images are allowed; relative ones resolve into the repo.
    assert.match(html, /<a href="https:\/\/huggingface\.co\/Xenova\/fixture-sst2\/resolve\/main\/missing\.png"[^>]*>\[image: image\]<\/a>/);
    assert.match(renderCard('![logo](img/logo.png)', { repoUrl, remoteImages: true }), /<img src="https:\/\/huggingface\.co\/Xenova\/fixture-sst2\/resolve\/main\/img\/logo\.png" alt="logo" \/>/);
  });

  it('escapes code and drops dangerous schemes in every form', () => {
    const html = renderCard('```html\n<script>x</script>\n```\n<a href=" JAVASCRIPT:alert(1)">a</a> <a href="data:text/html,x">b</a> <a href="vbscript:x">c</a> <svg onload="x()"><circle/></svg>', { repoUrl });
    assert.match(html, /&lt;script&gt;x&lt;\/script&gt;/);
    assert.doesNotMatch(html, /javascript|data:|vbscript|<svg|onload/i);
  });
});
