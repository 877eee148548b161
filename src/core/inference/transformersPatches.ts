/**
 * Fixes to @huggingface/transformers' Node build, applied when esbuild bundles the inference service
 * (esbuild.mjs). Each replaces an exact piece of the pinned version; a unit test checks that each still
 * applies to both Node builds (.mjs, .cjs) and that the bundled service holds it.
 */
import type { SourcePatch } from '../sourcePatches';

/** Marks the patched loader in the bundle (checked by a unit test). */
export const LAZY_FILE_BODY_MARK = 'AI Lab: a local file is opened by its first read';

export const TRANSFORMERS_PATCHES: readonly SourcePatch[] = [
  {
    // FileResponse (a local model file) opened a read stream at construction and pushed every chunk into
    // its body without backpressure. In Node the loader only wants the file's path for an .onnx file and
    // never reads that body, so the whole file was read into memory 64 KB per event-loop turn, while the
    // service ran requests: +65 KB of ArrayBuffers a request, the weights' size again at the end. The
    // body now opens the file on its first read and reads one chunk per read.
    name: 'a local file response reads its file only when its body is read',
    find:
      '.createReadStream(filePath);\n      this.body = new ReadableStream({\n        start(controller) {\n' +
      '          stream.on("data", (chunk2) => controller.enqueue(chunk2));\n          stream.on("end", () => controller.close());\n' +
      '          stream.on("error", (err) => controller.error(err));\n        },\n        cancel() {\n          stream.destroy();\n        }\n      });',
    replace:
      `.createReadStream;\n      this.aiLabPatch = ${JSON.stringify(LAZY_FILE_BODY_MARK)};\n      let chunks;\n      this.body = new ReadableStream({\n` +
      '        async pull(controller) {\n          chunks ??= stream(filePath)[Symbol.asyncIterator]();\n          const next = await chunks.next();\n' +
      '          if (next.done) controller.close();\n          else controller.enqueue(next.value);\n        },\n' +
      '        async cancel() {\n          await chunks?.return?.();\n        }\n      }, { highWaterMark: 0 });',
  },
];
