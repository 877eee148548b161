/**
 * VS Code's http.* settings (and aiLab.http.caCertificates) applied to every request of the extension
 * host, and handed to the processes it starts (inference service, probes, PDF workers) through their
 * environment. Re-applied when the settings change; a child already running keeps what it started with.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { installProxy, redact, type ProxySettings } from '../core/net/proxy';
import { resolveGuarded } from '../core/settings/guarded';
import type { Log } from './log';

/** The user's proxy settings; unreadable CA files are logged and left out. */
export function readProxySettings(log: Log): ProxySettings {
  const http = vscode.workspace.getConfiguration('http');
  const caFiles = resolveGuarded<string[]>('http.caCertificates', vscode.workspace.getConfiguration('aiLab').inspect<string[]>('http.caCertificates'), vscode.workspace.isTrusted).value ?? [];
  const ca: string[] = [];
  for (const f of Array.isArray(caFiles) ? caFiles : []) {
    if (typeof f !== 'string' || !f.trim()) continue;
    const file = f.trim().replace(/^~(?=$|[\\/])/, os.homedir());
    try {
      // Relative to what? The editor's current folder is arbitrary: refused.
      if (!path.isAbsolute(file)) throw new Error('not an absolute path');
      const pem = fs.readFileSync(file, 'utf8');
      if (!pem.includes('-----BEGIN CERTIFICATE-----')) throw new Error('no PEM certificate in it');
      ca.push(pem);
    } catch (err) {
      log.warn(`aiLab.http.caCertificates: ${f} left out: ${(err as Error).message}`);
    }
  }
  const noProxy = http.get<unknown>('noProxy');
  return {
    proxy: http.get<string>('proxy')?.trim() || undefined,
    strictSSL: http.get<boolean>('proxyStrictSSL') !== false,
    noProxy: Array.isArray(noProxy) ? noProxy.filter((x): x is string => typeof x === 'string') : [],
    ca: ca.length ? ca : undefined,
  };
}

function apply(log: Log): void {
  try {
    const plan = installProxy(readProxySettings(log));
    const proxies = [...new Set([plan.httpsProxy, plan.httpProxy].filter((p): p is string => Boolean(p)))].map(redact);
    if (plan.from !== 'none' || plan.ca || !plan.strictSSL) {
      log.info(`Network: ${proxies.length ? `proxy ${proxies.join(', ')} (from ${plan.from === 'settings' ? 'http.proxy' : 'HTTPS_PROXY/HTTP_PROXY'})` : 'no proxy'}${plan.noProxy.length ? `, direct for ${plan.noProxy.join(', ')}` : ''}${plan.ca ? `, ${plan.ca.length} extra CA file(s)` : ''}${plan.strictSSL ? '' : ', certificates not verified (http.proxyStrictSSL: false)'}`);
    }
  } catch (err) {
    log.warn(`Network: proxy settings not applied: ${(err as Error).message}`);
  }
}

/** Applies the settings now and on every change of them. */
export function watchProxySettings(log: Log): vscode.Disposable {
  apply(log);
  return vscode.workspace.onDidChangeConfiguration((e) => {
    if (['http.proxy', 'http.proxyStrictSSL', 'http.noProxy', 'aiLab.http.caCertificates'].some((k) => e.affectsConfiguration(k))) apply(log);
  });
}
