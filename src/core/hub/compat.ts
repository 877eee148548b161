/** Whether a Hub model runs in AI Lab (transformers.js on ONNX Runtime), and why not. */
import { command } from '../surface/names';
import { TASK_KIND, chooseModelFiles } from '../inference/modelFiles';
import { taskMismatch, type ModelConfig } from '../inference/taskFit';

/** From a search result's tags: transformers.js ports carry the library tag and the onnx tag. */
export function runsInAiLab(m: { tags: string[]; library?: string }): boolean {
  const tags = new Set(m.tags);
  return m.library === 'transformers.js' || tags.has('transformers.js') || (tags.has('onnx') && tags.has('transformers'));
}

export interface Verdict {
  runs: boolean;
  reason: string;
  /** The task AI Lab would run it as, when it runs. */
  task?: string;
}

/**
 * From the repo's file list and, when the Hub's model info has it, its config summary (architectures,
 * model_type): the same checks a run does before it downloads the weights.
 */
export function compatibilityVerdict(m: { id: string; files: string[]; pipelineTag?: string; config?: ModelConfig }): Verdict {
  const onnx = m.files.filter((f) => f.startsWith('onnx/') && f.endsWith('.onnx'));
  if (!m.pipelineTag) {
    return onnx.length
      ? { runs: false, reason: `Has ONNX weights (${onnx.length} files) but no pipeline tag, so AI Lab cannot tell which task it does. Use it with ${command('AI Lab: Run Model on Selection…')} and name the task.` }
      : { runs: false, reason: 'No ONNX weights and no pipeline tag.' };
  }
  if (!TASK_KIND[m.pipelineTag]) {
    return { runs: false, reason: `Its task, ${m.pipelineTag}, is not one AI Lab runs yet (it runs ${Object.keys(TASK_KIND).filter((t) => t !== 'text-pair-classification').join(', ')}).` };
  }
  try {
    const choice = chooseModelFiles(m.id, m.files, m.pipelineTag, 'cpu', 'auto');
    const mismatch = m.config && taskMismatch(m.id, m.config, m.pipelineTag, { labelsKnown: false });
    if (mismatch) return { runs: false, reason: mismatch };
    const weights = choice.files.filter((f) => f.endsWith('.onnx'));
    return { runs: true, task: m.pipelineTag, reason: `Runs in AI Lab as ${m.pipelineTag}: ${weights.join(', ')} (${choice.dtype} on CPU), config.json, tokenizer.json and tokenizer_config.json are there.` };
  } catch (err) {
    return { runs: false, reason: (err as Error).message };
  }
}
