/**
 * What people post that holds no digit: handwritten letters and words, doodles and scribbles,
 * shapes, stars/arrows/faces (as ink geometry, drawn on paper or in a drawing app), and pictures
 * that are not ink at all: photos of objects, textures, noise, gradients.
 */
import sharp from 'sharp';
import { inkBox, mapInk, spline, type InkItem, type Poly } from './geometry.ts';
import { chance, fastRandom, hex, logUniform, pick, valueNoise, weighted, type Rng } from './random.ts';
import type { Raster } from './encode.ts';
import { layoutText, type Laid } from './writer.ts';

export type InkSubject = 'letters' | 'word' | 'doodle' | 'scribble' | 'shape' | 'star' | 'arrow' | 'emoji';
export type RasterSubject = 'object-photo' | 'texture' | 'noise' | 'gradient';

/** Letters that cannot pass for digits (no O, l, I, S, Z, B, g, q, b, G, D, T, J, A, ...). */
const SAFE_LETTERS = 'CEFHKMNRUVWXYacefhkmnrtuvwxy';
/** Words, none of which reads as a number when handwritten (no 'lol', 'Hi!', 'ok'). */
const WORDS = ['hello', 'cat', 'yes', 'thanks', 'wow', 'Name', 'Math', 'draw', 'chat', 'never', 'heart', 'Max', 'Bye', 'huh?', 'mew', 'Anna', 'fun', 'yay', 'hmm', 'dear'];

export function chooseInkSubject(rng: Rng): InkSubject {
  return weighted(rng, { letters: 12, word: 16, doodle: 14, scribble: 10, shape: 16, star: 10, arrow: 10, emoji: 12 });
}

function circle(cx: number, cy: number, rx: number, ry: number, n = 48, a0 = 0, a1 = 2 * Math.PI): Poly {
  const p: Poly = [];
  for (let i = 0; i <= n; i++) {
    const a = a0 + ((a1 - a0) * i) / n;
    p.push(cx + rx * Math.cos(a), cy + ry * Math.sin(a));
  }
  return p;
}

function normaliseLaid(items: InkItem[]): Laid {
  const b = inkBox(items)!;
  return { items: mapInk(items, (x, y) => [x - b.x0, y - b.y0], 1), width: b.x1 - b.x0, height: b.y1 - b.y0 };
}

/** Ink for a non-digit subject, about `h` px tall, pen `pen` px wide. */
export function nonDigitInk(rng: Rng, subject: InkSubject, font: string, h: number, pen: number): Laid {
  const stroke = (pts: Poly): InkItem => ({ type: 'stroke', pts, width: pen, mark: -1 });
  const fill = (rings: Poly[]): InkItem => ({ type: 'fill', rings, outline: 0, mark: -1 });
  const items: InkItem[] = [];
  switch (subject) {
    case 'letters':
    case 'word': {
      const text =
        subject === 'word'
          ? pick(rng, WORDS)
          : Array.from({ length: 1 + rng.int(3) }, () => SAFE_LETTERS[rng.int(SAFE_LETTERS.length)]).join(chance(rng, 0.5) ? ' ' : '');
      const laid = layoutText(font, text, h, rng.uniform(-0.15, 0.3), chance(rng, 0.3) ? rng.uniform(0.01, 0.05) : 0);
      if (laid.items.length > 0) return laid;
      items.push(stroke(circle(h, h / 2, h, h / 3)));
      break;
    }
    case 'doodle': {
      // a few long wandering strokes over a wide area (a single short stroke could pass for a digit)
      const n = 2 + rng.int(3);
      const w = h * rng.uniform(1.3, 2.5);
      for (let s = 0; s < n; s++) {
        const ctrl: Poly = [];
        const m = 8 + rng.int(8);
        let x = rng.uniform(0, w);
        let y = rng.uniform(0, h);
        let a = rng.uniform(0, 2 * Math.PI);
        for (let i = 0; i < m; i++) {
          ctrl.push(x, y);
          a += rng.normal() * 1.2;
          x = Math.min(w, Math.max(0, x + Math.cos(a) * h * 0.3));
          y = Math.min(h, Math.max(0, y + Math.sin(a) * h * 0.3));
        }
        items.push(stroke(spline(ctrl, 10)));
      }
      break;
    }
    case 'scribble': {
      const ctrl: Poly = [];
      const m = 12 + rng.int(25);
      const w = h * rng.uniform(1, 2.5);
      for (let i = 0; i < m; i++) ctrl.push((i / m) * w + rng.normal() * h * 0.08, (i % 2) * h + rng.normal() * h * 0.15);
      items.push(stroke(spline(ctrl, 6)));
      break;
    }
    case 'shape': {
      const filled = chance(rng, 0.45);
      const form = pick(rng, ['rect', 'triangle', 'hexagon', 'ellipse', 'heart', 'disc'] as const);
      let ring: Poly;
      const w = h * rng.uniform(0.8, 1.8);
      if (form === 'rect') ring = [0, 0, w, 0, w, h, 0, h, 0, 0];
      else if (form === 'triangle') ring = [w / 2, 0, w, h, 0, h, w / 2, 0];
      else if (form === 'hexagon') ring = circle(h / 2, h / 2, h / 2, h / 2, 6);
      else if (form === 'ellipse') ring = circle(h, h / 2, h * rng.uniform(0.9, 1.4), h / 2);
      else if (form === 'disc') ring = circle(h / 2, h / 2, h / 2, h / 2);
      else {
        ring = [];
        for (let i = 0; i <= 64; i++) {
          const t = (i / 64) * 2 * Math.PI;
          ring.push(h / 2 + (h / 2) * Math.sin(t) ** 3, h * 0.45 - (h / 2.4) * (0.8125 * Math.cos(t) - 0.3125 * Math.cos(2 * t) - 0.125 * Math.cos(3 * t) - 0.0625 * Math.cos(4 * t)));
        }
      }
      items.push(filled || form === 'disc' ? fill([ring]) : stroke(ring));
      if (!filled && chance(rng, 0.4)) items.push(stroke(circle(w / 2, h / 2, h * 0.15, h * 0.15, 24)));
      break;
    }
    case 'star': {
      const n = 5 + rng.int(3);
      const ring: Poly = [];
      for (let i = 0; i <= 2 * n; i++) {
        const r = i % 2 === 0 ? h / 2 : (h / 2) * rng.uniform(0.35, 0.5);
        const a = -Math.PI / 2 + (i * Math.PI) / n;
        ring.push(h / 2 + r * Math.cos(a), h / 2 + r * Math.sin(a));
      }
      items.push(chance(rng, 0.5) ? fill([ring]) : stroke(ring));
      break;
    }
    case 'arrow': {
      const len = h * rng.uniform(1.5, 3);
      const bend = rng.normal() * h * 0.3;
      const shaft = spline([0, h / 2, len / 2, h / 2 + bend, len, h / 2], 12);
      items.push(stroke(shaft));
      items.push(stroke([len - h * 0.35, h * 0.15, len, h / 2, len - h * 0.35, h * 0.85]));
      if (chance(rng, 0.3)) items.push(stroke([len * 0.2, h * 0.1, len * 0.2, h * 0.9]));
      break;
    }
    case 'emoji': {
      items.push(stroke(circle(h / 2, h / 2, h / 2, h / 2)));
      items.push(fill([circle(h * 0.34, h * 0.38, h * 0.06, h * 0.08, 16)]));
      items.push(fill([circle(h * 0.66, h * 0.38, h * 0.06, h * 0.08, 16)]));
      const sad = chance(rng, 0.25);
      items.push(stroke(sad ? circle(h / 2, h * 0.85, h * 0.22, h * 0.12, 16, Math.PI * 1.15, Math.PI * 1.85) : circle(h / 2, h * 0.55, h * 0.25, h * 0.18, 16, Math.PI * 0.15, Math.PI * 0.85)));
      break;
    }
  }
  return normaliseLaid(items);
}

/** A picture that is no ink at all. */
export async function nonDigitRaster(rng: Rng, subject: RasterSubject, maxSide = Infinity): Promise<Raster> {
  const long = Math.min(maxSide, Math.round(logUniform(rng, 300, 2000)));
  const aspect = pick(rng, [1, 4 / 3, 3 / 2, 16 / 9]);
  const portrait = chance(rng, 0.5);
  const W = portrait ? Math.round(long / aspect) : long;
  const H = portrait ? long : Math.round(long / aspect);
  switch (subject) {
    case 'object-photo':
      return objectPhoto(rng, W, H);
    case 'texture':
      return texture(rng, W, H);
    case 'noise': {
      const rnd = fastRandom(rng.nextU32());
      const data = Buffer.alloc(W * H * 3);
      const grey = chance(rng, 0.5);
      const base = rng.uniform(40, 200);
      const amp = rng.uniform(20, 127);
      for (let i = 0; i < data.length; i += 3) {
        const v = base + (rnd() - 0.5) * 2 * amp;
        data[i] = v;
        data[i + 1] = grey ? v : base + (rnd() - 0.5) * 2 * amp;
        data[i + 2] = grey ? v : base + (rnd() - 0.5) * 2 * amp;
      }
      return { data, width: W, height: H, channels: 3 };
    }
    case 'gradient': {
      const a = [rng.uniform(0, 255), rng.uniform(0, 255), rng.uniform(0, 255)];
      const b = [rng.uniform(0, 255), rng.uniform(0, 255), rng.uniform(0, 255)];
      const radial = chance(rng, 0.4);
      const ang = rng.uniform(0, 2 * Math.PI);
      const data = Buffer.alloc(W * H * 3);
      const cx = rng.uniform(0, W);
      const cy = rng.uniform(0, H);
      const diag = Math.hypot(W, H);
      let o = 0;
      for (let y = 0; y < H; y++) {
        for (let x = 0; x < W; x++) {
          const t = radial ? Math.min(1, Math.hypot(x - cx, y - cy) / (diag * 0.6)) : Math.min(1, Math.max(0, ((x - W / 2) * Math.cos(ang) + (y - H / 2) * Math.sin(ang)) / diag + 0.5));
          data[o++] = a[0] + (b[0] - a[0]) * t;
          data[o++] = a[1] + (b[1] - a[1]) * t;
          data[o++] = a[2] + (b[2] - a[2]) * t;
        }
      }
      return { data, width: W, height: H, channels: 3 };
    }
  }
}

/** Wood, fabric or stone-like value-noise textures. */
function texture(rng: Rng, W: number, H: number): Raster {
  const seed = rng.nextU32();
  const kind = pick(rng, ['wood', 'fabric', 'stone'] as const);
  const base = [rng.uniform(60, 220), rng.uniform(50, 200), rng.uniform(40, 190)];
  const scale = Math.max(W, H) / rng.uniform(6, 30);
  const data = Buffer.alloc(W * H * 3);
  let o = 0;
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      let f: number;
      if (kind === 'wood') f = 0.8 + 0.2 * Math.sin(y / scale * 6 + 5 * valueNoise(x / (scale * 4), y / scale, seed));
      else if (kind === 'fabric') f = 0.85 + 0.08 * Math.sin(x * 0.9) * Math.sin(y * 0.9) + 0.1 * valueNoise(x / scale, y / scale, seed);
      else f = 0.65 + 0.25 * valueNoise(x / scale, y / scale, seed) + 0.12 * valueNoise(x / (scale / 4), y / (scale / 4), seed + 1);
      data[o++] = Math.min(255, base[0] * f);
      data[o++] = Math.min(255, base[1] * f);
      data[o++] = Math.min(255, base[2] * f);
    }
  }
  return { data, width: W, height: H, channels: 3 };
}

/** A procedural object (t-shirt, mug, face, bottle, ball) on a wall or table, shaded, as a photo. */
async function objectPhoto(rng: Rng, W: number, H: number): Promise<Raster> {
  const obj = pick(rng, ['shirt', 'mug', 'face', 'bottle', 'ball'] as const);
  const bg1 = hex(rng.uniform(80, 230), rng.uniform(80, 230), rng.uniform(80, 230));
  const bg2 = hex(rng.uniform(40, 180), rng.uniform(40, 180), rng.uniform(40, 180));
  const col = [rng.uniform(20, 240), rng.uniform(20, 240), rng.uniform(20, 240)];
  const c1 = hex(col[0], col[1], col[2]);
  const c2 = hex(col[0] * 0.55, col[1] * 0.55, col[2] * 0.55);
  const s = Math.min(W, H) * rng.uniform(0.4, 0.8);
  const cx = W / 2 + rng.uniform(-0.15, 0.15) * W;
  const cy = H / 2 + rng.uniform(-0.15, 0.15) * H;
  const tr = `translate(${(cx - s / 2).toFixed(1)} ${(cy - s / 2).toFixed(1)}) scale(${(s / 100).toFixed(3)}) rotate(${rng.uniform(-20, 20).toFixed(1)} 50 50)`;
  let shape: string;
  switch (obj) {
    case 'shirt':
      shape = `<path d="M30 8 L42 4 Q50 14 58 4 L70 8 L96 26 L84 42 L74 36 L74 96 L26 96 L26 36 L16 42 L4 26 Z" fill="url(#g)"/>`;
      break;
    case 'mug':
      shape = `<path d="M70 35 Q95 35 95 55 Q95 75 70 72" fill="none" stroke="${c2}" stroke-width="8"/><rect x="15" y="20" width="58" height="72" rx="6" fill="url(#g)"/><ellipse cx="44" cy="20" rx="29" ry="6" fill="${c2}"/>`;
      break;
    case 'face':
      shape = `<ellipse cx="50" cy="52" rx="34" ry="44" fill="#e0b090"/><path d="M16 40 Q50 -10 84 40 Q70 20 50 22 Q30 20 16 40Z" fill="${c2}"/><ellipse cx="37" cy="50" rx="5" ry="3" fill="#222"/><ellipse cx="63" cy="50" rx="5" ry="3" fill="#222"/><path d="M38 75 Q50 82 62 75" stroke="#a05050" stroke-width="3" fill="none"/>`;
      break;
    case 'bottle':
      shape = `<path d="M42 2 L58 2 L58 22 Q72 32 72 46 L72 96 L28 96 L28 46 Q28 32 42 22 Z" fill="url(#g)"/>`;
      break;
    case 'ball':
      shape = `<circle cx="50" cy="50" r="46" fill="url(#r)"/>`;
      break;
  }
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}"><defs><linearGradient id="bg" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${bg1}"/><stop offset="1" stop-color="${bg2}"/></linearGradient><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="${c1}"/><stop offset="1" stop-color="${c2}"/></linearGradient><radialGradient id="r" cx="0.35" cy="0.35" r="0.7"><stop offset="0" stop-color="${c1}"/><stop offset="1" stop-color="${c2}"/></radialGradient></defs><rect width="100%" height="100%" fill="url(#bg)"/><g transform="${tr}">${shape}</g></svg>`;
  const img = await sharp(Buffer.from(svg)).removeAlpha().blur(rng.uniform(0.4, 1.5)).raw().toBuffer();
  const rnd = fastRandom(rng.nextU32());
  const amp = rng.uniform(3, 14);
  for (let i = 0; i < img.length; i++) img[i] = Math.max(0, Math.min(255, img[i] + (rnd() + rnd() - 1) * amp));
  return { data: img, width: W, height: H, channels: 3 };
}
