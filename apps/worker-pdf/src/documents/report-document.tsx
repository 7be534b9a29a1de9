import type { ReportData } from '@nightshift/contracts';
import { Document, Image, Page, StyleSheet, Text, View } from '@react-pdf/renderer';
import { formatCell, splitLongWord } from './cells.js';
import type { EmbeddedImage, LayoutEvent } from './render-request.js';

export interface ReportDocumentProps {
  report: ReportData;
  owner: string;
  generatedAt: Date;
  images: EmbeddedImage[];
  /** Called as each page is broken off a section, then once per page in the final pass, when the page count is known. */
  onLayout?: (event: LayoutEvent) => void;
  sectionRows?: number;
}

/** Above this many columns a portrait page leaves too little width per cell. */
const LANDSCAPE_FROM_COLUMNS = 6;
const IMAGE_MAX = 160;
/**
 * react-pdf lays out everything left on a page again each time it breaks one, so a single
 * long table costs rows x pages. Each section is its own react-pdf page run and starts on
 * a fresh page: the cost grows linearly past one section, at the price of one part-filled
 * page per section boundary.
 */
export const SECTION_ROWS = 1_000;

const styles = StyleSheet.create({
  page: { paddingTop: 36, paddingBottom: 48, paddingHorizontal: 36, fontSize: 9, fontFamily: 'Helvetica' },
  title: { fontSize: 18, fontFamily: 'Helvetica-Bold', marginBottom: 6 },
  meta: { fontSize: 9, color: '#555555', marginBottom: 2 },
  images: { flexDirection: 'row', flexWrap: 'wrap', marginTop: 10, marginBottom: 4 },
  imageBox: { marginRight: 8, marginBottom: 8 },
  imageMissing: { fontSize: 8, color: '#888888', marginRight: 8, marginBottom: 8 },
  table: { marginTop: 12 },
  headerRow: { flexDirection: 'row', backgroundColor: '#e8e8e8', borderBottomWidth: 1, borderBottomColor: '#333333' },
  row: { flexDirection: 'row', borderBottomWidth: 0.5, borderBottomColor: '#cccccc' },
  headerCell: { flex: 1, padding: 3, fontFamily: 'Helvetica-Bold' },
  cell: { flex: 1, padding: 3 },
  numberCell: { flex: 1, padding: 3, textAlign: 'right' },
  footer: { position: 'absolute', bottom: 20, left: 36, right: 36, fontSize: 8, color: '#555555', textAlign: 'center' },
});

export function ReportDocument({
  report,
  owner,
  generatedAt,
  images,
  onLayout,
  sectionRows = SECTION_ROWS,
}: ReportDocumentProps) {
  const orientation = report.columns.length >= LANDSCAPE_FROM_COLUMNS ? 'landscape' : 'portrait';
  const sections = chunk(report.rows, sectionRows);
  return (
    <Document title={report.title} author={owner} creator="Nightshift" producer="Nightshift">
      {sections.map((rows, section) => (
        <Page key={section} size="A4" orientation={orientation} style={styles.page}>
          {section === 0 && (
            <>
              <Text style={styles.title}>{report.title}</Text>
              <Text style={styles.meta}>Owner: {owner}</Text>
              <Text style={styles.meta}>Generated at: {generatedAt.toISOString()}</Text>
              {images.length > 0 && <Images images={images} />}
            </>
          )}
          <View style={section === 0 ? styles.table : undefined}>
            {/* `fixed` repeats the header at the top of every page the table spills onto. */}
            <View style={styles.headerRow} fixed>
              {report.columns.map((column) => (
                <Text key={column.key} style={styles.headerCell} hyphenationCallback={splitLongWord}>
                  {column.label}
                </Text>
              ))}
            </View>
            {rows.map((row, index) => (
              // Rows of one to three lines move to the next page whole (widows and orphans of 2); only taller ones split.
              <View key={index} style={styles.row}>
                {report.columns.map((column) => {
                  const value = row[column.key] ?? null;
                  return (
                    <Text
                      key={column.key}
                      style={typeof value === 'number' ? styles.numberCell : styles.cell}
                      hyphenationCallback={splitLongWord}
                    >
                      {formatCell(value)}
                    </Text>
                  );
                })}
              </View>
            ))}
          </View>
          <Text
            style={styles.footer}
            fixed
            render={({ pageNumber, totalPages }) => {
              // Pagination calls this without a total, the final pass with one.
              onLayout?.(totalPages ? { page: pageNumber, totalPages } : { section, sections: sections.length });
              return `Page ${pageNumber} of ${totalPages ?? pageNumber}`;
            }}
          />
        </Page>
      ))}
    </Document>
  );
}

function chunk<T>(items: T[], size: number): T[][] {
  if (items.length === 0) return [[]];
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
}

function Images({ images }: { images: EmbeddedImage[] }) {
  return (
    <View style={styles.images}>
      {images.map((image) => {
        if (image.data === undefined) {
          return (
            <Text key={image.fileId} style={styles.imageMissing}>
              [image {image.fileId}: {image.skipped ?? 'not embedded'}]
            </Text>
          );
        }
        const scale = Math.min(1, IMAGE_MAX / Math.max(image.width, image.height));
        return (
          <View key={image.fileId} style={styles.imageBox}>
            <Image
              src={{ data: Buffer.from(image.data), format: image.format === 'png' ? 'png' : 'jpg' }}
              style={{ width: image.width * scale, height: image.height * scale }}
            />
          </View>
        );
      })}
    </View>
  );
}
