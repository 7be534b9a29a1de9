import slugify from '@sindresorhus/slugify';
import { isoDateIn } from './documents/cells.js';

/** Long titles make unwieldy file names; the date after the slug says which report it is. */
const MAX_SLUG = 80;

/**
 * The name a report is offered under when downloaded: its title as a slug (transliterated to
 * ASCII, so every browser and file system keeps it) and the generation date in the report's
 * time zone, e.g. `quarterly-sales-2026-12-02.pdf`. A title with no Latin letters or digits
 * left after transliteration is named `report-...`.
 */
export function downloadName(title: string, generatedAt: Date, timeZone: string, extension: string): string {
  const slug = slugify(title).slice(0, MAX_SLUG).replace(/-+$/, '') || 'report';
  return `${slug}-${isoDateIn(generatedAt, timeZone)}.${extension}`;
}
