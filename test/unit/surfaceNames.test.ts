import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CLI_COMMAND_NAMES, CLI_SETTING_NAMES, CLI_SURFACE, EXTENSION_SURFACE, setting, surface, useSurface } from '../../src/core/surface/names';
import { chooseDevice } from '../../src/core/inference/device';
import { REPO_ROOT } from '../fixtures/paths';

/** Every .ts file under src/core. */
function coreFiles(dir = path.join(REPO_ROOT, 'src', 'core')): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? coreFiles(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
}

/** Lines of code, comments left out (a doc comment may name a setting; only messages reach output). */
function codeLines(file: string): Array<{ line: string; at: string }> {
  const text = fs.readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, ' '));
  return text.split('\n').map((line, i) => ({ line: line.replace(/^\s*\/\/.*$/, '').replace(/\s\/\/ .*$/, ''), at: `${path.relative(REPO_ROOT, file)}:${i + 1}` }));
}

// Messages of these files never reach the CLI: workspace trust of settings (the host's), and stderr
// prefixes of child processes ("AI Lab: ignoring …"), which are not command titles.
const HOST_ONLY = new Set(['src/core/settings/guarded.ts', 'src/core/surface/names.ts']);

describe('surface names: core messages say flags on the CLI, settings in the extension', () => {
  afterEach(() => useSurface(EXTENSION_SURFACE));

  it('every aiLab.* setting and "AI Lab: …" title in core code goes through setting()/command() and has CLI wording', () => {
    const settings = new Set<string>();
    const titles = new Set<string>();
    const raw: string[] = [];
    for (const file of coreFiles()) {
      if (HOST_ONLY.has(path.relative(REPO_ROOT, file).split(path.sep).join('/'))) continue;
      for (const { line, at } of codeLines(file)) {
        for (const m of line.matchAll(/aiLab\.[A-Za-z][\w.]*[A-Za-z]/g)) {
          settings.add(m[0]);
          // Named through the surface: setting('…') (or an alias), or handed to a check as a name it passes through setting().
          if (!new RegExp(`(setting\\w*\\(|Name: )'${m[0].replace(/\./g, '\\.')}'`).test(line)) raw.push(`${at}: ${m[0]}`);
        }
        for (const m of line.matchAll(/AI Lab: [A-Z][^'"`)]*/g)) {
          if (/AI Lab: (ignoring|no proxy|pdf\.js fixes)/.test(m[0])) continue; // stderr prefixes, not titles
          titles.add(m[0]);
          if (!line.includes(`command('${m[0]}`)) raw.push(`${at}: ${m[0]}`);
        }
      }
    }
    assert.deepEqual(raw, [], 'core messages with a raw setting or command title');
    assert.ok(settings.size >= 8 && titles.size >= 3, `found ${settings.size} settings, ${titles.size} titles`);
    for (const s of settings) assert.ok(CLI_SETTING_NAMES[s], `no CLI wording for ${s}`);
    for (const t of titles) assert.ok(CLI_COMMAND_NAMES[t], `no CLI wording for "${t}"`);
    for (const v of [...Object.values(CLI_SETTING_NAMES), ...Object.values(CLI_COMMAND_NAMES)]) assert.doesNotMatch(v, /aiLab\.|AI Lab: /);
  });

  it('the same core message in each surface', () => {
    const noCuda = { path: '/x', providers: [{ name: 'cuda', loadable: false, reason: 'libonnxruntime_providers_shared.so: cannot open shared object file' }] } as unknown as Parameters<typeof chooseDevice>[1];
    assert.throws(() => chooseDevice('cuda', noCuda, true), /^Error: aiLab\.device is "cuda", but CUDA cannot be used here: the CUDA provider is not installed\. Set aiLab\.device to "auto" or "cpu", or run "AI Lab: Enable CUDA Acceleration"\. \(ONNX Runtime said: .*cannot open shared object file\)$/);
    useSurface(CLI_SURFACE);
    assert.equal(surface().id, 'cli');
    assert.equal(setting('aiLab.hubEndpoint'), '--endpoint (or HF_ENDPOINT)');
    assert.throws(() => chooseDevice('cuda', noCuda, true), /^Error: --device cuda, but CUDA cannot be used here: the CUDA provider is not installed\. Use --device auto or --device cpu, or run `ai-lab enable-cuda`\./);
    // No GPU: said first, without the loader's message or the enable-cuda advice.
    assert.throws(() => chooseDevice('cuda', noCuda, false), /^Error: --device cuda, but CUDA cannot be used here: there is no NVIDIA GPU\. Use --device auto or --device cpu\.$/);
    assert.equal(chooseDevice('cpu', undefined).reason, '--device cpu');
  });
});
