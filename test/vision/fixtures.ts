/**
 * Picture fixtures built at test time: handwriting-like SVG strokes rendered by sharp into the
 * kinds of pictures people post (phone photos, drawing-app exports, screenshots), hostile files,
 * and non-digit pictures for measuring the "no digit" refusal. Shared by the tests and the
 * measurement scripts so that both talk about the same pictures.
 */
import sharp from 'sharp';
import { deflateSync } from 'node:zlib';

/** One stroke path per digit, in a 100×140 cell, drawn roughly the way people write them. */
export const DIGIT_PATHS: Record<string, string> = {
  '0': 'M50,16 C24,16 20,50 20,72 C20,104 32,124 50,124 C70,124 80,100 80,70 C80,38 70,16 50,16 Z',
  '1': 'M56,16 L46,124',
  '2': 'M24,42 C26,16 74,10 76,40 C78,64 44,88 22,122 L82,121',
  '3': 'M24,30 C40,8 80,14 74,42 C70,60 52,66 42,66 C62,66 82,76 80,98 C78,126 36,130 20,110',
  '4': 'M30,16 L24,80 L82,78 M68,20 L66,124',
  '5': 'M76,17 L36,17 L30,62 C46,52 78,56 79,88 C80,120 40,130 22,112',
  '6': 'M70,16 C46,30 24,60 24,94 C24,124 74,128 76,96 C78,66 36,64 25,92',
  '7': 'M20,19 L80,19 L44,124',
  '8': 'M50,68 C22,60 24,18 50,18 C76,18 78,60 50,68 C20,76 20,124 50,124 C80,124 80,76 50,68 Z',
  '9': 'M76,42 C76,12 26,12 26,42 C26,68 72,66 76,42 L70,124',
};

/** A 4 and a 5 written in pieces that do not touch (pen lifted, faint paper). */
export const BROKEN_PATHS: Record<string, string> = {
  '4': 'M30,16 L24,80 L84,78 M68,20 L67,66 M66,90 L65,124',
  '5': 'M78,15 L40,15 M33,26 L30,62 C46,52 78,56 79,88 C80,120 40,130 22,112',
};

export interface StrokeStyle {
  /** CSS colour of the strokes. */
  ink?: string;
  /** Stroke width in cell units (cell is 100×140). */
  stroke?: number;
  /** CSS colour of the page, or 'none' for transparent. */
  paper?: string;
  /** Pixel scale of one cell unit. */
  scale?: number;
  /** Margin around the digits, cell units. */
  margin?: number;
  paths?: Record<string, string>;
  /** Distance from one digit's cell to the next, cell units (100 = side by side; less makes them touch). */
  advance?: number;
}

export function digitsSvg(digits: string, style: StrokeStyle = {}): string {
  const { ink = '#111', stroke = 9, paper = '#fff', scale = 2, margin = 30, paths = DIGIT_PATHS, advance = 100 } = style;
  const w = ((digits.length - 1) * advance + 100 + 2 * margin) * scale;
  const h = (140 + 2 * margin) * scale;
  const groups = [...digits]
    .map((d, i) => `<path transform="translate(${margin + i * advance},${margin})" d="${paths[d] ?? DIGIT_PATHS[d]}"/>`)
    .join('');
  const bg = paper === 'none' ? '' : `<rect width="100%" height="100%" fill="${paper}"/>`;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}">${bg}` +
    `<g transform="scale(${scale})" fill="none" stroke="${ink}" stroke-width="${stroke}" stroke-linecap="round" stroke-linejoin="round">${groups}</g></svg>`
  );
}

/** The digits' paths side by side, scaled from the 100 × 140 cell, the first at (ox, oy), `advance` cell units apart. */
function placedDigits(digits: string, ox: number, oy: number, scale: number, advance = 100): string {
  return [...digits].map((d, i) => `<path transform="translate(${ox + i * advance * scale},${oy}) scale(${scale})" d="${DIGIT_PATHS[d]}"/>`).join('');
}

export async function renderPng(svg: string): Promise<Buffer> {
  return sharp(Buffer.from(svg)).png().toBuffer();
}

/** Clean drawing-app export: black strokes on white PNG. */
export async function cleanPng(digits: string, style: StrokeStyle = {}): Promise<Buffer> {
  return renderPng(digitsSvg(digits, style));
}

/** Drawing app, dark theme: light strokes on a dark grey canvas. */
export async function invertedPng(digits: string): Promise<Buffer> {
  return renderPng(digitsSvg(digits, { ink: '#f0f0f0', paper: '#202225', stroke: 12 }));
}

/** Transparent canvas with coloured strokes (whose hidden RGB under alpha=0 is black). */
export async function transparentPng(digits: string, ink = '#ffffff'): Promise<Buffer> {
  return renderPng(digitsSvg(digits, { ink, paper: 'none', stroke: 10 }));
}

/**
 * A phone photo: the digits small and off-centre on a large page lit from one side (bright
 * to grey), with a soft shadow, paper grain, blue ballpoint ink, JPEG-compressed.
 */
export async function photoJpeg(
  digits: string,
  opts: { width?: number; height?: number; quality?: number; seed?: number; stroke?: number; advance?: number } = {},
): Promise<Buffer> {
  const { width = 1600, height = 1200, quality = 82, seed = 1, advance = 100 } = opts;
  const cellW = advance * Math.max(0, digits.length - 1) + 100;
  const scale = Math.min((height * 0.35) / 140, (width * 0.6) / cellW);
  const ox = width * 0.22;
  const oy = height * 0.3;
  const strokes = placedDigits(digits, ox, oy, scale, advance);
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">` +
    `<defs><linearGradient id="light" x1="0" y1="0" x2="1" y2="0.3"><stop offset="0" stop-color="#f4f1ea"/><stop offset="1" stop-color="#77736b"/></linearGradient>` +
    `<radialGradient id="shadow" cx="0.85" cy="0.9" r="0.5"><stop offset="0" stop-color="#000" stop-opacity="0.35"/><stop offset="1" stop-color="#000" stop-opacity="0"/></radialGradient></defs>` +
    `<rect width="100%" height="100%" fill="url(#light)"/><rect width="100%" height="100%" fill="url(#shadow)"/>` +
    `<g fill="none" stroke="#1f3c9e" stroke-opacity="0.85" stroke-width="${opts.stroke ?? 3}" stroke-linecap="round" stroke-linejoin="round">${strokes}</g></svg>`;
  return grainyJpeg(svg, seed, 10, quality);
}

/**
 * A sheet of paper on a dark wooden table, seen from above: the table shows along two edges, the
 * phone casts a hard-edged shadow over part of the page. Digits in black felt pen.
 */
export async function paperOnTableJpeg(digits: string): Promise<Buffer> {
  const W = 1400;
  const H = 1000;
  const scale = 2.2;
  const ox = 380;
  const oy = 330;
  const strokes = placedDigits(digits, ox, oy, scale);
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}">` +
    `<rect width="100%" height="100%" fill="#4a3020"/>` +
    `<path d="M150,60 L${W + 50},40 L${W + 50},${H + 50} L120,${H + 50} Z" fill="#ebe7df"/>` +
    `<g fill="none" stroke="#222" stroke-width="5" stroke-linecap="round" stroke-linejoin="round">${strokes}</g>` +
    `<path d="M${W * 0.55},${H} L${W * 0.75},${H * 0.45} L${W},${H * 0.4} L${W},${H} Z" fill="#000" fill-opacity="0.35"/></svg>`;
  return grainyJpeg(svg, 9, 12, 80);
}

/**
 * A phone photo of ruled (or grid) notebook paper, slightly rotated: light blue lines across the
 * whole page, a red margin line, the digits written across the lines in black ballpoint.
 */
export async function ruledPageJpeg(digits: string, opts: { grid?: boolean; rotate?: number; seed?: number } = {}): Promise<Buffer> {
  const W = 1200;
  const H = 900;
  const ox = 330;
  const oy = 300;
  const scale = Math.min(2.4, (W - ox - 120) / (100 * digits.length));
  const lines: string[] = [];
  for (let y = 40; y < H; y += 42) lines.push(`<line x1="0" y1="${y}" x2="${W}" y2="${y}"/>`);
  if (opts.grid) for (let x = 20; x < W; x += 42) lines.push(`<line x1="${x}" y1="0" x2="${x}" y2="${H}"/>`);
  const strokes = placedDigits(digits, ox, oy, scale);
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}"><rect width="100%" height="100%" fill="#f3f1ec"/>` +
    `<g transform="rotate(${opts.rotate ?? 4} ${W / 2} ${H / 2})"><rect x="-200" y="-200" width="${W + 400}" height="${H + 400}" fill="#f3f1ec"/>` +
    `<g stroke="#7fa6d8" stroke-width="2.5">${lines.join('')}</g><line x1="150" y1="-200" x2="150" y2="${H + 200}" stroke="#e07a7a" stroke-width="2.5"/>` +
    `<g fill="none" stroke="#1a1a22" stroke-width="5" stroke-linecap="round" stroke-linejoin="round">${strokes}</g></g></svg>`;
  return grainyJpeg(svg, opts.seed ?? 5, 10, 82);
}

/**
 * A page on a dark desk that fills a third of the photo, the page's edge slanted, a lit band
 * across the page, the digits in grey pencil: what the old polarity rule took for light ink.
 */
export async function pageOnDeskJpeg(digits: string): Promise<Buffer> {
  const W = 1000;
  const H = 750;
  const scale = 1.6;
  const ox = 480;
  const oy = 230;
  const strokes = placedDigits(digits, ox, oy, scale);
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}"><rect width="100%" height="100%" fill="#2a2420"/>` +
    `<defs><linearGradient id="band" x1="0" y1="0" x2="1" y2="0"><stop offset="0" stop-color="#9d9a94"/><stop offset="0.6" stop-color="#e9e6df"/><stop offset="0.8" stop-color="#fbfaf6"/><stop offset="1" stop-color="#a9a69f"/></linearGradient></defs>` +
    `<path d="M330,-20 L${W + 20},-20 L${W + 20},${H + 20} L410,${H + 20} Z" fill="url(#band)"/>` +
    `<g fill="none" stroke="#6d6a66" stroke-width="4" stroke-linecap="round" stroke-linejoin="round">${strokes}</g></svg>`;
  return grainyJpeg(svg, 3, 12, 80);
}

/**
 * A faint pencil digit on a page that covers part of a dark desk: the desk's edge sets the ink
 * threshold above the pencil's strokes (what the synthetic split's pencil photos with a desk edge
 * look like), and a first look finds no ink at all.
 */
export async function faintPencilOnDeskJpeg(digits: string, ink = '#a8a49e'): Promise<Buffer> {
  const W = 900;
  const H = 700;
  const scale = 0.9;
  const strokes = placedDigits(digits, 430, 300, scale);
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}"><rect width="100%" height="100%" fill="#3b2a1c"/>` +
    `<path d="M-20,190 L${W + 20},120 L${W + 20},${H + 20} L-20,${H + 20} Z" fill="#d9d7d0"/>` +
    `<g fill="none" stroke="${ink}" stroke-width="3" stroke-linecap="round" stroke-linejoin="round">${strokes}</g></svg>`;
  return grainyJpeg(svg, 5, 10, 85);
}

/** A grid's lines across a W × H page, the first at `from`, `step` apart (SVG, stroke set by the caller). */
function gridLines(W: number, H: number, from: number, step: number): string {
  const lines: string[] = [];
  for (let y = from; y < H; y += step) lines.push(`<line x1="0" y1="${y}" x2="${W}" y2="${y}"/>`);
  for (let x = from; x < W; x += step) lines.push(`<line x1="${x}" y1="0" x2="${x}" y2="${H}"/>`);
  return lines.join('');
}

/**
 * One small digit in red marker on grainy grid paper under a soft shadow, a noisy phone photo:
 * the grain and the grid's faint squares left hundreds of tiny marks in the ink mask, and the
 * digit glued to them (what the synthetic dev split's "noise" photos look like).
 */
export async function grainyGridJpeg(digit: string, seed = 4): Promise<Buffer> {
  const W = 900;
  const H = 700;
  const scale = 0.45;
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}"><rect width="100%" height="100%" fill="#dcdad2"/>` +
    `<defs><radialGradient id="shade" cx="0.2" cy="0.8" r="0.7"><stop offset="0" stop-color="#000" stop-opacity="0.3"/><stop offset="1" stop-color="#000" stop-opacity="0"/></radialGradient></defs>` +
    `<g stroke="#a9b4c4" stroke-width="1.2">${gridLines(W, H, 12, 36)}</g>` +
    `<path transform="translate(610,420) scale(${scale})" d="${DIGIT_PATHS[digit]}" fill="none" stroke="#c0262c" stroke-width="11" stroke-linecap="round" stroke-linejoin="round"/>` +
    `<rect width="100%" height="100%" fill="url(#shade)"/></svg>`;
  return grainyJpeg(svg, seed, 70, 75);
}

/**
 * A digit on a page with a red margin line drawn through it, the line stopping short of the
 * photo's edges: alone (no ruling beside it) and running to no border, the first look keeps it as
 * a stroke, glued to the digit (what a notebook's margin looks like once a shadow cuts it off).
 */
export async function marginLineJpeg(digits: string, seed = 6): Promise<Buffer> {
  const W = 900;
  const H = 700;
  const scale = 1.2;
  const ox = 400;
  const x = ox + 50 * scale;
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}"><rect width="100%" height="100%" fill="#f2efe6"/>` +
    `<line x1="${x}" y1="60" x2="${x + 8}" y2="640" stroke="#c9605a" stroke-width="3"/>` +
    `<g fill="none" stroke="#1d2a5a" stroke-width="7" stroke-linecap="round" stroke-linejoin="round">${placedDigits(digits, ox, 250, scale)}</g></svg>`;
  return grainyJpeg(svg, seed, 12, 85);
}

/**
 * A large digit in thick marker on grid paper: the grid's thin lines set the stroke width the
 * background window is fitted to, and a window that narrow hollows the marker's strokes into
 * outlines (what the dev split's "marker, large, grid" photos look like).
 */
export async function markerOnGridJpeg(digit: string, seed = 8): Promise<Buffer> {
  const W = 900;
  const H = 700;
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}"><rect width="100%" height="100%" fill="#ecebe4"/>` +
    `<g stroke="#7f8ea8" stroke-width="2">${gridLines(W, H, 10, 30)}</g>` +
    `<path transform="translate(330,120) scale(3.2)" d="${DIGIT_PATHS[digit]}" fill="none" stroke="#1d3f9c" stroke-width="13" stroke-linecap="round" stroke-linejoin="round"/></svg>`;
  return grainyJpeg(svg, seed, 10, 85);
}

/** The same clean digit stored rotated, with an EXIF orientation that puts it upright again. */
export async function exifRotatedJpeg(digits: string): Promise<Buffer> {
  const upright = await cleanPng(digits);
  // Orientation 6 means "rotate 90° clockwise to display", so the stored pixels are turned 90° anticlockwise.
  const stored = await sharp(upright).rotate(-90).toBuffer();
  return sharp(stored).jpeg({ quality: 90 }).withMetadata({ orientation: 6 }).toBuffer();
}

export async function asFormat(png: Buffer, format: 'webp' | 'gif' | 'avif' | 'tiff' | 'jpeg'): Promise<Buffer> {
  const s = sharp(png);
  switch (format) {
    case 'webp':
      return s.webp({ quality: 85 }).toBuffer();
    case 'gif':
      return s.gif().toBuffer();
    case 'avif':
      return s.avif({ quality: 60, effort: 0 }).toBuffer();
    case 'tiff':
      return s.tiff().toBuffer();
    case 'jpeg':
      return s.flatten({ background: '#fff' }).jpeg({ quality: 85 }).toBuffer();
  }
}

/** 16-bit greyscale PNG and CMYK JPEG and palette PNG of the same digit. */
export async function exoticEncodings(digits: string): Promise<{ png16: Buffer; cmyk: Buffer; palette: Buffer }> {
  const png = await cleanPng(digits);
  return {
    png16: await sharp(png).greyscale().toColourspace('grey16').png().toBuffer(),
    cmyk: await sharp(png).flatten({ background: '#fff' }).toColourspace('cmyk').jpeg().toBuffer(),
    palette: await sharp(png).png({ palette: true, colours: 4 }).toBuffer(),
  };
}

// ---- hostile files ------------------------------------------------------------------------

/** A valid 1-bit PNG header + compressed rows claiming 20000×20000 (≈50 KB on disk). */
export function decompressionBombPng(side = 20000): Buffer {
  const sig = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(side, 0);
  ihdr.writeUInt32BE(side, 4);
  ihdr[8] = 1; // bit depth
  ihdr[9] = 0; // greyscale
  const rowBytes = 1 + Math.ceil(side / 8);
  const idat = deflateSync(Buffer.alloc(rowBytes * side), { level: 9 });
  return Buffer.concat([sig, chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', Buffer.alloc(0))]);
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

function crc32(buf: Buffer): number {
  let c = ~0;
  for (const b of buf) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return ~c >>> 0;
}

export async function animatedGif(first: string, second: string): Promise<Buffer> {
  const a = await sharp(await cleanPng(first)).flatten({ background: '#fff' }).toBuffer();
  const b = await sharp(await cleanPng(second)).flatten({ background: '#fff' }).toBuffer();
  return sharp([a, b], { join: { animated: true } }).gif({ delay: [200, 200], loop: 0 }).toBuffer();
}

export async function onePixelPng(): Promise<Buffer> {
  return sharp({ create: { width: 1, height: 1, channels: 3, background: '#000' } }).png().toBuffer();
}

export async function truncatedJpeg(): Promise<Buffer> {
  const full = await photoJpeg('7', { width: 640, height: 480 });
  return full.subarray(0, Math.floor(full.length * 0.6));
}

// ---- non-digit pictures --------------------------------------------------------------------

export type NonDigitKind = 'blank' | 'blank-photo' | 'noise' | 'grain' | 'disc' | 'square' | 'triangle' | 'star' | 'text' | 'letters' | 'scribble' | 'landscape';

export const NON_DIGIT_KINDS: NonDigitKind[] = ['blank', 'blank-photo', 'noise', 'grain', 'disc', 'square', 'triangle', 'star', 'text', 'letters', 'scribble', 'landscape'];

/** A picture that holds no digit; `seed` varies positions/sizes so that a script can make many. */
export async function nonDigit(kind: NonDigitKind, seed = 1): Promise<Buffer> {
  const rnd = mulberry32(seed);
  const W = 640;
  const H = 480;
  const svg = (body: string, bg = '#fff'): string =>
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}"><rect width="100%" height="100%" fill="${bg}"/>${body}</svg>`;
  const cx = W * (0.3 + 0.4 * rnd());
  const cy = H * (0.3 + 0.4 * rnd());
  const r = 60 + 80 * rnd();
  switch (kind) {
    case 'blank':
      return renderPng(svg(''));
    case 'blank-photo':
      return photoJpeg('', { width: 800, height: 600, seed });
    case 'noise': {
      const data = Buffer.alloc(W * H * 3);
      for (let i = 0; i < data.length; i++) data[i] = Math.floor(rnd() * 256);
      return sharp(data, { raw: { width: W, height: H, channels: 3 } }).png().toBuffer();
    }
    case 'grain': {
      const data = Buffer.alloc(W * H * 3, 200);
      addGrain(data, seed, 40);
      return sharp(data, { raw: { width: W, height: H, channels: 3 } }).jpeg({ quality: 70 }).toBuffer();
    }
    case 'disc':
      return renderPng(svg(`<circle cx="${cx}" cy="${cy}" r="${r}" fill="#333"/>`));
    case 'square':
      return renderPng(svg(`<rect x="${cx - r}" y="${cy - r}" width="${2 * r}" height="${1.6 * r}" fill="#${rnd() < 0.5 ? 'a33' : '225'}"/>`));
    case 'triangle':
      return renderPng(svg(`<path d="M${cx},${cy - r} L${cx + r},${cy + r} L${cx - r},${cy + r} Z" fill="none" stroke="#000" stroke-width="10"/>`));
    case 'star': {
      const pts: string[] = [];
      for (let k = 0; k < 10; k++) {
        const rr = k % 2 ? r * 0.45 : r;
        const a = (Math.PI * k) / 5 - Math.PI / 2;
        pts.push(`${cx + rr * Math.cos(a)},${cy + rr * Math.sin(a)}`);
      }
      return renderPng(svg(`<polygon points="${pts.join(' ')}" fill="none" stroke="#000" stroke-width="8"/>`));
    }
    case 'text': {
      const lines = ['The quick brown fox jumps', 'over the lazy dog while', 'the cat sleeps on a mat.', 'Meeting moved to Friday.'];
      const body = lines.map((l, i) => `<text x="30" y="${90 + i * 60}" font-family="DejaVu Sans" font-size="34">${l}</text>`).join('');
      return renderPng(svg(body));
    }
    case 'letters': {
      const letters = 'ABEFHKMNRWXY';
      const letter = letters[Math.floor(rnd() * letters.length)];
      return renderPng(svg(`<text x="${cx - 60}" y="${cy + 60}" font-family="DejaVu Sans" font-size="180">${letter}</text>`));
    }
    case 'scribble': {
      let d = `M${cx},${cy}`;
      for (let k = 0; k < 12; k++) d += ` L${W * (0.2 + 0.6 * rnd())},${H * (0.2 + 0.6 * rnd())}`;
      return renderPng(svg(`<path d="${d}" fill="none" stroke="#000" stroke-width="6"/>`));
    }
    case 'landscape': {
      const hill = `<path d="M0,${H * 0.6} C${W * 0.3},${H * 0.4} ${W * 0.6},${H * 0.7} ${W},${H * 0.5} L${W},${H} L0,${H} Z" fill="#3a7d2c"/>`;
      const sun = `<circle cx="${cx}" cy="${H * 0.25}" r="40" fill="#ffd23f"/>`;
      return photoFromSvg(svg(hill + sun, '#8ecae6'));
    }
  }
}

async function photoFromSvg(svg: string): Promise<Buffer> {
  return sharp(Buffer.from(svg)).jpeg({ quality: 80 }).toBuffer();
}

/** An SVG scene rendered, with paper grain, as a JPEG photo. */
async function grainyJpeg(svg: string, seed: number, amplitude: number, quality: number): Promise<Buffer> {
  const { data, info } = await sharp(Buffer.from(svg)).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  addGrain(data, seed, amplitude);
  return sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } }).jpeg({ quality }).toBuffer();
}

/** Deterministic paper grain / sensor noise. */
function addGrain(data: Buffer, seed: number, amplitude: number): void {
  const rnd = mulberry32(seed);
  for (let i = 0; i < data.length; i++) {
    const v = data[i] + (rnd() - 0.5) * amplitude;
    data[i] = v < 0 ? 0 : v > 255 ? 255 : v;
  }
}

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
