/**
 * npm run bench (Ask the Workspace part): 200 generated PDFs (3 pages each, varied prose), indexed as
 * `ai-lab index DIR` indexes them (buildIndex into DIR/.ai-lab, the fixture sentence embedder:
 * test/fixtures/models/sentenceEmbedder.ts, mean pooling, 32 tokens), then questions asked two ways
 * with the fixture QA model:
 *   - Ask the Workspace as `ai-lab ask DIR "question"` does (hybrid retrieval: BM25 and meaning fused,
 *     the default aiLab.qa.retrieveTop passages read);
 *   - reading every passage of the index (retrieveTop 0, `--retrieve-top 0`: no retrieval cut).
 * The answers are planted in known files and pages, worded otherwise than the questions (paraphrases
 * only the embedder relates, e.g. "money back" / "reimbursed"); the unit words asked about also stand
 * without numbers in many other files, so BM25 alone finds them everywhere.
 * Prints the index build rate (passages/s), answer time p50 of both ways, and whether the top answer
 * (text, file, page) is the same and the planted one, and where hybrid search ranks the planted
 * passage (how many passages retrieval would have to read to find it); merges the figures into bench/results.json
 * under "askWorkspace".
 *   npm run build && npx tsc -p tsconfig.test.json && node out/bench/askWorkspace.js [--files 200]
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cliIndexDir } from '../src/cli/indexCommands';
import { makeRunner } from '../src/core/lab/makeRunner';
import { QA_DEFAULTS } from '../src/core/nlp/tasks';
import { seededRandom } from '../src/core/random';
import { askWorkspace, type WorkspaceAnswers } from '../src/core/search/askWorkspace';
import { buildIndex } from '../src/core/search/buildIndex';
import { SearchableIndex, searchIndex } from '../src/core/search/hybridSearch';
import { loadIndex } from '../src/core/search/indexStore';
import { fixtureModelDirs } from '../test/fixtures/models';
import { sentenceEmbedderDirs } from '../test/fixtures/models/sentenceEmbedder';
import { handbook } from '../test/fixtures/pdf/generate';
import { filler } from '../test/fixtures/pdf/handbook';
import { DIST, REPO_ROOT } from '../test/fixtures/paths';

const PAGES = 3;

/** A question, and the sentences that answer it (a short paragraph on its subject) planted in file `file` (0-based) on page `page`. */
interface Planted {
  question: string;
  sentence: string;
  answer: string;
  file: number;
  page: number;
}

const PLANTED: Planted[] = [
  { question: 'How many days until I get my money back for the automobile?', sentence: 'Reimbursed vehicle purchases arrive within 14 days. Returned cars get a refund in full.', answer: '14 days', file: 37, page: 2 },
  { question: 'How many dollars does the cheap recipe cost?', sentence: 'An inexpensive soup from our kitchen is 20 dollars. The affordable dish is easy to bake.', answer: '20 dollars', file: 88, page: 1 },
  { question: 'How many minutes before the storm does the weather warning come?', sentence: 'Rain alerts go out 40 minutes ahead of wet conditions. Rainy skies follow each alert.', answer: '40 minutes', file: 142, page: 3 },
  { question: 'How many hours does it take to purchase a car?', sentence: 'We bought a used vehicle in 3 hours. The purchased automobile was checked first.', answer: '3 hours', file: 191, page: 1 },
];

/** Words the embedder relates (its paraphrase groups), for sentences on the same subjects that answer nothing. */
const TOPIC_WORDS = ['car', 'automobile', 'vehicle', 'buy', 'purchase', 'refund', 'money', 'cheap', 'affordable', 'weather', 'storm', 'rainy', 'cook', 'recipe', 'kitchen', 'soup', 'bake'];
/** The asked units without a number (BM25 finds these words everywhere) and numbers with units never asked about. */
const UNIT_NOISE = ['Office hours are listed in the portal.', 'Rainy days are long at home.', 'The minutes of the meeting were shared.', 'Prices in dollars are on the last page.', 'Our kitchen hours changed this season.'];
const NUMBER_NOISE = (n: number) => `The review took ${[2, 4, 6, 8][n % 4]} weeks and saved ${[10, 15, 30][n % 3]} percent.`;

function pageText(file: number, page: number): string {
  const rnd = seededRandom(file * 31 + page);
  const pick = <T>(a: readonly T[]) => a[Math.floor(rnd() * a.length)]!;
  const topical = `The team talked about the ${pick(TOPIC_WORDS)} and the ${pick(TOPIC_WORDS)} at length.`;
  const parts = [filler(file * 7 + page, 3), topical, pick(UNIT_NOISE), filler(file * 11 + page + 5000, 2)];
  if (rnd() < 0.3) parts.push(NUMBER_NOISE(file + page));
  const here = PLANTED.filter((p) => p.file === file && p.page === page).map((p) => p.sentence);
  // After the first prose, before the sentence on the topics: the next sentence names no unit.
  parts.splice(1, 0, ...here);
  return parts.join(' ');
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

const fileName = (i: number) => `report-${String(i).padStart(3, '0')}.pdf`;

type Top = { answer: string; file: string; page: number | null; score: number } | null;
const topOf = (o: WorkspaceAnswers): Top => {
  const a = o.answers[0];
  return a ? { answer: a.answer, file: a.file, page: a.page ?? null, score: Math.round(a.score * 1e4) / 1e4 } : null;
};

async function main(): Promise<void> {
  const files = Number(arg('--files') ?? 200);
  if (!Number.isInteger(files) || files < 192) throw new Error('--files: at least 192 (the answers are planted up to file 191)');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ai-lab-askws-'));
  const runner = makeRunner({ device: 'cpu', dtype: 'fp32', hub: { endpoint: 'http://127.0.0.1:9', cacheDir: path.join(dir, 'hf') }, service: { scriptPath: path.join(DIST, 'inferenceService.js') } });
  try {
    const t0 = performance.now();
    for (let i = 0; i < files; i++) {
      const pages = Array.from({ length: PAGES }, (_, k) => pageText(i, k + 1));
      fs.writeFileSync(path.join(dir, fileName(i)), await handbook(pages, `Report ${i}`));
    }
    const generateS = (performance.now() - t0) / 1000;
    const embedModel = sentenceEmbedderDirs().mean;
    const qaModel = fixtureModelDirs().qa;
    // What `ai-lab index DIR` runs: the index in DIR/.ai-lab.
    const indexDir = cliIndexDir(dir);
    const t1 = performance.now();
    const built = await buildIndex({ root: dir, indexDir, runner, model: embedModel });
    const buildS = (performance.now() - t1) / 1000;
    if (built.skipped.length) throw new Error(`files skipped: ${JSON.stringify(built.skipped.slice(0, 3))}`);
    const loaded = loadIndex(indexDir, embedModel);
    if (!loaded.index) throw new Error(`no index: ${loaded.reason}`);
    const index = new SearchableIndex(loaded.index);
    console.log(`${files} PDFs (${files * PAGES} pages) written in ${generateS.toFixed(1)} s; indexed ${built.passages} passages in ${buildS.toFixed(1)} s (${Math.round(built.passages / buildS)} passages/s)`);

    // Warm-up: both models loaded, BM25's term counts built, before anything is timed.
    await askWorkspace({ runner, model: qaModel, question: PLANTED[0]!.question, index });
    const rows = [];
    for (const p of PLANTED) {
      const th = performance.now();
      const hybrid = await askWorkspace({ runner, model: qaModel, question: p.question, index });
      const hybridMs = performance.now() - th;
      const ta = performance.now();
      const all = await askWorkspace({ runner, model: qaModel, question: p.question, index, retrieveTop: 0 });
      const allMs = performance.now() - ta;
      const h = topOf(hybrid);
      const a = topOf(all);
      const key = (t: Top) => (t ? `${t.answer}|${t.file}|${t.page}` : 'none');
      // Where hybrid search ranks the planted passage (1-based, among the first 500): how deep retrieval must read.
      const ranked = await searchIndex(index, { runner, query: p.question, top: 500 });
      const at = ranked.findIndex((h) => h.file === fileName(p.file) && index.data.passages[h.passage]!.text.includes(p.answer));
      const expected = { answer: p.answer, file: fileName(p.file), page: p.page };
      const row = {
        question: p.question,
        expected,
        hybrid: { top: h, read: hybrid.read, ms: Math.round(hybridMs) },
        all: { top: a, read: all.read, ms: Math.round(allMs) },
        sameTop: key(h) === key(a),
        plantedRank: at >= 0 ? at + 1 : null,
        // …and in each retriever alone (null: not in its first 500 / not holding the passage).
        plantedDenseRank: at >= 0 ? ranked[at]!.dense?.rank ?? null : null,
        plantedBm25Rank: at >= 0 ? ranked[at]!.bm25?.rank ?? null : null,
        plantedFound: { hybrid: key(h) === key({ ...expected, score: 0 }), all: key(a) === key({ ...expected, score: 0 }) },
      };
      rows.push(row);
      console.log(JSON.stringify(row));
    }
    const summary = {
      files,
      pages: files * PAGES,
      passages: built.passages,
      embedModel: 'fixture sentence embedder (mean pooling, max_seq_length 32)',
      qaModel: 'fixture extractive QA',
      buildS: Math.round(buildS * 10) / 10,
      buildPassagesPerS: Math.round(built.passages / buildS),
      hybridP50Ms: Math.round(median(rows.map((r) => r.hybrid.ms))),
      allP50Ms: Math.round(median(rows.map((r) => r.all.ms))),
      sameTop: `${rows.filter((r) => r.sameTop).length}/${rows.length}`,
      retrieveTop: QA_DEFAULTS.retrieveTop,
      plantedRanks: rows.map((r) => r.plantedRank),
      plantedDenseRanks: rows.map((r) => r.plantedDenseRank),
      plantedBm25Ranks: rows.map((r) => r.plantedBm25Rank),
      plantedFound: { hybrid: `${rows.filter((r) => r.plantedFound.hybrid).length}/${rows.length}`, all: `${rows.filter((r) => r.plantedFound.all).length}/${rows.length}` },
    };
    console.table([summary]);
    const results = path.join(REPO_ROOT, 'bench', 'results.json');
    const prev = fs.existsSync(results) ? (JSON.parse(fs.readFileSync(results, 'utf8')) as Record<string, unknown>) : {};
    fs.writeFileSync(results, `${JSON.stringify({ ...prev, askWorkspace: { ...summary, cpu: os.cpus()[0]?.model, cores: os.cpus().length, loadavg: os.loadavg(), rows } }, null, 2)}\n`);
  } finally {
    runner.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
