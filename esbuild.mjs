// Two build contexts: the extension, its child entries and the CLI for Node; webview apps for the browser.
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

/** Prints the lines the $esbuild-watch problem matcher looks for. */
const watchMatcher = {
  name: 'watch-matcher',
  setup(build) {
    build.onStart(() => console.log('[watch] build started'));
    build.onEnd((result) => {
      for (const { text, location } of result.errors) {
        console.error(`✘ [ERROR] ${text}`);
        if (location) console.error(`    ${location.file}:${location.line}:${location.column}:`);
      }
      console.log('[watch] build finished');
    });
  },
};

const common = {
  bundle: true,
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  plugins: watch ? [watchMatcher] : [],
};

const node = {
  ...common,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  outdir: 'dist',
  // Native modules cannot be bundled: they ship in the VSIX as node_modules (see .vscodeignore).
  external: ['vscode', 'onnxruntime-node', 'pdfjs-dist'],
  // transformers.js requires sharp at load; AI Lab runs text tasks only and ships a stub instead.
  // jsonc-parser's UMD main requires its parts at run time, which a bundle cannot follow: take its ES module build.
  alias: { sharp: './src/core/inference/sharpStub.ts', 'jsonc-parser': './node_modules/jsonc-parser/lib/esm/main.js' },
  entryPoints: {
    extension: 'src/extension.ts',
    cli: 'src/cli.ts',
    ortProbe: 'src/core/onnx/ortProbeMain.ts',
    inferenceService: 'src/core/inference/serviceMain.ts',
    pdfWorker: 'src/core/pdf/pdfWorkerMain.ts',
  },
};

/**
 * The viewer bundles pdf.js's browser build: its worker code gets the same fixes as the Node worker
 * loads at run time (src/core/pdf/pdfjsPatches.ts, compiled here so there is one list).
 */
async function pdfjsPatchesPlugin() {
  const compiled = await esbuild.build({ entryPoints: ['src/core/pdf/pdfjsPatches.ts'], bundle: true, write: false, format: 'esm', platform: 'neutral', logLevel: 'silent' });
  const { applyPatches, PDFJS_WORKER_PATCHES } = await import(`data:text/javascript;base64,${Buffer.from(compiled.outputFiles[0].text).toString('base64')}`);
  return {
    name: 'pdfjs-patches',
    setup(build) {
      build.onLoad({ filter: /pdfjs-dist[\\/]build[\\/]pdf\.worker\.mjs$/ }, async (args) => {
        const { source, skipped } = applyPatches(await fs.promises.readFile(args.path, 'utf8'), PDFJS_WORKER_PATCHES);
        const warnings = skipped.map((name) => ({ text: `pdf.js fix left out, its code changed in this pdfjs-dist: ${name}` }));
        return { contents: source, loader: 'js', warnings };
      });
    },
  };
}

const webviewEntries = fs.existsSync('webview-ui')
  ? fs.readdirSync('webview-ui', { withFileTypes: true })
      .filter((d) => d.isDirectory() && fs.existsSync(path.join('webview-ui', d.name, 'main.ts')))
      .map((d) => ({ in: path.join('webview-ui', d.name, 'main.ts'), out: d.name }))
  : [];

const browser = { ...common, platform: 'browser', format: 'esm', target: 'es2022', outdir: 'dist/webview', entryPoints: webviewEntries, plugins: [...common.plugins, await pdfjsPatchesPlugin()] };

const configs = [node, ...(webviewEntries.length ? [browser] : [])];
if (watch) {
  for (const c of configs) await (await esbuild.context(c)).watch();
} else {
  await Promise.all(configs.map((c) => esbuild.build(c)));
  fs.chmodSync('dist/cli.js', 0o755);
}
