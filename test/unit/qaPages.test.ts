/** Ask over a PDF whose answer text repeats on earlier pages: every answer's page is where its own span lies. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { cliAsync } from '../fixtures/cli';
import { fixtureModelDirs } from '../fixtures/models';

async function pagesPdf(pages: string[][]): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (const lines of pages) {
    const page = doc.addPage([612, 792]);
    lines.forEach((l, i) => page.drawText(l, { x: 72, y: 720 - 20 * i, size: 12, font }));
  }
  return doc.save();
}

interface Answer {
  answer: string;
  page: number;
  start: number;
  end: number;
}

describe('Ask a Question: pages come from the answer\'s own span', function () {
  this.timeout(180_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ailab-qapages-'));
  const env = { HF_HOME: dir, HF_HUB_OFFLINE: '1' };

  it('"12 hours" on pages 1, 2 and 3: each answer names the page where it starts and is the text at start/end', async () => {
    const file = path.join(dir, 'decoys.pdf');
    fs.writeFileSync(file, await pagesPdf([
      ['Overtime report.', 'The help desk logged 12 hours of overtime in March.'],
      ['Training.', 'Each employee gets 12 hours of training.'],
      ['Volunteer program.', 'Each employee gets 12 hours of volunteer time off.'],
    ]));
    const text = await cliAsync(['pdf-text', file, '--json'], env);
    assert.equal(text.status, 0, text.stderr);
    const pages = (JSON.parse(text.stdout) as { pages: { page: number; text: string; start: number; end: number }[] }).pages;
    const doc = pages.map((p) => p.text).join('\n');
    const r = await cliAsync(['ask', file, 'How many hours?', '--model', fixtureModelDirs().qa, '--top-k', '3', '--json', '--min-score', '0'], env);
    assert.equal(r.status, 0, r.stderr);
    const answers = (JSON.parse(r.stdout) as { answers: Answer[] }).answers;
    assert.ok(answers.length >= 3, JSON.stringify(answers));
    for (const a of answers) {
      // The page is the one where the answer starts (a span may run over a page break), and the answer is the text there.
      const page = pages.find((p) => p.start <= a.start && a.start < p.end);
      assert.equal(page?.page, a.page, JSON.stringify(a));
      assert.equal(a.answer.replace(/\s+/g, ' '), doc.slice(a.start, a.end).replace(/\s+/g, ' '), JSON.stringify(a));
    }
    // The same words on pages 1 and 2: each "12 hours" answer is given its own page, never the first match's.
    const plain = answers.filter((a) => a.answer === '12 hours');
    assert.ok(plain.length >= 2, JSON.stringify(answers));
    for (const a of plain) assert.equal(a.page, pages.find((p) => p.start <= a.start && a.end <= p.end)?.page);
    assert.ok(new Set(plain.map((a) => a.page)).size >= 2, JSON.stringify(plain));
  });
});
