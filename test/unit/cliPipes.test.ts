import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fixtureModelDirs } from '../fixtures/models';
import { DIST } from '../fixtures/paths';
import { longHandbookPdf } from '../fixtures/pdf/generate';

/** Runs the CLI, reads its first chunk of output, then closes the pipe as `| head -c N` does. */
function cliClosedEarly(args: string[]): Promise<{ status: number | null; signal: NodeJS.Signals | null; first: string; stderr: string }> {
  return new Promise((resolve) => {
    const c = spawn(process.execPath, [path.join(DIST, 'cli.js'), ...args], { env: { ...process.env, HF_HUB_OFFLINE: '1' } });
    let first = '';
    let stderr = '';
    c.stdout.once('data', (b: Buffer) => {
      first = String(b);
      c.stdout.destroy();
    });
    c.stderr.on('data', (b: Buffer) => (stderr += b));
    c.on('close', (status, signal) => resolve({ status, signal, first, stderr }));
    c.stdin.end();
  });
}

describe('CLI: a reader that closes the pipe early (| head)', function () {
  this.timeout(60_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ai-lab-cli-pipe-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('pdf-text on a long PDF ends with exit 0 and no stack trace', async () => {
    const pdf = path.join(dir, 'long.pdf');
    fs.writeFileSync(pdf, await longHandbookPdf(120));
    const r = await cliClosedEarly(['pdf-text', pdf]);
    assert.match(r.first, /^=== page 1 ===/);
    assert.equal(r.stderr, '');
    assert.equal(r.signal, null);
    assert.equal(r.status, 0);
  });

  it('tokenize with many tokens (one write per token) ends with exit 0 and no stack trace', async () => {
    const file = path.join(dir, 'long.txt');
    fs.writeFileSync(file, 'the food was great and the service was excellent '.repeat(1500));
    const r = await cliClosedEarly(['tokenize', fixtureModelDirs().sentiment, '--file', file]);
    assert.match(r.first, /tokens/);
    assert.equal(r.stderr, '');
    assert.equal(r.status, 0);
  });
});
