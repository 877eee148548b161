import * as assert from 'node:assert/strict';
import { parseFromViewer } from '../../src/shared/pdfProtocol';

describe('PDF viewer protocol: what the page may tell the host', () => {
  it('keeps a selection with its page, and its text page by page when it spans pages', () => {
    assert.deepEqual(parseFromViewer({ type: 'selection', text: 'abc', page: 7 }), { type: 'selection', text: 'abc', page: 7 });
    const parts = [{ page: 6, text: 'end of six' }, { page: 7, text: 'start of seven' }];
    assert.deepEqual(parseFromViewer({ type: 'selection', text: 'end of six start of seven', page: 6, parts, extra: 1 }), { type: 'selection', text: 'end of six start of seven', page: 6, parts });
  });

  it('drops parts that are not pages with text, and refuses what is not a message', () => {
    for (const parts of [[{ page: 6, text: 'one page only' }], [{ page: -1, text: 'a' }, { page: 2, text: 'b' }], [{ page: 1 }, { page: 2, text: 'b' }], 'pages', [{ page: 1, text: 'x'.repeat(2_000_001) }, { page: 2, text: '' }]]) {
      assert.deepEqual(parseFromViewer({ type: 'selection', text: 'abc', page: 1, parts }), { type: 'selection', text: 'abc', page: 1 }, JSON.stringify(parts).slice(0, 80));
    }
    for (const m of [null, 'selection', { type: 'selection' }, { type: 'selection', text: 5 }, { type: 'page', page: 1.5, zoom: 1 }, { type: 'nope' }]) assert.equal(parseFromViewer(m), undefined);
  });
});
