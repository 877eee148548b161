import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { GUARDED_SETTINGS, guardedSettingsIn, judgeWorkspaceSettings, resolveGuarded, settingValueText, type GuardedKey } from '../../src/core/settings/guarded';
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
      { key: 'hubEndpoint', value: EVIL, file: '.vscode/settings.json' },
      { key: 'nvidiaSmiPath', value: './tools/nvidia-smi', file: '.vscode/settings.json' },
      { key: 'pythonPaths', value: ['./evil-python'], file: '.vscode/settings.json' },
    ]);
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

  it('says what it did with each: ignored (user-only), skipped (Restricted Mode) or applied (trusted)', () => {
    const found = [
      { key: 'hubEndpoint' as const, value: EVIL, file: 's.json' },
      { key: 'nvidiaSmiPath' as const, value: './x', file: 's.json' },
    ];
    assert.deepEqual(judgeWorkspaceSettings(found, false).map((v) => v.verdict), ['ignored', 'skipped']);
    assert.deepEqual(judgeWorkspaceSettings(found, true).map((v) => v.verdict), ['ignored', 'applied']);
    assert.match(judgeWorkspaceSettings(found, true)[0]!.reason, /user settings.*token/);
    assert.equal(settingValueText(['a', 'b']), 'a, b');
    assert.equal(settingValueText([]), '[]');
    assert.equal(settingValueText({ x: 1 }), '{"x":1}');
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

    it('every setting that names a URL, a feed or a path is guarded (a new one must choose its guard)', () => {
      const unguarded = Object.keys(props).filter((k) => /endpoint|url|feed|path/i.test(k) && !(k.replace(/^aiLab\./, '') in GUARDED_SETTINGS));
      assert.deepEqual(unguarded, []);
    });
  });
});
