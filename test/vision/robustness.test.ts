/** Nothing a user can post makes readDigits throw anything but ImageRejectedError. */
import { describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { readDigits } from '../../src/vision/read.ts';
import { ImageRejectedError } from '../../src/vision/types.ts';
import { fakeClassifier } from './helpers.ts';
import { asFormat, cleanPng, mulberry32 } from './fixtures.ts';

async function outcome(bytes: Buffer): Promise<string> {
  try {
    const r = await readDigits(bytes, fakeClassifier(), { maxNovelty: Infinity });
    return r.noDigit ? 'no-digit' : 'read';
  } catch (err) {
    return err instanceof ImageRejectedError ? err.code : `CRASH ${String(err)}`;
  }
}

describe('robustness', () => {
  it('odd shapes and channels: extreme aspect ratios, grey+alpha, fully transparent, 16-bit RGBA', async () => {
    const files = [
      await sharp({ create: { width: 10, height: 5000, channels: 3, background: '#fff' } }).png().toBuffer(),
      await sharp({ create: { width: 5000, height: 9, channels: 3, background: '#000' } }).png().toBuffer(),
      await sharp({ create: { width: 64, height: 64, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } }).png().toBuffer(),
      await sharp(await cleanPng('3')).greyscale().ensureAlpha().png().toBuffer(),
      await sharp(await cleanPng('3')).ensureAlpha().toColourspace('rgb16').png().toBuffer(),
    ];
    for (const f of files) expect(await outcome(f)).not.toMatch(/CRASH/);
  });

  it('randomly damaged files of every format', async () => {
    const rnd = mulberry32(11);
    const png = await cleanPng('6');
    const originals = [png, ...(await Promise.all((['jpeg', 'webp', 'gif', 'tiff', 'avif'] as const).map((f) => asFormat(png, f))))];
    const seen = new Set<string>();
    for (let k = 0; k < 60; k++) {
      const src = originals[k % originals.length];
      const bytes = Buffer.from(src.subarray(0, Math.max(1, Math.floor(src.length * (0.2 + 0.8 * rnd())))));
      // Flip a few bytes after the header too.
      for (let j = 0; j < 4; j++) bytes[Math.floor(rnd() * bytes.length)] = Math.floor(rnd() * 256);
      const o = await outcome(bytes);
      seen.add(o);
      expect(o).not.toMatch(/CRASH/);
    }
    expect(seen.size).toBeGreaterThan(1);
  });
});
