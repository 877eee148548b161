/** Jobs for the pdf.js worker threads (pdfWorkerMain.ts) and their replies. */
export interface PdfJob {
  id: number;
  /** The file's bytes (a copy per worker). */
  data: ArrayBuffer;
  password?: string;
  /** Pages to extract; none asks only for the page count and title. */
  pages?: number[];
  standardFontDataUrl: string;
  cMapUrl: string;
}

export type PdfJobReply =
  | { id: number; type: 'info'; numPages: number; title?: string }
  | { id: number; type: 'progress'; done: number }
  | { id: number; type: 'pages'; numPages: number; texts: Array<{ page: number; text: string }> }
  | { id: number; type: 'error'; name: string; code?: number; message: string };
