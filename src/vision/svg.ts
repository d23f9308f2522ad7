/**
 * SVG files (drawing-app exports) are text that renders at any size, so they are checked as
 * text before any parser sees them, and rasterised at a chosen size, not the size they declare:
 *  - the file must start as SVG (optional BOM, XML declaration, comments, a DOCTYPE without an
 *    internal subset) and be small (`MAX_SVG_BYTES`);
 *  - no entity declarations (billion-laughs expansion) and no external references: every
 *    href / src / url(...) must point inside the file (`#id`), no @import, no XInclude;
 *  - the render density is picked so that the longest side comes out at the working size
 *    (a 50000×50000 declaration costs no more than a 500×500 one).
 * Pure: the text checks and the density arithmetic; decode.ts does the rendering with sharp.
 */

/** An SVG larger than this is not a drawing of a few digits. */
export const MAX_SVG_BYTES = 4 * 1024 * 1024;
/** sharp's density range (DPI); 72 renders the declared size 1:1. */
const MIN_DENSITY = 1;
const MAX_DENSITY = 100_000;
const BASE_DENSITY = 72;

/** Does the file start like an SVG document? (Only the first KB is looked at.) */
export function looksLikeSvg(bytes: Buffer): boolean {
  const head = bytes.subarray(0, 1024).toString('utf8').replace(/^\uFEFF/, '');
  const rest = stripProlog(head);
  return rest !== null && /^<svg[\s>/]/i.test(rest);
}

/** Skips whitespace, <?xml ...?>, comments and a DOCTYPE; null when something else comes first. */
function stripProlog(text: string): string | null {
  let s = text.trimStart();
  for (;;) {
    // A DOCTYPE with an internal subset ([...]) is recognised here and refused by svgProblem.
    const m = /^(<\?xml[^>]*\?>|<!--[\s\S]*?-->|<!DOCTYPE\s+svg[^>[]*(\[[\s\S]*?\])?\s*>)/i.exec(s);
    if (!m) break;
    s = s.slice(m[0].length).trimStart();
  }
  return s.startsWith('<') ? s : null;
}

/** Why this SVG text must not be rendered, or null. */
export function svgProblem(bytes: Buffer): string | null {
  if (bytes.length > MAX_SVG_BYTES) return `The SVG file is larger than ${MAX_SVG_BYTES / (1024 * 1024)} MB.`;
  const text = bytes.toString('utf8');
  if (/<!ENTITY/i.test(text) || /<!DOCTYPE[^>]*\[/i.test(text)) return 'The SVG file declares entities, which I do not expand.';
  if (/<(xi:)?include[\s>]/i.test(text) || /@import/i.test(text)) return 'The SVG file includes other files, which I do not load.';
  for (const m of text.matchAll(/\b(?:xlink:)?(?:href|src)\s*=\s*(["'])(.*?)\1/gis)) {
    if (!m[2].trim().startsWith('#')) return 'The SVG file refers to other files or addresses, which I do not load.';
  }
  for (const m of text.matchAll(/url\(\s*(["']?)(.*?)\1\s*\)/gis)) {
    if (!m[2].trim().startsWith('#')) return 'The SVG file refers to other files or addresses, which I do not load.';
  }
  return null;
}

/**
 * The density (DPI) that renders a declared width × height so that its longest side is `side`
 * pixels, and the size it then comes out at; null when even the lowest density gives more than
 * `maxPixels`.
 */
export function svgRenderSize(
  width: number,
  height: number,
  side: number,
  maxPixels: number,
): { density: number; width: number; height: number } | null {
  const longest = Math.max(width, height, 1);
  const density = Math.min(MAX_DENSITY, Math.max(MIN_DENSITY, (BASE_DENSITY * side) / longest));
  const w = Math.max(1, Math.round((width * density) / BASE_DENSITY));
  const h = Math.max(1, Math.round((height * density) / BASE_DENSITY));
  return w * h > maxPixels ? null : { density, width: w, height: h };
}
