/** What the tokenizer inspector reports (shared with the tokenizer panel's page, so no Node imports). */
export interface InspectedToken {
  id: number;
  token: string;
  special: boolean;
  /**
   * [start, end) in the input text, in UTF-16 code units (JS string indexes, VS Code offsets); the
   * characters the token came from (all byte pieces of one character share it; a "Ġ" token alone is
   * its space). Undefined for special tokens the tokenizer added and tokens that could not be traced.
   */
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
