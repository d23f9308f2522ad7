/**
 * Phone photos of paper: the ink (geometry) is rasterised once as a mask in the paper's frame, then
 * one pass over the output pixels maps each back through the camera's homography (rotation and
 * perspective) and composes paper, ruled/grid lines, ink, desk, light, shadows, colour cast and
 * sensor noise. Marks are the digits' ink boxes mapped through the same homography.
 */
import sharp from 'sharp';
import {
  applyHomography,
  homographyFrom,
  inkBox,
  inkSvg,
  invertHomography,
  mapInk,
  mulHomography,
  type Box,
  type Homography,
  type InkItem,
} from './geometry.ts';
import { chance, logUniform, pick, valueNoise, weighted, type Rng } from './random.ts';
import type { Raster } from './encode.ts';
import type { Laid } from './writer.ts';
import type { SynthHazard } from './types.ts';

export type PenKind = 'ballpoint-black' | 'ballpoint-blue' | 'pencil' | 'marker';

export interface Pen {
  kind: PenKind;
  /** width as a fraction of the digit height */
  width: number;
  rgb: [number, number, number];
  /** opacity of a full stroke */
  alpha: number;
  /** pencil grain amount 0..1 */
  grain: number;
}

export function choosePen(rng: Rng): Pen {
  const kind = weighted(rng, { 'ballpoint-black': 34, 'ballpoint-blue': 26, pencil: 20, marker: 20 } as Record<PenKind, number>);
  const j = (v: number): number => v + rng.uniform(-12, 12);
  switch (kind) {
    case 'ballpoint-black':
      return { kind, width: rng.uniform(0.04, 0.1), rgb: [j(28), j(28), j(34)], alpha: rng.uniform(0.82, 1), grain: 0 };
    case 'ballpoint-blue':
      return { kind, width: rng.uniform(0.04, 0.1), rgb: [j(25), j(45), j(150)], alpha: rng.uniform(0.8, 1), grain: 0 };
    case 'pencil':
      return { kind, width: rng.uniform(0.04, 0.11), rgb: [j(75), j(75), j(80)], alpha: rng.uniform(0.5, 0.85), grain: rng.uniform(0.35, 0.7) };
    case 'marker': {
      const rgb = pick(rng, [[20, 20, 24], [20, 20, 24], [15, 40, 160], [180, 25, 30], [20, 110, 50]] as [number, number, number][]);
      return { kind, width: rng.uniform(0.12, 0.22), rgb, alpha: 1, grain: 0 };
    }
  }
}

export interface PhotoResult {
  raster: Raster;
  /** one box per mark index present in the content, in output pixels */
  marks: Box[];
  hazards: SynthHazard[];
}

const DESKS: [number, number, number, boolean][] = [
  [140, 94, 58, true], [95, 62, 38, true], [160, 122, 84, true], [60, 40, 28, true],
  [85, 85, 90, false], [38, 38, 42, false], [55, 65, 82, false], [118, 116, 110, false],
];

interface Side {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/**
 * A photo of `content` (null: a blank page) written with `pen`. `maxMarks` is the number of marks
 * (digits) in the content, whose height is 10-50 % of the short side; `maxSide` caps the long side.
 */
export async function renderPhoto(rng: Rng, content: Laid | null, pen: Pen, maxMarks: number, maxSide = Infinity): Promise<PhotoResult> {
  const sizeFrac = [0.1, 0.5];
  const hazards: SynthHazard[] = [];
  // --- the camera frame
  const long = Math.min(maxSide, Math.round(logUniform(rng, 400, 4000)));
  const aspect = pick(rng, [4 / 3, 4 / 3, 3 / 2, 16 / 9, 1, 19.5 / 9]);
  const portrait = chance(rng, 0.6);
  const W = portrait ? Math.round(long / aspect) : long;
  const H = portrait ? long : Math.round(long / aspect);
  const short = Math.min(W, H);
  if (long >= 2500) hazards.push('large');

  const angle = (chance(rng, 0.5) ? rng.normal() * 1.2 : rng.uniform(-15, 15)) * (Math.PI / 180);
  const persp = chance(rng, 0.5) ? rng.uniform(0, 0.025) : rng.uniform(0.03, 0.15);
  const corners = [0, 0, W, 0, W, H, 0, H];
  const moved = corners.map((v, i) => v + rng.uniform(-1, 1) * persp * (i % 2 === 0 ? W : H));
  let maxMove = 0;
  for (let i = 0; i < 8; i++) maxMove = Math.max(maxMove, Math.abs(moved[i] - corners[i]) / (i % 2 === 0 ? W : H));
  const P = homographyFrom(corners, moved);
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  const R: Homography = [c, -s, W / 2 - c * W / 2 + s * H / 2, s, c, H / 2 - s * W / 2 - c * H / 2, 0, 0, 1];
  const Hm = mulHomography(R, P); // paper frame -> output
  const Hinv = invertHomography(Hm);
  const toOut = applyHomography(Hm);
  const toPaper = applyHomography(Hinv);
  if (maxMove >= 0.03) hazards.push('perspective');
  if (Math.abs(angle) >= (3 * Math.PI) / 180) hazards.push('rotation');

  // --- the content, placed in the paper frame so that it lands inside the output
  const blurSigma = chance(rng, 0.25) ? rng.uniform(1.2, 1.2 + short / 600) : rng.uniform(0.3, 0.8);
  if (blurSigma >= 1.2) hazards.push('blur');
  let ink: InkItem[] = [];
  let marks: Box[] = [];
  let paperBox: Box | null = null;
  if (content !== null) {
    let frac = rng.uniform(sizeFrac[0], sizeFrac[1]);
    for (let attempt = 0; attempt < 40; attempt++) {
      const hOut = Math.min(frac * short, (0.9 * W * content.height) / content.width);
      const wOut = (hOut * content.width) / content.height;
      const cx = rng.uniform(Math.min(W / 2, wOut / 2 + 0.03 * W), Math.max(W / 2, W - wOut / 2 - 0.03 * W));
      const cy = rng.uniform(Math.min(H / 2, hOut / 2 + 0.03 * H), Math.max(H / 2, H - hOut / 2 - 0.03 * H));
      const [pu, pv] = toPaper(cx, cy);
      const [ax, ay] = toOut(pu + 1, pv);
      const [bx, by] = toOut(pu, pv + 1);
      const local = Math.sqrt(Math.abs((ax - cx) * (by - cy) - (ay - cy) * (bx - cx)));
      const k = hOut / content.height / local;
      const placed = mapInk(content.items, (x, y) => [pu + (x - content.width / 2) * k, pv + (y - content.height / 2) * k], k);
      const boxes: Box[] = [];
      for (let m = 0; m < maxMarks; m++) {
        const b = inkBox(placed, m, toOut, 1);
        if (b !== null) boxes.push(b);
      }
      const all = inkBox(placed, undefined, toOut, 1)!;
      const margin = 2 + 2 * blurSigma;
      if (all.x0 >= margin && all.y0 >= margin && all.x1 <= W - margin && all.y1 <= H - margin) {
        ink = placed;
        marks = boxes;
        paperBox = inkBox(placed)!;
        break;
      }
      frac *= 0.93;
    }
    if (paperBox === null) throw new Error('photo: content does not fit the frame');
  }

  // --- paper and desk
  const yellow = chance(rng, 0.18);
  const paper: [number, number, number] = yellow
    ? [rng.uniform(238, 252), rng.uniform(232, 246), rng.uniform(195, 222)]
    : [rng.uniform(232, 252), rng.uniform(232, 252), rng.uniform(230, 252)];
  const edges: Side = { left: -1e9, right: 1e9, top: -1e9, bottom: 1e9 };
  const wantDesk = chance(rng, 0.4);
  if (wantDesk) {
    const q = [toPaper(0, 0), toPaper(W, 0), toPaper(W, H), toPaper(0, H)];
    const us = q.map((p) => p[0]);
    const vs = q.map((p) => p[1]);
    const inner = paperBox ?? { x0: W * 0.35, y0: H * 0.35, x1: W * 0.65, y1: H * 0.65 };
    const m = 0.04 * short;
    const sides = (['left', 'right', 'top', 'bottom'] as const).slice();
    rng.shuffle(sides);
    const n = chance(rng, 0.7) ? 1 : 2;
    let done = 0;
    for (const side of sides) {
      if (done >= n) break;
      let lo: number;
      let hi: number;
      if (side === 'left') [lo, hi] = [Math.min(us[0], us[3]) + m, inner.x0 - m];
      else if (side === 'right') [lo, hi] = [inner.x1 + m, Math.max(us[1], us[2]) - m];
      else if (side === 'top') [lo, hi] = [Math.min(vs[0], vs[1]) + m, inner.y0 - m];
      else [lo, hi] = [inner.y1 + m, Math.max(vs[2], vs[3]) - m];
      if (hi - lo < m) continue;
      // mostly a thin strip of desk, sometimes a large part of the picture
      const t = chance(rng, 0.6) ? rng.uniform(0, 0.35) : rng.uniform(0, 1);
      edges[side] = side === 'left' || side === 'top' ? lo + t * (hi - lo) : hi - t * (hi - lo);
      done++;
    }
  }
  const desk = pick(rng, DESKS);
  const deskRgb = desk.slice(0, 3).map((v) => (v as number) * rng.uniform(0.8, 1.02)) as number[];
  const deskWood = desk[3];
  const deskAngle = rng.uniform(0, Math.PI);
  const deskSeed = rng.nextU32();

  const lines = weighted(rng, { none: 50, ruled: 30, grid: 20 });
  const lineSp = (short * (lines === 'grid' ? rng.uniform(0.025, 0.06) : rng.uniform(0.035, 0.09)));
  const lineW = Math.max(1, lineSp * rng.uniform(0.03, 0.07));
  const lineRgb = chance(rng, 0.7) ? [rng.uniform(120, 170), rng.uniform(160, 200), rng.uniform(215, 240)] : [165, 165, 170];
  const lineA = rng.uniform(0.45, 0.85);
  const lineOff = rng.uniform(0, lineSp);
  const lineOffX = rng.uniform(0, lineSp);
  const marginLine = lines === 'ruled' && chance(rng, 0.5) ? rng.uniform(0.06, 0.2) * W : -1e9;
  if (lines !== 'none') hazards.push(lines);

  // --- light
  const exposure = rng.uniform(0.92, 1.14);
  const uneven = chance(rng, 0.5) ? rng.uniform(0.15, 0.4) : rng.uniform(0, 0.08);
  const ga = rng.uniform(0, 2 * Math.PI);
  const gdx = Math.cos(ga) / Math.hypot(W, H);
  const gdy = Math.sin(ga) / Math.hypot(W, H);
  const g0 = -(Math.min(0, Math.cos(ga) * W) + Math.min(0, Math.sin(ga) * H)) / Math.hypot(W, H);
  if (uneven >= 0.15) hazards.push('uneven-light');
  const vig = chance(rng, 0.35) ? rng.uniform(0.12, 0.32) : rng.uniform(0, 0.05);
  if (vig >= 0.12) hazards.push('vignette');
  const shadowKind = weighted(rng, { none: 60, soft: 25, hard: 15 });
  const sa = rng.uniform(0, 2 * Math.PI);
  const snx = Math.cos(sa);
  const sny = Math.sin(sa);
  const sc = snx * (W * rng.uniform(0.2, 0.8)) + sny * (H * rng.uniform(0.2, 0.8));
  const sCurve = rng.uniform(-0.15, 0.15) / short;
  const sWidth = shadowKind === 'soft' ? rng.uniform(0.1, 0.35) * short : rng.uniform(1, 3);
  const sDark = shadowKind === 'none' ? 0 : rng.uniform(0.2, 0.45);
  if (shadowKind !== 'none') hazards.push(shadowKind === 'soft' ? 'shadow-soft' : 'shadow-hard');
  const cast = chance(rng, 0.3);
  const gains = cast
    ? (() => {
        const warm = chance(rng, 0.5);
        const a = rng.uniform(0.06, 0.14);
        return warm ? [1 + a / 2, 1, 1 - a] : [1 - a, 1 - a / 3, 1 + a / 2];
      })()
    : [1 + rng.uniform(-0.02, 0.02), 1, 1 + rng.uniform(-0.02, 0.02)];
  if (cast) hazards.push('color-cast');
  const noiseK = chance(rng, 0.45) ? rng.uniform(0.6, 1.4) : rng.uniform(0.1, 0.45);
  if (noiseK >= 0.6) hazards.push('noise');

  // --- the ink mask in the paper frame
  let mask: Uint8Array | null = null;
  let mx0 = 0;
  let my0 = 0;
  let mw = 0;
  let mh = 0;
  if (paperBox !== null) {
    const pad = Math.ceil(4 + 3 * blurSigma);
    mx0 = Math.floor(paperBox.x0) - pad;
    my0 = Math.floor(paperBox.y0) - pad;
    mw = Math.ceil(paperBox.x1) + pad - mx0;
    mh = Math.ceil(paperBox.y1) + pad - my0;
    const shifted = mapInk(ink, (x, y) => [x - mx0, y - my0], 1);
    const alphas = shifted.map(() => (pen.kind === 'marker' ? 1 : rng.uniform(0.78, 1)));
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${mw}" height="${mh}"><rect width="100%" height="100%" fill="#000"/>${inkSvg(shifted, '#fff', (i) => alphas[i])}</svg>`;
    let img = sharp(Buffer.from(svg));
    if (blurSigma >= 0.3) img = img.blur(blurSigma);
    mask = new Uint8Array(await img.extractChannel(0).raw().toBuffer());
  }

  // --- the pass over output pixels
  const out = Buffer.alloc(W * H * 3);
  let st = rng.nextU32() | 1;
  const [h0, h1, h2, h3, h4, h5, h6, h7, h8] = Hinv;
  const inkR = pen.rgb[0];
  const inkG = pen.rgb[1];
  const inkB = pen.rgb[2];
  const inkA = pen.alpha;
  const grain = pen.grain;
  const edgeSoft = Math.max(0.7, blurSigma * 1.2);
  const lineAA = Math.max(0.8, blurSigma);
  const cxo = W / 2;
  const cyo = H / 2;
  const vr = 1 / (cxo * cxo + cyo * cyo);
  const dcos = Math.cos(deskAngle);
  const dsin = Math.sin(deskAngle);
  const blobX = rng.uniform(0, W);
  const blobY = rng.uniform(0, H);
  const blobR2 = 1 / (short * short * rng.uniform(0.1, 0.5));
  const blobA = uneven * rng.uniform(0, 0.5);
  const sigN = noiseK * 2.2;
  let deskPixels = 0;
  let o = 0;
  for (let y = 0; y < H; y++) {
    const yc = y + 0.5;
    for (let x = 0; x < W; x++) {
      const xc = x + 0.5;
      const wq = h6 * xc + h7 * yc + h8;
      const u = (h0 * xc + h1 * yc + h2) / wq;
      const v = (h3 * xc + h4 * yc + h5) / wq;
      // paper membership, soft at the edge
      const dEdge = Math.min(u - edges.left, edges.right - u, v - edges.top, edges.bottom - v);
      const onPaper = dEdge >= edgeSoft ? 1 : dEdge <= -edgeSoft ? 0 : (dEdge + edgeSoft) / (2 * edgeSoft);
      let r = paper[0];
      let g = paper[1];
      let b = paper[2];
      if (lines !== 'none') {
        let t = (v - lineOff) / lineSp;
        let d = Math.abs(t - Math.round(t)) * lineSp;
        let cov = Math.min(1, Math.max(0, (lineW / 2 + lineAA / 2 - d) / lineAA));
        if (lines === 'grid') {
          t = (u - lineOffX) / lineSp;
          d = Math.abs(t - Math.round(t)) * lineSp;
          cov = Math.max(cov, Math.min(1, Math.max(0, (lineW / 2 + lineAA / 2 - d) / lineAA)));
        }
        const dm = Math.abs(u - marginLine);
        if (dm < lineW + lineAA) {
          const cm = Math.min(1, Math.max(0, (lineW / 2 + lineAA / 2 - dm) / lineAA)) * lineA;
          r += (225 - r) * cm;
          g += (120 - g) * cm;
          b += (130 - b) * cm;
        }
        if (cov > 0) {
          const a = cov * lineA;
          r += (lineRgb[0] - r) * a;
          g += (lineRgb[1] - g) * a;
          b += (lineRgb[2] - b) * a;
        }
      }
      if (mask !== null) {
        const mu = u - mx0 - 0.5;
        const mv = v - my0 - 0.5;
        if (mu >= 0 && mv >= 0 && mu < mw - 1 && mv < mh - 1) {
          const iu = mu | 0;
          const iv = mv | 0;
          const fu = mu - iu;
          const fv = mv - iv;
          const k = iv * mw + iu;
          const m = (mask[k] * (1 - fu) + mask[k + 1] * fu) * (1 - fv) + (mask[k + mw] * (1 - fu) + mask[k + mw + 1] * fu) * fv;
          if (m > 0) {
            let a = (m / 255) * inkA;
            if (grain > 0) {
              st ^= st << 13;
              st ^= st >>> 17;
              st ^= st << 5;
              const g1 = (st >>> 16) / 65536;
              a *= 1 - grain * g1 * g1 * 1.6;
            }
            if (a > 0) {
              r += (inkR - r) * a;
              g += (inkG - g) * a;
              b += (inkB - b) * a;
            }
          }
        }
      }
      if (onPaper < 1) {
        deskPixels++;
        let f = 1;
        if (deskWood) {
          const along = u * dcos + v * dsin;
          const across = -u * dsin + v * dcos;
          f = 1 + 0.12 * Math.sin(across * 0.09 + 4 * valueNoise(along / 300, across / 40, deskSeed));
        }
        const dr = deskRgb[0] * f;
        const dg = deskRgb[1] * f;
        const db = deskRgb[2] * f;
        r = dr + (r - dr) * onPaper;
        g = dg + (g - dg) * onPaper;
        b = db + (b - db) * onPaper;
      }
      // light (output frame)
      let L = exposure * (1 - uneven * Math.min(1, Math.max(0, (xc * gdx + yc * gdy + g0) * 1.4)));
      const bx = xc - blobX;
      const by = yc - blobY;
      L *= 1 + blobA / (1 + (bx * bx + by * by) * blobR2);
      if (vig > 0) {
        const vx = xc - cxo;
        const vy = yc - cyo;
        L *= 1 - vig * (vx * vx + vy * vy) * vr;
      }
      if (sDark > 0) {
        const tang = -sny * (xc - cxo) + snx * (yc - cyo);
        const sd = snx * xc + sny * yc - sc + sCurve * tang * tang;
        const t = Math.min(1, Math.max(0, sd / sWidth + 0.5));
        L *= 1 - sDark * t * t * (3 - 2 * t);
      }
      r *= L * gains[0];
      g *= L * gains[1];
      b *= L * gains[2];
      // signal-dependent noise (shot + read), mostly luminance
      const lum = (r + g + b) / 3;
      const sd = sigN * (0.6 + Math.sqrt(Math.max(0, lum)) * 0.25);
      st ^= st << 13;
      st ^= st >>> 17;
      st ^= st << 5;
      // two 11-bit uniforms -> triangular luminance noise; the low bits give a little chroma noise
      const n = (((st >>> 21) + ((st >>> 10) & 2047)) / 2048 - 1) * 2.4 * sd;
      const cn = sd * 0.35 / 512;
      out[o] = clamp255(r + n + ((st & 511) - 256) * cn);
      out[o + 1] = clamp255(g + n + (((st >>> 5) & 511) - 256) * cn);
      out[o + 2] = clamp255(b + n + (((st >>> 1) & 511) - 256) * cn);
      o += 3;
    }
  }
  if (deskPixels >= 0.005 * W * H) hazards.push('desk-edge');
  return { raster: { data: out, width: W, height: H, channels: 3 }, marks, hazards };
}

function clamp255(v: number): number {
  return v <= 0 ? 0 : v >= 255 ? 255 : v | 0;
}
