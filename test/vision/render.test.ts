import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { escapeXml, niceTicks, renderBarChart, renderConfusionMatrix, renderImageGrid, renderLineChart } from '../../src/vision/render.ts';

interface Decoded {
  width: number;
  height: number;
  /** RGB at (x, y) */
  at: (x: number, y: number) => [number, number, number];
}

async function decode(png: Buffer): Promise<Decoded> {
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return {
    width: info.width,
    height: info.height,
    at: (x, y) => {
      const i = (y * info.width + x) * info.channels;
      return [data[i], data[i + 1], data[i + 2]];
    },
  };
}

function near(rgb: [number, number, number], want: [number, number, number], tol = 12): boolean {
  return rgb.every((c, i) => Math.abs(c - want[i]) <= tol);
}

describe('renderImageGrid', () => {
  // 4 images: all ink, all background, left half ink, a single pixel at (27, 27)
  const images = new Float32Array(4 * 784);
  images.fill(1, 0, 784);
  for (let y = 0; y < 28; y++) images.fill(1, 2 * 784 + y * 28, 2 * 784 + y * 28 + 14);
  images[3 * 784 + 783] = 0.5;

  it('lays out cells with upscaled digits and captions at the expected places', async () => {
    const png = await renderImageGrid(images, ['1', '0', 'true 4 → pred 9', '<&>'], { columns: 2, scale: 2, captionColors: [undefined, undefined, '#ff0000'] });
    const img = await decode(png);
    // cells are as wide as the longest caption (15 chars at 11 px) and 56 px digit + caption high
    expect(img.width).toBe(8 + 2 * (109 + 8));
    expect(img.height).toBe(8 + 2 * (56 + 18 + 8));
    const cellW = 109;
    const digitX = (col: number): number => 8 + col * (cellW + 8) + Math.floor((cellW - 56) / 2);
    const digitY = (row: number): number => 8 + row * (56 + 18 + 8);
    expect(img.at(digitX(0) + 10, digitY(0) + 10)).toEqual([255, 255, 255]); // ink is white (MNIST look)
    expect(img.at(digitX(1) + 10, digitY(0) + 10)).toEqual([0, 0, 0]); // background is black
    expect(img.at(digitX(0) + 27, digitY(1) + 30)).toEqual([255, 255, 255]); // left half: x 0-13 → 0-27 px
    expect(img.at(digitX(0) + 28, digitY(1) + 30)).toEqual([0, 0, 0]);
    expect(img.at(digitX(1) + 55, digitY(1) + 55)).toEqual([128, 128, 128]); // 0.5 at (27,27), 2x2 block
    expect(img.at(digitX(1) + 54, digitY(1) + 54)).toEqual([128, 128, 128]);
    expect(img.at(digitX(1) + 53, digitY(1) + 55)).toEqual([0, 0, 0]);
    expect(img.at(2, 2)).toEqual([255, 255, 255]); // white page
    // the red caption under cell 2 has red pixels, the default one under cell 0 has none
    const redIn = (col: number, row: number): number => {
      let n = 0;
      for (let y = digitY(row) + 56; y < digitY(row) + 74; y++) {
        for (let x = 8 + col * (cellW + 8); x < 8 + col * (cellW + 8) + cellW; x++) {
          const [r, g, b] = img.at(x, y);
          if (r > 180 && g < 100 && b < 100) n++;
        }
      }
      return n;
    };
    expect(redIn(0, 1)).toBeGreaterThan(20);
    expect(redIn(0, 0)).toBe(0);
  });

  it('inverts to dark ink on white on request', async () => {
    const img = await decode(await renderImageGrid(images.subarray(0, 784), [], { scale: 1, invert: true }));
    expect(img.width).toBe(8 + 28 + 8);
    expect(img.height).toBe(8 + 28 + 8);
    expect(img.at(8 + 5, 8 + 5)).toEqual([0, 0, 0]);
  });

  it('refuses a buffer that is not whole 28x28 images', async () => {
    await expect(renderImageGrid(new Float32Array(100), [])).rejects.toThrow(/not a multiple of 784/);
  });
});

describe('renderLineChart', () => {
  it('draws each series in its colour at the right height', async () => {
    const png = await renderLineChart({
      title: 'accuracy <train & val>',
      xLabel: 'epoch',
      yLabel: 'accuracy',
      yRange: [0, 1],
      series: [
        { name: 'train', points: [[0, 0.5], [10, 0.5]] },
        { name: 'validation', points: [[0, 0.25], [4, 0.25], [5, NaN], [6, 0.25], [10, 0.25]] },
      ],
    });
    const img = await decode(png);
    expect([img.width, img.height]).toEqual([800, 480]);
    // plot area: top 50, height 480 − 50 − 62 = 368, so y = 0.5 → 234 and y = 0.25 → 326
    expect(near(img.at(300, 233), [0x1f, 0x77, 0xb4])).toBe(true);
    expect(near(img.at(300, 325), [0xff, 0x7f, 0x0e])).toBe(true);
    expect(img.at(300, 150)).toEqual([255, 255, 255]);
    // a non-finite point leaves a gap: plot width 800 − 78 − 20 − legend 131 = 571, x = 5 → 363
    expect(img.at(363, 325)).toEqual([255, 255, 255]);
  });

  it('renders without data', async () => {
    const img = await decode(await renderLineChart({ title: 't', xLabel: 'x', yLabel: 'y', series: [], width: 400, height: 300 }));
    expect([img.width, img.height]).toEqual([400, 300]);
  });
});

describe('renderConfusionMatrix', () => {
  it('colours the diagonal blue, errors red and empty cells white', async () => {
    const m: number[][] = Array.from({ length: 10 }, (_, i) => Array.from({ length: 10 }, (_, j) => (i === j ? 100 : 0)));
    m[4][9] = 20;
    const img = await decode(await renderConfusionMatrix(m, 'test'));
    expect([img.width, img.height]).toEqual([76 + 460 + 82, 104 + 460 + 24]);
    const cell = (i: number, j: number): [number, number, number] => img.at(76 + j * 46 + 5, 104 + i * 46 + 5);
    const [r0, g0, b0] = cell(0, 0);
    expect(b0).toBeGreaterThan(150);
    expect(r0).toBeLessThan(80);
    expect(g0).toBeLessThan(130);
    const [r1, g1, b1] = cell(4, 9);
    expect(r1).toBeGreaterThan(180);
    expect(g1).toBeLessThan(130);
    expect(b1).toBeLessThan(130);
    expect(cell(0, 1)).toEqual([255, 255, 255]);
  });

  it('refuses a non-square matrix', async () => {
    await expect(renderConfusionMatrix([[1, 2]], 'x')).rejects.toThrow(/square/);
  });
});

describe('renderBarChart', () => {
  it('draws one bar per label up to its value', async () => {
    const png = await renderBarChart({ title: 'per digit', labels: ['a', 'b'], values: [1, 0.5], yRange: [0, 1], width: 400, height: 300, colors: ['#2ca02c', '#d62728'] });
    const img = await decode(png);
    expect([img.width, img.height]).toEqual([400, 300]);
    // plot: left 78, width 302, top 68, height 300 − 68 − 40 = 192; bar centres at 78 + 151·(i + ½)
    const x0 = Math.round(78 + 151 * 0.5);
    const x1 = Math.round(78 + 151 * 1.5);
    expect(near(img.at(x0, 68 + 10), [0x2c, 0xa0, 0x2c])).toBe(true); // full bar reaches the top
    expect(near(img.at(x1, 68 + 96 + 10), [0xd6, 0x27, 0x28])).toBe(true); // half bar: from the middle down
    expect(img.at(x1, 68 + 96 - 30)).toEqual([255, 255, 255]);
  });

  it('refuses mismatched labels and values', async () => {
    await expect(renderBarChart({ title: 't', labels: ['a'], values: [1, 2] })).rejects.toThrow(/one value per label/);
  });
});

describe('helpers', () => {
  it('escapes XML', () => {
    expect(escapeXml(`<a & 'b' "c">`)).toBe('&lt;a &amp; &apos;b&apos; &quot;c&quot;&gt;');
  });

  it('picks nice ticks that enclose the range', () => {
    expect(niceTicks(0, 1, 5, false)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(0.9, 0.993, 6, false)).toEqual([0.9, 0.92, 0.94, 0.96, 0.98, 1]);
    expect(niceTicks(1, 3, 8, true)).toEqual([1, 2, 3]);
  });
});
