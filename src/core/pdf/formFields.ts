/**
 * Text shown in a page's form fields (AcroForm widget annotations), as text items placed in the
 * fields' boxes, so the layout reads them in their place on the page as pdftotext does. pdf.js's page
 * text leaves annotations out; its annotation data has what each text field's appearance stream draws
 * (`textContent`) and the field's value.
 */

/** What pdf.js's getAnnotations reports of a widget (the fields read here). */
export interface WidgetData {
  annotationType?: number;
  annotationFlags?: number;
  fieldType?: string;
  /** [x1, y1, x2, y2] in PDF user space. */
  rect?: number[];
  fieldValue?: unknown;
  /** Lines its appearance stream draws, where pdf.js read them. */
  textContent?: string[];
  /** Where that text starts, from the box's lower left corner. */
  textPosition?: number[];
  password?: boolean;
  multiLine?: boolean;
  combo?: boolean;
  options?: Array<{ exportValue?: unknown; displayValue?: unknown }>;
  defaultAppearanceData?: { fontSize?: number };
}

/** A text item as pdf.js's getTextContent gives it, in PDF user space. */
export interface FieldItem {
  str: string;
  transform: number[];
  width: number;
  height: number;
  hasEOL: boolean;
  dir: string;
}

/** pdf.js's AnnotationType.WIDGET. */
const WIDGET = 20;
/** Annotation flags that keep a field off the screen: Hidden (2), NoView (32). */
const NOT_SHOWN = 2 | 32;

/** The lines a field shows: its appearance's text, else its value (a choice field's shown names). Passwords never. */
function shownLines(w: WidgetData): string[] {
  if (w.password || w.fieldType === 'Btn' || w.fieldType === 'Sig') return [];
  if (w.textContent?.some((t) => t.trim())) return w.textContent;
  if (w.fieldType === 'Tx' && typeof w.fieldValue === 'string') return w.fieldValue.split(/\r\n|\r|\n/);
  if (w.fieldType === 'Ch') {
    const values = Array.isArray(w.fieldValue) ? w.fieldValue : [w.fieldValue];
    const shown = (v: unknown) => w.options?.find((o) => o.exportValue === v)?.displayValue ?? v;
    return values.map(shown).filter((v): v is string => typeof v === 'string');
  }
  return [];
}

/** A page text item's place: its baseline's left end and its width (PDF user space). */
interface Placed {
  str?: string;
  transform?: number[];
  width?: number;
}

/**
 * The baseline of the field's label: the nearest page text on the field's left whose baseline is
 * inside the field's box (a form's row), or undefined.
 */
function labelBaseline(page: Placed[], x1: number, y1: number, y2: number): number | undefined {
  let best: number | undefined;
  let bestEnd = -Infinity;
  for (const p of page) {
    if (!p.str?.trim() || !p.transform) continue;
    const x = p.transform[4]!;
    const y = p.transform[5]!;
    const end = x + (p.width ?? 0);
    if (y < y1 || y > y2 || end > x1 + 1 || end <= bestEnd) continue;
    [best, bestEnd] = [y, end];
  }
  return best;
}

/**
 * Text items for the widgets' shown text, in PDF user space: each line at the field's left edge, the
 * first on its label's baseline when a label sits on the field's left (so the row reads "Name: Ada"),
 * else at the appearance's own start (or centred in a one-line box), the next a line lower. Widths are
 * estimated at half the font size a character (the items only need to be in their box).
 * `page` is the page's own text items, for the labels.
 */
export function fieldItems(widgets: WidgetData[], page: Placed[] = []): FieldItem[] {
  const items: FieldItem[] = [];
  for (const w of widgets) {
    if (w.annotationType !== WIDGET || ((w.annotationFlags ?? 0) & NOT_SHOWN) !== 0 || !w.rect || w.rect.length !== 4) continue;
    const lines = shownLines(w).map((l) => l.trimEnd());
    if (!lines.some((l) => l.trim())) continue;
    const [x1, y1, x2, y2] = [Math.min(w.rect[0]!, w.rect[2]!), Math.min(w.rect[1]!, w.rect[3]!), Math.max(w.rect[0]!, w.rect[2]!), Math.max(w.rect[1]!, w.rect[3]!)];
    const boxH = y2 - y1;
    const multi = w.multiLine || lines.length > 1;
    const size = w.defaultAppearanceData?.fontSize || (multi ? 12 : Math.max(4, Math.min(12, 0.65 * boxH)));
    const [px, py] = w.textPosition ?? [];
    const inBox = typeof px === 'number' && typeof py === 'number' && px >= 0 && py >= 0 && px <= x2 - x1 && py <= boxH;
    const x = x1 + (inBox ? px! : 2);
    const top = labelBaseline(page, x1, y1, y2) ?? (inBox ? y1 + py! : multi ? y2 - 2 - 0.8 * size : y1 + (boxH - size) / 2 + 0.22 * size);
    lines.forEach((line, i) => {
      const str = line.trim();
      if (!str) return;
      const width = Math.min(0.5 * size * str.length, Math.max(size, x2 - x));
      items.push({ str, transform: [size, 0, 0, size, x, top - i * 1.15 * size], width, height: size, hasEOL: false, dir: 'ltr' });
    });
  }
  return items;
}
