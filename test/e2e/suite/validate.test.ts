import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { FolderReport } from '../../../src/core/model/findings';
import { sentimentModelFiles } from '../../fixtures/models/sentiment';
import { writeModelDir } from '../../fixtures/models/write';
import { waitFor } from './helpers';

describe('AI Lab in a real VS Code: Validate Model Folder', () => {
  const tabTitled = (title: string) => vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.label === title);

  it('from the Explorer\'s folder menu (a Uri): the report panel opens with the folder\'s findings; a file argument is refused', async () => {
    const files = sentimentModelFiles();
    files['tokenizer_config.json'] = JSON.stringify({ ...JSON.parse(String(files['tokenizer_config.json'])), mask_token: '<mask>' });
    delete files['README.md'];
    const dir = writeModelDir(files, 'ailab-e2e-validate-');
    const report = (await vscode.commands.executeCommand('aiLab.validateModelFolder', vscode.Uri.file(dir))) as FolderReport;
    assert.equal(report.dir, dir);
    assert.ok(report.findings.some((f) => f.check === 'tokenizer.special_tokens' && f.severity === 'error' && /mask_token "<mask>"/.test(f.message)));
    assert.ok(report.findings.some((f) => f.check === 'card.present'));
    await waitFor('the Validate Model Folder panel', () => tabTitled(`Model Folder: ${path.basename(dir)}`), (t) => t !== undefined, 10_000);
    // The menu item is only on folders of the local disk.
    const manifest = vscode.extensions.all.find((e) => e.packageJSON?.name === 'ai-lab')?.packageJSON ?? JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', '..', 'package.json'), 'utf8'));
    const item = (manifest.contributes.menus['explorer/context'] as Array<{ command: string; when: string }>).find((m) => m.command === 'aiLab.validateModelFolder');
    assert.match(item!.when, /explorerResourceIsFolder/);
    const none = await vscode.commands.executeCommand('aiLab.validateModelFolder', vscode.Uri.file(path.join(dir, 'config.json')));
    assert.equal(none, undefined);
  });
});
