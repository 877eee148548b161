import type { Answer, LabOutput } from '../nlp/runner';
import { pageLabel } from '../pdf/pageText';

type Answers = Extract<LabOutput, { kind: 'answers' }>;

/** "p. 7" for PDF answers; nothing for plain text. */
export function answerWhere(a: Answer): string {
  return a.page === undefined ? '' : pageLabel(a.page, a.pageEnd ?? a.page);
}

/** What a person reads (CLI, clipboard): each answer with score, page and context sentence. */
export function formatAnswers(o: Answers): string {
  if (!o.answers.length) {
    const guess = o.rejected ? ` The best guess, "${o.rejected.answer}", scored ${o.rejected.score.toFixed(3)}, below the minimum ${o.minScore}.` : '';
    return `No answer found for "${o.question}".${guess}`;
  }
  return o.answers
    .map((a, i) => {
      const where = answerWhere(a);
      return `${i + 1}. ${a.answer}\n   score ${a.score.toFixed(3)}${where ? ` · ${where}` : ''}\n   “${a.context}”`;
    })
    .join('\n');
}
