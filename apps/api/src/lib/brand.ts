/**
 * Nightshift's mark and wordmark, kept as text so the build ships them without copying assets:
 * the docs page and the dashboard both show them, and both use the mark as their favicon.
 */
const mark = (x: number, y: number, size: number) => `
  <g transform="translate(${x} ${y}) scale(${size / 64})">
    <rect width="64" height="64" rx="14" fill="#1e1b4b"/>
    <path d="M39 13a20 20 0 1 0 13 33A17 17 0 0 1 39 13z" fill="#fbbf24"/>
    <circle cx="47" cy="19" r="2.5" fill="#e0e7ff"/>
    <circle cx="53" cy="29" r="1.5" fill="#e0e7ff"/>
  </g>`;

export const BRAND_NAME = 'Nightshift';

/** The square mark alone: favicons and the dashboard's header. */
export const logoMarkSvg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" role="img" aria-label="${BRAND_NAME}">${mark(0, 0, 64)}</svg>`;

/** The mark with the name beside it, white text for a dark bar: the docs page's top bar. */
export const logoWordmarkSvg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 236 48" width="236" height="48" role="img" aria-label="${BRAND_NAME}">${mark(0, 0, 48)}
  <text x="60" y="34" font-family="system-ui, -apple-system, 'Segoe UI', sans-serif" font-size="28" font-weight="700" fill="#ffffff">${BRAND_NAME}</text>
</svg>`;

/** For an `<img src>` or `<link href>`: the same-origin CSP (`img-src 'self' data:`) allows data URLs. */
export const svgDataUrl = (svg: string) => `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
