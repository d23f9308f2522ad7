/**
 * Handwriting typefaces (the installed @fontsource faces) as outlines, and their partition between
 * training, dev and test pictures: no typeface a model trains on is ever measured on.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import opentype from 'opentype.js';
import type { Poly } from './geometry.ts';
import type { SynthSplit } from './types.ts';

/** The one place the typefaces are split: 10 train, 3 dev, 4 test. */
export const FONT_PARTITION: Record<SynthSplit, readonly string[]> = {
  train: [
    'architects-daughter', 'covered-by-your-grace', 'gochi-hand', 'handlee', 'indie-flower',
    'nanum-pen-script', 'patrick-hand', 'permanent-marker', 'rock-salt', 'shadows-into-light',
  ],
  dev: ['schoolbell', 'sue-ellen-francisco', 'homemade-apple'],
  test: ['caveat', 'kalam', 'gloria-hallelujah', 'reenie-beanie'],
};

const fonts = new Map<string, opentype.Font>();

export function loadFont(name: string): opentype.Font {
  let f = fonts.get(name);
  if (f === undefined) {
    const pkg = createRequire(import.meta.url).resolve(`@fontsource/${name}/package.json`);
    const buf = readFileSync(join(dirname(pkg), 'files', `${name}-latin-400-normal.woff`));
    f = opentype.parse(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer);
    fonts.set(name, f);
  }
  return f;
}

/** A character's outline rings in em units (y down, baseline at 0), with its advance width. */
export interface GlyphOutline {
  rings: Poly[];
  advance: number;
}

const outlines = new Map<string, GlyphOutline>();

export function glyphOutline(fontName: string, ch: string): GlyphOutline {
  const key = `${fontName}\0${ch}`;
  let o = outlines.get(key);
  if (o === undefined) {
    const font = loadFont(fontName);
    const glyph = font.charToGlyph(ch);
    const path = glyph.getPath(0, 0, 1);
    o = { rings: flattenCommands(path.commands), advance: (glyph.advanceWidth ?? font.unitsPerEm) / font.unitsPerEm };
    outlines.set(key, o);
  }
  return o;
}

/** Path commands (M/L/Q/C/Z) to polygon rings, curves sampled by their size. */
function flattenCommands(cmds: opentype.PathCommand[]): Poly[] {
  const rings: Poly[] = [];
  let ring: Poly = [];
  let cx = 0;
  let cy = 0;
  const close = (): void => {
    if (ring.length >= 6) rings.push(ring);
    ring = [];
  };
  for (const c of cmds) {
    switch (c.type) {
      case 'M':
        close();
        ring.push(c.x, c.y);
        [cx, cy] = [c.x, c.y];
        break;
      case 'L':
        ring.push(c.x, c.y);
        [cx, cy] = [c.x, c.y];
        break;
      case 'Q': {
        const n = Math.max(3, Math.ceil(Math.hypot(c.x - cx, c.y - cy) * 40));
        for (let i = 1; i <= n; i++) {
          const t = i / n;
          const u = 1 - t;
          ring.push(u * u * cx + 2 * u * t * c.x1 + t * t * c.x, u * u * cy + 2 * u * t * c.y1 + t * t * c.y);
        }
        [cx, cy] = [c.x, c.y];
        break;
      }
      case 'C': {
        const n = Math.max(4, Math.ceil(Math.hypot(c.x - cx, c.y - cy) * 50));
        for (let i = 1; i <= n; i++) {
          const t = i / n;
          const u = 1 - t;
          ring.push(
            u * u * u * cx + 3 * u * u * t * c.x1 + 3 * u * t * t * c.x2 + t * t * t * c.x,
            u * u * u * cy + 3 * u * u * t * c.y1 + 3 * u * t * t * c.y2 + t * t * t * c.y,
          );
        }
        [cx, cy] = [c.x, c.y];
        break;
      }
      case 'Z':
        close();
        break;
    }
  }
  close();
  return rings;
}
