/** What the tokenizer inspector reports (shared with the tokenizer panel's page, so no Node imports). */
export interface InspectedToken {
  id: number;
  token: string;
  special: boolean;
  /** [start, end) in the input text; undefined for special tokens and pieces that cannot be placed. */
  start?: number;
  end?: number;
}

export interface TokenReport {
  model: string;
  tokens: InspectedToken[];
  count: number;
  maxLength?: number;
  vocabSize: number;
  configVocabSize?: number;
  lowercases: boolean;
  warnings: string[];
  notes: string[];
}
