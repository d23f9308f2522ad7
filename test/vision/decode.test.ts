import { describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { checkHeader, decodeImage, opaqueRgbJs } from '../../src/vision/decode.ts';
import { loadMorphologyKernels, opaqueRgbSimd } from '../../src/vision/morphologyWasm.ts';
import { resolveOptions } from '../../src/vision/options.ts';
import { ImageRejectedError } from '../../src/vision/types.ts';
import {
  animatedGif,
  asFormat,
  cleanPng,
  decompressionBombPng,
  exifRotatedJpeg,
  exoticEncodings,
  mulberry32,
  onePixelPng,
  transparentPng,
  truncatedJpeg,
} from './fixtures.ts';

const opts = resolveOptions();

async function rejection(p: Promise<unknown>): Promise<ImageRejectedError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(ImageRejectedError);
    return err as ImageRejectedError;
  }
  throw new Error('expected a rejection');
}

/** Mean luminance of the top and bottom halves of an RGBA image. */
function halves(img: { width: number; height: number; data: Uint8Array }): { top: number; bottom: number } {
  let top = 0;
  let bottom = 0;
  const half = Math.floor(img.height / 2);
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < img.width; x++) {
      const v = img.data[(y * img.width + x) * 4];
      if (y < half) top += v;
      else bottom += v;
    }
  }
  return { top: top / (half * img.width), bottom: bottom / ((img.height - half) * img.width) };
}

describe('decodeImage', () => {
  it.each(['webp', 'gif', 'avif', 'tiff', 'jpeg'] as const)('reads %s', async (format) => {
    const bytes = await asFormat(await cleanPng('7'), format);
    const d = await decodeImage(bytes, opts);
    expect(d.image.width).toBe(320);
    expect(d.image.height).toBe(400);
    expect(d.image.data.length).toBe(320 * 400 * 4);
  });

  it('applies the EXIF orientation (stored sideways, shown upright)', async () => {
    const bytes = await exifRotatedJpeg('7');
    expect((await sharp(bytes).metadata()).orientation).toBe(6);
    const d = await decodeImage(bytes, opts);
    // Upright the picture is portrait (320×400); the stored pixels are landscape.
    expect([d.image.width, d.image.height]).toEqual([320, 400]);
    expect([d.originalWidth, d.originalHeight]).toEqual([320, 400]);
  });

  it('reads 16-bit, CMYK and palette pictures as 8-bit RGBA', async () => {
    const { png16, cmyk, palette } = await exoticEncodings('1');
    expect((await sharp(png16).metadata()).depth).toBe('ushort');
    expect((await sharp(cmyk).metadata()).space).toBe('cmyk');
    for (const bytes of [png16, cmyk, palette]) {
      const d = await decodeImage(bytes, opts);
      expect(d.image.data.length).toBe(d.image.width * d.image.height * 4);
      // Paper stays light, whatever the encoding (a CMYK file read as RGB would come out dark).
      expect(d.image.data[0]).toBeGreaterThan(200);
    }
  });

  it('takes the first frame of an animated GIF', async () => {
    const gif = await animatedGif('1', '7');
    expect((await sharp(gif).metadata()).pages).toBe(2);
    const d = await decodeImage(gif, opts);
    expect([d.image.width, d.image.height]).toEqual([320, 400]);
    // Frame 1 is a "1" (a thin stroke): its top half is nearly all paper, unlike a 7's bar.
    const first = halves(d.image);
    const seven = halves((await decodeImage(await cleanPng('7'), opts)).image);
    expect(first.top).toBeGreaterThan(seven.top);
  });

  it('an 8-bit RGBA PNG (decoded whole, shrunk as RGB when opaque) gives the bytes libvips makes of it directly', async () => {
    const rnd = mulberry32(5);
    const noise = (w: number, h: number, alpha: () => number): Promise<Buffer> =>
      sharp(Buffer.from(Uint8Array.from({ length: 4 * w * h }, (_, i) => (i % 4 === 3 ? alpha() : Math.floor(rnd() * 256)))), { raw: { width: w, height: h, channels: 4 } })
        .png()
        .toBuffer();
    const pictures = [
      await sharp(await cleanPng('2024', { scale: 2 })).resize(1000, 1000, { fit: 'contain', background: '#fff' }).png().toBuffer(), // opaque, with alpha
      await noise(1001, 777, () => 255), // opaque noise: every rounding of the shrink
      await noise(900, 850, () => (rnd() < 0.01 ? Math.floor(rnd() * 255) : 255)), // a few pixels not opaque
      await transparentPng('7'),
      await noise(500, 300, () => 255), // under the working size: not shrunk
    ];
    for (const bytes of pictures) {
      const meta = await sharp(bytes).metadata();
      expect([meta.channels, meta.depth]).toEqual([4, 'uchar']);
      const direct = await sharp(bytes)
        .rotate()
        .resize({ width: opts.workingSize, height: opts.workingSize, fit: 'inside', withoutEnlargement: true })
        .toColourspace('srgb')
        .ensureAlpha()
        .raw({ depth: 'uchar' })
        .toBuffer();
      const d = await decodeImage(bytes, opts);
      expect(Buffer.from(d.image.data).equals(direct)).toBe(true);
    }
  });

  it('opaqueRgb: the RGB bytes of opaque pixels, null when one pixel is not opaque (SIMD and TypeScript)', async () => {
    const rnd = mulberry32(9);
    for (const n of [1, 3, 4, 5, 17]) {
      const rgba = Uint8Array.from({ length: 4 * n }, (_, i) => (i % 4 === 3 ? 255 : Math.floor(rnd() * 256)));
      const want = Uint8Array.from({ length: 3 * n }, (_, i) => rgba[4 * Math.floor(i / 3) + (i % 3)]);
      expect(await loadMorphologyKernels()).toBe(true);
      const some = Uint8Array.from(rgba);
      some[4 * n - 1] = 254; // the last pixel, also when it ends a partial group of four
      for (const opaqueRgb of [opaqueRgbJs, (x: Uint8Array, m: number) => opaqueRgbSimd(x, m)!.rgb]) {
        expect(Array.from(opaqueRgb(rgba, n) ?? [])).toEqual(Array.from(want));
        expect(opaqueRgb(some, n)).toBeNull();
      }
    }
  });

  it('shrinks big pictures to the working size', async () => {
    const big = await sharp({ create: { width: 4000, height: 3000, channels: 3, background: '#fff' } }).jpeg().toBuffer();
    const d = await decodeImage(big, opts);
    expect(Math.max(d.image.width, d.image.height)).toBe(opts.workingSize);
    expect(d.originalWidth).toBe(4000);
  });
});

describe('refusals', () => {
  it('empty file', async () => {
    expect((await rejection(decodeImage(Buffer.alloc(0), opts))).code).toBe('empty');
  });

  it('too many bytes, before parsing', async () => {
    const e = await rejection(decodeImage(await cleanPng('1'), { ...opts, maxBytes: 100 }));
    expect(e.code).toBe('too-large');
    expect(e.message).toMatch(/limit/);
  });

  it('text named .png', async () => {
    const e = await rejection(decodeImage(Buffer.from('this is not a picture, just text\n'), opts));
    expect(e.code).toBe('unsupported');
  });

  it('an SVG declaring 50000×50000 is rendered at the working size, not the size it declares', async () => {
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="50000" height="25000"><rect width="100%" height="100%" fill="#fff"/></svg>');
    const d = await decodeImage(svg, opts);
    expect([d.image.width, d.image.height]).toEqual([opts.workingSize, opts.workingSize / 2]);
    expect([d.originalWidth, d.originalHeight, d.format]).toEqual([50000, 25000, 'svg']);
  });

  it('a small SVG (viewBox only, with an XML prolog) is rendered up to the working size', async () => {
    const svg = Buffer.from('<?xml version="1.0"?>\n<!-- icon -->\n<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 20 28"><path d="M10,2 L10,26" stroke="#000"/></svg>');
    const d = await decodeImage(svg, opts);
    expect(d.image.height).toBe(opts.workingSize);
    expect(d.image.width).toBe(Math.round((opts.workingSize * 20) / 28));
  });

  it.each([
    ['an external image', '<image href="file:///etc/passwd" width="10" height="10"/>', /refers to other files/],
    ['a remote stylesheet', '<style>@import url(http://example.com/a.css);</style>', /includes other files/],
    ['a url() fill', '<rect width="5" height="5" fill="url(http://example.com/p.svg#g)"/>', /refers to other files/],
  ])('an SVG with %s is refused before any parser sees it', async (_name, body, message) => {
    const svg = Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100">${body}</svg>`);
    const e = await rejection(decodeImage(svg, opts));
    expect(e.code).toBe('unsupported');
    expect(e.message).toMatch(message);
  });

  it('an SVG declaring entities (billion laughs) is refused from its text', async () => {
    const lol = '<!DOCTYPE svg [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>';
    const e = await rejection(decodeImage(Buffer.from(`${lol}<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9"><text>&b;</text></svg>`), opts));
    expect(e.code).toBe('unsupported');
    expect(e.message).toMatch(/entities/);
  });

  it('an SVG fragment inside another XML document is not read as SVG', async () => {
    const e = await rejection(decodeImage(Buffer.from('<html><svg xmlns="http://www.w3.org/2000/svg" width="50" height="50"/></html>'), opts));
    expect(e.code).toBe('unsupported');
  });

  it('truncated JPEG', async () => {
    const e = await rejection(decodeImage(await truncatedJpeg(), opts));
    expect(e.code).toBe('corrupt');
  });

  it('a small file that decodes to 20000×20000 is refused from its header, fast', async () => {
    const bomb = decompressionBombPng();
    expect(bomb.length).toBeLessThan(200_000);
    const t0 = performance.now();
    const e = await rejection(decodeImage(bomb, opts));
    expect(e.code).toBe('too-many-pixels');
    expect(e.message).toContain('20000×20000');
    expect(performance.now() - t0).toBeLessThan(500);
    // And the header check alone refuses it too.
    expect((await rejection(checkHeader(bomb, opts))).code).toBe('too-many-pixels');
  });

  it('1×1 picture', async () => {
    expect((await rejection(decodeImage(await onePixelPng(), opts))).code).toBe('too-small');
  });
});
