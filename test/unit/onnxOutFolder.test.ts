/** Get ONNX Weights never writes over a folder the user already has: --out must be new or empty. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { assertFreshOut, ExportError } from '../../src/core/model/optimumExport';
import { cliAsync } from '../fixtures/cli';
import { usePortHub } from '../fixtures/hub/onnxPorts';
import { sentimentModelFiles } from '../fixtures/models/sentiment';
import { makeFakeOptimumEnv, optimumLayout } from '../fixtures/python/fakeOptimum';

const posixOnly = process.platform === 'win32' ? describe.skip : describe;
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'ailab-onnx-out-'));

describe('Get ONNX Weights: the export folder', () => {
  it('assertFreshOut: a folder that does not exist or is empty is fine; a file or a folder with anything in it is refused, saying what to do', () => {
    const root = tmp();
    assertFreshOut(path.join(root, 'new'));
    fs.mkdirSync(path.join(root, 'empty'));
    assertFreshOut(path.join(root, 'empty'));
    fs.writeFileSync(path.join(root, 'file'), 'x');
    assert.throws(() => assertFreshOut(path.join(root, 'file')), (e: Error) => e instanceof ExportError && /is a file: the export needs a folder\. Give another --out/.test(e.message));
    fs.mkdirSync(path.join(root, 'mine', 'onnx'), { recursive: true });
    fs.writeFileSync(path.join(root, 'mine', 'onnx', 'model.onnx'), 'my own');
    fs.writeFileSync(path.join(root, 'mine', '.hidden'), 'h');
    assert.throws(() => assertFreshOut(path.join(root, 'mine')), (e: Error) => e instanceof ExportError && /already holds 2 entries \(\.hidden, onnx\): the export would write over them\. Nothing was run\. Give a new folder with --out/.test(e.message));
  });
});

posixOnly('ai-lab onnx --run: --out that is not new', function () {
  this.timeout(60_000);
  const hub = usePortHub();
  const env = { HF_TOKEN: '', HF_HUB_OFFLINE: '' };

  it('a folder holding the user\'s files: exit 2, the exporter never runs, every file kept byte for byte; --json says why in stopped', async () => {
    const fake = makeFakeOptimumEnv({ exportFiles: optimumLayout(sentimentModelFiles()) });
    const out = tmp();
    fs.mkdirSync(path.join(out, 'onnx'));
    fs.writeFileSync(path.join(out, 'onnx', 'model.onnx'), 'MY OWN ONNX');
    fs.writeFileSync(path.join(out, 'config.json'), '{"mine":1}');
    const r = await cliAsync(['onnx', 'acme/lonely', '--endpoint', hub().url, '--python', fake.python, '--out', out, '--run'], env);
    assert.equal(r.status, 2, r.stderr);
    assert.ok(r.stderr.includes(`ai-lab: ${out} already holds 2 entries (config.json, onnx): the export would write over them. Nothing was run.`), r.stderr);
    assert.deepEqual(fake.calls(), []);
    assert.equal(fs.readFileSync(path.join(out, 'onnx', 'model.onnx'), 'utf8'), 'MY OWN ONNX');
    assert.equal(fs.readFileSync(path.join(out, 'config.json'), 'utf8'), '{"mine":1}');
    const j = await cliAsync(['onnx', 'acme/lonely', '--endpoint', hub().url, '--python', fake.python, '--out', path.join(out, 'config.json'), '--run', '--json'], env);
    assert.equal(j.status, 2);
    assert.match((JSON.parse(j.stdout) as { stopped: string }).stopped, /config\.json is a file: the export needs a folder/);
    assert.deepEqual(fake.calls(), []);
  });

  it('an empty folder is used as it is: the export runs and the result validates', async () => {
    const fake = makeFakeOptimumEnv({ exportFiles: optimumLayout(sentimentModelFiles()) });
    const out = tmp();
    const r = await cliAsync(['onnx', 'acme/lonely', '--endpoint', hub().url, '--python', fake.python, '--out', out, '--run'], env);
    assert.equal(r.status, 0, r.stderr);
    assert.ok(fs.existsSync(path.join(out, 'onnx', 'model.onnx')));
    // Run again into the same folder: now refused, the first export kept.
    const again = await cliAsync(['onnx', 'acme/lonely', '--endpoint', hub().url, '--python', fake.python, '--out', out, '--run'], env);
    assert.equal(again.status, 2);
    assert.equal(fake.calls().length, 1);
  });
});

posixOnly('ai-lab onnx: the plan\'s --run line', function () {
  this.timeout(60_000);
  const hub = usePortHub();
  const env = { HF_TOKEN: '', HF_HUB_OFFLINE: '' };

  it('names the same --python and --out as the plan (quoted), and warns when OUT already holds files; running that line does the plan', async () => {
    const fake = makeFakeOptimumEnv({ exportFiles: optimumLayout(sentimentModelFiles()) });
    const out = path.join(tmp(), 'my out');
    const r = await cliAsync(['onnx', 'acme/lonely', '--endpoint', hub().url, '--python', fake.python, '--out', out], env);
    assert.equal(r.status, 0, r.stderr);
    const line = `ai-lab onnx acme/lonely --run --task text-classification --python ${fake.python} --out '${out}'`;
    assert.ok(r.stdout.includes(`the folder is validated: ${line} does all of it.`), r.stdout);
    assert.doesNotMatch(r.stdout, /note: /);
    // The line, run as given (its words without the quotes), exports into that folder.
    const ran = await cliAsync(['onnx', 'acme/lonely', '--run', '--task', 'text-classification', '--python', fake.python, '--out', out, '--endpoint', hub().url], env);
    assert.equal(ran.status, 0, ran.stderr);
    const again = await cliAsync(['onnx', 'acme/lonely', '--endpoint', hub().url, '--python', fake.python, '--out', out], env);
    assert.match(again.stdout, /\nnote: .*my out already holds \d+ entries \(.*\): the export would write over them\. Give a new folder with --out/);
  });
});
