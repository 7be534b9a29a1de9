import { Canvas, Document, Image, Page, StyleSheet, Text, View } from '@react-pdf/renderer';
import {
  CELL_PADDING,
  FONT_SIZE,
  HEADER_RULE,
  IMAGE_GAP,
  imageNote,
  LINE,
  MARGIN,
  NOTE_SIZE,
  type ReportLayout,
  type TableColumn,
  TITLE_GAP,
  TITLE_LINE,
  TITLE_SIZE,
} from './report-layout.js';

export interface ReportPagesProps {
  layout: ReportLayout;
  /** Which of the layout's pages this document holds: react-pdf renders a long report a run of pages at a time. */
  from: number;
  to: number;
}

// Lines are `pt` strings: react-pdf reads a bare number as a multiple of the font size.
const line = `${LINE}pt`;
/** Text sits high in its line box; this centres a line between the rules above and below it. */
const BASELINE_NUDGE = 1.5;
const RULE = '#d9d9d9';
const DARK_RULE = '#4a5a6a';

const styles = StyleSheet.create({
  page: {
    paddingTop: MARGIN.top,
    paddingBottom: MARGIN.bottom,
    paddingHorizontal: MARGIN.horizontal,
    fontSize: FONT_SIZE,
    fontFamily: 'Helvetica',
  },
  title: { fontSize: TITLE_SIZE, fontFamily: 'Helvetica-Bold', lineHeight: `${TITLE_LINE}pt` },
  meta: { color: '#555555', lineHeight: line },
  images: { flexDirection: 'row', flexWrap: 'wrap', marginTop: IMAGE_GAP },
  image: { marginRight: IMAGE_GAP, marginBottom: IMAGE_GAP },
  imageNote: { fontSize: NOTE_SIZE, color: '#888888', marginRight: IMAGE_GAP, marginBottom: IMAGE_GAP, lineHeight: line },
  boldRow: { flexDirection: 'row' },
  boldCell: { fontFamily: 'Helvetica-Bold', paddingHorizontal: CELL_PADDING, top: BASELINE_NUDGE, lineHeight: line },
  header: { backgroundColor: '#e8edf3', borderBottomWidth: HEADER_RULE, borderBottomColor: DARK_RULE },
  totals: { borderTopWidth: HEADER_RULE, borderTopColor: DARK_RULE },
  body: { flexDirection: 'row' },
  rules: { position: 'absolute', top: 0, left: 0 },
  cell: { paddingHorizontal: CELL_PADDING, top: BASELINE_NUDGE, lineHeight: line },
  footer: {
    position: 'absolute',
    bottom: 20,
    left: MARGIN.horizontal,
    right: MARGIN.horizontal,
    fontSize: 8,
    color: '#555555',
    textAlign: 'center',
  },
});

/** react-pdf would hyphenate words with its English patterns; lines here already fit, so words stay whole. */
const wholeWords = (word: string) => [word];

/**
 * Pages `from` to `to` of a laid-out report. Each page is fixed (`wrap={false}`): the rows on it
 * were chosen by the layout, and react-pdf only draws them. A column of a page is one Text of
 * one line per table line, which keeps react-pdf's node count, and so its work, small.
 */
export function ReportPages({ layout, from, to }: ReportPagesProps) {
  const total = layout.pages.length;
  // A page that does not wrap is only as tall as its content unless told otherwise.
  const pageHeight = { minHeight: layout.page.height };
  return (
    <Document>
      {layout.pages.slice(from, to).map((slice, offset) => {
        const index = from + offset;
        const isLast = index === total - 1;
        const hasRows = slice.end > slice.start || total === 1;
        return (
          <Page key={index} size="A4" orientation={layout.orientation} style={[styles.page, pageHeight]} wrap={false}>
            {index === 0 && <TitleBlock layout={layout} />}
            {hasRows && <BoldRow layout={layout} texts={layout.header} height={layout.headerHeight} rule={styles.header} />}
            {hasRows && <Body layout={layout} start={slice.start} end={slice.end} />}
            {isLast && layout.totals && (
              <BoldRow layout={layout} texts={layout.totals} height={layout.totalsHeight} rule={styles.totals} />
            )}
            <Text style={styles.footer}>{`Page ${index + 1} of ${total}`}</Text>
          </Page>
        );
      })}
    </Document>
  );
}

function TitleBlock({ layout }: { layout: ReportLayout }) {
  return (
    <View style={{ height: layout.titleBlockHeight, paddingBottom: TITLE_GAP }}>
      <Text style={styles.title} hyphenationCallback={wholeWords}>
        {layout.title.join('\n')}
      </Text>
      <Text style={styles.meta} hyphenationCallback={wholeWords}>
        {layout.meta.join('\n')}
      </Text>
      {layout.images.length > 0 && (
        <View style={styles.images}>
          {layout.images.map(({ image, width, height }) =>
            image.data === undefined ? (
              <Text key={image.fileId} style={[styles.imageNote, { width }]} hyphenationCallback={wholeWords}>
                {imageNote(image)}
              </Text>
            ) : (
              <View key={image.fileId} style={styles.image}>
                <Image
                  src={{ data: Buffer.from(image.data), format: image.format === 'png' ? 'png' : 'jpg' }}
                  style={{ width, height }}
                />
              </View>
            ),
          )}
        </View>
      )}
    </View>
  );
}

/** The header row and the totals row: a bold line or more per column, over or under a rule. */
interface BoldRowProps {
  layout: ReportLayout;
  texts: string[];
  height: number;
  rule: (typeof styles)['header' | 'totals'];
}

function BoldRow({ layout, texts, height, rule }: BoldRowProps) {
  return (
    <View style={[styles.boldRow, rule, { height }]}>
      {layout.columns.map((column, index) => (
        <Text key={column.key} style={[styles.boldCell, cellBox(column)]} hyphenationCallback={wholeWords}>
          {texts[index] ?? ''}
        </Text>
      ))}
    </View>
  );
}

function Body({ layout, start, end }: { layout: ReportLayout; start: number; end: number }) {
  const heights = Array.from(layout.rowLines.subarray(start, end));
  const height = heights.reduce((sum, lines) => sum + lines * LINE, 0);
  const width = layout.columns.reduce((sum, column) => sum + column.widthPt, 0);
  return (
    <View style={[styles.body, { height }]}>
      <Canvas
        style={[styles.rules, { width, height }]}
        paint={(painter) => {
          let y = 0;
          for (const lines of heights.slice(0, -1)) {
            y += lines * LINE;
            painter.moveTo(0, y).lineTo(width, y);
          }
          painter.lineWidth(0.5).strokeColor(RULE).stroke();
          return null;
        }}
      />
      {layout.columns.map((column, index) => (
        <Text key={column.key} style={[styles.cell, cellBox(column)]} hyphenationCallback={wholeWords}>
          {columnText(layout, index, start, end)}
        </Text>
      ))}
    </View>
  );
}

function cellBox(column: TableColumn) {
  return { width: column.widthPt, textAlign: column.align };
}

/** One column's cells on one page, one line per table line: a row of n lines pads its shorter cells to n. */
function columnText(layout: ReportLayout, column: number, start: number, end: number): string {
  const parts: string[] = [];
  for (let row = start; row < end; row++) {
    const text = (layout.cells[row] as string[])[column] as string;
    const lines = layout.rowLines[row] as number;
    parts.push(lines === 1 ? text : text + '\n'.repeat(lines - 1 - countNewlines(text)));
  }
  return parts.join('\n');
}

function countNewlines(text: string): number {
  let count = 0;
  for (let index = text.indexOf('\n'); index !== -1; index = text.indexOf('\n', index + 1)) count++;
  return count;
}
