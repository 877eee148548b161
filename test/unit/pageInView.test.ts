import * as assert from 'node:assert/strict';
import { pageInView } from '../../src/shared/pageInView';

describe('pageInView (the PDF viewer\'s page box)', () => {
  // Three pages of 800 px with 10 px gaps in a view 900 px high. An answer near the top of page 3
  // (at 1700) centred in the view leaves scrollTop at 1250: page 3's top is below a third of the view.
  const layout = { tops: [10, 820, 1630], heights: [800, 800, 800], clientHeight: 900 };

  it('names the page an answer was shown on, though the answer centred leaves the page above over a third of the view', () => {
    assert.equal(pageInView({ ...layout, scrollTop: 1250 }), 2);
    assert.equal(pageInView({ ...layout, scrollTop: 1250, asked: { page: 3, scrollTop: 1250 } }), 3);
  });

  it('follows the scrolling once the view moves away from where the request left it', () => {
    assert.equal(pageInView({ ...layout, scrollTop: 400, asked: { page: 3, scrollTop: 1250 } }), 1);
    assert.equal(pageInView({ ...layout, scrollTop: 812, asked: { page: 3, scrollTop: 1250 } }), 2);
    assert.equal(pageInView({ ...layout, scrollTop: 1500, asked: { page: 3, scrollTop: 1250 } }), 3);
  });

  it('ignores a request for a page that is not in view, and gives 1 for no pages', () => {
    assert.equal(pageInView({ ...layout, scrollTop: 0, asked: { page: 3, scrollTop: 0 } }), 1);
    assert.equal(pageInView({ tops: [], heights: [], clientHeight: 900, scrollTop: 0, asked: { page: 2, scrollTop: 0 } }), 1);
  });
});
