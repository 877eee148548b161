import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

/**
 * Imports an ES module from CommonJS code. Both tsc (module commonjs) and esbuild would turn a plain
 * `import()` into `require()`, which cannot load ESM on every Node the extension host may run; a
 * Function-built `import()` is left alone. The path is resolved first, so the referrer does not matter.
 */
const dynamicImport = new Function('url', 'return import(url)') as (url: string) => Promise<unknown>;

export async function importEsm<T>(specifier: string): Promise<T> {
  const resolved = createRequire(__filename).resolve(specifier);
  return (await dynamicImport(pathToFileURL(resolved).href)) as T;
}
