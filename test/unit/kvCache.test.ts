/**
 * Generation reuses the decoder's past keys and values: a GPT-2-shaped fixture written with a KV cache
 * generates, through the service (transformers.js feeds the cache), exactly the greedy tokens of the
 * same weights without a cache re-reading the whole sequence at every step.
 * Speed (tokens/s with and without the cache) is the bench's: npm run bench.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { InferenceService } from '../../src/core/inference/inferenceService';
import { greedyWithoutCache, gptShapedFiles } from '../fixtures/models/gptShaped';
import { writeModelDir } from '../fixtures/models/write';
import { DIST } from '../fixtures/paths';

describe('generation with the KV cache (GPT-2-shaped fixture)', function () {
  this.timeout(120_000);
  const shape = { layers: 2, hidden: 32, heads: 4, maxPositions: 128 };
  let service: InferenceService;
  before(() => (service = new InferenceService({ scriptPath: path.join(DIST, 'inferenceService.js') })));
  after(() => service.dispose());

  it('the service (KV cache) writes the greedy tokens of the same weights without a cache', async () => {
    const withCache = writeModelDir(gptShapedFiles(shape, { cache: true }));
    const without = gptShapedFiles(shape, { cache: false });
    const ort = await import('onnxruntime-node');
    const tf = await import('@huggingface/transformers');
    const tokenizer = await tf.AutoTokenizer.from_pretrained(withCache, { local_files_only: true });
    const session = await ort.InferenceSession.create(without['onnx/model.onnx'] as Buffer);
    const feeds = (ids: bigint[]) => ({ input_ids: new ort.Tensor('int64', BigInt64Array.from(ids), [1, ids.length]), attention_mask: new ort.Tensor('int64', new BigInt64Array(ids.length).fill(1n), [1, ids.length]) });
    try {
      for (const prompt of ['The river', 'The new library of the city is', 'The team']) {
        const promptIds = Array.from((tokenizer(prompt) as { input_ids: { data: BigInt64Array } }).input_ids.data, Number);
        const reference = await greedyWithoutCache(session as never, feeds, promptIds, 24);
        const r = await service.run({ task: 'text-generation', modelDir: withCache, device: 'cpu', dtype: 'fp32', inputs: [prompt, { max_new_tokens: 24, min_new_tokens: 24, do_sample: false }], idleUnloadMs: 0 });
        const text = (r.output as Array<{ generated_text: string }>)[0]!.generated_text;
        assert.equal(text, tokenizer.decode([...promptIds, ...reference]), prompt);
        assert.ok(new Set(reference).size > 3, 'the continuation is not one token repeated');
      }
    } finally {
      await session.release();
    }
  });

  it('a decoder without past_key_values inputs is refused with what to export, not run (it would write from one token of context)', async () => {
    const withoutCache = writeModelDir(gptShapedFiles(shape, { cache: false }));
    await assert.rejects(
      service.run({ task: 'text-generation', modelDir: withoutCache, device: 'cpu', dtype: 'fp32', inputs: ['The river', { max_new_tokens: 4 }], idleUnloadMs: 0 }),
      (e: Error) => /its decoder \(onnx\/model\.onnx or its dtype variant\) takes no past_key_values inputs/.test(e.message) && /optimum-cli export onnx --task text-generation-with-past/.test(e.message),
    );
    // The same folder still serves tasks that do not generate.
    const { decoderCacheProblem } = await import('../../src/core/inference/decoderCache');
    assert.equal(decoderCacheProblem('feature-extraction', 'm', { model: { inputNames: ['input_ids'] } }), undefined);
    assert.match(decoderCacheProblem('summarization', 'm', { model: { inputNames: ['input_ids'] }, decoder_model_merged: { inputNames: ['input_ids', 'encoder_hidden_states'] } })!, /decoder_model_merged\.onnx.*text2text-generation-with-past/);
    assert.equal(decoderCacheProblem('summarization', 'm', { model: { inputNames: ['input_ids'] }, decoder_model_merged: { inputNames: ['input_ids', 'past_key_values.0.decoder.key'] } }), undefined);
  });

  it('the cached graph takes past_key_values and returns present.* (what transformers.js looks for)', async () => {
    const ort = await import('onnxruntime-node');
    const s = await ort.InferenceSession.create(gptShapedFiles(shape, { cache: true })['onnx/model.onnx'] as Buffer);
    assert.ok(s.inputNames.includes('past_key_values.1.value'));
    assert.ok(s.outputNames.includes('present.0.key'));
    await s.release();
  });
});
