/**
 * Phase 3: a cloned repository whose `.vscode/settings.json` points AI Lab's Hub endpoint at a server
 * that records every request, and its nvidia-smi and Python paths at scripts in the repository that
 * leave marker files. The user has a token (HF_TOKEN) and their own Hub endpoint in user settings,
 * and answers VS Code's trust prompt as a careful person would: first "No", later "Trust".
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import type { Browser } from 'playwright-core';
import { addCatalog } from '../fixtures/hub/catalog';
import { FixtureHub } from '../fixtures/hub/server';
import { fakeSmi } from '../fixtures/paths';
import { makeDirs, run, startCodeServer, writeUserSettings } from './codeServer';
import { aiLabLog, createChecker, runCommand } from './uiDriver';

interface Recorded {
  method: string;
  url: string;
  authorization: string | undefined;
}

/** A loopback server that answers everything with a plausible 200 and records who asked what, with which credentials. */
async function startRecorder(): Promise<{ url: string; requests: Recorded[]; stop: () => Promise<void> }> {
  const requests: Recorded[] = [];
  const server = http.createServer((req, res) => {
    requests.push({ method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ type: 'user', name: 'attacker-saw-you' }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${port}`, requests, stop: () => new Promise((r) => server.close(() => r())) };
}

/** A script that leaves `marker` behind, then behaves as `then` (or exits 1). */
function markerScript(file: string, marker: string, then?: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `#!/bin/sh\necho "$0 $*" >> '${marker}'\n${then ? `exec '${then}' "$@"` : 'exit 1'}\n`, { mode: 0o755 });
}

/** Returns the number of failed checks. */
export async function trustChecks(browser: Browser, o: { codeServer: string; vsix: string; results: string }): Promise<number> {
  const dirs = makeDirs();
  const hub = new FixtureHub();
  addCatalog(hub);
  await hub.start();
  const recorder = await startRecorder();
  const ws = dirs.workspace;
  const markers = { smi: path.join(dirs.root, 'ran-nvidia-smi'), python: path.join(dirs.root, 'ran-python'), venv: path.join(dirs.root, 'ran-venv'), json: path.join(dirs.root, 'ran-json-py') };
  // The repository's scripts: its nvidia-smi plays an RTX 5080, so the view shows when it ran.
  markerScript(path.join(ws, 'tools', 'nvidia-smi'), markers.smi, fakeSmi('rtx5080'));
  markerScript(path.join(ws, 'tools', 'python'), markers.python);
  markerScript(path.join(ws, '.venv', 'bin', 'python'), markers.venv);
  fs.writeFileSync(path.join(ws, '.venv', 'pyvenv.cfg'), 'home = /usr/bin\n');
  // The editor is started inside the clone (`cd repo && code .`): `python -c` would import this first.
  fs.writeFileSync(path.join(ws, 'json.py'), `open(${JSON.stringify(markers.json)}, 'a').write('ran')\n`);
  fs.mkdirSync(path.join(ws, '.vscode'));
  fs.writeFileSync(
    path.join(ws, '.vscode', 'settings.json'),
    JSON.stringify({
      'aiLab.hubEndpoint': recorder.url,
      'aiLab.datasetsServerEndpoint': `${recorder.url}/datasets-server`,
      'aiLab.cudaProviderFeed': `${recorder.url}/v3/index.json`,
      'aiLab.nvidiaSmiPath': path.join(ws, 'tools', 'nvidia-smi'),
      'aiLab.pythonPaths': ['tools/python'],
      'aiLab.models.sentiment': 'attacker/sst2',
    }, null, 2),
  );
  fs.writeFileSync(path.join(ws, 'README.md'), '# A repository from the Internet\n');
  writeUserSettings(dirs.userData, {
    'security.workspace.trust.enabled': true,
    'aiLab.hubEndpoint': hub.url,
    'aiLab.gpuPollSeconds': 1,
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'telemetry.telemetryLevel': 'off',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
  });
  await run(o.codeServer, ['--user-data-dir', dirs.userData, '--extensions-dir', dirs.extensions, '--install-extension', o.vsix]);
  // The system's nvidia-smi is an H100 (AI_LAB_NVIDIA_SMI); the user's token is HF_TOKEN; the user's
  // shell had the repository's venv active (VIRTUAL_ENV) and a .bashrc-style LD_LIBRARY_PATH (empty first entry).
  const cs = await startCodeServer(o.codeServer, dirs, [], undefined, {
    workspaceTrust: true,
    cwd: ws,
    env: { HF_TOKEN: hub.token, AI_LAB_NVIDIA_SMI: fakeSmi('h100'), VIRTUAL_ENV: path.join(ws, '.venv'), LD_LIBRARY_PATH: ':/usr/local/cuda/lib64' },
  });
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  const logsDir = path.join(dirs.userData, 'logs');
  const { check, failures } = createChecker(page, { results: o.results, logsDir });
  const tokenSeen = () => recorder.requests.filter((r) => r.authorization);
  // Tree rows only (a notification's list rows name the same settings).
  const row = (text: string | RegExp) => page.locator('.pane-body .monaco-list-row', { hasText: text }).first();
  try {
    page.setDefaultTimeout(30_000);
    await page.goto(`${cs.url}/?folder=${encodeURIComponent(ws)}`);
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });

    await check('Restricted Mode: the system GPU shows, the workspace\'s nvidia-smi and interpreters never run, and the view says what was skipped', async () => {
      await page.locator('.monaco-dialog-box', { hasText: 'Do you trust the authors' }).waitFor({ timeout: 60_000 });
      await page.locator('.monaco-dialog-box .monaco-button', { hasText: "No, I don't trust the authors" }).click();
      const gpu = page.locator('.statusbar-item', { hasText: 'H100' }).first();
      await gpu.waitFor({ timeout: 60_000 });
      await gpu.click();
      await row('Workspace Trust').waitFor();
      const group = await row('Workspace Trust').innerText();
      if (!group.includes('Restricted Mode')) throw new Error(`the Workspace Trust row says "${group}"`);
      for (const [label, says] of [['aiLab.nvidiaSmiPath', 'not used (Restricted Mode)'], ['aiLab.pythonPaths', 'not used (Restricted Mode)'], ['aiLab.models.sentiment', 'not used (Restricted Mode)'], ['aiLab.hubEndpoint', 'ignored: user settings only'], ['.venv', 'not run (Restricted Mode)']]) {
        const text = await row(label!).innerText();
        if (!text.includes(says!)) throw new Error(`the ${label} row says "${text}"`);
      }
      await page.locator('.notification-toast', { hasText: "Restricted Mode: not using this workspace's" }).first().waitFor();
      await page.screenshot({ path: path.join(o.results, 'restricted-mode.png') });
      // The setup walkthrough's steps run the workspace's interpreter: refused, with the way out.
      await runCommand(page, 'AI Lab: Setup: Upgrade pip, setuptools and wheel');
      await page.locator('.notification-toast', { hasText: 'which Restricted Mode does not allow' }).first().waitFor();
      if (await page.locator('.terminal-tab, .single-terminal-tab', { hasText: 'AI Lab: setup' }).count()) throw new Error('a setup terminal was opened');
      // Several GPU polls (1 s each) and the Python probe have run by now.
      // The Python group sits below the fold of the Environment tree (a virtual list renders only what is
      // in view): scroll down until its row shows.
      const interpreters = row(/\d+ interpreters?/);
      for (const deadline = Date.now() + 30_000; !(await interpreters.isVisible().catch(() => false)); ) {
        if (Date.now() > deadline) throw new Error('no "N interpreters" row in the Environment view after 30 s of scrolling');
        await page.locator('.pane-body .monaco-list').first().hover();
        await page.mouse.wheel(0, 200);
        await page.waitForTimeout(300);
      }
      // Back to the top, where the checks after this one read their rows.
      await page.mouse.wheel(0, -10_000);
      await page.waitForTimeout(3000);
      const ran = Object.entries(markers).filter(([, m]) => fs.existsSync(m));
      if (ran.length) throw new Error(`the workspace's programs ran: ${ran.map(([k, m]) => `${k}: ${fs.readFileSync(m, 'utf8').trim()}`).join('; ')}`);
    });

    await check('the token never goes to the endpoint a workspace names: the Models view signs in at the user\'s Hub', async () => {
      const header = page.locator('.pane-header', { hasText: /^Models/i }).first();
      if ((await header.getAttribute('aria-expanded')) === 'false') await header.click();
      await page.locator('.pane-body', { hasText: 'Signed in as fixture-user' }).first().waitFor();
      if (tokenSeen().length) throw new Error(`the recording server got the token: ${JSON.stringify(tokenSeen())}`);
      if (recorder.requests.length) throw new Error(`the workspace's endpoint was contacted: ${JSON.stringify(recorder.requests)}`);
      if (!/Workspace setting aiLab\.hubEndpoint = http:\/\/127\.0\.0\.1:\d+ \([^)]*\.vscode\/settings\.json\): ignored/.test(aiLabLog(logsDir))) throw new Error('the log does not say the workspace\'s hubEndpoint was ignored');
    });

    await check('after trusting the workspace, its nvidia-smi runs and shows as the workspace\'s; its endpoint still gets nothing', async () => {
      await runCommand(page, 'AI Lab: Manage Workspace Trust');
      await page.locator('.workspace-trust-editor .workspace-trust-buttons-row .monaco-button', { hasText: /^Trust$/ }).first().click();
      await page.locator('.statusbar-item', { hasText: 'RTX 5080' }).first().waitFor({ timeout: 30_000 });
      if (!fs.existsSync(markers.smi)) throw new Error('the RTX 5080 shows, but the marker of the workspace\'s nvidia-smi is missing');
      await page.locator('.statusbar-item', { hasText: 'RTX 5080' }).first().click();
      const smiRow = row(/^nvidia-smi/);
      await smiRow.waitFor();
      const deadline = Date.now() + 15_000;
      while (!(await smiRow.innerText()).includes('workspace settings')) {
        if (Date.now() > deadline) throw new Error(`the nvidia-smi row says "${await smiRow.innerText()}"`);
        await page.waitForTimeout(250);
      }
      const group = await row('Workspace Trust').innerText();
      if (!group.includes('trusted')) throw new Error(`the Workspace Trust row says "${group}"`);
      if (!(await row('aiLab.nvidiaSmiPath').innerText()).includes('in use (from the workspace)')) throw new Error('the nvidiaSmiPath row does not say it is in use');
      if (!(await row('aiLab.hubEndpoint').innerText()).includes('ignored')) throw new Error('the hubEndpoint row no longer says it is ignored');
      await page.screenshot({ path: path.join(o.results, 'trusted-workspace.png') });
      // The Python probe runs the workspace's interpreters now.
      const until = Date.now() + 20_000;
      while (!fs.existsSync(markers.venv) || !fs.existsSync(markers.python)) {
        if (Date.now() > until) throw new Error('the trusted workspace\'s interpreters were not probed');
        await page.waitForTimeout(250);
      }
      if (tokenSeen().length || recorder.requests.length) throw new Error(`the workspace's endpoint was contacted: ${JSON.stringify(recorder.requests)}`);
      // Trusted or not, AI Lab's children never start in the editor's current folder (the clone).
      if (fs.existsSync(markers.json)) throw new Error("the repository's json.py was imported by a probe");
    });
    return failures();
  } finally {
    await context.close();
    await cs.stop();
    await hub.stop();
    await recorder.stop();
    if (process.env.AI_LAB_E2E_KEEP) console.log(`kept ${dirs.root}`);
    else fs.rmSync(dirs.root, { recursive: true, force: true });
  }
}
