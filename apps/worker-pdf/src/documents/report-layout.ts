import { cellValue, type ReportData } from '@nightshift/contracts';
import {
  ColumnTotals,
  cellFormatter,
  DEFAULT_LOCALE,
  DEFAULT_TIME_ZONE,
  describeGeneratedAt,
  type FormatSettings,
  type ResolvedColumn,
  resolveColumns,
  TOTALS_LABEL,
} from './cells.js';
import type { EmbeddedImage } from './render-request.js';
import { type FontName, SLACK, TextMetrics } from './text-metrics.js';

/**
 * Where everything on every page goes, decided before react-pdf sees any of it. react-pdf's own
 * pagination lays out all that is left of a page run each time it breaks a page, and measures
 * every line it breaks; a table of rows whose heights are known needs neither. So cells are
 * formatted and wrapped here (with the fonts' own metrics), rows are packed into pages here, and
 * react-pdf draws pages that already fit.
 */
export interface ReportLayout {
  orientation: 'portrait' | 'landscape';
  page: { width: number; height: number };
  /** The title block on page 1: wrapped title lines, the lines under it (each its own), and the images with their drawn sizes. */
  title: string[];
  meta: string[];
  images: PlacedImage[];
  titleBlockHeight: number;
  columns: TableColumn[];
  /** Each column's label, its lines joined by "\n", and the header row's height (its rule included). */
  header: string[];
  headerHeight: number;
  /** Per row, per column: the cell's lines joined by "\n"; and each row's height in lines. */
  cells: string[][];
  rowLines: Uint16Array;
  /** The totals row's text per column ('' where nothing is summed), or undefined without one; its height, rule included. */
  totals?: string[];
  totalsHeight: number;
  pages: PageSlice[];
}

export interface TableColumn extends ResolvedColumn {
  /** Points, padding included. */
  widthPt: number;
}

/** Rows `[start, end)` of the report on one page. */
export interface PageSlice {
  start: number;
  end: number;
}

export interface PlacedImage {
  image: EmbeddedImage;
  width: number;
  height: number;
}

export interface LayoutInput {
  report: ReportData;
  generatedAt: Date;
  images: EmbeddedImage[];
}

const A4 = { width: 595.28, height: 841.89 };
export const MARGIN = { top: 36, bottom: 48, horizontal: 36 };
export const FONT_SIZE = 9;
/** Every line of the table, header and totals included, is this tall: a row of n lines is n times it. */
export const LINE = 13;
export const CELL_PADDING = 4;
/** The rule under the header row and over the totals row. */
export const HEADER_RULE = 1;
export const TITLE_SIZE = 18;
export const TITLE_LINE = 22;
export const NOTE_SIZE = 8;
export const IMAGE_GAP = 8;
/** Space between the title block and the table. */
export const TITLE_GAP = 10;
const IMAGE_MAX = 160;
/** A cell shows at most this many lines, the last ending in "…" (the XLSX keeps the whole text): no row outgrows a page. */
export const MAX_CELL_LINES = 12;
const MAX_HEADER_LINES = 3;
/** Narrower than this, a column shows little but ellipses. */
const MIN_COLUMN = 40;
/** Widest a column counts when choosing the orientation: one long text column should wrap, not turn the page. */
const ORIENTATION_COLUMN_CAP = 200;
/** The title block may take at most this share of page 1; more images are drawn smaller. */
const TITLE_BLOCK_SHARE = 0.5;

/** One per thread: its width tables fill as characters are first seen, and the thread renders report after report. */
const metrics = new TextMetrics();

export function layoutReport({ report, generatedAt, images }: LayoutInput): ReportLayout {
  const settings: FormatSettings = { locale: report.locale ?? DEFAULT_LOCALE, timeZone: report.timeZone ?? DEFAULT_TIME_ZONE };
  const columns = resolveColumns(report.columns, report.rows);
  const formatters = columns.map((column) => cellFormatter(column, settings));

  // Pass 1: every cell's text, and each column's widest line.
  const widest = columns.map((column) => metrics.width(column.label, 'Helvetica-Bold', FONT_SIZE));
  const cells = report.rows.map((row) =>
    columns.map((column, index) => {
      const text = formatters[index]?.(cellValue(row, column.key) ?? null) ?? '';
      const width = metrics.width(text, 'Helvetica', FONT_SIZE);
      if (width > (widest[index] as number)) widest[index] = width;
      return text;
    }),
  );
  const sums = new ColumnTotals(columns);
  for (const row of report.rows) sums.add(row);
  const totals = !sums.any
    ? undefined
    : columns.map((column, index) => {
        const sum = sums.of(column.key);
        if (sum !== undefined) return formatters[index]?.(sum) ?? '';
        return index === 0 ? TOTALS_LABEL : '';
      });
  if (totals) {
    totals.forEach((text, index) => {
      widest[index] = Math.max(widest[index] as number, metrics.width(text, 'Helvetica-Bold', FONT_SIZE));
    });
  }

  const natural = columns.map((column, index) =>
    column.width !== undefined
      ? column.width * metrics.width('0', 'Helvetica', FONT_SIZE) + 2 * CELL_PADDING + SLACK
      : Math.max(MIN_COLUMN, (widest[index] as number) + 2 * CELL_PADDING + SLACK),
  );
  const portraitWidth = A4.width - 2 * MARGIN.horizontal;
  const orientation =
    natural.reduce((sum, width) => sum + Math.min(width, ORIENTATION_COLUMN_CAP), 0) <= portraitWidth ? 'portrait' : 'landscape';
  const page = orientation === 'portrait' ? A4 : { width: A4.height, height: A4.width };
  const contentWidth = page.width - 2 * MARGIN.horizontal;
  const contentHeight = page.height - MARGIN.top - MARGIN.bottom;
  const widths = fitWidths(
    natural,
    columns.map((column) => column.width !== undefined),
    contentWidth,
  );
  const tableColumns: TableColumn[] = columns.map((column, index) => ({ ...column, widthPt: widths[index] as number }));

  // Pass 2: wrap every cell to its column, and count each row's lines.
  const textWidths = widths.map((width) => width - 2 * CELL_PADDING);
  const wrapTo = (text: string, index: number, font: FontName, maxLines: number) =>
    metrics.wrap(text, textWidths[index] as number, font, FONT_SIZE, maxLines);
  const rowLines = new Uint16Array(cells.length);
  cells.forEach((row, rowIndex) => {
    let lines = 1;
    row.forEach((text, index) => {
      const wrapped = wrapTo(text, index, 'Helvetica', MAX_CELL_LINES);
      if (wrapped.length > 1) row[index] = wrapped.join('\n');
      lines = Math.max(lines, wrapped.length);
    });
    rowLines[rowIndex] = lines;
  });
  const header = columns.map((column, index) => wrapTo(column.label, index, 'Helvetica-Bold', MAX_HEADER_LINES));
  const headerHeight = LINE * Math.max(...header.map((lines) => lines.length)) + HEADER_RULE;
  const wrappedTotals = totals?.map((text, index) => wrapTo(text, index, 'Helvetica-Bold', MAX_CELL_LINES));
  const totalsHeight = wrappedTotals ? LINE * Math.max(...wrappedTotals.map((lines) => lines.length)) + HEADER_RULE : 0;

  const title = metrics.wrap(report.title, contentWidth, 'Helvetica-Bold', TITLE_SIZE, Number.POSITIVE_INFINITY);
  const meta = [describeGeneratedAt(generatedAt, settings), ...(report.author ? [`Prepared by ${report.author}`] : [])].flatMap(
    (line) => metrics.wrap(line, contentWidth, 'Helvetica', FONT_SIZE, Number.POSITIVE_INFINITY),
  );
  const textHeight = title.length * TITLE_LINE + meta.length * LINE;
  const placed = placeImages(images, contentWidth, contentHeight * TITLE_BLOCK_SHARE - textHeight, metrics);
  const titleBlockHeight = textHeight + placed.height + TITLE_GAP;

  const pages = paginate(rowLines, {
    firstPage: contentHeight - titleBlockHeight - headerHeight,
    otherPages: contentHeight - headerHeight,
    tail: totalsHeight,
  });
  return {
    orientation,
    page,
    title,
    meta,
    images: placed.images,
    titleBlockHeight,
    columns: tableColumns,
    header: header.map((lines) => lines.join('\n')),
    headerHeight,
    cells,
    rowLines,
    totals: wrappedTotals?.map((lines) => lines.join('\n')),
    totalsHeight,
    pages,
  };
}

/**
 * Column widths that fill `available`: declared widths are kept; the others get their natural
 * width plus a share of what is left, or, when the table is too wide, narrow columns keep their
 * width and the wide ones share the rest equally (they wrap).
 */
export function fitWidths(natural: number[], fixed: boolean[], available: number): number[] {
  const fixedTotal = natural.reduce((sum, width, index) => (fixed[index] ? sum + width : sum), 0);
  const flexible = natural.map((_, index) => index).filter((index) => !fixed[index]);
  if (flexible.length === 0 || fixedTotal >= available) {
    // Nothing can give way: everything is scaled to fit.
    const scale = Math.min(1, available / natural.reduce((sum, width) => sum + width, 0));
    return natural.map((width) => width * scale);
  }
  const room = available - fixedTotal;
  const widths = [...natural];
  const wanted = flexible.reduce((sum, index) => sum + (natural[index] as number), 0);
  if (wanted <= room) {
    for (const index of flexible) widths[index] = (natural[index] as number) * (room / wanted);
    return widths;
  }
  // Water-filling: columns under the fair share keep their width; the rest split what remains.
  let open = [...flexible];
  let left = room;
  for (;;) {
    const share = left / open.length;
    const narrow = open.filter((index) => (natural[index] as number) <= share);
    if (narrow.length === 0) {
      for (const index of open) widths[index] = share;
      return widths;
    }
    for (const index of narrow) left -= natural[index] as number;
    open = open.filter((index) => !narrow.includes(index));
    if (open.length === 0) return widths;
  }
}

export interface PaginateOptions {
  /** Points available to rows on page 1 (under the title block and header) and on later pages. */
  firstPage: number;
  otherPages: number;
  /** Height that must stay with the last row (the totals row). */
  tail: number;
}

/**
 * Rows packed into pages in order, never split: a row that does not fit starts the next page.
 * The last row keeps the totals row with it. Every page holds at least one row (page 1 may hold
 * only the title block, when images fill it), so no page is blank; a report without rows is one page.
 */
export function paginate(rowLines: ArrayLike<number>, { firstPage, otherPages, tail }: PaginateOptions): PageSlice[] {
  const pages: PageSlice[] = [];
  let start = 0;
  let used = 0;
  let space = firstPage;
  for (let index = 0; index < rowLines.length; index++) {
    const height = (rowLines[index] as number) * LINE + (index === rowLines.length - 1 ? tail : 0);
    if (used + height > space) {
      if (index > start) {
        pages.push({ start, end: index });
        start = index;
        used = 0;
        space = otherPages;
      } else if (pages.length === 0 && height <= otherPages) {
        // Page 1's title block leaves no room for even the first row: the table starts on page 2.
        pages.push({ start: 0, end: 0 });
        space = otherPages;
      }
    }
    used += height;
  }
  pages.push({ start, end: rowLines.length });
  return pages;
}

/**
 * Images left to right, wrapping like text, at most IMAGE_MAX points on their longer side; notes
 * for images that cannot be embedded take their text's width. When they would take more than
 * `maxHeight`, all are drawn smaller by one factor.
 */
function placeImages(
  images: EmbeddedImage[],
  width: number,
  maxHeight: number,
  metrics: TextMetrics,
): { images: PlacedImage[]; height: number } {
  if (images.length === 0) return { images: [], height: 0 };
  const place = (scaleAll: number) => {
    const placed = images.map((image) => {
      if (image.data === undefined) {
        const text = imageNote(image);
        return { image, width: Math.min(width, metrics.width(text, 'Helvetica', NOTE_SIZE) + 2), height: LINE };
      }
      const scale = Math.min(1, IMAGE_MAX / Math.max(image.width, image.height)) * scaleAll;
      return { image, width: image.width * scale, height: image.height * scale };
    });
    let height = 0;
    let rowWidth = 0;
    let rowHeight = 0;
    for (const item of placed) {
      if (rowWidth > 0 && rowWidth + item.width > width) {
        height += rowHeight + IMAGE_GAP;
        rowWidth = 0;
        rowHeight = 0;
      }
      rowWidth += item.width + IMAGE_GAP;
      rowHeight = Math.max(rowHeight, item.height);
    }
    return { images: placed, height: height + rowHeight + IMAGE_GAP * 2 };
  };
  let laid = place(1);
  for (let scale = 0.8; laid.height > maxHeight && scale > 0.1; scale *= 0.8) laid = place(scale);
  return laid;
}

export function imageNote(image: EmbeddedImage): string {
  return `[image ${image.fileId}: ${image.skipped ?? 'not embedded'}]`;
}
