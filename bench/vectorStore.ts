/**
 * Vector store bench for the workspace index (Search by Meaning, Ask the Workspace): each candidate
 * at 10k and 100k passages of 384-dim unit vectors (all-MiniLM-L6-v2's size), clustered as text
 * embeddings are (topics), with:
 * - build rate: passages/s to insert them and build the index (and write it, where the store writes);
 * - query latency p50/p95 (ms) of a top-10 search, 200 queries;
 * - recall@10 against exact search (target ≥ 0.95);
 * - size on disk of the written index;
 * - install size: the package and its platform binary as npm installs them (what it adds to a VSIX).
 * Candidates: exact search over Float32 (src/core/search/vectors.ts, AI Lab's own, always run), and
 * where installed in the folder AI_LAB_VECTOR_CANDIDATES names (npm install there, not in the repo):
 * usearch (N-API HNSW), @orama/orama (pure JS), @lancedb/lancedb (flat and IVF-HNSW-SQ).
 *   npm run build && npx tsc -p tsconfig.test.json
 *   AI_LAB_VECTOR_CANDIDATES=/tmp/vs node out/bench/vectorStore.js [--sizes 10000,100000] [--only exact,usearch]
 * Merges its figures into bench/results.json under "vectorStore".
 */
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { seededRandom } from '../src/core/random';
import { normalize, topK } from '../src/core/search/vectors';
import { REPO_ROOT } from '../test/fixtures/paths';

const DIM = 384;
const QUERIES = 200;
const K = 10;

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** `n` unit vectors around 256 topic centres (noise of a similar size to the centre), and queries near stored ones. */
function data(n: number, seed: number): { matrix: Float32Array; queries: Float32Array[] } {
  const rand = seededRandom(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(rand() || 1e-12)) * Math.cos(2 * Math.PI * rand());
  const centres = Array.from({ length: 256 }, () => normalize(Array.from({ length: DIM }, gauss)));
  const matrix = new Float32Array(n * DIM);
  for (let i = 0; i < n; i++) {
    const c = centres[Math.floor(rand() * centres.length)]!;
    matrix.set(normalize(Array.from(c, (x) => x + gauss() * 0.06)), i * DIM);
  }
  const queries = Array.from({ length: QUERIES }, () => {
    const row = Math.floor(rand() * n);
    return normalize(Array.from(matrix.subarray(row * DIM, (row + 1) * DIM), (x) => x + gauss() * 0.04));
  });
  return { matrix, queries };
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((s.length - 1) * p))]!;
}

function duBytes(p: string): number {
  if (!fs.existsSync(p)) return 0;
  const st = fs.lstatSync(p);
  if (!st.isDirectory()) return st.size;
  return fs.readdirSync(p).reduce((n, e) => n + duBytes(path.join(p, e)), 0);
}

const mb = (b: number) => Math.round((b / 1e6) * 10) / 10;

interface Store {
  /** Inserts the rows and builds the index; writes it under `dir` where the store persists. */
  build(matrix: Float32Array, n: number, dir: string): Promise<void>;
  search(q: Float32Array): Promise<number[]>;
  close?(): Promise<void>;
}

interface Candidate {
  name: string;
  /** npm packages whose installed folders count toward the VSIX (platform binaries for linux-x64 only). */
  packages: string[];
  make(req: NodeRequire): Store;
}

const exact: Candidate = {
  name: 'exact (Float32 scan, AI Lab)',
  packages: [],
  make: () => {
    let m = new Float32Array(0);
    return {
      async build(matrix, _n, dir) {
        m = matrix.slice();
        // As the index writes it: one Float32 file (src/core/search/indexStore.ts).
        fs.writeFileSync(path.join(dir, 'vectors.f32'), Buffer.from(m.buffer, m.byteOffset, m.byteLength));
      },
      async search(q) {
        return topK(m, DIM, q, K).map((h) => h.index);
      },
    };
  },
};

// The candidates are loaded from a folder outside the repo, untyped here.
const usearch: Candidate = {
  name: 'usearch (HNSW, N-API)',
  packages: ['usearch', 'node-addon-api', 'node-gyp-build', 'bindings'],
  make: (req) => {
    const { Index } = req('usearch');
    let index: any;
    return {
      async build(matrix, n, dir) {
        index = new Index(DIM, 'ip', 'f32', 16, 128, 64, false);
        const keys = new BigUint64Array(n);
        for (let i = 0; i < n; i++) keys[i] = BigInt(i);
        index.add(keys, matrix, 0);
        index.save(path.join(dir, 'index.usearch'));
      },
      async search(q) {
        const m = index.search(q, K, 0);
        return Array.from(m.keys as BigUint64Array, (x) => Number(x));
      },
    };
  },
};

const orama: Candidate = {
  name: 'orama (pure JS)',
  packages: ['@orama/orama'],
  make: (req) => {
    const o = req('@orama/orama');
    let db: any;
    return {
      async build(matrix, n, dir) {
        db = o.create({ schema: { row: 'number', v: `vector[${DIM}]` } });
        const docs = Array.from({ length: n }, (_, i) => ({ row: i, v: Array.from(matrix.subarray(i * DIM, (i + 1) * DIM)) }));
        await o.insertMultiple(db, docs, 1000);
        // Orama persists by serialising its raw data (the persistence plugin writes the same JSON).
        fs.writeFileSync(path.join(dir, 'orama.json'), JSON.stringify(await o.save(db)));
      },
      async search(q) {
        const r = await o.search(db, { mode: 'vector', vector: { value: Array.from(q), property: 'v' }, similarity: 0, limit: K, includeVectors: false });
        return r.hits.map((h: any) => h.document.row as number);
      },
    };
  },
};

function lance(indexed: boolean): Candidate {
  return {
    name: `lancedb 0.31 (${indexed ? 'IVF-HNSW-SQ' : 'flat'})`,
    packages: ['@lancedb/lancedb', '@lancedb/lancedb-linux-x64-gnu', 'apache-arrow', 'flatbuffers', 'reflect-metadata'],
    make: (req) => {
      const l = req('@lancedb/lancedb');
      let table: any;
      let db: any;
      return {
        async build(matrix, n, dir) {
          db = await l.connect(dir);
          const rows = Array.from({ length: n }, (_, i) => ({ row: i, vector: Array.from(matrix.subarray(i * DIM, (i + 1) * DIM)) }));
          table = await db.createTable('passages', rows, { mode: 'overwrite' });
          if (indexed) await table.createIndex('vector', { config: l.Index.hnswSq({ distanceType: 'cosine' }) });
        },
        async search(q) {
          const r = await table.vectorSearch(q).distanceType('cosine').limit(K).toArray();
          return r.map((x: any) => Number(x.row));
        },
        async close() {
          table?.close?.();
          db?.close?.();
        },
      };
    },
  };
}

async function main(): Promise<void> {
  const sizes = (arg('--sizes') ?? '10000,100000').split(',').map(Number);
  const only = arg('--only')?.split(',');
  const from = process.env.AI_LAB_VECTOR_CANDIDATES;
  const req = from ? createRequire(path.join(path.resolve(from), 'package.json')) : undefined;
  const all = [exact, usearch, orama, lance(false), lance(true)].filter((c) => !only || only.some((o) => c.name.startsWith(o)));
  const rows: Array<Record<string, unknown>> = [];
  for (const n of sizes) {
    const { matrix, queries } = data(n, n);
    const truth = queries.map((q) => new Set(topK(matrix, DIM, q, K).map((h) => h.index)));
    for (const c of all) {
      if (c.packages.length && !req) continue;
      if (c === orama && n > 20_000) {
        // Its raw data serialises to JSON: 162 MB at 10k passages, past V8's longest string (512 MB) at 100k.
        console.log(`${c.name}: not run at ${n} (its saved form would pass V8's longest string)`);
        continue;
      }
      let store: Store;
      try {
        store = c.make(req as NodeRequire);
      } catch (err) {
        console.log(`${c.name}: not installed in ${from} (${(err as Error).message.split('\n')[0]})`);
        continue;
      }
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ai-lab-vs-'));
      try {
        const t0 = performance.now();
        await store.build(matrix, n, dir);
        const buildS = (performance.now() - t0) / 1000;
        for (const q of queries.slice(0, 10)) await store.search(q); // warm-up
        const times: number[] = [];
        let hits = 0;
        for (const [i, q] of queries.entries()) {
          const t = performance.now();
          const got = await store.search(q);
          times.push(performance.now() - t);
          hits += got.filter((x) => truth[i]!.has(x)).length;
        }
        const install = req ? c.packages.reduce((s, p) => s + duBytes(path.join(path.dirname(req.resolve('./package.json')), 'node_modules', p)), 0) : 0;
        const row = {
          store: c.name,
          passages: n,
          buildPerS: Math.round(n / buildS),
          p50Ms: Math.round(percentile(times, 0.5) * 100) / 100,
          p95Ms: Math.round(percentile(times, 0.95) * 100) / 100,
          recallAt10: Math.round((hits / (QUERIES * K)) * 1000) / 1000,
          diskMB: mb(duBytes(dir)),
          installMB: mb(install),
        };
        rows.push(row);
        console.log(JSON.stringify(row));
        save(rows); // after each row: a run stopped midway keeps what it measured
        await store.close?.();
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }
  }
  console.table(rows);
}

function save(rows: Array<Record<string, unknown>>): void {
  const results = path.join(REPO_ROOT, 'bench', 'results.json');
  const prev = fs.existsSync(results) ? (JSON.parse(fs.readFileSync(results, 'utf8')) as Record<string, unknown>) : {};
  fs.writeFileSync(results, `${JSON.stringify({ ...prev, vectorStore: { dim: DIM, queries: QUERIES, k: K, cpu: os.cpus()[0]?.model, cores: os.cpus().length, loadavg: os.loadavg(), rows } }, null, 2)}\n`);
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
