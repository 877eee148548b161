/**
 * Several workspace folders (a multi-root workspace, src/core/search/folders.ts): each folder indexed
 * with its own .gitignore and its globs relative to its own root; two folders holding the same
 * relative path stay apart (hits and answers name their folder and root); Ask reading every passage
 * (retrieveTop 0); passages no longer than the embedder reads. Fixture models in the real service.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { LabRunner } from '../../src/core/lab/makeRunner';
import { formatAnswers } from '../../src/core/qa/format';
import { askWorkspace } from '../../src/core/search/askWorkspace';
import { buildIndex } from '../../src/core/search/buildIndex';
import { askFolders, folderLabels, searchFolders, type IndexedFolder } from '../../src/core/search/folders';
import { SearchableIndex } from '../../src/core/search/hybridSearch';
import { loadIndex } from '../../src/core/search/indexStore';
import { fixtureModelDirs } from '../fixtures/models';
import { SENTENCE_MAX_SEQ, sentenceEmbedderDirs } from '../fixtures/models/sentenceEmbedder';
import { useIndexHarness } from '../fixtures/workspaceTree';

describe('workspace folders: folder labels', () => {
  it('one folder: no label; several: their names; two of one name: their paths', () => {
    assert.deepEqual(folderLabels([{ root: '/w/a' }]), [undefined]);
    assert.deepEqual(folderLabels([{ root: '/w/a' }, { root: '/x/b', name: 'Docs' }]), ['a', 'Docs']);
    assert.deepEqual(folderLabels([{ root: '/w/docs' }, { root: '/x/docs' }, { root: '/y/site' }]), ['/w/docs', '/x/docs', 'site']);
  });
});

describe('workspace folders: two roots with the same relative path (fixture models, real service)', function () {
  this.timeout(120_000);
  const harness = useIndexHarness('ai-lab-roots-');
  const made = harness.made;
  let runner: LabRunner;
  before(() => (runner = harness.runner()));
  const m = () => fixtureModelDirs();

  /** Both folders indexed as Index Workspace does: each into its own index, with its own globs and .gitignore. */
  async function twoRoots(): Promise<{ a: string; b: string; folders: IndexedFolder[] }> {
    const a = made({
      'notes/tech.md': 'The server crash left a bug in the login dashboard.',
      'handbook.md': 'A refund of 100 dollars goes back to the card after the billing charge.',
      // Ignored by a's .gitignore only.
      '.gitignore': 'drafts/\n',
      'drafts/weather.md': 'Snow and rain are in the forecast, cold weather all week.',
    });
    const b = made({
      'notes/tech.md': 'Snow and rain are in the forecast, cold weather all week.',
      'handbook.md': 'Each full-time employee is eligible for 12 hours of volunteer time off per calendar year.',
      '.gitignore': 'secret.md\n',
      'secret.md': 'The server crash left a bug in the login dashboard.',
      'drafts/feedback.md': 'We love the product and have a feature idea.',
    });
    const storage = made({});
    const folders: IndexedFolder[] = [];
    for (const [i, root] of [a, b].entries()) {
      const indexDir = path.join(storage, `${i}`);
      // One include glob for both folders, matched relative to each folder's own root.
      const r = await buildIndex({ root, indexDir, runner, model: m().embed, include: ['*.md', 'notes/**', 'drafts/**'] });
      assert.deepEqual(r.skipped, []);
      const l = loadIndex(indexDir, m().embed);
      assert.ok(l.index, l.reason);
      folders.push({ root, name: i ? 'b' : 'a', index: new SearchableIndex(l.index) });
    }
    return { a, b, folders };
  }

  it('each folder indexed with its own .gitignore and globs relative to its own root', async () => {
    const { folders } = await twoRoots();
    assert.deepEqual(folders[0]!.index.data.files.map((f) => f.path), ['handbook.md', 'notes/tech.md']);
    assert.deepEqual(folders[1]!.index.data.files.map((f) => f.path), ['drafts/feedback.md', 'handbook.md', 'notes/tech.md']);
  });

  it('search: the same relative path in two folders gives hits naming each folder, whose root opens the right file', async () => {
    const { a, b, folders } = await twoRoots();
    const weather = await searchFolders(folders, { runner, query: 'storm sunny forecast', top: 3 });
    assert.deepEqual([weather[0]!.file, weather[0]!.folder, weather[0]!.root], ['notes/tech.md', 'b', b]);
    assert.match(fs.readFileSync(path.join(weather[0]!.root, ...weather[0]!.file.split('/')), 'utf8'), /forecast/);
    const tech = await searchFolders(folders, { runner, query: 'slow broken server', top: 3 });
    assert.deepEqual([tech[0]!.file, tech[0]!.folder, tech[0]!.root], ['notes/tech.md', 'a', a]);
    assert.match(fs.readFileSync(path.join(tech[0]!.root, 'notes', 'tech.md'), 'utf8'), /server crash/);
    // Merged best first, at most `top`, from both folders.
    const both = await searchFolders(folders, { runner, query: 'forecast server', top: 4 });
    assert.ok(both.length <= 4);
    assert.deepEqual(new Set(both.map((h) => h.folder)), new Set(['a', 'b']));
    for (let i = 1; i < both.length; i++) assert.ok(both[i - 1]!.score >= both[i]!.score);
    // One folder: hits as before, without a folder name.
    const one = await searchFolders([folders[1]!], { runner, query: 'storm sunny forecast', top: 1 });
    assert.deepEqual([one[0]!.file, one[0]!.folder, one[0]!.root], ['notes/tech.md', undefined, b]);
  });

  it('Ask the Workspace over two folders: the answer names its folder and file; its root is the folder it is in', async () => {
    const { a, b, folders } = await twoRoots();
    const hours = await askFolders(folders, { runner, model: m().qa, question: 'How many hours of volunteer time off does each employee get?' });
    const best = hours.output.answers[0]!;
    assert.deepEqual([best.answer, best.file, best.folder, hours.roots[0]], ['12 hours', 'handbook.md', 'b', b]);
    assert.equal(fs.readFileSync(path.join(hours.roots[0]!, best.file), 'utf8').slice(best.start, best.end), '12 hours');
    assert.match(formatAnswers(hours.output), /b\/handbook\.md/);
    assert.equal(hours.output.chunks, folders[0]!.index.data.passages.length + folders[1]!.index.data.passages.length);
    const dollars = await askFolders(folders, { runner, model: m().qa, question: 'How many dollars is the refund?' });
    const d = dollars.output.answers[0]!;
    assert.deepEqual([d.answer, d.file, d.folder, dollars.roots[0]], ['100 dollars', 'handbook.md', 'a', a]);
    assert.equal(hours.roots.length, hours.output.answers.length);
  });

  it('a workspace folder inside another: its files are in both indexes, but each hit and answer comes once', async () => {
    const outer = made({ 'top.md': 'A refund of 100 dollars goes back to the card.', 'inner/handbook.md': 'Each employee gets 12 hours of volunteer time off.' });
    const storage = made({});
    const folders: IndexedFolder[] = [];
    for (const [i, root] of [outer, path.join(outer, 'inner')].entries()) {
      const indexDir = path.join(storage, `${i}`);
      await buildIndex({ root, indexDir, runner, model: m().embed });
      folders.push({ root, name: i ? 'inner' : 'outer', index: new SearchableIndex(loadIndex(indexDir, m().embed).index!) });
    }
    const hits = await searchFolders(folders, { runner, query: 'volunteer time off', top: 5 });
    const places = hits.map((h) => path.resolve(h.root, h.file));
    assert.equal(new Set(places).size, places.length, places.join(', '));
    assert.ok(places.includes(path.join(outer, 'inner', 'handbook.md')));
    const asked = await askFolders(folders, { runner, model: m().qa, question: 'How many hours of volunteer time off does each employee get?', topK: 3 });
    const answered = asked.output.answers.map((a, i) => `${path.resolve(asked.roots[i]!, a.file!)}:${a.start}`);
    assert.equal(new Set(answered).size, answered.length, answered.join(', '));
    assert.equal(asked.output.answers[0]!.answer, '12 hours');
  });

  it('retrieveTop 0 reads every passage of the index (no retrieval), with the same best answer', async () => {
    const { folders } = await twoRoots();
    const q = 'How many hours of volunteer time off does each employee get?';
    const all = await askWorkspace({ runner, model: m().qa, question: q, index: folders[1]!.index, retrieveTop: 0 });
    assert.equal(all.retrieval, 'all');
    assert.equal(all.read, folders[1]!.index.data.passages.length);
    const hybrid = await askWorkspace({ runner, model: m().qa, question: q, index: folders[1]!.index, retrieveTop: 1 });
    assert.equal(hybrid.retrieval, 'hybrid');
    assert.equal(hybrid.read, 1);
    assert.deepEqual([all.answers[0]!.answer, all.answers[0]!.file], [hybrid.answers[0]!.answer, hybrid.answers[0]!.file]);
    await assert.rejects(askWorkspace({ runner, model: m().qa, question: q, index: folders[1]!.index, retrieveTop: -1 }), /whole number, 0 for all/);
  });

  it('passages are no longer than the embedder reads (max_seq_length), so no passage is embedded cut', async () => {
    const words = 'We bought a cheap car and the kitchen recipe for soup is long and we cook it all day at home with some money back';
    const root = made({ 'long.md': `${words}. ${words}. ${words}.` });
    const indexDir = path.join(made({}), 'index');
    const r = await buildIndex({ root, indexDir, runner, model: sentenceEmbedderDirs().mean });
    assert.ok(r.passages >= 3, `${r.passages} passages (one of 80 tokens before passages were capped)`);
    const l = loadIndex(indexDir, sentenceEmbedderDirs().mean);
    for (const p of l.index!.passages) {
      const tokens = (p.text.match(/[\p{L}\p{N}]+|[^\s\p{L}\p{N}]/gu) ?? []).length + 2;
      assert.ok(tokens <= SENTENCE_MAX_SEQ, `"${p.text}": ${tokens} tokens`);
    }
  });
});
