/**
 * End-to-end tests in a real VS Code (code-server 4.100.3 = VS Code 1.100) driven by Debian's chromium.
 * Phase 1: the mocha suite in suite/ runs inside the extension host (VS Code API).
 * Phase 2: the packaged VSIX is installed and the UI is checked as a person sees it (ui.ts).
 * Phase 3: the VSIX again, in a repository with hostile settings, with Workspace Trust on (uiTrust.ts).
 */
import { encryptedPdf } from '../fixtures/pdf/encrypted';
import { jpxScanPdf, shortHandbookPdf } from '../fixtures/pdf/generate';
import { VAULT } from './uiPdf';
import { FORECAST_FILE } from './uiSearch';
import { EMOJI_FILE } from './uiOffsets';
import { GERMAN_FILE } from './uiTranslate';
import { writeModelFolder } from './uiValidate';
import { writeEvalData } from './uiEval';
import { addPortRepos, fakeExportEnv, writePtOnlyFolder } from './uiGetOnnx';
import { writePublishFolder } from './uiPublish';
import { marianFiles } from '../fixtures/models/translation';
import { writeModelDir } from '../fixtures/models/write';
import { SIMILAR_FILE } from './uiSimilar';
import { sentenceEmbedderDirs } from '../fixtures/models/sentenceEmbedder';
import { KITCHEN_FILE } from './uiAskWorkspace';
import { DEALER_PDF, dealerPdf } from '../fixtures/pdf/dealer';
import { COMPARE_FILE } from './uiCompare';
import { GERMAN_PDF, germanPdf } from './uiPdfPaths';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { format } from 'node:util';
import { chromium, type Browser } from 'playwright-core';
import { addCatalog, HOSTILE_CARD } from '../fixtures/hub/catalog';
import { FixtureHub } from '../fixtures/hub/server';
import { TeiStandIn } from '../fixtures/backends/tei';
import { acquireBlobLock, blobLockPath } from '../../src/core/hub/blobLock';
import { repoFolderName } from '../../src/core/hub/cacheLayout';
import { resolveHubCacheDir } from '../../src/core/hub/hubConfig';
import { fixtureModelDirs } from '../fixtures/models';
import { causalLmFiles } from '../fixtures/models/causalLm';
import { sentimentModelFiles } from '../fixtures/models/sentiment';
import { FixtureNugetFeed, providerPackage } from '../fixtures/nuget/feedServer';
import { REPO_ROOT, fakeSmi } from '../fixtures/paths';
import { makeDirs, run, startCodeServer, writeUserSettings } from './codeServer';
import { checkUi } from './ui';
import { trustChecks } from './uiTrust';
import { demoChecks } from './uiDemo';

const RESULTS = path.join(REPO_ROOT, 'test-results');
const CODE_SERVER = path.join(REPO_ROOT, '.tools', 'e2e', 'node_modules', '.bin', 'code-server');
const CHROMIUM = process.env.AI_LAB_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

const baseSettings = {
  'aiLab.nvidiaSmiPath': fakeSmi('rtx5080'),
  'aiLab.gpuPollSeconds': 1,
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
};

function section(title: string): void {
  console.log(`\n=== ${title}`);
}

/** A .code-workspace file (in `root`) of `first` and a new folder "second" beside it; its path. */
function twoFolderWorkspace(root: string, first: string): string {
  const second = path.join(root, 'second');
  fs.mkdirSync(second, { recursive: true });
  const file = path.join(root, 'two.code-workspace');
  fs.writeFileSync(file, JSON.stringify({ folders: [{ path: first, name: 'first' }, { path: second, name: 'second' }] }));
  return file;
}

async function extensionHostSuite(browser: Browser, o: { multiRoot?: boolean } = {}): Promise<number> {
  section(o.multiRoot ? 'Phase 1, multi-root: the suite\'s multi-root checks in a window of two folders' : 'Phase 1: mocha suite inside the extension host');
  const dirs = makeDirs();
  writeUserSettings(dirs.userData, baseSettings);
  const cs = await startCodeServer(CODE_SERVER, dirs);
  try {
    const remote = (p: string) => `vscode-remote://127.0.0.1:${cs.port}${p}`;
    const payload = [
      ['extensionDevelopmentPath', remote(REPO_ROOT)],
      ['extensionTestsPath', remote(path.join(REPO_ROOT, 'out', 'test', 'e2e', 'suite', 'index.js'))],
      ['skipWelcome', 'true'],
    ];
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: cs.url });
    const page = await context.newPage();
    let resolveExit!: (code: number) => void;
    const exited = new Promise<number>((r) => (resolveExit = r));
    await page.exposeFunction('codeAutomationLog', (type: string, args: unknown[]) => {
      const text = format(...(args ?? []));
      // The workbench's own chatter (offline gallery look-ups) is noise; the suite's lines are kept.
      if (/ENOTFOUND|open-vsx|^\s+at /.test(text)) return;
      if (type === 'error' || type === 'warn') console.error(text);
      else console.log(text);
    });
    // Webview pages (the PDF viewer, panels) log to the browser console: shown when debugging.
    if (process.env.AI_LAB_E2E_DEBUG) page.on('console', (m) => m.type() === 'error' && console.error(`[browser] ${m.text()}`));
    page.on('pageerror', (e) => process.env.AI_LAB_E2E_DEBUG && console.error(`[browser] ${e.message}`));
    await page.exposeFunction('codeAutomationExit', (code: number) => resolveExit(code));
    // AI_LAB_E2E_MULTIROOT=1: a .code-workspace of the folder and a second one (the suite's multi-root checks).
    const opened = o.multiRoot || process.env.AI_LAB_E2E_MULTIROOT ? `workspace=${encodeURIComponent(twoFolderWorkspace(dirs.root, dirs.workspace))}` : `folder=${encodeURIComponent(dirs.workspace)}`;
    const url = `${cs.url}/?${opened}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
    await page.goto(url);
    const code = await Promise.race([exited, new Promise<number>((r) => setTimeout(() => r(124), 480_000))]);
    if (code === 124) console.error('extension-host suite timed out after 480 s');
    await page.screenshot({ path: path.join(RESULTS, 'phase1-window.png') });
    await context.close();
    return code;
  } finally {
    await cs.stop();
    fs.rmSync(dirs.root, { recursive: true, force: true });
  }
}

async function uiChecks(browser: Browser, vsix: string): Promise<number> {
  section('Phase 2: the packaged VSIX, checked through the UI');
  const dirs = makeDirs();
  // A loopback Hub with a throttled model file, so the download progress can be seen.
  const hub = new FixtureHub();
  addCatalog(hub);
  addPortRepos(hub);
  const sentimentSmall = hub.addRepo({ id: 'fixture-org/sentiment-small', files: { ...sentimentModelFiles(), 'README.md': HOSTILE_CARD }, pipelineTag: 'text-classification', downloads: 1, cardData: { license: 'apache-2.0' } });
  // Its twin under another licence: two runnable models a Models-view search lists side by side (Compare Models).
  hub.addRepo({ id: 'fixture-org/sentiment-twin', files: sentimentModelFiles(), pipelineTag: 'text-classification', downloads: 1, cardData: { license: 'mit' } });
  hub.faults.push({ match: 'onnx/model.onnx', kind: 'slow', bytesPerSecond: 200, times: 1 });
  // A model whose download crawls, for the cancellation check.
  hub.addRepo({ id: 'Xenova/fixture-slow-lm', files: causalLmFiles(), pipelineTag: 'text-generation' });
  hub.faults.push({ match: 'Xenova/fixture-slow-lm/resolve/', kind: 'slow', bytesPerSecond: 100, times: 50 });
  await hub.start();
  // A Text Embeddings Inference stand-in for the backend check.
  const tei = new TeiStandIn();
  await tei.start();
  // A loopback NuGet feed with a provider package for the installed onnxruntime-node (fake libraries).
  const feed = new FixtureNugetFeed();
  const ortVersion = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'node_modules', 'onnxruntime-node', 'package.json'), 'utf8')).version as string;
  feed.packages.push({ id: 'Microsoft.ML.OnnxRuntime.Gpu.Linux', version: ortVersion, nupkg: providerPackage('Microsoft.ML.OnnxRuntime.Gpu.Linux', ortVersion).nupkg });
  const feedIndex = await feed.start();
  const models = fixtureModelDirs();
  // A Python environment with a stub optimum-cli, for Get ONNX Weights (no other check lists Python environments).
  const exportEnv = fakeExportEnv();
  let settings: Record<string, unknown> = {
    'aiLab.pythonPaths': [exportEnv.prefix],
    ...baseSettings,
    'aiLab.hubEndpoint': hub.url,
    'aiLab.datasetsServerEndpoint': `${hub.url}/datasets-server`,
    'aiLab.cudaProviderFeed': feedIndex,
    'aiLab.models.sentiment': models.sentiment,
    'aiLab.models.summarize': models.summarizer,
    'aiLab.models.grammar': models.grammar,
    'aiLab.models.qnli': models.nli,
    'aiLab.models.zeroShot': models.nli,
    'aiLab.models.generate': models.lm,
    'aiLab.models.qa': models.qa,
    'aiLab.models.translate': writeModelDir(marianFiles()),
    'aiLab.models.similarity': sentenceEmbedderDirs().mean,
    'aiLab.models.findSimilar': sentenceEmbedderDirs().mean,
    // The MiniLM-shaped fixture: the workspace index and Ask the Workspace embed as sentence-transformers do.
    'aiLab.index.embeddingModel': sentenceEmbedderDirs().mean,
    'aiLab.qa.chunkTokens': 120,
    'workbench.colorTheme': 'Default Dark Modern',
  };
  writeUserSettings(dirs.userData, settings);
  fs.writeFileSync(path.join(dirs.workspace, 'README.md'), '# Demo workspace\n\nOpen the AI Lab view in the activity bar.\n');
  fs.writeFileSync(path.join(dirs.workspace, 'review.txt'), 'The service was terrible and the food was awful.\n');
  fs.writeFileSync(path.join(dirs.workspace, 'support.txt'), 'Hi team, the analytics dashboard shows an error every time I log in.');
  fs.writeFileSync(path.join(dirs.workspace, 'story.txt'), 'The future of');
  fs.writeFileSync(path.join(dirs.workspace, EMOJI_FILE.name), EMOJI_FILE.text);
  fs.writeFileSync(path.join(dirs.workspace, GERMAN_FILE.name), GERMAN_FILE.text);
  fs.writeFileSync(path.join(dirs.workspace, SIMILAR_FILE.name), SIMILAR_FILE.text);
  fs.writeFileSync(path.join(dirs.workspace, FORECAST_FILE.name), FORECAST_FILE.text);
  fs.writeFileSync(path.join(dirs.workspace, 'handbook.pdf'), await shortHandbookPdf());
  fs.writeFileSync(path.join(dirs.workspace, 'vault.pdf'), encryptedPdf(VAULT.password, VAULT.text));
  fs.writeFileSync(path.join(dirs.workspace, 'scan-jpx.pdf'), await jpxScanPdf());
  writeModelFolder(dirs.workspace);
  writeEvalData(dirs.workspace);
  writePtOnlyFolder(dirs.workspace);
  writePublishFolder(dirs.workspace);
  fs.writeFileSync(path.join(dirs.workspace, KITCHEN_FILE.name), KITCHEN_FILE.text);
  fs.writeFileSync(path.join(dirs.workspace, DEALER_PDF.name), await dealerPdf());
  fs.writeFileSync(path.join(dirs.workspace, GERMAN_PDF.name), await germanPdf());
  fs.writeFileSync(path.join(dirs.workspace, COMPARE_FILE.name), COMPARE_FILE.text);
  fs.writeFileSync(path.join(dirs.workspace, 'council.txt'), 'City council members met for a short session to approve the river cleanup budget. They highlighted that volunteer turnout doubled.');
  await run(CODE_SERVER, ['--user-data-dir', dirs.userData, '--extensions-dir', dirs.extensions, '--install-extension', vsix]);
  const cs = await startCodeServer(CODE_SERVER, dirs);
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  try {
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: cs.url });
    const page = await context.newPage();
    await page.goto(`${cs.url}/?folder=${encodeURIComponent(dirs.workspace)}`);
    const failures = await checkUi(page, {
      results: RESULTS,
      switchSmi: (scenario) => writeUserSettings(dirs.userData, (settings = { ...settings, 'aiLab.nvidiaSmiPath': fakeSmi(scenario) })),
      writeSettings: (patch) => writeUserSettings(dirs.userData, (settings = { ...settings, ...patch })),
      logsDir: path.join(dirs.userData, 'logs'),
      tei: { url: tei.url, model: tei.modelId, predictions: () => tei.sent('/predict').length },
      hfHome: path.join(dirs.root, 'hf'),
      readSettings: () => fs.readFileSync(path.join(dirs.userData, 'User', 'settings.json'), 'utf8'),
      throttle: (match) => hub.faults.push({ match, kind: 'slow', bytesPerSecond: 2000, times: 20 }),
      token: hub.token,
      workspace: dirs.workspace,
      env: exportEnv,
      setTokenRole: (role) => {
        hub.tokenRole = role;
      },
      repoFiles: async (id) => {
        const r = await fetch(`${hub.url}/api/models/${id}`, { headers: { authorization: `Bearer ${hub.token}` } });
        return r.ok ? ((await r.json()) as { siblings: Array<{ rfilename: string }> }).siblings.map((s) => s.rfilename) : undefined;
      },
      holdBlobLocks: async (id) => {
        const cacheDir = resolveHubCacheDir({ HF_HOME: path.join(dirs.root, 'hf'), HF_HUB_CACHE: process.env.HF_HUB_CACHE });
        const blobs = (id === 'fixture-org/sentiment-small' ? sentimentSmall.files : []).filter((f) => f.lfs);
        const locks = await Promise.all(blobs.map((f) => acquireBlobLock(blobLockPath(cacheDir, repoFolderName(id), f.sha256))));
        return async () => {
          for (const l of locks) await l.release();
        };
      },
    });
    return failures;
  } finally {
    await context.close();
    await cs.stop();
    await hub.stop();
    await tei.stop();
    await feed.stop();
    fs.rmSync(dirs.root, { recursive: true, force: true });
    fs.rmSync(exportEnv.prefix, { recursive: true, force: true });
  }
}

async function main(): Promise<number> {
  const started = Date.now();
  fs.mkdirSync(RESULTS, { recursive: true });
  if (!fs.existsSync(CODE_SERVER)) throw new Error(`${CODE_SERVER} missing: run scripts/setup-e2e-tools.sh`);
  const only = process.env.AI_LAB_E2E_PHASE; // "1", "2" or "3" to run one phase while developing
  let vsix = '';
  if (only !== '1') {
    section('Packaging the VSIX');
    console.log(await run('npm', ['run', '--silent', 'package']));
    vsix = fs.readdirSync(path.join(REPO_ROOT, 'dist-vsix')).filter((f) => f.endsWith('.vsix')).map((f) => path.join(REPO_ROOT, 'dist-vsix', f))[0]!;
  }
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  let failed = 0;
  try {
    if (!only || only === '1') {
      const code = await extensionHostSuite(browser);
      console.log(`extension-host suite exit code: ${code}`);
      if (code !== 0) failed++;
      // The multi-root checks need a window of two folders: the suite again, only them (the extension host inherits the grep).
      const grep = process.env.AI_LAB_E2E_GREP;
      if (!grep || /multi-root/.test(grep)) {
        process.env.AI_LAB_E2E_GREP = 'multi-root';
        try {
          const multi = await extensionHostSuite(browser, { multiRoot: true });
          console.log(`extension-host suite (multi-root) exit code: ${multi}`);
          if (multi !== 0) failed++;
        } finally {
          if (grep === undefined) delete process.env.AI_LAB_E2E_GREP;
          else process.env.AI_LAB_E2E_GREP = grep;
        }
      }
    }
    if (!only || only === '2') {
      failed += await uiChecks(browser, vsix);
      section('Phase 2, the demo: the demo workspace on the bundled demo models, offline');
      failed += await demoChecks(browser, { codeServer: CODE_SERVER, vsix, results: RESULTS });
    }
    if (!only || only === '3') {
      section('Phase 3: a repository whose settings point AI Lab elsewhere, in Restricted Mode and then trusted');
      failed += await trustChecks(browser, { codeServer: CODE_SERVER, vsix, results: RESULTS });
    }
  } finally {
    await browser.close();
  }
  const wall = (Date.now() - started) / 1000;
  const metricsFile = path.join(RESULTS, 'e2e-metrics.json');
  const metrics = fs.existsSync(metricsFile) ? JSON.parse(fs.readFileSync(metricsFile, 'utf8')) : {};
  fs.writeFileSync(metricsFile, JSON.stringify({ ...metrics, e2eWallSeconds: wall }, null, 2));
  section(`e2e ${failed ? 'FAILED' : 'passed'} in ${wall.toFixed(1)} s; metrics: ${JSON.stringify({ ...metrics, e2eWallSeconds: wall })}`);
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
