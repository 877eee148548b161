import * as assert from 'node:assert/strict';
import { collectEnvironment } from '../../src/core/env/collect';
import { summarizeProvider } from '../../src/core/env/providerSummary';
import { summarizeForStatusBar } from '../../src/core/env/statusSummary';
import type { EnvironmentReport, OnnxRuntimeStatus } from '../../src/core/env/types';
import { describeDevice } from '../../src/core/inference/device';
import type { PythonEnv } from '../../src/core/python/types';
import { fakeSmi } from '../fixtures/paths';
import { installFakeVscode } from './support/fakeVscode';

installFakeVscode();
// After the stub: the tree module requires 'vscode'.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { EnvironmentTreeProvider } = require('../../src/host/views/environmentTree') as typeof import('../../src/host/views/environmentTree');
type EnvNode = import('../../src/host/views/environmentTree').EnvNode;

/** The loader messages onnxruntime-node gives, as seen on real machines. */
const ORT = '/home/someone/projects/ai-lab/node_modules/onnxruntime-node/bin/napi-v6/linux/x64';
const LOADER = {
  notInstalled: `OrtSessionOptionsAppendExecutionProvider_Cuda: Failed to load shared library: Failed to load library ${ORT}/libonnxruntime_providers_shared.so with error: ${ORT}/libonnxruntime_providers_shared.so: cannot open shared object file: No such file or directory`,
  cublas: `OrtSessionOptionsAppendExecutionProvider_Cuda: Failed to load library ${ORT}/libonnxruntime_providers_cuda.so with error: libcublasLt.so.12: cannot open shared object file: No such file or directory`,
  elf: `Failed to load library ${ORT}/libonnxruntime_providers_cuda.so with error: ${ORT}/libonnxruntime_providers_cuda.so: wrong ELF class: ELFCLASS32`,
  webgpu: 'webgpu_context.cc:136 adapter_result.status == wgpu::RequestAdapterStatus::Success was false. Failed to get a WebGPU adapter: No supported adapters',
};

function ort(cuda: string | null): OnnxRuntimeStatus {
  return {
    version: '1.30.0',
    path: `${ORT}/../../../..`,
    providers: [
      { name: 'cpu', loadable: true, reason: null, listed: true },
      { name: 'cuda', loadable: cuda === null, reason: cuda, listed: true },
      { name: 'webgpu', loadable: false, reason: LOADER.webgpu, listed: true },
      { name: 'tensorrt', loadable: false, reason: cuda ?? LOADER.notInstalled, listed: true },
    ],
  };
}

const VENV: PythonEnv = {
  path: '/home/someone/projects/a-rather-long-project-name/.venv/bin/python',
  version: '3.12.3',
  venv: true,
  source: 'workspace',
  packages: { pip: '22.0', setuptools: '59.6.0', wheel: null, torch: '2.3.1+cpu', torchvision: '0.18.1+cpu', torchaudio: null },
  torch: { cuda: null, cudaAvailable: false, archList: [], deviceName: null, capability: null, cudnn: null },
  nvidia: [],
  errors: ['importing torchaudio printed a warning about a missing libsox.so that goes on for a long while'],
} as unknown as PythonEnv;

async function report(scenario: string | null, cuda: string | null): Promise<EnvironmentReport> {
  const { report: r } = await collectEnvironment(
    scenario ? { nvidiaSmiPath: fakeSmi(scenario), onnxRuntime: ort(cuda) } : { env: { PATH: '/nonexistent' }, onnxRuntime: ort(cuda) },
  );
  r.python = [VENV];
  return r;
}

interface Row {
  depth: number;
  node: EnvNode;
  label: string;
  description: string;
  tooltip: string;
  contextValue: string;
}

function rows(r: EnvironmentReport): Row[] {
  const env = { report: r, showingWithoutGpu: true, onDidChange: () => ({ dispose() {} }), workspacePythonsNotRun: () => [], smokeVerdicts: new Map() };
  const guard = { trusted: true, verdicts: [], onDidChange: () => ({ dispose() {} }) };
  const tree = new EnvironmentTreeProvider(env as never, guard as never, () => undefined);
  const out: Row[] = [];
  const walk = (nodes: EnvNode[], depth: number) => {
    for (const node of nodes) {
      const item = tree.getTreeItem(node);
      const tip = item.tooltip;
      out.push({
        depth,
        node,
        label: String(item.label),
        description: String(item.description ?? ''),
        tooltip: typeof tip === 'string' ? tip : (tip?.value ?? ''),
        contextValue: item.contextValue ?? '',
      });
      // Every parent's getParent agrees with where the row was found (reveal() relies on it).
      walk(tree.getChildren(node), depth + 1);
    }
  };
  walk(tree.getChildren(), 0);
  return out;
}

const RAW = /cannot open shared object file|ELFCLASS\d+|wrong ELF class|Failed to load library|OrtSessionOptions/;
const MAX_LABEL = 40;

describe('Environment view rows fit the default sidebar width', () => {
  const scenarios: Array<[string | null, string | null]> = [
    [null, LOADER.notInstalled],
    ['driver-failure', LOADER.notInstalled],
    ['rtx5080', LOADER.notInstalled],
    ['rtx5080', LOADER.cublas],
    ['h100', LOADER.elf],
    ['two-gpus', null],
    ['gpu-lost-first', LOADER.notInstalled],
    ['unknown-arch', LOADER.cublas],
    ['old-driver', LOADER.notInstalled],
  ];
  for (const [scenario, cuda] of scenarios) {
    it(`${scenario ?? 'no nvidia-smi'}, CUDA provider ${cuda ? summarizeProvider({ name: 'cuda', loadable: false, reason: cuda }, true).short : 'loads'}: labels ≤ ${MAX_LABEL} characters, no loader message outside its detail rows`, async () => {
      const all = rows(await report(scenario, cuda));
      assert.ok(all.length > 20, `only ${all.length} rows`);
      for (const row of all) {
        assert.ok(row.label.length <= MAX_LABEL, `label of ${row.node.id} is ${row.label.length} characters: "${row.label}"`);
        assert.ok(row.label.trim(), `${row.node.id} has no label`);
        // The full text is in the tooltip: a description cut by the sidebar can still be read.
        if (row.description) assert.ok(row.tooltip.replace(/\\(.)/g, '$1').includes(row.description) || row.tooltip.length > 0, `${row.node.id} has no tooltip`);
        const isDetail = row.label === 'Loader message' || row.label === 'Details' || row.label === 'Error' || row.label === 'What it means';
        if (!isDetail) {
          assert.doesNotMatch(row.description, RAW, `${row.node.id} shows the loader's message: ${row.description}`);
          assert.doesNotMatch(row.label, RAW, `${row.node.id}`);
        }
      }
      // The loader's message is still there, one level down, for whoever wants it.
      if (cuda) assert.ok(all.some((row) => row.label === 'Loader message' && row.description === cuda));
    });
  }

  it('without an NVIDIA GPU: "CPU (no NVIDIA GPU)" at the top, as the inference device, and the CUDA provider "not used"', async () => {
    const all = rows(await report(null, LOADER.notInstalled));
    assert.equal(all[0]!.label, 'CPU (no NVIDIA GPU)');
    const row = (id: string) => all.find((x) => x.node.id === id)!;
    assert.equal(row('ort:device').description, 'CPU (no NVIDIA GPU)');
    assert.equal(row('ort:cuda').description, 'not used (no NVIDIA GPU)');
    assert.doesNotMatch(row('ort:cuda').contextValue, /enableCuda/);
    const diag = all.find((x) => x.node.kind === 'diagnosis' && !x.node.part)!;
    assert.equal(diag.label, 'CPU (no NVIDIA GPU)');
    // A diagnosis is a short title; its explanation and fix are its children.
    const parts = all.filter((x) => x.node.kind === 'diagnosis' && x.node.part).map((x) => x.label);
    assert.deepEqual(parts, ['What it means', 'Details', 'Read']);
  });

  it('a GPU without the CUDA provider: one short line and the Enable CUDA Acceleration action', async () => {
    const all = rows(await report('rtx5080', LOADER.notInstalled));
    const cuda = all.find((x) => x.node.id === 'ort:cuda')!;
    assert.equal(cuda.description, 'not installed');
    assert.match(cuda.contextValue, /enableCuda/);
    assert.match(cuda.tooltip, /Enable CUDA Acceleration/);
    const diag = all.find((x) => x.node.id === 'diag:ort-cuda-not-loadable')!;
    assert.equal(diag.label, 'CUDA provider not installed');
    assert.match(diag.contextValue, /enableCuda/);
    assert.equal(all.find((x) => x.node.id === 'ort:device')!.description, 'CPU: the CUDA provider is not installed');
  });

  it('a GPU whose CUDA provider needs a library: names the library, no Enable action', async () => {
    const all = rows(await report('rtx5080', LOADER.cublas));
    const cuda = all.find((x) => x.node.id === 'ort:cuda')!;
    assert.equal(cuda.description, 'needs libcublasLt.so.12');
    assert.doesNotMatch(cuda.contextValue, /enableCuda/);
    assert.equal(all.find((x) => x.node.id === 'diag:ort-cuda-not-loadable')!.label, 'CUDA provider needs libcublasLt.so.12');
  });

  it('the Copy Fix action works on a finding and on its Fix row', async () => {
    const all = rows(await report('two-gpus', null));
    const fix = all.find((x) => x.node.id === 'diag:memory-high-0:fix')!;
    assert.match(fix.contextValue, /fix:command/);
    assert.equal(fix.description, 'nvidia-smi --query-compute-apps=pid,process_name,used_memory --format=csv');
    assert.match(all.find((x) => x.node.id === 'diag:memory-high-0')!.label, /^GPU 0 memory \d+ % used$/);
  });
});

describe('provider and device summaries', () => {
  it('name the cause in a few words, never the loader message', () => {
    const s = (reason: string, gpu = true, name = 'cuda') => summarizeProvider({ name, loadable: false, reason }, gpu).short;
    assert.equal(s(LOADER.notInstalled), 'not installed');
    assert.equal(s(LOADER.cublas), 'needs libcublasLt.so.12');
    assert.equal(s(LOADER.elf), 'built for another machine');
    assert.equal(s(LOADER.cublas, false), 'not used (no NVIDIA GPU)');
    assert.equal(s(LOADER.webgpu, true, 'webgpu'), 'no WebGPU adapter');
    assert.equal(s('something nobody has seen before'), 'does not load');
  });

  it('the device: CPU (no NVIDIA GPU); with a GPU the CUDA provider cause and whether to offer Enable CUDA', () => {
    assert.deepEqual(describeDevice('auto', ort(LOADER.cublas), false), { label: 'CPU (no NVIDIA GPU)', reason: 'models run on the CPU', offerEnableCuda: false });
    assert.deepEqual(describeDevice('auto', ort(LOADER.notInstalled), true), { label: 'CPU', reason: 'the CUDA provider is not installed', offerEnableCuda: true });
    assert.deepEqual(describeDevice('auto', ort(LOADER.elf), true), { label: 'CPU', reason: 'the CUDA provider is built for another machine', offerEnableCuda: false });
    assert.equal(describeDevice('auto', ort(null), true).label, 'CUDA');
    const forced = describeDevice('cuda', ort(LOADER.cublas), true);
    assert.equal(forced.label, 'unavailable');
    assert.doesNotMatch(forced.reason, RAW);
  });

  it('the status bar without a GPU says "CPU (no NVIDIA GPU)" and puts nvidia-smi\'s words last', () => {
    const s = summarizeForStatusBar({ gpus: [], smiPath: null, smiSource: null, computeCapSupported: true, failure: { kind: 'missing', message: 'nvidia-smi not found (looked in /usr/bin/nvidia-smi)' }, durationMs: 1 });
    assert.equal(s.text, 'CPU (no NVIDIA GPU)');
    assert.match(s.tooltip[0]!, /^\*\*CPU \(no NVIDIA GPU\)\*\*: models run on the CPU/);
    assert.match(s.tooltip.at(-1)!, /nvidia-smi not found/);
  });
});
