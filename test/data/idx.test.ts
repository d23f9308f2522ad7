import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IdxError, parseIdx, readIdxFile } from '../../src/data/idx.ts';

/** An IDX file: magic, big-endian dims, then `extra` elements more (or fewer) than the dims say. */
function idx(magic: number, dims: number[], extra = 0): Buffer {
  const count = dims.reduce((a, b) => a * b, 1) + extra;
  const buf = Buffer.alloc(4 + 4 * dims.length + Math.max(0, count));
  buf.writeUInt32BE(magic, 0);
  dims.forEach((d, i) => buf.writeUInt32BE(d, 4 + 4 * i));
  for (let i = 0; i < count; i++) buf[4 + 4 * dims.length + i] = i % 256;
  return buf;
}

describe('parseIdx', () => {
  it('parses images: dims and pixels', () => {
    const f = parseIdx(idx(0x803, [2, 3, 4]), 'imgs');
    expect(f.kind).toBe('images');
    expect(f.dims).toEqual([2, 3, 4]);
    expect(f.data.length).toBe(24);
    expect(Array.from(f.data.subarray(0, 3))).toEqual([0, 1, 2]);
  });

  it('parses labels', () => {
    const f = parseIdx(idx(0x801, [5]), 'labs', 'labels');
    expect(f.kind).toBe('labels');
    expect(f.dims).toEqual([5]);
    expect(Array.from(f.data)).toEqual([0, 1, 2, 3, 4]);
  });

  it('accepts an empty but well-formed file (0 images)', () => {
    expect(parseIdx(idx(0x803, [0, 28, 28]), 'empty').data.length).toBe(0);
  });

  it('refuses a wrong magic number, naming the file', () => {
    expect(() => parseIdx(idx(0x802, [3]), 'x-labels')).toThrow(IdxError);
    expect(() => parseIdx(idx(0x802, [3]), 'x-labels', 'labels')).toThrow('x-labels: wrong magic number 0x00000802, expected 0x00000801');
    expect(() => parseIdx(idx(0x12345678, [3]), 'y')).toThrow('y: wrong magic number 0x12345678, expected 0x00000801 (labels) or 0x00000803 (images)');
  });

  it('refuses the other kind when one is expected', () => {
    expect(() => parseIdx(idx(0x801, [3]), 'f', 'images')).toThrow('f: holds labels (magic 0x00000801) but images were expected (magic 0x00000803)');
  });

  it('refuses truncated pixel data with the sizes in the message', () => {
    const buf = idx(0x803, [60000, 28, 28]).subarray(0, 16 + 1234);
    expect(() => parseIdx(buf, 'train-images-idx3-ubyte')).toThrow(
      'train-images-idx3-ubyte: truncated: header says 60000×28×28 = 47040000 bytes of pixels, file has 1234',
    );
  });

  it('refuses truncated labels and a truncated header', () => {
    expect(() => parseIdx(idx(0x801, [10], -3), 'l')).toThrow('l: truncated: header says 10 bytes of labels, file has 7');
    expect(() => parseIdx(idx(0x803, [1, 2, 3]).subarray(0, 10), 'h')).toThrow('h: truncated header: 3 dimensions need 16 bytes, file has 10');
    expect(() => parseIdx(Buffer.from([0, 0]), 'tiny')).toThrow('tiny: too short for an IDX header: 2 bytes');
  });

  it('refuses trailing bytes', () => {
    expect(() => parseIdx(idx(0x801, [4], 2), 'l')).toThrow('l: 2 unexpected trailing bytes: header says 4 bytes of labels, file has 6');
  });

  it('tells a gzip buffer apart from a bad magic', () => {
    expect(() => parseIdx(gzipSync(idx(0x801, [2])), 'g.gz')).toThrow(/g\.gz: is gzip-compressed/);
  });
});

describe('readIdxFile', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'idx-test-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads a valid file', async () => {
    await writeFile(join(dir, 'ok-images'), idx(0x803, [1, 28, 28]));
    const f = await readIdxFile(join(dir, 'ok-images'), 'images');
    expect(f.dims).toEqual([1, 28, 28]);
  });

  it('reads a gzip-compressed file transparently', async () => {
    await writeFile(join(dir, 'labels.gz'), gzipSync(idx(0x801, [3])));
    const f = await readIdxFile(join(dir, 'labels.gz'), 'labels');
    expect(Array.from(f.data)).toEqual([0, 1, 2]);
  });

  it('reports a missing file in one sentence naming it', async () => {
    const path = join(dir, 'train-labels-idx1-ubyte');
    await expect(readIdxFile(path)).rejects.toThrow(IdxError);
    await expect(readIdxFile(path)).rejects.toThrow(`train-labels-idx1-ubyte: cannot read ${path}: no such file`);
  });

  it('reports a directory and a corrupt file with the file name', async () => {
    await expect(readIdxFile(dir)).rejects.toThrow(/cannot read .*: it is a directory/);
    await writeFile(join(dir, 'bad'), idx(0x803, [2, 28, 28], -100));
    await expect(readIdxFile(join(dir, 'bad'))).rejects.toThrow('bad: truncated: header says 2×28×28 = 1568 bytes of pixels, file has 1468');
  });
});
