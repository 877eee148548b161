import * as assert from 'node:assert/strict';
import { dense, placeAnswer } from '../../src/shared/answerPlace';
import { PDF_CHECKS } from '../../src/shared/pdfProtocol';

const selection = PDF_CHECKS.notifications.selection;

describe('PDF viewer protocol: what the page may tell the host', () => {
  it('keeps a selection with its page, and its text page by page when it spans pages', () => {
    assert.deepEqual(selection({ text: 'abc', page: 7 }), { text: 'abc', page: 7 });
    const parts = [{ page: 6, text: 'end of six' }, { page: 7, text: 'start of seven' }];
    assert.deepEqual(selection({ text: 'end of six start of seven', page: 6, parts, extra: 1 }), { text: 'end of six start of seven', page: 6, parts });
  });

  it('drops parts that are not pages with text, and refuses what is not a message', () => {
    for (const parts of [[{ page: 6, text: 'one page only' }], [{ page: -1, text: 'a' }, { page: 2, text: 'b' }], [{ page: 1 }, { page: 2, text: 'b' }], 'pages', [{ page: 1, text: 'x'.repeat(2_000_001) }, { page: 2, text: '' }]]) {
      assert.deepEqual(selection({ text: 'abc', page: 1, parts }), { text: 'abc', page: 1 }, JSON.stringify(parts).slice(0, 80));
    }
    for (const m of [null, 'selection', {}, { text: 5 }]) assert.equal(selection(m), undefined);
    assert.equal(PDF_CHECKS.notifications.page({ page: 1.5, zoom: 1 }), undefined);
    assert.equal(PDF_CHECKS.notifications.loaded({ pages: -1 }), undefined);
    assert.deepEqual(PDF_CHECKS.requests.password({ wrong: 'yes' }), { wrong: false });
  });
});

describe('PDF viewer: where an answer is marked on the page', () => {
  const page = dense('Overtime report. The help desk logged 112 hours of overtime. Each full-time employee is eligible for 12 hours of volunteer time off.');
  const context = 'Each full-time employee is eligible for 12 hours of volunteer time off.';
  const at = context.indexOf('12 hours');

  it('at its offset in its sentence, not at the first "12 hours" on the page (inside "112 hours")', () => {
    const p = placeAnswer(page, '12 hours', context, at)!;
    assert.equal(page.slice(p.start, p.start + p.length), '12hours');
    assert.ok(page.slice(0, p.start).endsWith('eligiblefor'), page.slice(0, p.start));
  });

  it('the same answer twice in its sentence: the one at the offset', () => {
    const ctx = 'Take 12 hours now or 12 hours later.';
    const p = placeAnswer(dense(`Intro. ${ctx}`), '12 hours', ctx, ctx.lastIndexOf('12 hours'))!;
    assert.equal(dense(`Intro. ${ctx}`).slice(0, p.start), dense('Intro. Take 12 hours now or'));
  });

  it('when the sentence reads differently on the page, the occurrence whose surroundings agree most', () => {
    const broken = dense('The help desk logged 112 hours of overtime. Each full-time em ployee is elig- ible for 12 hours of volunteer time off.');
    const p = placeAnswer(broken, '12 hours', context, at)!;
    assert.ok(broken.slice(0, p.start).endsWith('iblefor'), broken.slice(0, p.start));
    assert.equal(placeAnswer(broken, 'nowhere', context, 0), undefined);
  });

  it('an answer whose word was hyphenated at a line end (joined in the text, "crys-" "tals" on the layer) is marked across the hyphen', () => {
    const layer = dense('Pure silicon forms large crys- tals when it cools; a state-of-the- art furnace.');
    const ctx = 'Pure silicon forms large crystals when it cools; a state-of-the-art furnace.';
    const p = placeAnswer(layer, 'large crystals', ctx, ctx.indexOf('large crystals'))!;
    assert.equal(layer.slice(p.start, p.start + p.length), 'largecrys-tals');
    const q = placeAnswer(layer, 'state-of-the-art', ctx, ctx.indexOf('state-of-the-art'))!;
    assert.equal(layer.slice(q.start, q.start + q.length), 'state-of-the-art');
    assert.equal(placeAnswer(layer, 'crystal ball', ctx, 0), undefined);
  });

  it('keeps one unit for one when lower-casing ("İ" stays, so offsets do not shift) and leaves out spaces', () => {
    assert.equal(dense('İ Ab\u00a0C'), 'İabc');
    assert.equal(dense('𝑥 Y'), '𝑥y');
  });

  it('the page answers a goto with what it marked; the host keeps only short strings', () => {
    const shown = PDF_CHECKS.results.goto;
    assert.deepEqual(shown({ page: 2, highlighted: true, marked: '12 hours', before: 'eligiblefor' }), { page: 2, highlighted: true, marked: '12 hours', before: 'eligiblefor' });
    assert.deepEqual(shown({ page: 2, highlighted: false, marked: 'x'.repeat(3000) }), { page: 2, highlighted: false });
    assert.equal(shown({ page: 'two' }), undefined);
  });
});
