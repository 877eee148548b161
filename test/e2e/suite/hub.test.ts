import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CardView, DatasetToWebview } from '../../../src/shared/hubProtocol';
import { planPartition } from '../../../src/host/webviews/datasetPanel';
import { addCatalog, DATASET_ID } from '../../fixtures/hub/catalog';
import { FixtureHub } from '../../fixtures/hub/server';
import { hash, writeRepo } from '../../fixtures/hubCache';
import { writeXetCache } from '../../fixtures/xetCache';
import { resolveXetCacheDir } from '../../../src/core/hub/xetCache';
import { api, setSetting, waitFor } from './helpers';

describe('AI Lab in a real VS Code: the Hub sidebar', () => {
  let hub: FixtureHub;
  before(async () => {
    hub = new FixtureHub();
    addCatalog(hub);
    await hub.start();
    await setSetting('hubEndpoint', hub.url);
    await setSetting('datasetsServerEndpoint', `${hub.url}/datasets-server`);
  });
  after(async () => {
    await vscode.commands.executeCommand('aiLab.signOut');
    await setSetting('hubEndpoint', undefined);
    await setSetting('datasetsServerEndpoint', undefined);
    await hub.stop();
  });

  it('Models: filters by task, pages with Load more, badges runnable models, expands into files with sizes', async () => {
    const { hub: h } = await api();
    await vscode.commands.executeCommand('aiLab.models.filterByTask', 'summarization');
    assert.equal(h.models.query.task, 'summarization');
    assert.equal(h.models.models.length, 12);
    await h.models.setQuery({ task: 'summarization', limit: 5 });
    assert.equal(h.models.models.length, 5);
    await vscode.commands.executeCommand('aiLab.models.loadMore');
    assert.equal(h.models.models.length, 10);
    const roots = await h.models.getChildren();
    assert.equal(roots.at(-1)!.kind, 'more');
    // A page of an older query that arrives late is dropped, not mixed in.
    void h.models.setQuery({ limit: 20 });
    await h.models.setQuery({ task: 'summarization', limit: 20 });
    assert.ok(h.models.models.every((m) => m.pipelineTag === 'summarization'), h.models.models.map((m) => m.id).join(', '));
    await vscode.commands.executeCommand('aiLab.models.clearFilters');
    await vscode.commands.executeCommand('aiLab.models.search', 'fixture-sst2');
    const [node] = await h.models.getChildren();
    assert.equal(node!.kind, 'model');
    const item = h.models.getTreeItem(node!);
    assert.match(String(item.description), /5\.0k downloads · 40 likes · runs in AI Lab/);
    assert.match(String(item.contextValue), /^model;runnable/);
    const files = await h.models.getChildren(node);
    const onnx = files.find((f) => f.kind === 'file' && f.file.path === 'onnx/model.onnx')!;
    assert.match(String(h.models.getTreeItem(onnx).description), /KB · LFS|MB · LFS/);
  });

  it('opens a model card: sanitized README, front matter table, files, verdict', async () => {
    const { hub: h } = await api();
    const shown = new Promise<CardView>((r) => h.cards.onDidShow(r));
    const card = (await vscode.commands.executeCommand<CardView>('aiLab.models.openCard', { id: 'Xenova/fixture-sst2' }))!;
    assert.equal(card.verdict?.runs, true);
    assert.doesNotMatch(card.html, /<script|onerror|onclick|href="javascript|<iframe|style=/i);
    assert.deepEqual(card.table.map((r) => r.key), ['license', 'pipeline_tag', 'language', 'datasets', 'metrics']);
    assert.ok(card.files.some((f) => f.path === 'onnx/model.onnx' && f.lfs));
    assert.equal((await shown).id, 'Xenova/fixture-sst2', 'the page received the card');
    await vscode.commands.executeCommand('aiLab.models.copyId', { id: 'Xenova/fixture-sst2' });
    assert.equal(await vscode.env.clipboard.readText(), 'Xenova/fixture-sst2');
    const pt = (await vscode.commands.executeCommand<CardView>('aiLab.models.openCard', { id: 'someone/pytorch-only' }))!;
    assert.equal(pt.verdict?.runs, false);
    assert.equal(await vscode.commands.executeCommand('aiLab.models.openCard', { id: 'nobody/nothing' }), undefined);
  });

  it('downloads a model into the shared cache, shows it in Cache, and deletes it', async () => {
    const { hub: h } = await api();
    const dir = await vscode.commands.executeCommand<string>('aiLab.models.download', { id: 'Xenova/fixture-sst2' }, { files: 'ailab' });
    assert.ok(dir && dir.startsWith(path.join(process.env.HF_HOME!, 'hub', 'models--Xenova--fixture-sst2')), dir);
    assert.ok(fs.existsSync(path.join(dir, 'onnx', 'model.onnx')));
    assert.ok(!fs.existsSync(path.join(dir, 'README.md')), 'only the files AI Lab needs');
    const repos = h.cache.getChildren();
    const repo = repos.find((n) => n.kind === 'repo' && n.repo.id === 'Xenova/fixture-sst2')!;
    assert.ok(repo);
    assert.match(String(h.cache.getTreeItem(repo).description), /KB|MB/);
    const [rev] = h.cache.getChildren(repo);
    assert.match(String(h.cache.getTreeItem(rev!).description), /^main · /);
    assert.equal(await vscode.commands.executeCommand('aiLab.cache.delete', repo, { confirm: false }), true);
    assert.ok(!fs.existsSync(path.join(process.env.HF_HOME!, 'hub', 'models--Xenova--fixture-sst2')));
    assert.ok(!h.cache.getChildren().some((n) => n.kind === 'repo' && n.repo.id === 'Xenova/fixture-sst2'));
  });

  it('the Cache view survives a broken cache: good repos listed, a dangling repo link and a deleted blob as warnings', async () => {
    const { hub: h } = await api();
    const cacheDir = path.join(process.env.HF_HOME!, 'hub');
    const dangling = path.join(cacheDir, 'models--acme--big-llm');
    fs.mkdirSync(cacheDir, { recursive: true });
    fs.symlinkSync('/mnt/external-disk/hf/models--acme--big-llm', dangling);
    const ok = writeRepo(cacheDir, 'models--acme--ok', [{ commit: hash('d'), ref: 'main', files: { 'config.json': { blob: hash('5'), bytes: 3 }, 'model.onnx': { blob: hash('6', 64), bytes: 900 } } }]);
    fs.rmSync(path.join(ok, 'blobs', hash('6', 64)));
    try {
      await vscode.commands.executeCommand('aiLab.cache.refresh');
      const nodes = h.cache.getChildren();
      const repo = nodes.find((n) => n.kind === 'repo' && n.repo.id === 'acme/ok')!;
      assert.ok(repo, 'the good repo is listed');
      const [rev] = h.cache.getChildren(repo);
      assert.match(String(h.cache.getTreeItem(rev!).description), /^main · 3 B · 1 files · 1 missing$/);
      const warnings = nodes.filter((n) => n.kind === 'warning').map((n) => String(h.cache.getTreeItem(n).label));
      assert.ok(warnings.some((w) => /^models--acme--big-llm: a link to \/mnt\/external-disk\/hf\/models--acme--big-llm, which does not exist/.test(w)), warnings.join('\n'));
      assert.ok(warnings.some((w) => /^models--acme--ok: snapshots\/d{40}\/model\.onnx links to .*, which is missing/.test(w)), warnings.join('\n'));
      // Deleting the repo with a missing blob works and frees what is there.
      assert.equal(await vscode.commands.executeCommand('aiLab.cache.delete', repo, { confirm: false }), true);
      assert.ok(!fs.existsSync(ok));
    } finally {
      fs.rmSync(dangling, { force: true });
      fs.rmSync(ok, { recursive: true, force: true });
      await vscode.commands.executeCommand('aiLab.cache.refresh');
    }
  });

  it('the Cache view shows the Xet cache with its size per endpoint, and Clear Xet Cache frees it and leaves the hub cache alone', async () => {
    const { hub: h } = await api();
    const xetDir = resolveXetCacheDir();
    const f = writeXetCache(xetDir);
    const hubDir = path.join(process.env.HF_HOME!, 'hub');
    const repo = writeRepo(hubDir, 'models--acme--kept', [{ commit: hash('e'), ref: 'main', files: { 'config.json': { blob: hash('7'), bytes: 3 } } }]);
    try {
      await vscode.commands.executeCommand('aiLab.cache.refresh');
      const xetNode = h.cache.getChildren().find((n) => n.kind === 'xet')!;
      assert.ok(xetNode, 'the Xet cache is a row of the Cache view');
      const item = h.cache.getTreeItem(xetNode);
      assert.equal(item.label, 'Xet cache (hf_xet)');
      assert.equal(item.description, '150.9 KB · 8 files · 1 endpoint');
      assert.equal(item.contextValue, 'cacheXet');
      const rows = h.cache.getChildren(xetNode).map((n) => [h.cache.getTreeItem(n).label, h.cache.getTreeItem(n).description]);
      assert.deepEqual(rows, [
        ['https___cas_serv-tGqkUaZf_CBPHQ6h', '148.5 KB · chunk-cache 135.5 KB · shard-cache 12.0 KB · staging 1.0 KB'],
        ['logs', '2.3 KB · 1 files'],
      ]);
      assert.equal(await vscode.commands.executeCommand('aiLab.cache.clearXet', xetNode, { confirm: false }), true);
      assert.ok(!fs.existsSync(f.endpoint));
      const after = h.cache.getChildren();
      assert.equal(h.cache.getTreeItem(after.find((n) => n.kind === 'xet')!).description, '0 B · 0 files · 0 endpoints');
      assert.ok(after.some((n) => n.kind === 'repo' && n.repo.id === 'acme/kept'), 'the hub cache is untouched');
    } finally {
      fs.rmSync(xetDir, { recursive: true, force: true });
      fs.rmSync(repo, { recursive: true, force: true });
      await vscode.commands.executeCommand('aiLab.cache.refresh');
    }
  });

  it('Datasets: search, configs and splits with row counts, preview a split with paged rows, plan a stratified split', async () => {
    const { hub: h } = await api();
    await vscode.commands.executeCommand('aiLab.datasets.search', 'reviews');
    const [ds] = await h.datasets.getChildren();
    assert.equal(ds!.kind === 'dataset' && ds!.dataset.id, DATASET_ID);
    const [cfg] = await h.datasets.getChildren(ds);
    const children = await h.datasets.getChildren(cfg);
    const train = children.find((c) => c.kind === 'split' && c.split.split === 'train')!;
    assert.equal(h.datasets.getTreeItem(train).description, '250 rows');
    assert.ok(children.some((c) => c.kind === 'feature' && c.type === 'ClassLabel(neg, pos)'));
    const seen: DatasetToWebview[] = [];
    const sub = h.datasetPanels.onDidPost((m) => seen.push(m));
    try {
      await vscode.commands.executeCommand('aiLab.datasets.previewSplit', train);
      // The first webview of a fresh profile can take long to load (once, on a cold machine): rows come after it is ready.
      const rows = (await waitFor('the first page of rows', () => seen.find((m) => m.type === 'rows'), Boolean, 45_000))!;
      assert.equal(rows.type === 'rows' && rows.rows.length, 25);
      assert.equal(rows.type === 'rows' && rows.total, 250);
    } finally {
      sub.dispose();
    }
    const config = cfg!.kind === 'config' ? cfg!.config : undefined;
    const plan = await planPartition(h.session, DATASET_ID, config!, 'train', { column: 'label', testSize: 0.2, seed: 42 });
    assert.deepEqual(plan.stratified?.perLabel.map((l) => [l.label, l.train, l.test]), [['pos', 120, 30], ['neg', 80, 20]]);
    assert.match(plan.code, /train_test_split\(test_size=0\.2, stratify_by_column="label", seed=42\)/);
    await assert.rejects(planPartition(h.session, DATASET_ID, config!, 'train', { column: 'text', testSize: 0.2, seed: 1 }), /not a ClassLabel column/);
  });

  it('Tasks: grouped by modality; a task filters the Models view', async () => {
    const { hub: h } = await api();
    const groups = await h.tasks.getChildren();
    assert.deepEqual(groups.map((g) => g.kind === 'modality' && g.label), ['Audio', 'Computer Vision', 'Natural Language Processing']);
    const nlp = groups[2]!;
    const tasks = await h.tasks.getChildren(nlp);
    const qa = tasks.find((t) => t.kind === 'task' && t.task.id === 'question-answering')!;
    const cmd = h.tasks.getTreeItem(qa).command!;
    await vscode.commands.executeCommand(cmd.command, ...(cmd.arguments ?? []));
    assert.equal(h.models.query.task, 'question-answering');
  });

  it('signs in with a token: kept in SecretStorage, not in settings; gated downloads then work; a wrong token is not stored', async () => {
    const { hub: h } = await api();
    const denied = await vscode.commands.executeCommand('aiLab.models.download', { id: 'acme/gated-sst2' }, { files: 'all' });
    assert.equal(denied, undefined, 'a gated model needs a token');
    assert.equal(await vscode.commands.executeCommand('aiLab.signIn', 'hf_wrong_token'), undefined);
    assert.equal(await h.session.storedToken(), undefined);
    assert.equal(await vscode.commands.executeCommand('aiLab.signIn', hub.token), 'fixture-user');
    assert.equal(await h.session.storedToken(), hub.token);
    assert.equal(h.session.state.kind, 'signedIn');
    const settings = JSON.stringify(vscode.workspace.getConfiguration('aiLab'));
    assert.ok(!settings.includes(hub.token), 'the token is not in settings');
    const dir = await vscode.commands.executeCommand<string>('aiLab.models.download', { id: 'acme/gated-sst2' }, { files: 'all' });
    assert.ok(dir && fs.existsSync(path.join(dir, 'config.json')));
    const hosts = new Set(hub.requests.filter((r) => r.headers.authorization).map((r) => r.headers.host));
    assert.deepEqual([...hosts], [new URL(hub.url).host], 'the token only went to the Hub endpoint');
    await vscode.commands.executeCommand('aiLab.signOut');
    assert.equal(await h.session.storedToken(), undefined);
  });

  it('Models: a Hub that cannot be reached empties the view for its welcome (Retry, aiLab.hubEndpoint), also when not signed in', async () => {
    const { hub: h } = await api();
    await vscode.commands.executeCommand('aiLab.signOut');
    const net = await import('node:net');
    const server = net.createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as { port: number }).port;
    await new Promise<void>((r) => server.close(() => r()));
    try {
      await setSetting('hubEndpoint', `http://127.0.0.1:${port}`);
      await h.models.reload();
      // The session's own check (anonymous: no whoami) comes after and must not hide the welcome.
      await h.session.refresh();
      assert.equal(h.session.state.kind, 'anonymous');
      assert.equal(h.models.offline, true);
      assert.deepEqual(await h.models.getChildren(), []);
      assert.equal(h.modelsView.message, undefined, 'no account line above the welcome');
    } finally {
      await setSetting('hubEndpoint', hub.url);
      await h.models.reload();
    }
    assert.equal(h.models.offline, false);
    await waitFor('account line', () => h.modelsView.message, (m) => m === 'Not signed in: public models and datasets only');
  });

  it('http.proxy and http.proxyStrictSSL (VS Code\'s settings): the Models view\'s Hub requests go through the proxy; without it, none do', async () => {
    const { FixtureProxy } = await import('../../fixtures/net/proxyServer');
    const proxy = new FixtureProxy();
    await proxy.start();
    const http = vscode.workspace.getConfiguration('http');
    const { hub: h } = await api();
    const target = new URL(hub.url).host;
    try {
      await http.update('proxy', proxy.url, vscode.ConfigurationTarget.Global);
      // VS Code's own proxy layer (the extension host's fetch) leaves loopback hosts alone; with
      // http.proxyStrictSSL false AI Lab sends its requests through its own dispatcher (src/core/net/proxy.ts).
      await http.update('proxyStrictSSL', false, vscode.ConfigurationTarget.Global);
      await new Promise((r) => setTimeout(r, 500)); // AI Lab re-applies http.* on the change event
      await h.models.reload();
      assert.equal(h.models.offline, false, 'the Hub answered through the proxy');
      assert.ok(proxy.count(target) > 0, `the proxy saw ${JSON.stringify(proxy.requests.slice(0, 3))}`);
    } finally {
      await http.update('proxy', undefined, vscode.ConfigurationTarget.Global);
      await http.update('proxyStrictSSL', undefined, vscode.ConfigurationTarget.Global);
      await new Promise((r) => setTimeout(r, 500));
    }
    const seen = proxy.count(target);
    await h.models.reload();
    assert.equal(proxy.count(target), seen, 'no request through the proxy once http.proxy is cleared');
    await proxy.stop();
  });

  it('a download from a Hub answering a web page (captive portal) fails with the plain message the CLI gives, in the log', async () => {
    // Phase 1 runs with HF_HOME=<root>/hf and the user data dir <root>/ud (codeServer.ts makeDirs).
    const logsDir = path.join(path.dirname(process.env.HF_HOME!), 'ud', 'logs');
    const logText = (): string => {
      const out: string[] = [];
      const walk = (d: string): void => {
        for (const e of fs.existsSync(d) ? fs.readdirSync(d, { withFileTypes: true }) : []) {
          if (e.isDirectory()) walk(path.join(d, e.name));
          else if (e.name.endsWith('AI Lab.log')) out.push(fs.readFileSync(path.join(d, e.name), 'utf8'));
        }
      };
      walk(logsDir);
      return out.join('\n');
    };
    const host = new URL(hub.url).host.replace(/\./g, '\\.');
    // Earlier checks (gated downloads) log their own lines: only what this check adds counts.
    const before = logText().length;
    hub.faults.push({ match: '/api/models/Xenova/fixture-sst2', kind: 'html', times: 1 });
    assert.equal(await vscode.commands.executeCommand('aiLab.models.download', { id: 'Xenova/fixture-sst2' }, { files: 'all' }), undefined);
    const api = new RegExp(`downloading Xenova/fixture-sst2 failed: .*${host} answered /api/models/Xenova/fixture-sst2/revision/main with a web page \\(content type text/html; charset=utf-8\\) instead of JSON: a proxy login or captive portal page\\?`);
    await waitFor('the log names the host and says web page', logText, (t) => api.test(t), 10_000);
    hub.faults.push({ match: '/config.json', kind: 'html', times: 1 });
    assert.equal(await vscode.commands.executeCommand('aiLab.models.download', { id: 'Xenova/fixture-sst2' }, { files: 'all' }), undefined);
    const file = new RegExp(`downloading Xenova/fixture-sst2 failed: .*${host} sent a web page \\(content type text/html; charset=utf-8\\) instead of the file: a proxy login or captive portal page\\? Nothing was saved`);
    await waitFor('the log says the file was a web page, nothing saved', logText, (t) => file.test(t), 10_000);
    assert.doesNotMatch(logText().slice(before), /SyntaxError|Unexpected token|gated or private/);
  });

  it('inspects tokenization of a selection for a Hub model (only tokenizer files are fetched)', async () => {
    const doc = await vscode.workspace.openTextDocument({ content: 'Intro.\nI love it\n' });
    const editor = await vscode.window.showTextDocument(doc);
    editor.selection = new vscode.Selection(1, 0, 1, 9);
    const before = hub.requests.length;
    const r = await vscode.commands.executeCommand<{ tokens: Array<{ token: string; start?: number }>; count: number }>('aiLab.inspectTokenization', { model: 'Xenova/fixture-sst2' });
    assert.deepEqual(r!.tokens.map((t) => t.token), ['[CLS]', 'i', 'love', 'it', '[SEP]']);
    assert.equal(r!.tokens[2]!.start, 2);
    assert.ok(!hub.requests.slice(before).some((q) => q.url.endsWith('.onnx')), 'no weights were downloaded');
    assert.equal(doc.getText(), 'Intro.\nI love it\n');
    const blank = await vscode.workspace.openTextDocument({ content: '   ' });
    await vscode.window.showTextDocument(blank);
    assert.equal(await vscode.commands.executeCommand('aiLab.inspectTokenization', { model: 'Xenova/fixture-sst2' }), undefined);
  });
});
