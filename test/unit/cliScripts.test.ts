import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cliAsync } from '../fixtures/cli';
import { fixtureModelDirs } from '../fixtures/models';
import { nliModelFiles } from '../fixtures/models/encoders';
import { seq2seqFiles } from '../fixtures/models/seq2seq';
import { sentimentModelFiles } from '../fixtures/models/sentiment';
import { bertTokenizerConfig } from '../fixtures/models/wordpiece';
import { writeModelDir } from '../fixtures/models/write';
import { modelTokenizer } from '../fixtures/text/fits';
import { CHINESE, CHINESE_RUN, MIXED, THAI_RUN, VOLUNTEER_QUESTION, VOLUNTEER_SENTENCE } from '../fixtures/text/scripts';

describe('CLI on text without spaces: classify, zero-shot, summarize, ask (fixture models)', function () {
  this.timeout(120_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ai-lab-cli-cjk-'));
  const f = (n: string) => path.join(dir, n);
  const env = { HF_HUB_OFFLINE: '1', HF_HOME: f('hf') };
  const bad = 'The food was terrible and the service awful.';
  const files = { 'zh.txt': `${CHINESE}${bad}`, 'zh-run.txt': `${CHINESE_RUN}${bad}`, 'th.txt': `${THAI_RUN} ${bad}`, 'mixed.txt': `${MIXED} ${bad}` };
  before(() => {
    for (const [name, text] of Object.entries(files)) fs.writeFileSync(f(name), text);
    fs.writeFileSync(f('zh-qa.txt'), `${CHINESE}\n${VOLUNTEER_SENTENCE}\n`);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const json = async (args: string[]) => {
    const r = await cliAsync([...args, '--device', 'cpu', '--json'], env);
    assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
    return JSON.parse(r.stdout) as { output: Record<string, unknown> } & Record<string, unknown>;
  };

  it('classify and zero-shot: every part, measured with the model\'s tokenizer, fits its maximum; the English after the Chinese is read', async () => {
    const sentiment = writeModelDir({ ...sentimentModelFiles(), 'tokenizer_config.json': bertTokenizerConfig(48) });
    const nli = writeModelDir({ ...nliModelFiles(), 'tokenizer_config.json': bertTokenizerConfig(40) });
    const s = modelTokenizer(sentiment);
    const n = modelTokenizer(nli);
    const labels = ['Billing Question', 'Technical Support'];
    for (const [name, text] of Object.entries(files)) {
      const c = (await json(['classify', '--model', sentiment, '--file', f(name)])).output as { labels: Array<{ label: string }>; parts: Array<{ start: number; end: number; labels: Array<{ label: string; score: number }> }> };
      // (WordPiece makes one [UNK] of a Thai run over 100 characters: that one fits whole.)
      if (s.tokenizer.encode(text).ids.length > s.max) assert.ok(c.parts.length > 1, `${name}: ${c.parts.length} part(s)`);
      for (const p of c.parts) {
        const tokens = s.tokenizer.encode(text.slice(p.start, p.end)).ids.length;
        assert.ok(tokens <= s.max, `${name}: a part of ${tokens} tokens (at most ${s.max})`);
      }
      const last = c.parts.reduce((a, b) => (b.end > a.end ? b : a));
      assert.ok(text.slice(last.start, last.end).endsWith(bad), name);
      assert.ok(last.labels.find((l) => l.label === 'NEGATIVE')!.score > 0.9, `${name}: ${JSON.stringify(last.labels)}`);

      const z = (await json(['zero-shot', '--model', nli, '--labels', labels.join(','), '--file', f(name)])).output as { parts: Array<{ start: number; end: number }> };
      for (const p of z.parts) {
        for (const l of labels) {
          const tokens = n.tokenizer.encode(text.slice(p.start, p.end), { text_pair: `This example is ${l}.` }).ids.length;
          assert.ok(tokens <= n.max, `${name}: a premise and hypothesis of ${tokens} tokens (at most ${n.max})`);
        }
      }
    }
  });

  it('summarize: Chinese is split into parts that fit the summarizer (3 byte-level tokens a character)', async () => {
    const files2 = seq2seqFiles();
    const summarizer = writeModelDir({ ...files2, 'tokenizer_config.json': JSON.stringify({ ...JSON.parse(String(files2['tokenizer_config.json'])), model_max_length: 256 }) });
    const { tokenizer } = modelTokenizer(summarizer);
    const tokens = tokenizer.encode(files['zh.txt']).ids.length;
    const out = (await json(['summarize', '--model', summarizer, '--file', f('zh.txt'), '--max-new-tokens', '8'])).output as { chunks: number; text: string };
    assert.ok(out.chunks >= Math.ceil(tokens / 256), `${out.chunks} parts for ${tokens} tokens`);
  });

  it('ask: the English answer after 700 Chinese characters is found, with its offsets', async () => {
    const text = fs.readFileSync(f('zh-qa.txt'), 'utf8');
    const j = (await json(['ask', f('zh-qa.txt'), VOLUNTEER_QUESTION, '--model', fixtureModelDirs().qa, '--retrieve-top', '0'])) as unknown as { answers: Array<{ answer: string; start: number; end: number; context: string }>; chunks: number };
    assert.ok(j.chunks > 1, `${j.chunks} passage(s)`);
    assert.equal(j.answers[0]?.answer, '12 hours', JSON.stringify(j.answers));
    assert.deepEqual([j.answers[0]!.start, j.answers[0]!.end], [text.indexOf('12 hours'), text.indexOf('12 hours') + 8]);
    assert.equal(j.answers[0]!.context, VOLUNTEER_SENTENCE);
  });
});
