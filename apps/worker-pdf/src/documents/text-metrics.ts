import PDFDocument from 'pdfkit';

export type FontName = 'Helvetica' | 'Helvetica-Bold';

const ELLIPSIS = '…';
/** Kerning is left out of the sums; the few pairs that widen text (`r:` `f"`) fit in this slack. */
export const SLACK = 1.5;

/**
 * Text widths in the standard fonts react-pdf draws with, from the same AFM metrics (pdfkit's),
 * cached per UTF-16 code unit as pdfkit itself measures. Summing cached widths costs a few
 * nanoseconds a character, so every cell of a 100,000-row report is measured and wrapped up front,
 * and react-pdf is handed lines that already fit: it never breaks a line or a page itself.
 */
export class TextMetrics {
  readonly #document = new PDFDocument({ autoFirstPage: false });
  readonly #widths = new Map<FontName, Float64Array>();

  /** Width in points. */
  width(text: string, font: FontName, size: number): number {
    const widths = this.#widthsOf(font);
    let units = 0;
    for (let index = 0; index < text.length; index++) {
      const code = text.charCodeAt(index);
      let width = widths[code] as number;
      if (Number.isNaN(width)) {
        width = this.#document.font(font).fontSize(1000).widthOfString(String.fromCharCode(code));
        widths[code] = width;
      }
      units += width;
    }
    return (units * size) / 1000;
  }

  /**
   * The lines `text` takes in a box `width` points wide: words wrap at spaces, a word wider than
   * the box is cut between code points, line breaks in the text are kept. Past `maxLines` the
   * last line ends with "…", so a row never grows taller than a page.
   */
  wrap(text: string, width: number, font: FontName, size: number, maxLines: number): string[] {
    const limit = width - SLACK;
    if (!/[\n\r]/.test(text) && this.width(text, font, size) <= limit) return [text];
    const lines: string[] = [];
    const space = this.width(' ', font, size);
    for (const paragraph of text.split(/\r\n|\r|\n/)) {
      let line = '';
      let lineWidth = 0;
      for (const word of paragraph.split(/\s+/).filter((part) => part !== '')) {
        const wordWidth = this.width(word, font, size);
        if (line !== '' && lineWidth + space + wordWidth <= limit) {
          line += ` ${word}`;
          lineWidth += space + wordWidth;
          continue;
        }
        if (line !== '') lines.push(line);
        if (wordWidth <= limit) {
          line = word;
          lineWidth = wordWidth;
          continue;
        }
        const pieces = this.#cut(word, limit, font, size);
        line = pieces.pop() ?? '';
        lineWidth = this.width(line, font, size);
        lines.push(...pieces);
      }
      lines.push(line);
      if (lines.length > maxLines) break;
    }
    if (lines.length <= maxLines) return lines;
    const kept = lines.slice(0, maxLines);
    kept[maxLines - 1] = this.#withEllipsis(kept[maxLines - 1] ?? '', limit, font, size);
    return kept;
  }

  /** A word wider than the box, in pieces that each fit; never inside a surrogate pair. */
  #cut(word: string, limit: number, font: FontName, size: number): string[] {
    const pieces: string[] = [];
    let piece = '';
    for (const char of word) {
      if (piece !== '' && this.width(piece + char, font, size) > limit) {
        pieces.push(piece);
        piece = '';
      }
      piece += char;
    }
    pieces.push(piece);
    return pieces;
  }

  #withEllipsis(line: string, limit: number, font: FontName, size: number): string {
    const chars = Array.from(line);
    while (chars.length > 0 && this.width(`${chars.join('')}${ELLIPSIS}`, font, size) > limit) chars.pop();
    return `${chars.join('').trimEnd()}${ELLIPSIS}`;
  }

  #widthsOf(font: FontName): Float64Array {
    let widths = this.#widths.get(font);
    if (!widths) {
      // One slot per UTF-16 code unit, in AFM units (1000 per em), measured on first use.
      widths = new Float64Array(0x10000).fill(Number.NaN);
      this.#widths.set(font, widths);
    }
    return widths;
  }
}
