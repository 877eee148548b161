/** Evaluation metrics for comparing models on a dataset (issue 21); plain Node, no vscode. */
export { classificationReport, OTHER_COLUMN } from './classification';
export type { ClassificationReport, ClassScores, ConfusionMatrix } from './classification';
export { squadScores, normalizeAnswer, exactMatchScore, tokenF1Score } from './squad';
export type { SquadScores } from './squad';
export { rougeScores, rougeExample, rougeTokens, lcsLength } from './rouge';
export type { RougeCorpus, RougeExample, RougeScore } from './rouge';
export { corpusChrf } from './chrf';
export type { ChrfOptions } from './chrf';
export { corpusBleu, bleuFromStats } from './bleu';
export type { BleuOptions, BleuResult } from './bleu';
export { tokenize13a } from './tokenize13a';
export { latencyStats, percentile } from './latency';
export type { LatencyStats } from './latency';
