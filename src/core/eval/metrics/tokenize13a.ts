import { pySplit } from './inputs';

/**
 * sacrebleu's default BLEU tokenizer `13a` (equivalent to mteval-v13a.pl, used by WMT):
 * https://github.com/mjpost/sacrebleu/blob/master/sacrebleu/tokenizers/tokenizer_13a.py and
 * tokenizer_re.py. Returns the tokenized line (tokens joined by single spaces).
 */
export function tokenize13a(line: string): string {
  let s = line.replace(/<skipped>/g, '').replace(/-\n/g, '').replace(/\n/g, ' ');
  if (s.includes('&')) {
    s = s.replace(/&quot;/g, '"').replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>');
  }
  s = ` ${s} `;
  // Symbols: { | } ~ [ \ ] ^ _ ` space ! " # $ % & ( ) * + : ; < = > ? @ /  (the ranges of the original).
  s = s.replace(/([{-~[-` -&(-+:-@/])/g, ' $1 ');
  // Period and comma unless preceded by a digit, then unless followed by a digit.
  s = s.replace(/([^0-9])([.,])/g, '$1 $2 ');
  s = s.replace(/([.,])([^0-9])/g, ' $1 $2');
  // Dash after a digit.
  s = s.replace(/([0-9])(-)/g, '$1 $2 ');
  return pySplit(s).join(' ');
}
