/**
 * The layout rules behind the real-PDF kinds, on positioned runs and plain data (no PDF): line-end
 * hyphens, scripts and marks, lines of plot markers, unreadable glyphs, form-field items.
 */
import * as assert from 'node:assert/strict';
import { fieldItems, type WidgetData } from '../../src/core/pdf/formFields';
import { dehyphenate } from '../../src/core/pdf/hyphens';
import { layoutPage, layoutPageText, type TextRun } from '../../src/core/pdf/layout';
import { joinPages } from '../../src/core/pdf/pageText';
import { stripUnreadable } from '../../src/core/pdf/unreadable';

const run = (str: string, x: number, y: number, width: number, height = 10, extra: Partial<TextRun> = {}): TextRun => ({ str, x, y, width, height, hasEOL: false, ...extra });

describe('PDF line-end hyphens (dehyphenate)', () => {
  it('joins a word broken at a line end, and moves it onto the first line', () => {
    assert.deepEqual(dehyphenate(['large crys-', 'tals grow slowly.']), ['large crystals', 'grow slowly.']);
    assert.deepEqual(dehyphenate(['the para-', 'graph.']), ['the paragraph.']);
  });

  it('keeps the hyphen of a compound: a first part with a hyphen, one letter, a capital or digit after, a usual first part', () => {
    assert.deepEqual(dehyphenate(['a state-of-the-', 'art furnace']), ['a state-of-the-art', 'furnace']);
    assert.deepEqual(dehyphenate(['an X-', 'ray camera']), ['an X-ray', 'camera']);
    assert.deepEqual(dehyphenate(['the Anglo-', 'Saxon method']), ['the Anglo-Saxon', 'method']);
    assert.deepEqual(dehyphenate(['in 1990-', '2000 it rained']), ['in 1990-2000', 'it rained']);
    assert.deepEqual(dehyphenate(['is well-', 'known here']), ['is well-known', 'here']);
    assert.deepEqual(dehyphenate(['a self-', 'made jig']), ['a self-made', 'jig']);
  });

  it('follows the page: a compound written with its hyphen elsewhere keeps it, a word written whole elsewhere is joined', () => {
    assert.deepEqual(dehyphenate(['the long-term plan is long-', 'term']), ['the long-term plan is long-term']);
    assert.deepEqual(dehyphenate(['a well-', 'ness retreat; wellness matters']), ['a wellness', 'retreat; wellness matters']);
  });

  it('a soft hyphen always marks a break inside a word, U+2010 follows the same rules as "-"; a soft hyphen inside a line is dropped', () => {
    assert.deepEqual(dehyphenate(['compli\u00AD', 'cated words', 'in\u00ADvisible']), ['complicated', 'words', 'invisible']);
    assert.deepEqual(dehyphenate(['hyphen\u2010', 'ation and Anglo\u2010', 'Saxon']), ['hyphenation', 'and Anglo\u2010Saxon']);
  });

  it('leaves a dash, a hyphen before a non-word and lines that do not continue alone', () => {
    assert.deepEqual(dehyphenate(['ends with a dash -', 'and goes on']), ['ends with a dash -', 'and goes on']);
    assert.deepEqual(dehyphenate(['value: a-', '(none)']), ['value: a-', '(none)']);
    assert.deepEqual(dehyphenate(['a heading ends in crys-', 'tals'], () => false), ['a heading ends in crys-', 'tals']);
  });

  it('in layout: a heading is not joined into its paragraph (another type size), the body is', () => {
    const runs = [run('Chapter on crys-', 72, 700, 150, 16), run('tals and their growth in the furnace', 72, 680, 200), run('go on here with several more words, crys-', 72, 666, 200), run('tals too.', 72, 652, 60)];
    assert.equal(layoutPage(runs), 'Chapter on crys-\ntals and their growth in the furnace\ngo on here with several more words, crystals\ntoo.');
    // After a join that empties a line, the next pair is judged by its own lines' sizes.
    const after = [run('the body goes on with crys-', 72, 700, 200), run('tals', 72, 686, 30), run('and then it ends with an exam-', 72, 672, 200), run('ple Heading', 72, 650, 120, 16)];
    assert.equal(layoutPage(after), 'the body goes on with crystals\nand then it ends with an exam-\nple Heading');
  });
});

describe('PDF superscripts, footnote marks and plot markers (layout)', () => {
  it('marks raised too far for the baseline join their name on an author line', () => {
    const runs = [run('Ada Lovelace', 150, 700, 70, 12), run('1,\u2217', 220, 706.5, 8, 7), run('and Charles Babbage', 236, 700, 100, 12), run('2,\u2020', 336, 706.5, 8, 7), run('A body line under the authors.', 72, 670, 150)];
    assert.equal(layoutPage(runs), 'Ada Lovelace1,\u2217 and Charles Babbage2,\u2020\nA body line under the authors.');
  });

  it('a footnote keeps its raised mark apart from its first word, even touching it', () => {
    const runs = [run('1', 72, 104, 3, 6), run('University of Tests.', 75.1, 100, 80, 9), run('\u2217', 72, 93, 3, 6), run('Corresponding author.', 75, 89, 80, 9)];
    assert.equal(layoutPage(runs), '1 University of Tests.\n\u2217 Corresponding author.');
    assert.equal(layoutPage([run('\u00B9This note uses a superscript digit; x\u00B2 stays.', 72, 100, 200, 9)]), '\u00B9 This note uses a superscript digit; x\u00B2 stays.');
  });

  it('a mark inside the blank run pdf.js makes up to the next column stays on its word', () => {
    const runs = [run('after a long debate.', 72, 476, 162), run(' ', 234, 476, 84), run('1', 234.3, 479.5, 3.3, 6.5), run('right column line', 318, 476, 100)];
    assert.equal(layoutPage(runs).split('\n')[0], 'after a long debate.1 right column line');
  });

  it('an equation drawn glyph by glyph, with a lowered sum sign and sub- and superscripts, is one line', () => {
    const runs = [run('f', 150, 420, 3), run('=', 156, 420, 6), run('\u2211', 165, 417, 11, 16), run('a', 177, 420, 6), run('i', 183, 417.5, 2, 7), run('x', 185.5, 420, 6), run('i', 191.5, 424, 2, 7), run('+', 196, 420, 6)];
    assert.equal(layoutPage(runs).split('\n').length, 1);
  });

  it('consecutive lines of plot markers are one line; a tick label keeps its own line', () => {
    const runs = [run('Some prose above the plot, a whole sentence.', 72, 720, 250), ...Array.from({ length: 40 }, (_, i) => run(i % 2 ? '\u00D7' : '\u25CB', 100 + i * 7, 650 - i * 3, 4, 6)), run('0.5', 80, 600, 12, 8), run('Some prose below the plot, a whole sentence.', 72, 480, 250)];
    const lines = layoutPage(runs).split('\n');
    assert.ok(lines.length <= 5, lines.join('\n'));
    assert.equal(lines[0], 'Some prose above the plot, a whole sentence.');
    assert.equal(lines.at(-1), 'Some prose below the plot, a whole sentence.');
    assert.equal((lines.join(' ').match(/[\u00D7\u25CB]/g) ?? []).length, 40, 'no marker lost');
  });
});

describe('PDF glyphs without a Unicode mapping', () => {
  it('control characters, U+FFFD and private-use characters are dropped and counted; tab, letters and symbols stay', () => {
    assert.deepEqual(stripUnreadable('a\u0001b\uFFFDc\uE000d\u{F0001}\tπ∑'), { text: 'abcd\tπ∑', dropped: 4 });
    assert.deepEqual(stripUnreadable('plain text'), { text: 'plain text', dropped: 0 });
  });

  it('a page counts them; a run of only unreadable glyphs leaves no gap in its line; real text is untouched', () => {
    const r = layoutPageText([run('Readable', 72, 700, 40), run('\u0001\u0002\u0003', 115, 700, 20), run('line.', 140, 700, 25)]);
    assert.deepEqual(r, { text: 'Readable line.', unreadable: 3 });
    assert.deepEqual(layoutPageText([run('Grüße, naïve café', 72, 700, 80)]), { text: 'Grüße, naïve café', unreadable: 0 });
  });

  it('a page with some says so (unreadable, notice); offsets are unchanged', () => {
    const doc = joinPages([{ page: 1, text: 'one' }, { page: 2, text: 'two', unreadable: 2 }]);
    assert.deepEqual(doc.pages[0], { page: 1, text: 'one', start: 0, end: 3 });
    assert.equal(doc.pages[1]!.unreadable, 2);
    assert.match(doc.pages[1]!.notice!, /some text could not be read: 2 glyphs/);
    assert.equal(doc.text.slice(doc.pages[1]!.start, doc.pages[1]!.end), 'two');
  });
});

describe('PDF form fields (fieldItems)', () => {
  const widget = (w: Partial<WidgetData>): WidgetData => ({ annotationType: 20, annotationFlags: 4, rect: [180, 684, 380, 704], ...w });

  it('a text field shows its appearance text, on the baseline of the label on its left', () => {
    const items = fieldItems([widget({ fieldType: 'Tx', fieldValue: 'Ada', textContent: ['Ada Lovelace'], textPosition: [2, 6] })], [{ str: 'Name:', transform: [11, 0, 0, 11, 72, 690], width: 40 }]);
    assert.deepEqual(items.map((i) => [i.str, i.transform[4], i.transform[5]]), [['Ada Lovelace', 180 + 2, 690]]);
  });

  it('a value without an appearance, lines of a multi-line field one under the other, a choice by its shown name', () => {
    const items = fieldItems([
      widget({ fieldType: 'Tx', fieldValue: 'first line\nsecond line', multiLine: true, rect: [180, 580, 480, 640] }),
      widget({ fieldType: 'Ch', fieldValue: ['r'], options: [{ exportValue: 'r', displayValue: 'Research' }], rect: [180, 540, 380, 560] }),
    ]);
    assert.deepEqual(items.map((i) => i.str), ['first line', 'second line', 'Research']);
    assert.ok(items[1]!.transform[5]! < items[0]!.transform[5]!);
  });

  it('never a password, a button, a hidden or no-view field, or an annotation that is not a widget', () => {
    const items = fieldItems([
      widget({ fieldType: 'Tx', fieldValue: '4711', password: true, textContent: ['4711'] }),
      widget({ fieldType: 'Btn', fieldValue: 'Yes' }),
      widget({ fieldType: 'Tx', fieldValue: 'hidden', annotationFlags: 2 }),
      widget({ fieldType: 'Tx', fieldValue: 'noview', annotationFlags: 32 }),
      widget({ fieldType: 'Tx', fieldValue: 'note', annotationType: 1 }),
    ]);
    assert.deepEqual(items, []);
  });
});
