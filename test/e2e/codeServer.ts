import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

/** A throw-away code-server on 127.0.0.1 with its own user data, extensions and TMPDIR. */
export interface CodeServer {
  port: number;
  url: string;
  dirs: { root: string; userData: string; extensions: string; workspace: string };
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

export function makeDirs(): CodeServer['dirs'] & { tmp: string } {
  // Short paths: unix socket names must stay under 108 characters.
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ail-'));
  const d = {
    root,
    userData: path.join(root, 'ud'),
    extensions: path.join(root, 'ext'),
    workspace: path.join(root, 'ws'),
    tmp: path.join(root, 't'),
  };
  for (const p of Object.values(d)) fs.mkdirSync(p, { recursive: true });
  fs.mkdirSync(path.join(d.userData, 'User'), { recursive: true });
  return d;
}

/** Rewrites settings.json in place (a rename would leave code-server's watcher on the old file). */
export function writeUserSettings(userData: string, settings: Record<string, unknown>): void {
  fs.writeFileSync(path.join(userData, 'User', 'settings.json'), JSON.stringify(settings, null, 2));
}

export async function startCodeServer(
  bin: string,
  dirs: ReturnType<typeof makeDirs>,
  extraArgs: string[] = [],
  log: (line: string) => void = () => undefined,
  /** `workspaceTrust`: ask whether to trust the folder, as VS Code does for a user (off in the other phases). */
  options: { workspaceTrust?: boolean; env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<CodeServer> {
  const port = await freePort();
  const env = {
    ...process.env,
    ...options.env,
    TMPDIR: dirs.tmp,
    XDG_CONFIG_HOME: path.join(dirs.root, 'cfg'),
    XDG_DATA_HOME: path.join(dirs.root, 'data'),
    XDG_CACHE_HOME: path.join(dirs.root, 'cache'),
    // A private Hugging Face cache: downloads in one run never leak into the user's.
    HF_HOME: path.join(dirs.root, 'hf'),
  };
  const args = [
    '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--disable-telemetry', '--disable-update-check',
    ...(options.workspaceTrust ? [] : ['--disable-workspace-trust']), '--disable-getting-started-override',
    '--user-data-dir', dirs.userData, '--extensions-dir', dirs.extensions, ...extraArgs, dirs.workspace,
  ];
  // Own process group: at exit the whole group goes, file watchers included.
  const child: ChildProcess = spawn(bin, args, { env, cwd: options.cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (b: Buffer) => log(b.toString()));
  child.stderr?.on('data', (b: Buffer) => log(b.toString()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`code-server exited with ${child.exitCode}`);
    try {
      const r = await fetch(`${url}/healthz`);
      if (r.ok) break;
    } catch {
      // Not up yet.
    }
    if (Date.now() > deadline) throw new Error('code-server did not answer /healthz within 60 s');
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    port,
    url,
    dirs,
    stop: async () => {
      try {
        process.kill(-child.pid!, 'SIGTERM');
      } catch {
        return;
      }
      await new Promise((r) => setTimeout(r, 500));
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // Gone.
      }
    },
  };
}

/** Runs a CLI and returns its output, throwing with it on failure. */
export async function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<string> {
  return new Promise((resolve, reject) => {
    const c = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    c.stdout.on('data', (b: Buffer) => (out += b.toString()));
    c.stderr.on('data', (b: Buffer) => (out += b.toString()));
    c.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} ${args.join(' ')} → ${code}\n${out}`))));
    c.on('error', reject);
  });
}
