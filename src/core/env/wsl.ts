import * as fs from 'node:fs';

/** WSL kernels say "microsoft" (WSL 2) or "Microsoft" (WSL 1) in their release string. */
export function detectWsl(env: NodeJS.ProcessEnv = process.env, osRelease?: string): boolean {
  if (process.platform !== 'linux' && osRelease === undefined) return false;
  if (env.WSL_DISTRO_NAME || env.WSL_INTEROP) return true;
  let release = osRelease;
  if (release === undefined) {
    try {
      release = fs.readFileSync('/proc/sys/kernel/osrelease', 'utf8');
    } catch {
      return false;
    }
  }
  return /microsoft|wsl/i.test(release);
}
