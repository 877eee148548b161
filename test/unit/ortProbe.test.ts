import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { probeOnnxRuntime, reasonFromStderr } from '../../src/core/onnx/ortProbe';
import { DIST } from '../fixtures/paths';

const probeScript = path.join(DIST, 'ortProbe.js');

describe('ONNX Runtime provider probe (real onnxruntime-node, child processes)', () => {
  before(function () {
    if (!fs.existsSync(probeScript)) throw new Error(`${probeScript} missing: run "npm run build" first`);
  });

  it('CPU really creates a session and runs; CUDA says why it does not load here', async () => {
    const s = await probeOnnxRuntime({ probeScript });
    assert.match(s.version ?? '', /^\d+\.\d+\.\d+/);
    const cpu = s.providers.find((p) => p.name === 'cpu');
    assert.deepEqual([cpu?.loadable, cpu?.reason], [true, null]);
    const cuda = s.providers.find((p) => p.name === 'cuda');
    assert.ok(cuda, 'cuda is always probed');
    assert.equal(cuda.listed, true);
    // Without the provider library (npm ships none): listed, yet not loadable, with the real reason.
    const providerLib = path.join(s.path ?? '', 'bin', 'napi-v6', process.platform, process.arch, 'libonnxruntime_providers_cuda.so');
    if (!fs.existsSync(providerLib)) {
      assert.equal(cuda.loadable, false);
      assert.match(cuda.reason ?? '', /Failed to load (shared )?library/i);
    } else if (!cuda.loadable) {
      assert.match(cuda.reason ?? '', /\S/);
    }
  });

  it('a provider child that crashes natively is reported, not suffered', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ailab-ort-'));
    const crashing = path.join(dir, 'probe.js');
    fs.writeFileSync(crashing, "if (process.argv[2] === 'cpu') { console.log(JSON.stringify({version:'9.9.9',packageDir:null,listed:['cpu','cuda'],provider:'cpu',loadable:true,reason:null})); } else { process.kill(process.pid, 'SIGSEGV'); }");
    const s = await probeOnnxRuntime({ probeScript: crashing });
    const cuda = s.providers.find((p) => p.name === 'cuda');
    assert.equal(cuda?.loadable, false);
    assert.match(cuda?.reason ?? '', /crashed \(SIGSEGV\)/);
    assert.equal(s.providers.find((p) => p.name === 'cpu')?.loadable, true);
  });

  it('a probe that hangs is stopped at its timeout', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ailab-ort-'));
    const hanging = path.join(dir, 'probe.js');
    fs.writeFileSync(hanging, 'setInterval(() => {}, 1000);');
    const s = await probeOnnxRuntime({ probeScript: hanging, timeoutMs: 500 });
    assert.equal(s.version, null);
    assert.match(s.providers[0]?.reason ?? '', /timed out/);
  });

  it('pulls the library error out of ORT\'s coloured log', () => {
    const stderr = '\u001b[1;31m2026-11-24 [E:onnxruntime:onnxruntime-node, provider_bridge_ort.cc:2146 Create] x.cc:1988 Get() [ONNXRuntimeError] : 1 : FAIL : Failed to load library /a/libonnxruntime_providers_shared.so with error: cannot open shared object file\n\u001b[m';
    assert.equal(reasonFromStderr(stderr), 'Failed to load library /a/libonnxruntime_providers_shared.so with error: cannot open shared object file');
    assert.equal(reasonFromStderr('all good'), null);
  });
});
