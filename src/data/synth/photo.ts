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

export const PEN_KINDS = ['ballpoint-black', 'ballpoint-blue', 'pencil', 'marker'] as const;
export type PenKind = (typeof PEN_KINDS)[number];

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

/** A pen drawn at random, or of the kind asked for (the same random draws either way). */
export function choosePen(rng: Rng, only?: PenKind): Pen {
  const drawn = weighted(rng, { 'ballpoint-black': 34, 'ballpoint-blue': 26, pencil: 20, marker: 20 } as Record<PenKind, number>);
  const kind = only ?? drawn;
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
  const blurSigma = chance(rng, 0.25) ? rng.uniform(1.2, 1.2 + short / 900) : rng.uniform(0.3, 0.8);
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
  const white = rng.uniform(228, 252);
  const tint = (): number => white + rng.uniform(-3, 3);
  const paper: [number, number, number] = yellow
    ? [white + rng.uniform(0, 4), white - rng.uniform(3, 9), white - rng.uniform(18, 40)]
    : [tint(), tint(), tint() + rng.uniform(-2, 4)];
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
  const lineA = rng.uniform(0.55, 0.9);
  const lineOff = rng.uniform(0, lineSp);
  const lineOffX = rng.uniform(0, lineSp);
  const marginLine = lines === 'ruled' && chance(rng, 0.5) ? rng.uniform(0.06, 0.2) * W : -1e9;
  if (lines !== 'none') hazards.push(lines);

  // --- light
  const exposure = rng.uniform(0.8, 1.06);
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
  const sEllipse = chance(rng, 0.5);
  const shadow: Shadow = {
    nx: Math.cos(sa),
    ny: Math.sin(sa),
    c: Math.cos(sa) * (W * rng.uniform(0.2, 0.8)) + Math.sin(sa) * (H * rng.uniform(0.2, 0.8)),
    curve: rng.uniform(-0.15, 0.15) / short,
    width: shadowKind === 'soft' ? rng.uniform(0.1, 0.35) * short : rng.uniform(1, 3),
    dark: shadowKind === 'none' ? 0 : shadowKind === 'soft' ? rng.uniform(0.2, 0.45) : rng.uniform(0.15, 0.35),
    // an elliptic shadow (a hand, a phone) centred near an edge; rx 0 for a straight one
    ex: rng.uniform(-0.1, 1.1) * W,
    ey: chance(rng, 0.5) ? rng.uniform(-0.2, 0.1) * H : rng.uniform(0.9, 1.2) * H,
    rx: sEllipse && shadowKind === 'soft' ? rng.uniform(0.25, 0.7) * short : 0,
    ry: rng.uniform(0.25, 0.7) * short,
  };
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
    // all ink at full strength: overlapping pieces must not darken (the pen's opacity is applied per pixel)
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${mw}" height="${mh}"><rect width="100%" height="100%" fill="#000"/>${inkSvg(shifted, '#fff')}</svg>`;
    let img = sharp(Buffer.from(svg));
    if (blurSigma >= 0.3) img = img.blur(blurSigma);
    mask = new Uint8Array(await img.extractChannel(0).raw().toBuffer());
  }

  // --- the pass over output pixels
  const blobR2 = 1 / (short * short * rng.uniform(0.1, 0.5));
  const light = lightMap(W, H, {
    exposure, uneven, gdx, gdy, g0, vig,
    blobX: rng.uniform(0, W), blobY: rng.uniform(0, H), blobR2, blobA: uneven * rng.uniform(0, 0.5),
    mottle: rng.uniform(0, 0.03), mottleSeed: rng.nextU32(),
  });
  const { out, deskPixels } = compose({
    W, H, Hinv, paper, edges, edgeSoft: Math.max(0.7, blurSigma * 1.2),
    lines: lines === 'none' ? 0 : lines === 'ruled' ? 1 : 2, lineSp, lineW, lineAA: Math.max(0.8, blurSigma), lineRgb, lineA, lineOff, lineOffX, marginLine,
    mask, mx0, my0, mw, mh, ink: pen.rgb, inkA: pen.alpha, grain: pen.grain,
    inkVar: pen.kind === 'marker' ? 0.05 : rng.uniform(0.1, 0.35), inkScale: 1 / Math.max(4, (paperBox === null ? 100 : paperBox.y1 - paperBox.y0) / 6), inkSeed: rng.nextU32(),
    deskRgb, deskWood, deskCos: Math.cos(deskAngle), deskSin: Math.sin(deskAngle), deskSeed,
    paperShadow: rng.uniform(0, 0.45), paperShadowWidth: rng.uniform(0.003, 0.02) * short,
    light, shadow, gains, noiseSigma: noiseK * 2.2, noiseSeed: rng.nextU32() | 1,
  });
  if (deskPixels >= 0.005 * W * H) hazards.push('desk-edge');
  return { raster: { data: out, width: W, height: H, channels: 3 }, marks, hazards };
}

interface Shadow {
  nx: number;
  ny: number;
  c: number;
  curve: number;
  width: number;
  dark: number;
  ex: number;
  ey: number;
  rx: number;
  ry: number;
}

interface LightParams {
  exposure: number;
  uneven: number;
  gdx: number;
  gdy: number;
  g0: number;
  vig: number;
  blobX: number;
  blobY: number;
  blobR2: number;
  blobA: number;
  mottle: number;
  mottleSeed: number;
}

/** Smooth light (exposure, gradient, a bright blob, vignette, paper mottling) on a coarse grid. */
interface LightGrid {
  cell: number;
  gw: number;
  values: Float32Array;
}

function lightMap(W: number, H: number, p: LightParams): LightGrid {
  const cell = Math.max(4, Math.round(Math.min(W, H) / 40));
  const gw = Math.ceil(W / cell) + 2;
  const gh = Math.ceil(H / cell) + 2;
  const values = new Float32Array(gw * gh);
  const cx = W / 2;
  const cy = H / 2;
  const vr = 1 / (cx * cx + cy * cy);
  const ms = 1 / (Math.min(W, H) / 3);
  for (let j = 0; j < gh; j++) {
    for (let i = 0; i < gw; i++) {
      const x = i * cell;
      const y = j * cell;
      let L = p.exposure * (1 - p.uneven * Math.min(1, Math.max(0, (x * p.gdx + y * p.gdy + p.g0) * 1.4)));
      const bx = x - p.blobX;
      const by = y - p.blobY;
      L *= 1 + p.blobA / (1 + (bx * bx + by * by) * p.blobR2);
      L *= 1 - p.vig * ((x - cx) * (x - cx) + (y - cy) * (y - cy)) * vr;
      L *= 1 + p.mottle * (valueNoise(x * ms, y * ms, p.mottleSeed) - 0.5);
      values[j * gw + i] = L;
    }
  }
  return { cell, gw, values };
}

interface Scene {
  W: number;
  H: number;
  Hinv: Homography;
  paper: number[];
  edges: Side;
  edgeSoft: number;
  /** 0 none, 1 ruled, 2 grid */
  lines: number;
  lineSp: number;
  lineW: number;
  lineAA: number;
  lineRgb: number[];
  lineA: number;
  lineOff: number;
  lineOffX: number;
  marginLine: number;
  mask: Uint8Array | null;
  mx0: number;
  my0: number;
  mw: number;
  mh: number;
  ink: number[];
  inkA: number;
  grain: number;
  /** pressure variation along the strokes (0..1) and its scale */
  inkVar: number;
  inkScale: number;
  inkSeed: number;
  deskRgb: number[];
  deskWood: boolean;
  deskCos: number;
  deskSin: number;
  deskSeed: number;
  /** how dark the paper's shadow on the desk is at the edge (0..1), and how wide */
  paperShadow: number;
  paperShadowWidth: number;
  light: LightGrid;
  shadow: Shadow;
  gains: number[];
  noiseSigma: number;
  noiseSeed: number;
}

/** One pass over the output pixels (kept out of the async function so that V8 optimises the loop). */
function compose(sc: Scene): { out: Buffer; deskPixels: number } {
  const { W, H, mask, mx0, my0, mw, mh, lines, lineSp, lineW, lineAA, lineA, lineOff, lineOffX, marginLine, edgeSoft, grain, inkA, inkVar, inkScale, inkSeed } = sc;
  const [h0, h1, h2, h3, h4, h5, h6, h7, h8] = sc.Hinv;
  const [pr, pg, pb] = sc.paper;
  const [lr, lg, lb] = sc.lineRgb;
  const [ir, ig, ib] = sc.ink;
  const [dr0, dg0, db0] = sc.deskRgb;
  const [gr, gg, gb] = sc.gains;
  const { left: eL, right: eR, top: eT, bottom: eB } = sc.edges;
  const { cell, gw, values: lv } = sc.light;
  const { nx: snx, ny: sny, c: sc0, curve: sCurve, width: sWidth, dark: sDark, ex, ey, rx, ry } = sc.shadow;
  const cxo = W / 2;
  const cyo = H / 2;
  const irx = rx > 0 ? 1 / rx : 0;
  const iry = 1 / ry;
  const rmin = Math.min(rx, ry);
  const deskWood = sc.deskWood;
  const dcos = sc.deskCos;
  const dsin = sc.deskSin;
  const deskSeed = sc.deskSeed;
  const paperShadow = sc.paperShadow;
  const paperShadowK = 1 / sc.paperShadowWidth;
  const sigN = sc.noiseSigma;
  const hasDesk = eL > -1e8 || eR < 1e8 || eT > -1e8 || eB < 1e8;
  const out = Buffer.alloc(W * H * 3);
  let st = sc.noiseSeed | 0;
  let deskPixels = 0;
  let o = 0;
  const halfW = lineW / 2 + lineAA / 2;
  for (let y = 0; y < H; y++) {
    const yc = y + 0.5;
    const gy = yc / cell;
    const gj = gy | 0;
    const fy = gy - gj;
    for (let x = 0; x < W; x++) {
      const xc = x + 0.5;
      const wq = h6 * xc + h7 * yc + h8;
      const u = (h0 * xc + h1 * yc + h2) / wq;
      const v = (h3 * xc + h4 * yc + h5) / wq;
      let r = pr;
      let g = pg;
      let b = pb;
      if (lines !== 0) {
        let t = (v - lineOff) / lineSp;
        let d = Math.abs(t - Math.round(t)) * lineSp;
        let cov = (halfW - d) / lineAA;
        if (lines === 2) {
          t = (u - lineOffX) / lineSp;
          d = Math.abs(t - Math.round(t)) * lineSp;
          const c2 = (halfW - d) / lineAA;
          if (c2 > cov) cov = c2;
        }
        const cm = (halfW - Math.abs(u - marginLine)) / lineAA;
        if (cm > 0) {
          const a = (cm > 1 ? 1 : cm) * lineA;
          r += (225 - r) * a;
          g += (120 - g) * a;
          b += (130 - b) * a;
        }
        if (cov > 0) {
          const a = (cov > 1 ? 1 : cov) * lineA;
          r += (lr - r) * a;
          g += (lg - g) * a;
          b += (lb - b) * a;
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
            let a = (m / 255) * inkA * (1 - inkVar * valueNoise(u * inkScale, v * inkScale, inkSeed));
            if (grain > 0) {
              st ^= st << 13;
              st ^= st >>> 17;
              st ^= st << 5;
              const g1 = (st >>> 16) / 65536;
              a *= 1 - grain * g1 * g1 * 1.6;
            }
            r += (ir - r) * a;
            g += (ig - g) * a;
            b += (ib - b) * a;
          }
        }
      }
      if (hasDesk) {
        let dEdge = u - eL;
        if (eR - u < dEdge) dEdge = eR - u;
        if (v - eT < dEdge) dEdge = v - eT;
        if (eB - v < dEdge) dEdge = eB - v;
        if (dEdge < edgeSoft) {
          const onPaper = dEdge <= -edgeSoft ? 0 : (dEdge + edgeSoft) / (2 * edgeSoft);
          deskPixels++;
          // the paper's own shadow on the desk, along its edge
          let f = dEdge < 0 ? 1 - paperShadow * Math.exp(dEdge * paperShadowK) : 1 - paperShadow;
          if (deskWood) {
            const along = u * dcos + v * dsin;
            const across = -u * dsin + v * dcos;
            f *= 1 + 0.12 * Math.sin(across * 0.09 + 4 * valueNoise(along / 300, across / 40, deskSeed));
          }
          r = dr0 * f + (r - dr0 * f) * onPaper;
          g = dg0 * f + (g - dg0 * f) * onPaper;
          b = db0 * f + (b - db0 * f) * onPaper;
        }
      }
      // light: the coarse grid, bilinear
      const gx = xc / cell;
      const gi = gx | 0;
      const fx = gx - gi;
      const q = gj * gw + gi;
      let L = (lv[q] * (1 - fx) + lv[q + 1] * fx) * (1 - fy) + (lv[q + gw] * (1 - fx) + lv[q + gw + 1] * fx) * fy;
      if (sDark > 0) {
        let sd: number;
        if (rx > 0) {
          const dx = (xc - ex) * irx;
          const dy = (yc - ey) * iry;
          sd = (1 - Math.sqrt(dx * dx + dy * dy)) * rmin;
        } else {
          const tang = -sny * (xc - cxo) + snx * (yc - cyo);
          sd = snx * xc + sny * yc - sc0 + sCurve * tang * tang;
        }
        let t = sd / sWidth + 0.5;
        t = t < 0 ? 0 : t > 1 ? 1 : t;
        L *= 1 - sDark * t * t * (3 - 2 * t);
      }
      r *= L * gr;
      g *= L * gg;
      b *= L * gb;
      // signal-dependent noise (shot + read), mostly luminance
      const lum = (r + g + b) * 0.3333;
      const sdn = sigN * (0.6 + Math.sqrt(lum > 0 ? lum : 0) * 0.25);
      st ^= st << 13;
      st ^= st >>> 17;
      st ^= st << 5;
      // two 11-bit uniforms -> triangular luminance noise; the low bits give a little chroma noise
      const n = (((st >>> 21) + ((st >>> 10) & 2047)) / 2048 - 1) * 2.4 * sdn;
      const cn = (sdn * 0.35) / 512;
      const vr0 = r + n + ((st & 511) - 256) * cn;
      const vg0 = g + n + (((st >>> 5) & 511) - 256) * cn;
      const vb0 = b + n + (((st >>> 1) & 511) - 256) * cn;
      out[o] = vr0 <= 0 ? 0 : vr0 >= 255 ? 255 : vr0;
      out[o + 1] = vg0 <= 0 ? 0 : vg0 >= 255 ? 255 : vg0;
      out[o + 2] = vb0 <= 0 ? 0 : vb0 >= 255 ? 255 : vb0;
      o += 3;
    }
  }
  return { out, deskPixels };
}
