import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findCudaLibraryDirs, withLibraryPath } from '../../src/core/onnx/cudaLibraries';
import { FeedUnreachableError, installCudaProvider, planCudaProvider } from '../../src/core/onnx/cudaProvider';
import { cliAsync } from '../fixtures/cli';
import { FixtureNugetFeed, providerPackage } from '../fixtures/nuget/feedServer';
import { REPO_ROOT } from '../fixtures/paths';

const REAL_ORT = path.join(REPO_ROOT, 'node_modules', 'onnxruntime-node');
const ORT_VERSION = JSON.parse(fs.readFileSync(path.join(REAL_ORT, 'package.json'), 'utf8')).version as string;
const ID = 'Microsoft.ML.OnnxRuntime.Gpu.Linux';

/** A copy of onnxruntime-node's install metadata in a throw-away package folder: installs never touch the real one. */
function fakeOrtDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ailab-ort-'));
  fs.mkdirSync(path.join(dir, 'script'));
  for (const f of ['install-metadata.js', 'install-metadata-versions.js']) fs.copyFileSync(path.join(REAL_ORT, 'script', f), path.join(dir, 'script', f));
  return dir;
}

describe('Enable CUDA Acceleration: the provider package from a (loopback) NuGet feed', () => {
  let feed: FixtureNugetFeed;
  let index: string;
  beforeEach(async () => {
    feed = new FixtureNugetFeed();
    index = await feed.start();
  });
  afterEach(() => feed.stop());

  it('follows onnxruntime-node\'s own metadata: package, version, files', () => {
    const plan = planCudaProvider(REAL_ORT, 'linux/x64');
    assert.equal(plan.packageName, ID);
    assert.equal(plan.version, ORT_VERSION);
    assert.deepEqual(plan.files.map((f) => f.fileName).sort(), ['libonnxruntime_providers_cuda.so', 'libonnxruntime_providers_shared.so', 'libonnxruntime_providers_tensorrt.so']);
    assert.equal(plan.binDir, path.join(REAL_ORT, 'bin', 'napi-v6', 'linux', 'x64'));
    assert.throws(() => planCudaProvider(REAL_ORT, 'darwin/arm64'), /no separate CUDA provider package for darwin\/arm64 \(only for: linux\/x64\)/);
  });

  it('downloads with progress, verifies SHA-512, nuspec and CRCs, and installs where onnxruntime-node looks', async () => {
    const { nupkg, libs } = providerPackage(ID, ORT_VERSION);
    feed.packages.push({ id: ID, version: ORT_VERSION, nupkg });
    const ortDir = fakeOrtDir();
    const stages: string[] = [];
    let maxBytes = 0;
    const r = await installCudaProvider({ ortDir, feedIndex: index, platform: 'linux/x64', workDir: fs.mkdtempSync(path.join(os.tmpdir(), 'ailab-w-')), onProgress: (p) => { stages.push(p.stage); maxBytes = Math.max(maxBytes, p.doneBytes ?? 0); } });
    assert.equal(r.verifiedHash, true);
    for (const [name, data] of Object.entries(libs)) assert.deepEqual(fs.readFileSync(path.join(ortDir, 'bin', 'napi-v6', 'linux', 'x64', name)), data);
    assert.deepEqual([...new Set(stages)], ['resolve', 'download', 'verify', 'install']);
    assert.equal(maxBytes, nupkg.length);
    assert.match(r.packageUrl, new RegExp(`/flat/microsoft\\.ml\\.onnxruntime\\.gpu\\.linux/${ORT_VERSION}/microsoft\\.ml\\.onnxruntime\\.gpu\\.linux\\.${ORT_VERSION}\\.nupkg$`));
  });

  it('a hash mismatch installs nothing and leaves what was there untouched', async () => {
    feed.packages.push({ id: ID, version: ORT_VERSION, nupkg: providerPackage(ID, ORT_VERSION).nupkg, wrongHash: true });
    const ortDir = fakeOrtDir();
    const bin = path.join(ortDir, 'bin', 'napi-v6', 'linux', 'x64');
    fs.mkdirSync(bin, { recursive: true });
    fs.writeFileSync(path.join(bin, 'libonnxruntime_providers_shared.so'), 'previous');
    await assert.rejects(installCudaProvider({ ortDir, feedIndex: index, platform: 'linux/x64', workDir: fs.mkdtempSync(path.join(os.tmpdir(), 'ailab-w-')) }), /sha512 mismatch/);
    assert.deepEqual(fs.readdirSync(bin), ['libonnxruntime_providers_shared.so']);
    assert.equal(fs.readFileSync(path.join(bin, 'libonnxruntime_providers_shared.so'), 'utf8'), 'previous');
  });

  it('a feed without registrations still installs, checked by CRC, nuspec and ELF headers', async () => {
    feed.withRegistration = false;
    feed.packages.push({ id: ID, version: ORT_VERSION, nupkg: providerPackage(ID, ORT_VERSION).nupkg });
    const r = await installCudaProvider({ ortDir: fakeOrtDir(), feedIndex: index, platform: 'linux/x64', workDir: fs.mkdtempSync(path.join(os.tmpdir(), 'ailab-w-')) });
    assert.equal(r.verifiedHash, false);
    assert.equal(r.installed.length, 3);
  });

  it('damaged or wrong content is refused: a CRC error, a non-library file, another package', async () => {
    feed.withRegistration = false;
    const good = providerPackage(ID, ORT_VERSION).nupkg;
    const damaged = Buffer.from(good);
    // Flip a byte inside the first stored library's data (entries 1 and 3 are deflated, 2 is stored).
    const at = damaged.indexOf(Buffer.from('libonnxruntime_providers_shared.so')) + 34 + 100;
    damaged[at] = damaged[at]! ^ 0xff;
    feed.packages.push({ id: ID, version: ORT_VERSION, nupkg: damaged });
    await assert.rejects(installCudaProvider({ ortDir: fakeOrtDir(), feedIndex: index, platform: 'linux/x64', workDir: fs.mkdtempSync(path.join(os.tmpdir(), 'ailab-w-')) }), /fails its CRC check/);
    feed.packages.length = 0;
    feed.packages.push({ id: ID, version: ORT_VERSION, nupkg: providerPackage(ID, ORT_VERSION, { notElf: true }).nupkg });
    await assert.rejects(installCudaProvider({ ortDir: fakeOrtDir(), feedIndex: index, platform: 'linux/x64', workDir: fs.mkdtempSync(path.join(os.tmpdir(), 'ailab-w-')) }), /is not a shared library/);
    feed.packages.length = 0;
    feed.packages.push({ id: ID, version: ORT_VERSION, nupkg: providerPackage('Someone.Else', '0.0.1').nupkg });
    await assert.rejects(installCudaProvider({ ortDir: fakeOrtDir(), feedIndex: index, platform: 'linux/x64', workDir: fs.mkdtempSync(path.join(os.tmpdir(), 'ailab-w-')) }), /the package says it is Someone\.Else 0\.0\.1/);
  });

  it('the version onnxruntime-node needs missing from the feed: says which versions it has', async () => {
    feed.packages.push({ id: ID, version: '1.2.3', nupkg: providerPackage(ID, '1.2.3').nupkg });
    await assert.rejects(installCudaProvider({ ortDir: fakeOrtDir(), feedIndex: index, platform: 'linux/x64' }), new RegExp(`${ID} ${ORT_VERSION.replace(/\./g, '\\.')} .* is not on .*; it has 1\\.2\\.3`));
  });

  it('a cut download resumes with a Range request; a cancelled install stops with the cancellation', async () => {
    const { nupkg } = providerPackage(ID, ORT_VERSION);
    feed.packages.push({ id: ID, version: ORT_VERSION, nupkg });
    feed.cutAfter = 3000;
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'ailab-w-'));
    await installCudaProvider({ ortDir: fakeOrtDir(), feedIndex: index, platform: 'linux/x64', workDir: work });
    assert.ok(feed.requests.some((q) => q.range === 'bytes=3000-'));
    const ac = new AbortController();
    ac.abort(new Error('cancelled by the user'));
    await assert.rejects(installCudaProvider({ ortDir: fakeOrtDir(), feedIndex: index, platform: 'linux/x64', workDir: work, signal: ac.signal }), /cancelled by the user/);
  });
});

describe('CUDA libraries from a Python venv', () => {
  it('finds site-packages/nvidia/*/lib of workspace venvs and configured ones, and puts them on LD_LIBRARY_PATH', () => {
    const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'ailab-ws-'));
    for (const pkg of ['cudnn', 'cublas', 'cuda_runtime']) fs.mkdirSync(path.join(ws, '.venv', 'lib', 'python3.12', 'site-packages', 'nvidia', pkg, 'lib'), { recursive: true });
    const extra = fs.mkdtempSync(path.join(os.tmpdir(), 'ailab-cuda-'));
    const dirs = findCudaLibraryDirs({ configured: [extra], workspaceFolders: [ws], env: {}, platform: 'linux' });
    assert.equal(dirs[0], extra);
    assert.deepEqual(dirs.slice(1).map((d) => path.basename(path.dirname(d))).sort(), ['cublas', 'cuda_runtime', 'cudnn']);
    const env = withLibraryPath({ LD_LIBRARY_PATH: '/usr/lib/x' }, dirs, 'linux');
    assert.equal(env.LD_LIBRARY_PATH, [...dirs, '/usr/lib/x'].join(':'));
    assert.deepEqual(withLibraryPath({ A: '1' }, [], 'linux'), { A: '1' });
  });
});

describe('Enable CUDA Acceleration offline', () => {
  /** A loopback port nothing listens on: connecting is refused, as when the feed is out of reach. */
  async function closedPort(): Promise<number> {
    const net = await import('node:net');
    const server = net.createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as { port: number }).port;
    await new Promise<void>((r) => server.close(() => r()));
    return port;
  }

  it('names the package source it could not reach, the feed, and the mirror setting', async () => {
    const port = await closedPort();
    const feed = `http://127.0.0.1:${port}/v3/index.json`;
    await assert.rejects(
      installCudaProvider({ ortDir: fakeOrtDir(), feedIndex: feed, platform: 'linux/x64', workDir: fs.mkdtempSync(path.join(os.tmpdir(), 'ailab-w-')) }),
      (err: Error) => {
        assert.ok(err instanceof FeedUnreachableError, String(err));
        assert.equal(err.host, `127.0.0.1:${port}`);
        assert.match(err.message, new RegExp(`^could not reach the package source 127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\)`));
        assert.match(err.message, /point aiLab\.cudaProviderFeed at a NuGet v3 mirror/);
        assert.ok(err.message.includes(`the feed in use is ${feed}`));
        return true;
      },
    );
  });

  it('through the CLI: exit 1 with that message, nothing installed', async () => {
    const port = await closedPort();
    const r = await cliAsync(['enable-cuda', '--feed', `http://127.0.0.1:${port}/v3/index.json`], {});
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`ai-lab: could not reach the package source 127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\)\\. Check the network or proxy, or point --feed at a NuGet v3 mirror`));
    assert.equal(r.stdout, '');
  });
});
