import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as os from 'node:os';
import { spawnSync } from 'node:child_process';
import { GUARDED_SETTINGS, guardedSettingsIn, judgeWorkspaceSettings, resolveGuarded, settingValueText, type GuardedKey } from '../../src/core/settings/guarded';
import { isInsideAny, looksLikePath, resolveSettingPath } from '../../src/core/settings/workspacePaths';
import { absoluteEntries, childEnv, neutralCwd, runProcess } from '../../src/core/process';
import { locateNvidiaSmi } from '../../src/core/env/nvidiaSmiLocate';
import { nvccCandidates } from '../../src/core/env/cudaToolkit';
import { REPO_ROOT } from '../fixtures/paths';

const EVIL = 'http://127.0.0.1:9/steal';

describe('guarded settings: what a repository\'s own settings may change', () => {
  it('endpoints that receive the token come from the user\'s settings only, trusted workspace or not', () => {
    for (const key of ['hubEndpoint', 'datasetsServerEndpoint', 'cudaProviderFeed'] as GuardedKey[]) {
      for (const trusted of [false, true]) {
        assert.deepEqual(resolveGuarded(key, { defaultValue: '', globalValue: 'https://mirror.example', workspaceValue: EVIL, workspaceFolderValue: EVIL }, trusted), { value: 'https://mirror.example', origin: 'user' });
        assert.deepEqual(resolveGuarded(key, { defaultValue: '', workspaceValue: EVIL }, trusted), { value: '', origin: 'default' });
        assert.deepEqual(resolveGuarded(key, { defaultValue: '', workspaceFolderValue: EVIL }, trusted), { value: '', origin: 'default' });
      }
    }
  });

  it('paths of programs and libraries come from the workspace only once it is trusted', () => {
    const layers = { defaultValue: '', globalValue: '/usr/bin/nvidia-smi', workspaceValue: './tools/nvidia-smi' };
    assert.deepEqual(resolveGuarded('nvidiaSmiPath', layers, false), { value: '/usr/bin/nvidia-smi', origin: 'user' });
    assert.deepEqual(resolveGuarded('nvidiaSmiPath', layers, true), { value: './tools/nvidia-smi', origin: 'workspace' });
    // The folder's own settings are the most specific.
    assert.deepEqual(resolveGuarded('pythonPaths', { defaultValue: [], workspaceValue: ['a'], workspaceFolderValue: ['b'] }, true), { value: ['b'], origin: 'workspaceFolder' });
    assert.deepEqual(resolveGuarded('pythonPaths', { defaultValue: [], workspaceValue: ['a'], workspaceFolderValue: ['b'] }, false), { value: [], origin: 'default' });
    assert.deepEqual(resolveGuarded('cudaLibraryPaths', undefined, true), { value: undefined, origin: 'default' });
  });

  it('reads the guarded keys a .vscode/settings.json names: flat, nested, with comments and trailing commas', () => {
    const text = `{
      // a repository's settings
      "aiLab.hubEndpoint": "${EVIL}", /* block comment */
      "aiLab": { "nvidiaSmiPath": "./tools/nvidia-smi" },
      "aiLab.pythonPaths": ["./evil-python"],
      "aiLab.gpuPollSeconds": 1,
      "editor.fontSize": 14,
    }`;
    assert.deepEqual(guardedSettingsIn(text, '.vscode/settings.json', 'folder'), [
      { key: 'hubEndpoint', value: EVIL, file: '.vscode/settings.json', source: 'folder' },
      { key: 'nvidiaSmiPath', value: './tools/nvidia-smi', file: '.vscode/settings.json', source: 'folder' },
      { key: 'pythonPaths', value: ['./evil-python'], file: '.vscode/settings.json', source: 'folder' },
    ]);
  });

  it('finds a dotted key however it is nested: flat, fully nested, or half', () => {
    for (const text of [
      '{"aiLab.models.qa": "attacker/qa"}',
      '{"aiLab": {"models": {"qa": "attacker/qa"}}}',
      '{"aiLab.models": {"qa": "attacker/qa"}}',
      '{"aiLab": {"models.qa": "attacker/qa"}}',
    ]) {
      assert.deepEqual(guardedSettingsIn(text, 's.json', 'folder').map((s) => [s.key, s.value]), [['models.qa', 'attacker/qa']], text);
    }
    assert.deepEqual(guardedSettingsIn('{"aiLab.labelMaps": {"m": {"NEGATIVE": "POSITIVE"}}, "aiLab.modelCard.remoteImages": true}', 's.json', 'folder').map((s) => s.key), ['labelMaps', 'modelCard.remoteImages']);
  });

  it('reads a .code-workspace file\'s "settings", and never throws on a broken or odd file', () => {
    const ws = JSON.stringify({ folders: [{ path: '.' }], settings: { 'aiLab.cudaLibraryPaths': ['./libs'], 'aiLab.datasetsServerEndpoint': EVIL } });
    assert.deepEqual(guardedSettingsIn(ws, 'x.code-workspace', 'workspaceFile').map((s) => s.key), ['datasetsServerEndpoint', 'cudaLibraryPaths']);
    // The same text as a folder's settings names nothing at its top level.
    assert.deepEqual(guardedSettingsIn(ws, 'settings.json', 'folder'), []);
    // Cut short: what was read before the break is still reported.
    assert.deepEqual(guardedSettingsIn(`{ "aiLab.nvidiaSmiPath": "/x", "aiLab.pythonPaths": [`, 's.json', 'folder').map((s) => s.key), ['nvidiaSmiPath', 'pythonPaths']);
    for (const odd of ['', 'null', '[]', '"text"', '{{{', '\u0000\u0001', '42']) assert.deepEqual(guardedSettingsIn(odd, 's.json', 'folder'), []);
  });

  it('says what it did with each: ignored (user-only), skipped (Restricted Mode), applied (trusted), unused (a folder of a multi-root workspace)', () => {
    const found = [
      { key: 'hubEndpoint' as const, value: EVIL, file: 's.json', source: 'folder' as const },
      { key: 'nvidiaSmiPath' as const, value: './x', file: 's.json', source: 'folder' as const },
      { key: 'models.qa' as const, value: 'attacker/qa', file: 'w.code-workspace', source: 'workspaceFile' as const },
    ];
    assert.deepEqual(judgeWorkspaceSettings(found, false, false).map((v) => v.verdict), ['ignored', 'skipped', 'skipped']);
    assert.deepEqual(judgeWorkspaceSettings(found, true, false).map((v) => v.verdict), ['ignored', 'applied', 'applied']);
    // Multi-root: a folder's settings do not apply to window settings; the .code-workspace file's do.
    assert.deepEqual(judgeWorkspaceSettings(found, true, true).map((v) => v.verdict), ['ignored', 'unused', 'applied']);
    assert.match(judgeWorkspaceSettings(found, true, false)[0]!.reason, /user settings.*token/);
    assert.equal(settingValueText(['a', 'b']), 'a, b');
    assert.equal(settingValueText([]), '[]');
    assert.equal(settingValueText({ x: 1 }), '{"x":1}');
  });

  it('paths from settings resolve against the workspace folder (or home), never the current folder', () => {
    const home = '/home/u';
    assert.equal(resolveSettingPath('tools/nvidia-smi', '/repo', home), '/repo/tools/nvidia-smi');
    assert.equal(resolveSettingPath('./tools/python', '/repo', home), '/repo/tools/python');
    assert.equal(resolveSettingPath('${workspaceFolder}/lib', '/repo', home), '/repo/lib');
    assert.equal(resolveSettingPath('~/venvs/ml', '/repo', home), '/home/u/venvs/ml');
    assert.equal(resolveSettingPath('${userHome}/x', undefined, home), '/home/u/x');
    assert.equal(resolveSettingPath('rel', undefined, home), '/home/u/rel');
    assert.equal(resolveSettingPath('/usr/bin/nvidia-smi', '/repo', home), '/usr/bin/nvidia-smi');
    for (const p of ['./m', '../m', '~/m', '/abs/m', 'C:\\m', '${workspaceFolder}/m']) assert.ok(looksLikePath(p), p);
    for (const id of ['Xenova/distilbert-base-uncased', 'gpt2', 'org/name-v1.5']) assert.ok(!looksLikePath(id), id);
  });

  it('knows what lies inside a workspace, by path and through links', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ail-inside-'));
    try {
      const repo = path.join(root, 'repo');
      const outside = path.join(root, 'elsewhere');
      fs.mkdirSync(path.join(repo, '.venv', 'bin'), { recursive: true });
      fs.mkdirSync(outside);
      fs.symlinkSync(path.join(repo, '.venv'), path.join(outside, 'venv-link'));
      assert.ok(isInsideAny(path.join(repo, '.venv', 'bin', 'python'), [repo]));
      assert.ok(isInsideAny(repo, [repo]));
      // A VIRTUAL_ENV outside that links into the repository counts as inside.
      assert.ok(isInsideAny(path.join(outside, 'venv-link'), [repo]));
      assert.ok(!isInsideAny(outside, [repo]));
      assert.ok(!isInsideAny(`${repo}-other/x`, [repo]), 'a sibling with the same prefix is not inside');
      assert.ok(!isInsideAny(repo, []));
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  describe('children never start in, or search, the current folder', () => {
    it('search paths keep absolute folders only', () => {
      assert.deepEqual(absoluteEntries(':/usr/local/cuda/lib64::node_modules/.bin:./bin:/usr/bin', 'linux'), ['/usr/local/cuda/lib64', '/usr/bin']);
      assert.deepEqual(absoluteEntries(undefined, 'linux'), []);
      const env = childEnv({ PATH: 'node_modules/.bin:/usr/bin', LD_LIBRARY_PATH: ':/opt/lib', PYTHONPATH: '.', HOME: '/h' }, 'linux');
      assert.deepEqual([env.PATH, env.LD_LIBRARY_PATH, env.PYTHONPATH, env.HOME], ['/usr/bin', '/opt/lib', '', '/h']);
      // Our own look-ups for nvidia-smi and nvcc skip relative PATH entries too.
      const seen: string[] = [];
      locateNvidiaSmi({ env: { PATH: 'bin:/usr/bin' }, platform: 'linux', isFile: (p) => (seen.push(p), false) });
      assert.deepEqual(seen, ['/usr/bin/nvidia-smi']);
      assert.ok(nvccCandidates({ PATH: 'node_modules/.bin:/opt/cuda/bin' }, 'linux').every((p) => path.isAbsolute(p)));
    });

    it('a child runs in an empty folder of its own: python -c does not import a repository\'s json.py', async function () {
      const repo = fs.mkdtempSync(path.join(os.tmpdir(), 'ail-repo-'));
      const cwd = process.cwd();
      try {
        fs.writeFileSync(path.join(repo, 'json.py'), `open(${JSON.stringify(path.join(repo, 'ran'))}, 'w').write('ran')\n`);
        assert.deepEqual(fs.readdirSync(neutralCwd()), []);
        if (spawnSync('python3', ['--version']).status !== 0) this.skip();
        process.chdir(repo); // As when the editor was started inside the clone.
        const r = await runProcess('python3', ['-c', 'import json, os; print(os.getcwd())'], { timeoutMs: 20_000 });
        assert.equal(r.code, 0, r.stderr);
        assert.equal(fs.realpathSync(r.stdout.trim()), fs.realpathSync(neutralCwd()));
        assert.ok(!fs.existsSync(path.join(repo, 'ran')), "the repository's json.py ran");
      } finally {
        process.chdir(cwd);
        fs.rmSync(repo, { recursive: true, force: true });
      }
    });
  });

  describe('the manifest says the same as the code', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
    const conf = Array.isArray(pkg.contributes.configuration) ? pkg.contributes.configuration : [pkg.contributes.configuration];
    const props: Record<string, { scope?: string }> = Object.assign({}, ...conf.map((c: { properties: object }) => c.properties));

    it('user-only settings have a scope a workspace cannot set; the others are restricted configurations', () => {
      const restricted: string[] = pkg.capabilities.untrustedWorkspaces.restrictedConfigurations;
      assert.equal(pkg.capabilities.untrustedWorkspaces.supported, 'limited');
      for (const [key, guard] of Object.entries(GUARDED_SETTINGS)) {
        const p = props[`aiLab.${key}`];
        assert.ok(p, `aiLab.${key} is in the manifest`);
        if (guard === 'userOnly') assert.ok(['machine', 'application'].includes(p.scope ?? ''), `aiLab.${key} has scope ${p.scope}`);
        else assert.ok(restricted.includes(`aiLab.${key}`), `aiLab.${key} is a restricted configuration`);
      }
      assert.deepEqual(restricted.filter((k) => !(k.replace(/^aiLab\./, '') in GUARDED_SETTINGS)), []);
      assert.ok(pkg.capabilities.virtualWorkspaces?.description);
    });

    it('every setting that names a URL, a feed, a path, a model or label names is guarded (a new one must choose its guard)', () => {
      const unguarded = Object.keys(props).filter((k) => /endpoint|url|feed|path|^aiLab\.models\.|labelMaps|remoteImages/i.test(k) && !(k.replace(/^aiLab\./, '') in GUARDED_SETTINGS));
      assert.deepEqual(unguarded, []);
    });
  });
});
