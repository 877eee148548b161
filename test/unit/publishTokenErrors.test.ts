/** A token the Hub does not know: the publish says so plainly (not the gated-repo advice), and writes nothing. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PublishError, publishModel } from '../../src/core/hub/publish';
import { cliAsync } from '../fixtures/cli';
import { FixtureHub } from '../fixtures/hub/server';
import { publishableFolder } from '../fixtures/models/publishable';

describe('Publish: an invalid token', () => {
  let hub: FixtureHub;
  before(async () => {
    hub = new FixtureHub();
    hub.tokenRole = 'write';
    await hub.start();
  });
  after(() => hub.stop());
  const writes = () => hub.requests.filter((r) => r.method !== 'GET').length;

  it('core: HTTP 401 with the Hub\'s words, "not a valid token", where to make one; no gated-repo advice; nothing written', async () => {
    const before = writes();
    await assert.rejects(publishModel({ endpoint: hub.url, token: 'hf_not_a_real_token', dir: publishableFolder(), repoId: 'fixture-user/x' }), (e: Error) => {
      assert.ok(e instanceof PublishError && e.kind === 'not-signed-in', String(e));
      assert.match(e.message, /^The Hub refused the token \(HTTP 401: [^)]+\): it is not a valid token \(mistyped, cut short, or revoked\)\. Make a token with the write role at \S+ and /);
      assert.doesNotMatch(e.message, /gated|accept its terms/);
      return true;
    });
    assert.equal(writes(), before);
  });

  it('ai-lab upload with a wrong HF_TOKEN: exit 1 with the same message', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'ailab-badtoken-'));
    const r = await cliAsync(['upload', publishableFolder(), 'fixture-user/x', '--yes'], { HF_HOME: home, HF_ENDPOINT: hub.url, HF_TOKEN: 'garbage' });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /ai-lab: The Hub refused the token \(HTTP 401: [^)]+\): it is not a valid token/);
    assert.doesNotMatch(r.stderr, /gated/);
  });
});
