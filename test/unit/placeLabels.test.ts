import * as assert from 'node:assert/strict';
import { placeLabels } from '../../src/shared/placeLabels';

describe('placeLabels (where the results panel says an answer is)', () => {
  it('names the file of an Ask the Workspace answer, and its page in a PDF', () => {
    assert.deepEqual(placeLabels({ file: 'docs/dealer.pdf', page: 3 }), { file: 'docs/dealer.pdf', pages: 'p. 3' });
    assert.deepEqual(placeLabels({ file: 'kitchen-notes.md' }), { file: 'kitchen-notes.md', pages: undefined });
  });

  it('gives a page range only when the answer runs over a page break', () => {
    assert.deepEqual(placeLabels({ page: 6, pageEnd: 7 }), { file: undefined, pages: 'pp. 6–7' });
    assert.deepEqual(placeLabels({ page: 7, pageEnd: 7 }), { file: undefined, pages: 'p. 7' });
  });

  it('says nothing for an answer of one document without pages (Ask on the selection)', () => {
    assert.deepEqual(placeLabels({}), { file: undefined, pages: undefined });
    assert.deepEqual(placeLabels({ file: '  ' }), { file: undefined, pages: undefined });
  });
});
