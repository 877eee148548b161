import type { Answer, LabOutput } from '../nlp/runner';
import { pageLabel } from '../pdf/pageText';

type Answers = Extract<LabOutput, { kind: 'answers' }>;

/** "p. 7" for PDF answers; nothing for plain text; the file first when the answer names one. */
export function answerWhere(a: Answer): string {
  const page = a.page === undefined ? '' : pageLabel(a.page, a.pageEnd ?? a.page);
  // Ask the Workspace: the file first ("guide.pdf, p. 3"), in its folder when there are several ("docs/guide.pdf").
  const file = a.file && a.folder ? `${a.folder}/${a.file}` : a.file;
  return file ? (page ? `${file}, ${page}` : file) : page;
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
