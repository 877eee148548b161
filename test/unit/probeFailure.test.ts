/** A path given as Python that is not one: the reason names it and what to give instead, never an empty detail. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { probeOptimum } from '../../src/core/model/optimumProbe';
import { notPythonReason, notStartedReason } from '../../src/core/python/probeFailure';
import { cliAsync } from '../fixtures/cli';

const posixOnly = process.platform === 'win32' ? describe.skip : describe;

describe('Python probe failures', () => {
  it('a program that prints nothing gets its exit code as the reason; stderr\'s last line otherwise; a signal when killed', () => {
    assert.equal(notPythonReason('/bin/true', { stderr: '', code: 0, signal: null }), `/bin/true is not a working Python 3 interpreter: it exited with code 0 without answering the probe. Give the path of a Python 3 interpreter, e.g. ${process.platform === 'win32' ? '.venv\\Scripts\\python.exe' : '.venv/bin/python'}`);
    assert.match(notPythonReason('p', { stderr: 'line one\nSyntaxError: bad\n\n', code: 1, signal: null }), /^p is not a working Python 3 interpreter: SyntaxError: bad\. Give/);
    assert.match(notPythonReason('p', { stderr: '   \n', code: null, signal: 'SIGKILL' }), /exited with signal SIGKILL without answering/);
  });

  it('not started: a missing path, a file that is not executable, anything else with the system\'s message', () => {
    const err = (code: string, message = code) => Object.assign(new Error(message), { code });
    assert.equal(notStartedReason('/x/py', err('ENOENT')), '/x/py does not exist');
    assert.match(notStartedReason('/etc/passwd', err('EACCES')), /^\/etc\/passwd could not be started \(permission denied: not an executable program\): give the path of a Python 3 interpreter/);
    assert.equal(notStartedReason('p', err('E2BIG', 'spawn E2BIG')), 'p could not be started: spawn E2BIG');
  });
});

posixOnly('Python probe failures on real programs', () => {
  it('probeOptimum: /bin/true and a non-executable file each get a reason that is not empty', async () => {
    const t = await probeOptimum('/bin/true', '--python');
    assert.match(t.error ?? '', /\/bin\/true is not a working Python 3 interpreter: it exited with code 0 without answering the probe\./);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ailab-notpy-')), 'python');
    fs.writeFileSync(file, 'not a program', { mode: 0o644 });
    const n = await probeOptimum(file, '--python');
    // As root, a file without the execute bit still cannot be run (EACCES), so this holds for every user.
    assert.match(n.error ?? '', /could not be started \(permission denied: not an executable program\)/);
  });

  it('ai-lab onnx --python /bin/true: exit 2 with the reason, not an empty one', async () => {
    const r = await cliAsync(['onnx', 'acme/lonely', '--python', '/bin/true', '--task', 'text-classification'], { HF_HUB_OFFLINE: '1', HF_TOKEN: '' });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /ai-lab: \/bin\/true is not a working Python 3 interpreter: it exited with code 0 without answering the probe\. Give the path of a Python 3 interpreter/);
  });
});
