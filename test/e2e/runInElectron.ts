/**
 * The same extension-host suite (suite/) under @vscode/test-electron, where a VS Code desktop can be
 * downloaded (it needs the internet). Usage: npm run test:electron [-- --version 1.100.3]
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { REPO_ROOT, fakeSmi } from '../fixtures/paths';

async function main(): Promise<void> {
  const i = process.argv.indexOf('--version');
  const version = i > 0 ? process.argv[i + 1] : '1.100.3';
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ail-el-'));
  const userData = path.join(root, 'ud');
  fs.mkdirSync(path.join(userData, 'User'), { recursive: true });
  fs.writeFileSync(path.join(userData, 'User', 'settings.json'), JSON.stringify({ 'aiLab.nvidiaSmiPath': fakeSmi('rtx5080'), 'aiLab.gpuPollSeconds': 1 }));
  const workspace = path.join(root, 'ws');
  fs.mkdirSync(workspace);
  await runTests({
    version,
    extensionDevelopmentPath: REPO_ROOT,
    extensionTestsPath: path.join(REPO_ROOT, 'out', 'test', 'e2e', 'suite', 'index.js'),
    launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', `--user-data-dir=${userData}`, '--skip-welcome'],
  });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
