import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { PublishResult } from '../../../src/core/hub/publish';
import { FixtureHub } from '../../fixtures/hub/server';
import { publishableFolder } from '../../fixtures/models/publishable';
import { setSetting } from './helpers';

type TreeEntry = { path: string; oid: string; size: number; lfs?: { oid: string; size: number } };

describe('AI Lab in a real VS Code: Publish Model to the Hub', () => {
  let hub: FixtureHub;
  before(async () => {
    hub = new FixtureHub();
    hub.tokenRole = 'write';
    await hub.start();
    await setSetting('hubEndpoint', hub.url);
    assert.equal(await vscode.commands.executeCommand('aiLab.signIn', hub.token), 'fixture-user');
  });
  after(async () => {
    await vscode.commands.executeCommand('aiLab.signOut');
    await setSetting('hubEndpoint', undefined);
    await hub.stop();
  });

  const tree = async (id: string): Promise<TreeEntry[]> => (await (await fetch(`${hub.url}/api/models/${id}/tree/main?recursive=true`, { headers: { Authorization: `Bearer ${hub.token}` } })).json()) as TreeEntry[];

  it('publish: from the Explorer\'s folder menu with the answers given, the loopback Hub lists every file with its sha256; a re-publish sends only the changed file', async () => {
    const dir = publishableFolder(undefined, 'ailab-e2e-publish-');
    const r = (await vscode.commands.executeCommand('aiLab.publishModel', vscode.Uri.file(dir), { repoId: 'fixture-user/e2e-model', private: false })) as PublishResult;
    assert.ok(r, 'the command returned its result');
    assert.deepEqual([r.repo, r.created], ['fixture-user/e2e-model', true]);
    const listed = (await tree('fixture-user/e2e-model')).filter((f) => f.path !== '.gitattributes');
    assert.deepEqual(listed.map((f) => f.path).sort(), [...r.uploaded].sort());
    for (const f of listed.filter((x) => x.lfs)) {
      const data = fs.readFileSync(path.join(dir, f.path));
      assert.equal(f.lfs!.oid, createHash('sha256').update(data).digest('hex'), f.path);
    }
    assert.equal(r.commit, hub.commitOf('fixture-user/e2e-model'));
    fs.appendFileSync(path.join(dir, 'tokenizer.json'), '\n');
    const mark = hub.requests.length;
    const again = (await vscode.commands.executeCommand('aiLab.publishModel', vscode.Uri.file(dir), { repoId: 'fixture-user/e2e-model', private: false })) as PublishResult;
    assert.deepEqual(again.uploaded, ['tokenizer.json']);
    assert.equal(hub.requests.slice(mark).filter((q) => q.method === 'PUT').length, 1);
    // The menu item sits next to Validate Model Folder, on local folders only.
    const manifest = vscode.extensions.all.find((e) => e.packageJSON?.name === 'ai-lab')?.packageJSON;
    const items = manifest.contributes.menus['explorer/context'] as Array<{ command: string; when: string; group: string }>;
    const item = items.find((m) => m.command === 'aiLab.publishModel');
    assert.equal(item?.when, items.find((m) => m.command === 'aiLab.validateModelFolder')?.when);
  });

  it('publish: a read token stops before anything is written; a folder with validation errors too; no card: Create Model Card writes README.md and stops', async () => {
    hub.tokenRole = 'read';
    const mark = hub.requests.length;
    try {
      const none = await vscode.commands.executeCommand('aiLab.publishModel', vscode.Uri.file(publishableFolder()), { repoId: 'fixture-user/read-only', private: false });
      assert.equal(none, undefined);
    } finally {
      hub.tokenRole = 'write';
    }
    const broken = publishableFolder((f) => {
      f['config.json'] = JSON.stringify({ ...JSON.parse(String(f['config.json'])), vocab_size: 5 });
    });
    assert.equal(await vscode.commands.executeCommand('aiLab.publishModel', vscode.Uri.file(broken), { repoId: 'fixture-user/broken', private: false, publishWithWarnings: true }), undefined);
    const noCard = publishableFolder((f) => delete f['README.md']);
    assert.equal(await vscode.commands.executeCommand('aiLab.publishModel', vscode.Uri.file(noCard), { repoId: 'fixture-user/card', private: false, withoutCard: false }), undefined);
    assert.match(fs.readFileSync(path.join(noCard, 'README.md'), 'utf8'), /pipeline_tag: text-classification/);
    assert.equal(vscode.window.activeTextEditor?.document.uri.fsPath, path.join(noCard, 'README.md'), 'the card is opened to fill in');
    assert.deepEqual(hub.requests.slice(mark).filter((q) => q.method !== 'GET'), [], 'nothing was written');
  });
});
