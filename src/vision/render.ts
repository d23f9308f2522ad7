/**
 * Pictures for people: digit grids, line charts, confusion matrices and bar charts, each
 * returned as a PNG buffer. Charts are written as SVG and rasterised by sharp (librsvg), so no
 * native canvas is needed; digit pixels are written straight into a raw RGB buffer so they stay
 * crisp (nearest-neighbour) and only captions go through SVG.
 */
import sharp from 'sharp';
import { IMAGE_SIDE as SIDE, IMAGE_SIZE } from '../data/mnist.ts';

const FONT = 'DejaVu Sans, sans-serif';
const INK = '#222222';
const MUTED = '#666666';
const GRID = '#e6e6e6';
/** Tableau 10: distinct, colour-blind-friendlier than pure hues. */
const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];
/** Big canvases would only exhaust memory (e.g. a caller passing all 60k images). */
const MAX_PIXELS = 40_000_000;

// ---------------------------------------------------------------------------------------------
// Image grid

export interface ImageGridOptions {
  /** images per row; default ≈ √n (at most 16) */
  columns?: number;
  /** upscaling factor of each 28x28 image (nearest neighbour); default 3 */
  scale?: number;
  /** caption colour per cell (CSS colour), e.g. red for a wrong prediction; default dark grey */
  captionColors?: (string | undefined)[];
  /** draw dark ink on white instead of the MNIST look (white ink on black) */
  invert?: boolean;
  /** optional heading above the grid */
  title?: string;
}

/**
 * A grid of 28x28 images (n×784 floats in [0,1]) with a caption under each (`captions[i]`,
 * may be shorter than n or empty strings for none).
 */
export async function renderImageGrid(images: Float32Array, captions: string[], opts: ImageGridOptions = {}): Promise<Buffer> {
  if (images.length % IMAGE_SIZE !== 0) {
    throw new RangeError(`renderImageGrid: images has ${images.length} values, not a multiple of ${IMAGE_SIZE} (28x28)`);
  }
  const n = images.length / IMAGE_SIZE;
  if (n === 0) throw new RangeError('renderImageGrid: no images to draw');
  const scale = Math.max(1, Math.floor(opts.scale ?? 3));
  const columns = Math.max(1, Math.min(n, Math.floor(opts.columns ?? Math.min(16, Math.ceil(Math.sqrt(n))))));
  const rows = Math.ceil(n / columns);
  const tile = SIDE * scale;
  const fontSize = clamp(Math.round(tile / 6), 11, 15);
  const longest = captions.reduce((m, c) => Math.max(m, (c ?? '').length), 0);
  const captionH = longest > 0 ? Math.round(fontSize * 1.6) : 0;
  const gap = 8;
  const cellW = Math.max(tile, Math.ceil(textWidth(longest, fontSize)) + 6);
  const cellH = tile + captionH;
  const titleH = opts.title ? 34 : 0;
  const width = gap + columns * (cellW + gap);
  const height = titleH + gap + rows * (cellH + gap);
  if (width * height > MAX_PIXELS) throw new RangeError(`renderImageGrid: ${width}×${height} px is too large; draw fewer images or a smaller scale`);

  const canvas = Buffer.alloc(width * height * 3, 255); // (H, W, RGB), white
  const texts: string[] = [];
  if (opts.title) texts.push(text(width / 2, 24, opts.title, { size: 16, anchor: 'middle', weight: 'bold' }));
  for (let i = 0; i < n; i++) {
    const col = i % columns;
    const row = Math.floor(i / columns);
    const cellX = gap + col * (cellW + gap);
    const cellY = titleH + gap + row * (cellH + gap);
    const x0 = cellX + Math.floor((cellW - tile) / 2);
    blitDigit(canvas, width, images, i, x0, cellY, scale, opts.invert === true);
    const caption = captions[i];
    if (caption) {
      const color = opts.captionColors?.[i] ?? INK;
      texts.push(text(cellX + cellW / 2, cellY + tile + fontSize * 1.2, caption, { size: fontSize, anchor: 'middle', fill: color }));
    }
  }
  const img = sharp(canvas, { raw: { width, height, channels: 3 } });
  if (texts.length > 0) img.composite([{ input: Buffer.from(svgDoc(width, height, texts.join(''), false)), top: 0, left: 0 }]);
  return img.png().toBuffer();
}

/** Copies image i, upscaled `scale`× (nearest neighbour), into the RGB canvas at (x0, y0). */
function blitDigit(canvas: Buffer, width: number, images: Float32Array, i: number, x0: number, y0: number, scale: number, invert: boolean): void {
  const base = i * IMAGE_SIZE;
  for (let y = 0; y < SIDE; y++) {
    for (let x = 0; x < SIDE; x++) {
      const v = clamp(images[base + y * SIDE + x], 0, 1);
      const grey = Math.round(255 * (invert ? 1 - v : v));
      for (let dy = 0; dy < scale; dy++) {
        let at = ((y0 + y * scale + dy) * width + x0 + x * scale) * 3;
        for (let dx = 0; dx < scale; dx++, at += 3) {
          canvas[at] = grey;
          canvas[at + 1] = grey;
          canvas[at + 2] = grey;
        }
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Line chart

export interface LineSeries {
  name: string;
  points: [number, number][];
  /** CSS colour; default from the palette */
  color?: string;
}

export interface LineChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  series: LineSeries[];
  /** fixed y axis range; default fitted to the data */
  yRange?: [number, number];
  width?: number;
  height?: number;
}

/** Lines (e.g. train / validation accuracy per epoch) with axes, ticks, grid and legend. */
export async function renderLineChart(opts: LineChartOptions): Promise<Buffer> {
  const width = opts.width ?? 800;
  const height = opts.height ?? 480;
  const legendW = opts.series.length > 0 ? Math.ceil(Math.max(...opts.series.map((s) => textWidth(s.name.length, 13)))) + 50 : 0;
  const m = { left: 78, right: 20 + legendW, top: 50, bottom: 62 };
  const pw = width - m.left - m.right;
  const ph = height - m.top - m.bottom;
  if (pw < 50 || ph < 50) throw new RangeError(`renderLineChart: ${width}×${height} leaves no room for the plot`);

  const finite = opts.series.flatMap((s) => s.points).filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
  const xs = finite.map((p) => p[0]);
  const ys = finite.map((p) => p[1]);
  const allIntX = xs.every((x) => Number.isInteger(x));
  const xTicks = niceTicks(xs.length ? Math.min(...xs) : 0, xs.length ? Math.max(...xs) : 1, 8, allIntX);
  let yLo: number;
  let yHi: number;
  let yTicks: number[];
  if (opts.yRange) {
    [yLo, yHi] = opts.yRange;
    if (!(yHi > yLo)) throw new RangeError(`renderLineChart: yRange [${yLo}, ${yHi}] is empty`);
    yTicks = niceTicks(yLo, yHi, 6, false).filter((t) => t >= yLo - 1e-9 && t <= yHi + 1e-9);
  } else {
    yTicks = niceTicks(ys.length ? Math.min(...ys) : 0, ys.length ? Math.max(...ys) : 1, 6, false);
    yLo = yTicks[0];
    yHi = yTicks[yTicks.length - 1];
  }
  const xLo = xTicks[0];
  const xHi = xTicks[xTicks.length - 1];
  const sx = (x: number): number => m.left + ((x - xLo) / (xHi - xLo)) * pw;
  const sy = (y: number): number => m.top + ph - ((y - yLo) / (yHi - yLo)) * ph;

  const parts: string[] = [];
  parts.push(text(width / 2, 30, opts.title, { size: 18, anchor: 'middle', weight: 'bold' }));
  parts.push(axes(m.left, m.top, pw, ph, xTicks.map((t) => ({ at: sx(t), label: formatTick(t, xTicks) })), yTicks.map((t) => ({ at: sy(t), label: formatTick(t, yTicks) }))));
  parts.push(text(m.left + pw / 2, height - 16, opts.xLabel, { size: 14, anchor: 'middle' }));
  parts.push(text(0, 0, opts.yLabel, { size: 14, anchor: 'middle', transform: `translate(20 ${m.top + ph / 2}) rotate(-90)` }));
  parts.push(`<clipPath id="plot"><rect x="${m.left}" y="${m.top}" width="${pw}" height="${ph}"/></clipPath>`);
  if (finite.length === 0) parts.push(text(m.left + pw / 2, m.top + ph / 2, 'no data', { size: 14, anchor: 'middle', fill: MUTED }));

  opts.series.forEach((s, si) => {
    const color = escapeXml(s.color ?? PALETTE[si % PALETTE.length]);
    // A non-finite point breaks the line instead of dragging it to infinity.
    let d = '';
    let pen = false;
    for (const [x, y] of s.points) {
      if (!Number.isFinite(x) || !Number.isFinite(y)) {
        pen = false;
        continue;
      }
      d += `${pen ? 'L' : 'M'}${fmt(sx(x))} ${fmt(sy(y))}`;
      pen = true;
    }
    const g: string[] = [];
    if (d) g.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="2.5" stroke-linejoin="round" stroke-linecap="round"/>`);
    if (s.points.length <= 40) {
      for (const [x, y] of s.points) {
        if (Number.isFinite(x) && Number.isFinite(y)) g.push(`<circle cx="${fmt(sx(x))}" cy="${fmt(sy(y))}" r="3.5" fill="${color}"/>`);
      }
    }
    parts.push(`<g clip-path="url(#plot)">${g.join('')}</g>`);
    const ly = m.top + 10 + si * 24;
    const lx = m.left + pw + 24;
    parts.push(`<line x1="${lx}" y1="${ly}" x2="${lx + 22}" y2="${ly}" stroke="${color}" stroke-width="3"/>`);
    parts.push(text(lx + 30, ly + 5, s.name, { size: 13 }));
  });
  return svgToPng(svgDoc(width, height, parts.join('')));
}

// ---------------------------------------------------------------------------------------------
// Confusion matrix

/**
 * A k×k confusion matrix (rows = true class, columns = predicted) as a heatmap with counts.
 * Diagonal cells are blue by the row's accuracy; errors are red by their count relative to the
 * largest error, so the few confusions that matter stand out next to a diagonal of thousands.
 * A last column gives each row's accuracy.
 */
export async function renderConfusionMatrix(matrix: number[][], title: string): Promise<Buffer> {
  const k = matrix.length;
  if (k === 0 || matrix.some((r) => r.length !== k)) throw new RangeError('renderConfusionMatrix: matrix must be square and non-empty');
  const cell = 46;
  const m = { left: 76, top: 104, right: 82, bottom: 24 };
  const width = m.left + k * cell + m.right;
  const height = m.top + k * cell + m.bottom;
  const rowTotals = matrix.map((r) => r.reduce((a, b) => a + b, 0));
  const total = rowTotals.reduce((a, b) => a + b, 0);
  const correct = matrix.reduce((a, r, i) => a + r[i], 0);
  let maxOff = 0;
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) if (i !== j) maxOff = Math.max(maxOff, matrix[i][j]);

  const parts: string[] = [];
  parts.push(text(width / 2, 28, title, { size: 18, anchor: 'middle', weight: 'bold' }));
  const accText = total > 0 ? `accuracy ${formatPercent(correct / total)} (${correct} / ${total})` : 'no samples';
  parts.push(text(width / 2, 50, accText, { size: 13, anchor: 'middle', fill: MUTED }));
  parts.push(text(m.left + (k * cell) / 2, m.top - 32, 'predicted', { size: 14, anchor: 'middle' }));
  parts.push(text(0, 0, 'true', { size: 14, anchor: 'middle', transform: `translate(22 ${m.top + (k * cell) / 2}) rotate(-90)` }));
  parts.push(text(m.left + k * cell + m.right / 2, m.top - 8, 'acc.', { size: 12, anchor: 'middle', fill: MUTED }));
  for (let i = 0; i < k; i++) {
    parts.push(text(m.left + i * cell + cell / 2, m.top - 8, String(i), { size: 13, anchor: 'middle', weight: 'bold' }));
    parts.push(text(m.left - 10, m.top + i * cell + cell / 2 + 5, String(i), { size: 13, anchor: 'end', weight: 'bold' }));
    for (let j = 0; j < k; j++) {
      const v = matrix[i][j];
      let fill = '#ffffff';
      let dark = false;
      if (i === j) {
        const f = rowTotals[i] > 0 ? v / rowTotals[i] : 0;
        fill = mix('#ffffff', '#2166ac', 0.15 + 0.85 * f);
        dark = f > 0.45;
      } else if (v > 0 && maxOff > 0) {
        // sqrt: a 1-count error must still be visible when the worst one is 30
        const f = Math.sqrt(v / maxOff);
        fill = mix('#ffffff', '#d6604d', 0.12 + 0.88 * f);
        dark = f > 0.7;
      }
      const x = m.left + j * cell;
      const y = m.top + i * cell;
      parts.push(`<rect x="${x}" y="${y}" width="${cell}" height="${cell}" fill="${fill}" stroke="#ffffff" stroke-width="1"/>`);
      if (v !== 0 || i === j) {
        parts.push(text(x + cell / 2, y + cell / 2 + 4.5, String(v), { size: v >= 10000 ? 10 : 12, anchor: 'middle', fill: dark ? '#ffffff' : INK }));
      }
    }
    const rowAcc = rowTotals[i] > 0 ? formatPercent(matrix[i][i] / rowTotals[i]) : '–';
    parts.push(text(m.left + k * cell + m.right / 2, m.top + i * cell + cell / 2 + 4.5, rowAcc, { size: 12, anchor: 'middle', fill: MUTED }));
  }
  parts.push(`<rect x="${m.left}" y="${m.top}" width="${k * cell}" height="${k * cell}" fill="none" stroke="#bbbbbb"/>`);
  return svgToPng(svgDoc(width, height, parts.join('')));
}

// ---------------------------------------------------------------------------------------------
// Bar chart

export interface BarChartOptions {
  title: string;
  /** one label per bar, e.g. "0" … "9" */
  labels: string[];
  values: number[];
  xLabel?: string;
  yLabel?: string;
  /** fixed y axis range; default from 0 (or the lowest negative value) to the highest value */
  yRange?: [number, number];
  /** text above each bar; default the value with up to 3 significant decimals */
  formatValue?: (v: number) => string;
  /** one colour for all bars, or one per bar */
  colors?: string | string[];
  width?: number;
  height?: number;
}

/** Vertical bars with their values written on top, e.g. per-digit accuracy or sample counts. */
export async function renderBarChart(opts: BarChartOptions): Promise<Buffer> {
  const n = opts.labels.length;
  if (n === 0 || opts.values.length !== n) {
    throw new RangeError(`renderBarChart: need one value per label, got ${opts.labels.length} labels and ${opts.values.length} values`);
  }
  const width = opts.width ?? Math.max(480, 90 + n * 56);
  const height = opts.height ?? 400;
  const m = { left: 78, right: 20, top: 68, bottom: opts.xLabel ? 62 : 40 };
  const pw = width - m.left - m.right;
  const ph = height - m.top - m.bottom;
  if (pw < 50 || ph < 50) throw new RangeError(`renderBarChart: ${width}×${height} leaves no room for the plot`);
  const finite = opts.values.filter((v) => Number.isFinite(v));
  let yLo: number;
  let yHi: number;
  let yTicks: number[];
  if (opts.yRange) {
    [yLo, yHi] = opts.yRange;
    if (!(yHi > yLo)) throw new RangeError(`renderBarChart: yRange [${yLo}, ${yHi}] is empty`);
    yTicks = niceTicks(yLo, yHi, 6, false).filter((t) => t >= yLo - 1e-9 && t <= yHi + 1e-9);
  } else {
    yTicks = niceTicks(Math.min(0, ...finite), Math.max(0, ...finite), 6, false);
    yLo = yTicks[0];
    yHi = yTicks[yTicks.length - 1];
  }
  const sy = (y: number): number => m.top + ph - ((clamp(y, yLo, yHi) - yLo) / (yHi - yLo)) * ph;
  const slot = pw / n;
  const barW = Math.min(60, slot * 0.7);
  const format = opts.formatValue ?? ((v: number) => String(Number(v.toFixed(3))));

  const parts: string[] = [];
  parts.push(text(width / 2, 30, opts.title, { size: 18, anchor: 'middle', weight: 'bold' }));
  parts.push(axes(m.left, m.top, pw, ph, [], yTicks.map((t) => ({ at: sy(t), label: formatTick(t, yTicks) }))));
  if (opts.xLabel) parts.push(text(m.left + pw / 2, height - 16, opts.xLabel, { size: 14, anchor: 'middle' }));
  if (opts.yLabel) parts.push(text(0, 0, opts.yLabel, { size: 14, anchor: 'middle', transform: `translate(20 ${m.top + ph / 2}) rotate(-90)` }));
  const base = sy(clamp(0, yLo, yHi));
  for (let i = 0; i < n; i++) {
    const v = opts.values[i];
    const cx = m.left + slot * (i + 0.5);
    const color = escapeXml(Array.isArray(opts.colors) ? (opts.colors[i] ?? PALETTE[0]) : (opts.colors ?? PALETTE[0]));
    if (Number.isFinite(v)) {
      const top = sy(v);
      parts.push(`<rect x="${fmt(cx - barW / 2)}" y="${fmt(Math.min(top, base))}" width="${fmt(barW)}" height="${fmt(Math.abs(base - top))}" fill="${color}"/>`);
      const labelY = v >= 0 ? Math.min(top, base) - 6 : Math.max(top, base) + 15;
      parts.push(text(cx, labelY, format(v), { size: 12, anchor: 'middle' }));
    }
    parts.push(text(cx, m.top + ph + 20, opts.labels[i], { size: 13, anchor: 'middle' }));
  }
  return svgToPng(svgDoc(width, height, parts.join('')));
}

// ---------------------------------------------------------------------------------------------
// SVG helpers

/** Escapes text for SVG element content and attribute values. */
export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

interface TextStyle {
  size: number;
  anchor?: 'start' | 'middle' | 'end';
  fill?: string;
  weight?: 'bold';
  transform?: string;
}

function text(x: number, y: number, content: string, s: TextStyle): string {
  const attrs = [
    `x="${fmt(x)}"`,
    `y="${fmt(y)}"`,
    `font-size="${s.size}"`,
    `fill="${escapeXml(s.fill ?? INK)}"`,
    s.anchor && s.anchor !== 'start' ? `text-anchor="${s.anchor}"` : '',
    s.weight ? `font-weight="${s.weight}"` : '',
    s.transform ? `transform="${s.transform}"` : '',
  ].filter(Boolean);
  return `<text ${attrs.join(' ')}>${escapeXml(content)}</text>`;
}

/** Plot frame, horizontal grid lines with y tick labels, and x tick labels. */
function axes(left: number, top: number, w: number, h: number, xTicks: { at: number; label: string }[], yTicks: { at: number; label: string }[]): string {
  const out: string[] = [];
  for (const t of yTicks) {
    out.push(`<line x1="${left}" y1="${fmt(t.at)}" x2="${left + w}" y2="${fmt(t.at)}" stroke="${GRID}"/>`);
    out.push(`<line x1="${left - 5}" y1="${fmt(t.at)}" x2="${left}" y2="${fmt(t.at)}" stroke="${MUTED}"/>`);
    out.push(text(left - 9, t.at + 4.5, t.label, { size: 12, anchor: 'end', fill: MUTED }));
  }
  for (const t of xTicks) {
    out.push(`<line x1="${fmt(t.at)}" y1="${top}" x2="${fmt(t.at)}" y2="${top + h}" stroke="${GRID}"/>`);
    out.push(`<line x1="${fmt(t.at)}" y1="${top + h}" x2="${fmt(t.at)}" y2="${top + h + 5}" stroke="${MUTED}"/>`);
    out.push(text(t.at, top + h + 20, t.label, { size: 12, anchor: 'middle', fill: MUTED }));
  }
  out.push(`<path d="M${left} ${top}V${top + h}H${left + w}" fill="none" stroke="${MUTED}" stroke-width="1.2"/>`);
  return out.join('');
}

function svgDoc(width: number, height: number, body: string, background = true): string {
  const bg = background ? `<rect width="100%" height="100%" fill="#ffffff"/>` : '';
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${FONT}">${bg}${body}</svg>`;
}

function svgToPng(svg: string): Promise<Buffer> {
  return sharp(Buffer.from(svg)).flatten({ background: '#ffffff' }).png().toBuffer();
}

/**
 * "Nice" tick values (1, 2, 2.5 or 5 × 10^k apart) covering [lo, hi]; the first and last
 * ticks enclose the range. `integer` forces a step ≥ 1 (epochs, counts).
 */
export function niceTicks(lo: number, hi: number, target: number, integer: boolean): number[] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [0, 1];
  if (hi < lo) [lo, hi] = [hi, lo];
  if (hi === lo) {
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    lo -= pad;
    hi += pad;
  }
  const raw = (hi - lo) / Math.max(1, target);
  const mag = 10 ** Math.floor(Math.log10(raw));
  let step = [1, 2, 2.5, 5, 10].map((f) => f * mag).find((s) => s >= raw) ?? 10 * mag;
  if (integer) step = Math.max(1, Math.round(step));
  const first = Math.floor(lo / step + 1e-9);
  const last = Math.ceil(hi / step - 1e-9);
  const ticks: number[] = [];
  for (let i = first; i <= last; i++) ticks.push(Number((i * step).toPrecision(12)));
  return ticks;
}

/** Tick label with just enough decimals to tell neighbouring ticks apart. */
function formatTick(v: number, ticks: number[]): string {
  const step = ticks.length > 1 ? Math.abs(ticks[1] - ticks[0]) : 1;
  const decimals = clamp(Math.ceil(-Math.log10(step) + 1e-9), 0, 6);
  const hasFraction = ticks.some((t) => Math.abs(t - Math.round(t * 10 ** decimals) / 10 ** decimals) > 1e-9);
  return v.toFixed(hasFraction ? decimals + 1 : decimals);
}

function formatPercent(f: number): string {
  return `${(100 * f).toFixed(1)}%`;
}

/** Rough width of a DejaVu Sans string: ~0.62 em per character. */
function textWidth(chars: number, size: number): number {
  return chars * size * 0.62;
}

/** Linear blend of two #rrggbb colours. */
function mix(a: string, b: string, t: number): string {
  const pa = parseInt(a.slice(1), 16);
  const pb = parseInt(b.slice(1), 16);
  let out = '#';
  for (const shift of [16, 8, 0]) {
    const ca = (pa >> shift) & 255;
    const cb = (pb >> shift) & 255;
    out += Math.round(ca + (cb - ca) * clamp(t, 0, 1))
      .toString(16)
      .padStart(2, '0');
  }
  return out;
}

function fmt(v: number): string {
  return String(Math.round(v * 100) / 100);
}

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}
