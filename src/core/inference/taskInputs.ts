/** The positional arguments of a transformers.js pipeline call for each task, from plain options. */
import { checkHypothesisTemplate } from '../nlp/hypothesis';
import { checkLabels } from '../nlp/labels';
import { requireVisibleText } from '../text/visible';

export interface TaskOptions {
  text: string;
  labels?: string[];
  multiLabel?: boolean;
  hypothesisTemplate?: string;
  question?: string;
  maxNewTokens?: number;
  minNewTokens?: number;
  topK?: number | null;
}

/** max_new_tokens of a raw pipeline run when none is given. */
export const RUN_MAX_NEW_TOKENS = 60;

export function pipelineInputs(task: string, o: TaskOptions): unknown[] {
  switch (task) {
    case 'text-classification':
    case 'sentiment-analysis':
      return [o.text, { top_k: o.topK === undefined ? null : o.topK }];
    case 'zero-shot-classification':
      if (!o.labels?.length) throw new Error('zero-shot-classification needs candidate labels (e.g. --labels "billing,support,feedback")');
      checkHypothesisTemplate(o.hypothesisTemplate);
      checkLabels(o.labels);
      return [o.text, o.labels, { multi_label: Boolean(o.multiLabel), ...(o.hypothesisTemplate ? { hypothesis_template: o.hypothesisTemplate } : {}) }];
    case 'question-answering':
      if (o.question === undefined) throw new Error('question-answering needs a question (e.g. --question "How many hours?")');
      requireVisibleText(o.question, 'the question');
      return [o.question, o.text, { top_k: o.topK ?? 1 }];
    case 'summarization':
    case 'text2text-generation':
    case 'translation':
    case 'text-generation':
      return [o.text, { max_new_tokens: o.maxNewTokens ?? RUN_MAX_NEW_TOKENS, ...(o.minNewTokens ? { min_new_tokens: o.minNewTokens } : {}) }];
    case 'feature-extraction':
      return [o.text, { pooling: 'mean', normalize: true }];
    default:
      return [o.text];
  }
}
