/** One Hub access rule (src/core/lab/hubAccess.ts): the value given > the environment > what is stored > the default. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { hubAccess } from '../../src/core/lab/hubAccess';

describe('Hub access: one precedence rule for the CLI and the extension', () => {
  let home: string;
  let tokenFile: string;
  before(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'ailab-hubaccess-'));
    tokenFile = path.join(home, 'token');
    fs.writeFileSync(tokenFile, 'hf_from_file\n');
  });
  after(() => fs.rmSync(home, { recursive: true, force: true }));

  /** An environment with only what the case sets (HOME too, so no real token file is read). */
  const env = (vars: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({ HOME: home, HF_HOME: path.join(home, 'hf'), ...vars });

  it('nothing given, nothing set: huggingface.co, no token, $HF_HOME/hub, online', () => {
    assert.deepEqual(hubAccess({}, env()), { endpoint: 'https://huggingface.co', token: undefined, cacheDir: path.join(home, 'hf', 'hub'), offline: false });
  });

  it('endpoint: the flag or setting wins over HF_ENDPOINT, which wins over the default; a trailing slash is dropped', () => {
    assert.equal(hubAccess({ endpoint: 'http://127.0.0.1:5000/' }, env({ HF_ENDPOINT: 'https://mirror.example' })).endpoint, 'http://127.0.0.1:5000');
    assert.equal(hubAccess({ endpoint: '  ' }, env({ HF_ENDPOINT: 'https://mirror.example' })).endpoint, 'https://mirror.example');
    assert.equal(hubAccess({}, env({ HF_ENDPOINT: 'https://mirror.example/' })).endpoint, 'https://mirror.example');
    assert.throws(() => hubAccess({ endpoint: 'ftp://x' }, env()), /must be http\(s\)/);
    assert.throws(() => hubAccess({ endpoint: 'not a url' }, env()), /is not a URL/);
  });

  it('token: HF_TOKEN > the signed-in token (SecretStorage) > the token file > none', () => {
    const fileEnv = { HF_TOKEN_PATH: tokenFile };
    assert.equal(hubAccess({ signedInToken: 'hf_signed_in' }, env({ ...fileEnv, HF_TOKEN: 'hf_env' })).token, 'hf_env');
    assert.equal(hubAccess({ signedInToken: 'hf_signed_in' }, env({ ...fileEnv, HUGGING_FACE_HUB_TOKEN: 'hf_old_env' })).token, 'hf_old_env');
    assert.equal(hubAccess({ signedInToken: ' hf_signed_in ' }, env(fileEnv)).token, 'hf_signed_in');
    assert.equal(hubAccess({}, env(fileEnv)).token, 'hf_from_file');
    assert.equal(hubAccess({ signedInToken: '  ' }, env(fileEnv)).token, 'hf_from_file');
    assert.equal(hubAccess({}, env()).token, undefined);
  });

  it('cache folder: the one given > HF_HUB_CACHE > HUGGINGFACE_HUB_CACHE > $HF_HOME/hub > $XDG_CACHE_HOME/huggingface/hub', () => {
    assert.equal(hubAccess({ cacheDir: '/given' }, env({ HF_HUB_CACHE: '/hub-cache' })).cacheDir, '/given');
    assert.equal(hubAccess({}, env({ HF_HUB_CACHE: '/hub-cache', HUGGINGFACE_HUB_CACHE: '/old' })).cacheDir, '/hub-cache');
    assert.equal(hubAccess({}, env({ HUGGINGFACE_HUB_CACHE: '/old' })).cacheDir, '/old');
    assert.equal(hubAccess({}, { HOME: home, XDG_CACHE_HOME: '/xdg' }).cacheDir, path.join('/xdg', 'huggingface', 'hub'));
  });

  it('offline: on when the flag or setting asks, or HF_HUB_OFFLINE / TRANSFORMERS_OFFLINE says 1/true/yes/on', () => {
    assert.equal(hubAccess({ offline: true }, env()).offline, true);
    assert.equal(hubAccess({ offline: false }, env({ HF_HUB_OFFLINE: '1' })).offline, true);
    assert.equal(hubAccess({}, env({ TRANSFORMERS_OFFLINE: 'yes' })).offline, true);
    assert.equal(hubAccess({}, env({ HF_HUB_OFFLINE: '0' })).offline, false);
  });
});
