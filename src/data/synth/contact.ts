/** A contact sheet of generated pictures: thumbnails (displayed upright) with their labels, optionally their marks. */
import sharp, { type OverlayOptions } from 'sharp';
import type { SynthPicture } from './types.ts';

export interface ContactOptions {
  columns?: number;
  /** thumbnail side, px */
  cell?: number;
  /** outline each mark's box */
  boxes?: boolean;
  /** 256-colour PNG (a third of the size, for committed sheets) */
  palette?: boolean;
}

function escapeXml(s: string): string {
  return s.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]!);
}

/** A grey checkerboard (what transparent pixels are shown over), as SVG. */
export function checkerboard(width: number, height: number): Buffer {
  return Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><defs><pattern id="c" width="16" height="16" patternUnits="userSpaceOnUse"><rect width="16" height="16" fill="#ccc"/><rect width="8" height="8" fill="#eee"/><rect x="8" y="8" width="8" height="8" fill="#eee"/></pattern></defs><rect width="100%" height="100%" fill="url(#c)"/></svg>`,
  );
}

export async function contactSheet(pictures: SynthPicture[], opts: ContactOptions = {}): Promise<Buffer> {
  const cols = Math.max(1, Math.min(opts.columns ?? 8, pictures.length));
  const cell = opts.cell ?? 180;
  const caption = 22;
  const rows = Math.ceil(pictures.length / cols);
  const W = cols * (cell + 4) + 4;
  const H = rows * (cell + caption + 4) + 4;
  const checker = checkerboard(cell, cell);
  const layers: OverlayOptions[] = [];
  const overlay: string[] = [];
  for (let i = 0; i < pictures.length; i++) {
    const p = pictures[i];
    const x = 4 + (i % cols) * (cell + 4);
    const y = 4 + Math.floor(i / cols) * (cell + caption + 4);
    const k = Math.min(cell / p.width, cell / p.height);
    const tw = Math.max(1, Math.round(p.width * k));
    const th = Math.max(1, Math.round(p.height * k));
    const thumb = await sharp(p.bytes).rotate().resize(tw, th, { fit: 'fill', kernel: k < 1 ? 'lanczos3' : 'mitchell' }).png().toBuffer();
    const ox = x + Math.floor((cell - tw) / 2);
    const oy = y + Math.floor((cell - th) / 2);
    layers.push({ input: checker, left: x, top: y });
    layers.push({ input: thumb, left: ox, top: oy });
    if (opts.boxes) {
      for (const m of p.marks) {
        overlay.push(`<rect x="${(ox + m.box.x * k).toFixed(1)}" y="${(oy + m.box.y * k).toFixed(1)}" width="${(m.box.width * k).toFixed(1)}" height="${(m.box.height * k).toFixed(1)}" fill="none" stroke="#f0f" stroke-width="1"/>`);
      }
    }
    const text = `${p.label ?? '—'}  ${p.subject ?? p.kind}`;
    overlay.push(`<text x="${x + 3}" y="${y + cell + 16}" font-family="DejaVu Sans, sans-serif" font-size="13" fill="#111">${escapeXml(text)}</text>`);
  }
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}">${overlay.join('')}</svg>`;
  layers.push({ input: Buffer.from(svg), left: 0, top: 0 });
  return sharp({ create: { width: W, height: H, channels: 3, background: '#fafafa' } }).composite(layers).png({ compressionLevel: 9, palette: opts.palette ?? false, dither: 0.6 }).toBuffer();
}
