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
  plugins: [...common.plugins, await transformersPatchesPlugin()],
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

/** Compiles a patch list (a TypeScript module of src/core) for use here, at build time. */
async function loadPatchModule(file) {
  const compiled = await esbuild.build({ entryPoints: [file], bundle: true, write: false, format: 'esm', platform: 'neutral', logLevel: 'silent' });
  return import(`data:text/javascript;base64,${Buffer.from(compiled.outputFiles[0].text).toString('base64')}`);
}

/** Applies exact-text fixes (src/core/sourcePatches.ts) to a library's files as esbuild loads them. */
function sourcePatchesPlugin(name, filter, patches, library) {
  return {
    name,
    setup(build) {
      build.onLoad({ filter }, async (args) => {
        const { applyPatches } = await loadPatchModule('src/core/sourcePatches.ts');
        const { source, skipped } = applyPatches(await fs.promises.readFile(args.path, 'utf8'), patches);
        const warnings = skipped.map((patch) => ({ text: `${library} fix left out, its code changed in this version: ${patch}` }));
        return { contents: source, loader: 'js', warnings };
      });
    },
  };
}

/**
 * The viewer bundles pdf.js's browser build: its worker code gets the same fixes as the Node worker
 * loads at run time (src/core/pdf/pdfjsPatches.ts, compiled here so there is one list).
 */
async function pdfjsPatchesPlugin() {
  const { PDFJS_WORKER_PATCHES } = await loadPatchModule('src/core/pdf/pdfjsPatches.ts');
  return sourcePatchesPlugin('pdfjs-patches', /pdfjs-dist[\\/]build[\\/]pdf\.worker\.mjs$/, PDFJS_WORKER_PATCHES, 'pdf.js');
}

/** The inference service bundles transformers.js's Node build with its fixes (src/core/inference/transformersPatches.ts). */
async function transformersPatchesPlugin() {
  const { TRANSFORMERS_PATCHES } = await loadPatchModule('src/core/inference/transformersPatches.ts');
  return sourcePatchesPlugin('transformers-patches', /@huggingface[\\/]transformers[\\/]dist[\\/]transformers\.node\.(mjs|cjs)$/, TRANSFORMERS_PATCHES, 'transformers.js');
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
