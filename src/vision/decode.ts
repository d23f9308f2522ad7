/**
 * Step 1: bytes → oriented RGBA at working size. The only step that talks to sharp (apart from
 * the final 28x28 encoding for --explain). Every refusal happens here, and as early as
 * possible: size before parsing, header (format, dimensions) before decoding.
 */
import sharp, { type Metadata, type Sharp } from 'sharp';
import type { RgbaImage } from './raster.ts';
import { loadMorphologyKernels, opaqueRgbSimd } from './morphologyWasm.ts';
import { ImageRejectedError } from './types.ts';
import type { VisionOptions } from './options.ts';
import { looksLikeSvg, svgProblem, svgRenderSize } from './svg.ts';

export interface DecodedImage {
  image: RgbaImage;
  /** Size of the oriented picture as posted, before shrinking to working size. */
  originalWidth: number;
  originalHeight: number;
  format: string;
}

/**
 * sharp's format names we accept. SVG is accepted only after its text passed svg.ts, and is
 * rendered at the working size whatever it declares; PDF is refused.
 */
const ACCEPTED_FORMATS = new Set(['jpeg', 'png', 'webp', 'gif', 'heif', 'tiff', 'avif', 'svg']);
const FORMAT_LIST = 'JPEG, PNG, WebP, GIF, AVIF, TIFF, SVG';

export type DecodeLimits = Pick<VisionOptions, 'maxBytes' | 'maxPixels' | 'minSide' | 'workingSize' | 'timeBudgetMs'>;

export interface Header {
  meta: Metadata;
  /** Set for an SVG: the density (DPI) to render it at, so that it comes out at the working size. */
  svgDensity?: number;
}

/** Reads the header only (no pixel decoding) and refuses what must not be decoded. */
export async function checkHeader(bytes: Buffer, limits: DecodeLimits): Promise<Header> {
  if (bytes.length === 0) throw new ImageRejectedError('The file is empty.', 'empty');
  if (bytes.length > limits.maxBytes) {
    throw new ImageRejectedError(
      `The file is ${mb(bytes.length)}; the limit is ${mb(limits.maxBytes)}.`,
      'too-large',
    );
  }
  const svg = looksLikeSvg(bytes);
  if (svg) {
    const problem = svgProblem(bytes);
    if (problem) throw new ImageRejectedError(problem, 'unsupported');
  }
  let meta: Metadata;
  try {
    // metadata() parses the header without decoding pixels, so a 20000x20000 bomb costs nothing here.
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (err) {
    throw mapSharpError(err, 'unsupported');
  }
  const format = String(meta.format ?? 'unknown');
  // An SVG that our text check did not recognise (compressed, another encoding) is not read.
  if (!ACCEPTED_FORMATS.has(format) || (format === 'svg') !== svg) {
    throw new ImageRejectedError(`This file is ${format.toUpperCase()}, not a picture format I read (${FORMAT_LIST}).`, 'unsupported');
  }
  const width = meta.width ?? 0;
  // For animated GIF/WebP and multi-page TIFF only the first page is decoded.
  const height = meta.pageHeight ?? meta.height ?? 0;
  if (svg) {
    const size = svgRenderSize(width, height, limits.workingSize, limits.maxPixels);
    if (!size) throw new ImageRejectedError(`The SVG declares ${width}×${height}, too large to render even shrunk.`, 'too-many-pixels');
    return { meta, svgDensity: size.density };
  }
  if (width * height > limits.maxPixels) {
    throw new ImageRejectedError(
      `The picture is ${width}×${height} pixels; the limit is ${(limits.maxPixels / 1e6).toFixed(0)} megapixels.`,
      'too-many-pixels',
    );
  }
  if (Math.min(width, height) < limits.minSide) {
    throw new ImageRejectedError(
      `The picture is only ${width}×${height} pixels; it needs at least ${limits.minSide} on each side.`,
      'too-small',
    );
  }
  return { meta };
}

/**
 * Decodes the first frame, applies the EXIF orientation, converts any colour space / bit depth /
 * palette to 8-bit sRGB + alpha, and shrinks to the working size. Alpha is kept: transparency is
 * resolved later by `flatten`, because the right backdrop depends on the strokes.
 */
export async function decodeImage(bytes: Buffer, limits: DecodeLimits): Promise<DecodedImage> {
  const { meta, svgDensity } = await checkHeader(bytes, limits);
  const swap = (meta.orientation ?? 1) >= 5; // orientations 5-8 swap width and height
  const w0 = meta.width ?? 0;
  const h0 = meta.pageHeight ?? meta.height ?? 0;
  const timeout = { seconds: Math.max(1, Math.ceil(limits.timeBudgetMs / 1000)) };
  try {
    const input = svgDensity === undefined ? { pages: 1 } : { density: svgDensity };
    const source = decodesWhole(meta, w0 * h0)
      ? await wholePng(bytes, limits, timeout)
      : sharp(bytes, { limitInputPixels: limits.maxPixels, failOn: 'warning', ...input });
    const { data, info } = await source
      .timeout(timeout)
      .rotate()
      .resize({ width: limits.workingSize, height: limits.workingSize, fit: 'inside', withoutEnlargement: true })
      .toColourspace('srgb')
      .ensureAlpha()
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 4 || data.length !== info.width * info.height * 4) {
      throw new ImageRejectedError('The picture decoded to an unexpected pixel layout.', 'unsupported');
    }
    return {
      image: { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) },
      originalWidth: swap ? h0 : w0,
      originalHeight: swap ? w0 : h0,
      format: String(meta.format),
    };
  } catch (err) {
    throw mapSharpError(err, 'corrupt');
  }
}

/** A PNG of 8-bit RGBA up to this many pixels is decoded whole before shrinking (`wholePng`). */
const WHOLE_PNG_PIXELS = 4_000_000;

/** An 8-bit sRGB + alpha PNG, one frame, upright, without a colour profile, of at most WHOLE_PNG_PIXELS. */
function decodesWhole(meta: Metadata, pixels: number): boolean {
  return (
    meta.format === 'png' && meta.channels === 4 && meta.depth === 'uchar' && meta.space === 'srgb' && !meta.icc &&
    (meta.orientation ?? 1) === 1 && (meta.pages ?? 1) === 1 && pixels <= WHOLE_PNG_PIXELS
  );
}

/**
 * Drawing apps and renderers often save an alpha channel they do not use. libvips shrinks a
 * picture with alpha premultiplied (4 channels, through floats), which for alpha 255 everywhere
 * gives the same bytes as shrinking its 3 colour channels alone, at twice the cost. So such a PNG
 * is decoded whole (cheap: no shrink-on-load to lose) and, when every pixel is opaque, shrunk as
 * RGB; else its RGBA is shrunk as the PNG would have been.
 */
async function wholePng(bytes: Buffer, limits: DecodeLimits, timeout: { seconds: number }): Promise<Sharp> {
  const [{ data, info }] = await Promise.all([
    sharp(bytes, { limitInputPixels: limits.maxPixels, failOn: 'warning' }).timeout(timeout).raw().toBuffer({ resolveWithObject: true }),
    loadMorphologyKernels(),
  ]);
  const { width, height, channels } = info;
  if (channels !== 4) return sharp(data, { raw: { width, height, channels } });
  const rgb = opaqueRgb(new Uint8Array(data.buffer, data.byteOffset, data.length), width * height);
  return rgb ? sharp(rgb, { raw: { width, height, channels: 3 } }) : sharp(data, { raw: { width, height, channels: 4 } });
}

/** The RGB bytes of n RGBA pixels, or null when some pixel is not fully opaque (the SIMD module's when loaded). */
function opaqueRgb(rgba: Uint8Array, n: number): Uint8Array | null {
  const simd = opaqueRgbSimd(rgba, n);
  return simd ? simd.rgb : opaqueRgbJs(rgba, n);
}

/** opaqueRgb in TypeScript (exported for the tests that hold the SIMD module to it). */
export function opaqueRgbJs(rgba: Uint8Array, n: number): Uint8Array | null {
  for (let i = 0; i < n; i++) if (rgba[4 * i + 3] !== 255) return null;
  const rgb = new Uint8Array(3 * n);
  for (let i = 0; i < n; i++) for (let c = 0; c < 3; c++) rgb[3 * i + c] = rgba[4 * i + c];
  return rgb;
}

/** Turns a libvips message into one plain sentence with a code; keeps our own errors as they are. */
export function mapSharpError(err: unknown, fallback: 'corrupt' | 'unsupported'): ImageRejectedError {
  if (err instanceof ImageRejectedError) return err;
  const msg = err instanceof Error ? err.message : String(err);
  if (/pixel limit/i.test(msg)) {
    return new ImageRejectedError('The picture has more pixels than I accept.', 'too-many-pixels');
  }
  if (/timeout/i.test(msg)) return new ImageRejectedError('Decoding the picture took too long.', 'timeout');
  if (/unsupported image format/i.test(msg)) {
    return new ImageRejectedError(`This file is not a picture format I read (${FORMAT_LIST}).`, 'unsupported');
  }
  if (fallback === 'unsupported') {
    return new ImageRejectedError('This file is not a picture I can read.', 'unsupported');
  }
  return new ImageRejectedError('The picture is damaged or truncated and cannot be decoded.', 'corrupt');
}

function mb(n: number): string {
  return `${(n / (1024 * 1024)).toFixed(1)} MB`;
}
