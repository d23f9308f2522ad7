/**
 * Reader for the IDX file format used by MNIST (http://yann.lecun.com/exdb/mnist/):
 *   bytes 0-1: zero, byte 2: element type (0x08 = unsigned byte), byte 3: number of dimensions,
 *   then one big-endian uint32 per dimension, then the elements, row-major.
 * Only the two unsigned-byte layouts MNIST uses are accepted: labels (0x00000801, 1 dim) and
 * images (0x00000803, 3 dims). Anything else is refused with a one-sentence IdxError, because a
 * silently misparsed dataset trains a garbage model without ever crashing.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { gunzipSync } from 'node:zlib';

export type IdxKind = 'labels' | 'images';

export interface IdxFile {
  kind: IdxKind;
  /** [n] for labels, [n, rows, cols] for images */
  dims: number[];
  /** the elements, a view into the parsed buffer (no copy) */
  data: Uint8Array;
}

/** A bad or unreadable IDX file; the message is one sentence that names the file. */
export class IdxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IdxError';
  }
}

const MAGIC: Record<IdxKind, number> = { labels: 0x00000801, images: 0x00000803 };
const DIMS: Record<IdxKind, number> = { labels: 1, images: 3 };

function hex(n: number): string {
  return '0x' + n.toString(16).padStart(8, '0');
}

/**
 * Parses an uncompressed IDX buffer. `what` names the file in error messages (e.g.
 * "train-images-idx3-ubyte"); `expected`, when given, refuses the other kind.
 */
export function parseIdx(buf: Uint8Array, what: string, expected?: IdxKind): IdxFile {
  const fail = (msg: string): never => {
    throw new IdxError(`${what}: ${msg}`);
  };
  if (buf.length < 4) fail(`too short for an IDX header: ${buf.length} bytes`);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const magic = view.getUint32(0, false);
  if (buf[0] === 0x1f && buf[1] === 0x8b) fail('is gzip-compressed; decompress it first (readIdxFile does this)');
  const kind = (Object.keys(MAGIC) as IdxKind[]).find((k) => MAGIC[k] === magic);
  if (kind === undefined) {
    const want = expected ? hex(MAGIC[expected]) : `${hex(MAGIC.labels)} (labels) or ${hex(MAGIC.images)} (images)`;
    return fail(`wrong magic number ${hex(magic)}, expected ${want}`);
  }
  if (expected !== undefined && kind !== expected) {
    fail(`holds ${kind} (magic ${hex(magic)}) but ${expected} were expected (magic ${hex(MAGIC[expected])})`);
  }
  // The magic's low byte is the dimension count, so it is already right for a known magic.
  const ndims = DIMS[kind];
  const headerBytes = 4 + 4 * ndims;
  if (buf.length < headerBytes) fail(`truncated header: ${ndims} dimensions need ${headerBytes} bytes, file has ${buf.length}`);
  const dims: number[] = [];
  for (let i = 0; i < ndims; i++) dims.push(view.getUint32(4 + 4 * i, false));
  const expectedData = dims.reduce((a, b) => a * b, 1);
  const actualData = buf.length - headerBytes;
  const noun = kind === 'images' ? 'bytes of pixels' : 'bytes of labels';
  const shape = dims.length > 1 ? `${dims.join('×')} = ${expectedData}` : `${expectedData}`;
  if (actualData < expectedData) fail(`truncated: header says ${shape} ${noun}, file has ${actualData}`);
  if (actualData > expectedData) fail(`${actualData - expectedData} unexpected trailing bytes: header says ${shape} ${noun}, file has ${actualData}`);
  return { kind, dims, data: buf.subarray(headerBytes, headerBytes + expectedData) };
}

/**
 * Reads and parses an IDX file (gunzipping it when it starts with the gzip magic, so the
 * original `.gz` downloads work too). I/O errors become an IdxError naming the file.
 */
export async function readIdxFile(path: string, expected?: IdxKind): Promise<IdxFile> {
  const name = basename(path);
  let buf: Buffer;
  try {
    buf = await readFile(path);
  } catch (err) {
    throw new IdxError(`${name}: cannot read ${path}: ${describeIoError(err)}`);
  }
  if (buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b) {
    try {
      buf = gunzipSync(buf);
    } catch (err) {
      throw new IdxError(`${name}: corrupt gzip data: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return parseIdx(buf, name, expected);
}

function describeIoError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'it is a directory';
    default:
      return err instanceof Error ? err.message : String(err);
  }
}

/** The IDX bytes of `data` (unsigned bytes) with `dims`: the inverse of parseIdx. */
export function encodeIdx(kind: IdxKind, dims: number[], data: Uint8Array): Buffer {
  if (dims.length !== DIMS[kind]) throw new IdxError(`${kind} need ${DIMS[kind]} dimensions, got ${dims.length}`);
  const count = dims.reduce((a, b) => a * b, 1);
  if (count !== data.length) throw new IdxError(`dimensions ${dims.join('×')} need ${count} bytes, got ${data.length}`);
  const header = Buffer.alloc(4 + 4 * dims.length);
  header.writeUInt32BE(MAGIC[kind], 0);
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([header, data]);
}
