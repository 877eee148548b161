export type PdfErrorKind = 'empty' | 'notPdf' | 'notFile' | 'truncated' | 'corrupt' | 'tooLarge' | 'needPassword' | 'wrongPassword' | 'noText' | 'cancelled';

/** A PDF that cannot be read, with a message that says what to do. */
export class PdfError extends Error {
  constructor(
    readonly kind: PdfErrorKind,
    message: string,
  ) {
    super(message);
    this.name = kind === 'cancelled' ? 'AbortError' : 'PdfError';
  }
}
