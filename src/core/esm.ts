import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

/**
 * Imports an ES module from CommonJS code. Both tsc (module commonjs) and esbuild would turn a plain
 * `import()` into `require()`, which cannot load ESM on every Node the extension host may run; a
 * Function-built `import()` is left alone. The path is resolved first, so the referrer does not matter.
 */
const dynamicImport = new Function('url', 'return import(url)') as (url: string) => Promise<unknown>;

export async function importEsm<T>(specifier: string): Promise<T> {
  return importUrl<T>(pathToFileURL(resolveModule(specifier)).href);
}

/** The file a package specifier resolves to, from this bundle or this compiled file. */
export function resolveModule(specifier: string): string {
  return createRequire(__filename).resolve(specifier);
}

/** Imports an ES module by URL (file: or data:). */
export async function importUrl<T>(url: string): Promise<T> {
  return (await dynamicImport(url)) as T;
}
