/**
 * Seeded augmentation of 28x28 images (floats in [0, 1]) for training: a random affine map
 * (shift, rotation, scale, shear) and an elastic distortion (Simard, Steinkraus & Platt 2003),
 * combined into ONE inverse coordinate map so each image is resampled (bilinearly) only once.
 *
 * Output pixel p takes the input at  A⁻¹·(p + d(p) − c − t) + c, where c is the image centre,
 * t the shift, A = rotation·shear·scale and d the elastic displacement field.
 *
 * Speed: this runs on every training image of every epoch on a shared CPU, so all scratch
 * memory lives in the Augmenter (no allocation per image) and the elastic field is built from
 * a coarse noise grid (see Augmenter.elasticField) instead of a full-resolution convolution.
 */
import type { Rng } from '../nn/rng.ts';
import { IMAGE_SIDE as SIDE, IMAGE_SIZE as SIZE } from './mnist.ts';

const CENTRE = (SIDE - 1) / 2;

export interface AugmentOptions {
  /** apply the random affine map (default true) */
  affine?: boolean;
  /** max shift in pixels along each axis, uniform in ±maxShift (default 2.5) */
  maxShift?: number;
  /** max rotation in degrees, uniform in ±maxRotation (default 12) */
  maxRotation?: number;
  /** max relative scale change, scale uniform in [1−maxScale, 1+maxScale] (default 0.1) */
  maxScale?: number;
  /** max horizontal shear factor (x += shear·y), uniform in ±maxShear (default 0.15) */
  maxShear?: number;
  /**
   * max horizontal squeeze: the width scaled by a factor uniform in [1 − maxSqueeze, 1] (default
   * 0: never). Handwriting typefaces and tall writers make digits narrower than MNIST's, and a
   * narrow 2, 7 or 8 was read as a 1.
   */
  maxSqueeze?: number;
  /** apply the elastic distortion (default true) */
  elastic?: boolean;
  /**
   * Simard's α: displacement scale in pixels (default 34). With σ = 5 this gives a per-pixel
   * displacement standard deviation of about 34·√(1/(3·4π·σ²)) ≈ 1.1 px (≈ 1.4 px for σ = 4).
   */
  elasticAlpha?: number;
  /** Simard's σ: smoothness of the displacement field in pixels (default 5; Simard used 4) */
  elasticSigma?: number;
}

export const DEFAULT_AUGMENT: Readonly<Required<AugmentOptions>> = Object.freeze({
  affine: true,
  maxShift: 2.5,
  maxRotation: 12,
  maxScale: 0.1,
  maxShear: 0.15,
  maxSqueeze: 0,
  elastic: true,
  elasticAlpha: 34,
  elasticSigma: 5,
});

/** One explicit affine map, for deterministic use (and tests). Angles in degrees. */
export interface AffineParams {
  dx: number;
  dy: number;
  rotation: number;
  scale: number;
  shear: number;
  /** width factor (1: none), applied before the shear and rotation */
  squeeze?: number;
}

export const IDENTITY_AFFINE: Readonly<AffineParams> = Object.freeze({ dx: 0, dy: 0, rotation: 0, scale: 1, shear: 0 });

// The elastic field is evaluated every FIELD_STEP pixels (FIELD_N×FIELD_N nodes at 0, 2, …, 28)
// and linearly interpolated in between: with σ ≥ 2 the field is so smooth that the
// interpolation error is ~0.04 px (std) against a ~1.4 px displacement, and it is 4× cheaper.
const FIELD_STEP = 2;
const FIELD_N = SIDE / FIELD_STEP + 1;

/** Reusable augmenter: holds the options, the precomputed Gaussian kernel and scratch buffers. */
export class Augmenter {
  readonly options: Readonly<Required<AugmentOptions>>;
  // Elastic field machinery (zero-sized when elastic is off or α = 0).
  private readonly gridN: number; // the coarse noise grid is gridN×gridN
  private readonly kernel: Float64Array; // (FIELD_N, gridN): Gaussian weight of noise node j at field node i
  private readonly lo: Int32Array; // (FIELD_N) first noise node within 3σ of field node i
  private readonly hi: Int32Array; // (FIELD_N) one past the last such node
  private readonly noiseX: Float64Array; // (gridN, gridN)
  private readonly noiseY: Float64Array; // (gridN, gridN)
  private readonly tmpX: Float64Array; // (gridN, FIELD_N)
  private readonly tmpY: Float64Array; // (gridN, FIELD_N)
  private readonly coarseX: Float64Array; // (FIELD_N, FIELD_N)
  private readonly coarseY: Float64Array; // (FIELD_N, FIELD_N)
  private readonly fieldX: Float64Array; // (SIDE, SIDE) displacement along x, pixels
  private readonly fieldY: Float64Array; // (SIDE, SIDE) displacement along y, pixels
  private readonly noiseScale: number;

  constructor(options: AugmentOptions = {}) {
    const o = { ...DEFAULT_AUGMENT, ...stripUndefined(options) };
    for (const k of ['maxShift', 'maxRotation', 'maxScale', 'maxShear', 'elasticAlpha', 'elasticSigma'] as const) {
      if (!Number.isFinite(o[k]) || o[k] < 0) throw new RangeError(`augment option ${k} must be a finite number ≥ 0, got ${o[k]}`);
    }
    if (o.maxScale >= 1) throw new RangeError(`augment option maxScale must be < 1, got ${o.maxScale}`);
    const useElastic = o.elastic && o.elasticAlpha > 0;
    if (useElastic && o.elasticSigma < 2) {
      throw new RangeError(`augment option elasticSigma must be ≥ 2 when elastic is on, got ${o.elasticSigma}`);
    }
    this.options = Object.freeze(o);

    // Simard smooths i.i.d. uniform(−1,1) noise at every pixel with a normalised Gaussian of
    // width σ. That field is band-limited, so the same random field is obtained (to ~1e-4 in
    // variance) from noise on a grid of spacing h = σ, each node standing for h² pixels (hence
    // weight ×h), placed 3σ beyond the borders so the field is as strong at the edges as in
    // the middle. For σ = 4 that is 13×13 noise values instead of 28×28 (plus borders).
    const sigma = o.elasticSigma;
    const h = Math.min(sigma, 6);
    const margin = Math.ceil((3 * sigma) / h) * h;
    this.gridN = useElastic ? Math.floor((SIDE - 1 + 2 * margin) / h) + 1 : 0;
    const g = this.gridN;
    const n = useElastic ? FIELD_N : 0;
    this.kernel = new Float64Array(n * g);
    this.lo = new Int32Array(n);
    this.hi = new Int32Array(n);
    const norm = Math.sqrt(1 / (2 * Math.PI * sigma * sigma)); // 2-D normalisation, split over the two axes
    for (let i = 0; i < n; i++) {
      const pos = i * FIELD_STEP;
      for (let j = 0; j < g; j++) {
        const d = pos - (j * h - margin);
        this.kernel[i * g + j] = norm * Math.exp((-d * d) / (2 * sigma * sigma));
      }
      // Beyond 3σ the Gaussian is < 1.1% of its peak: skip those nodes.
      this.lo[i] = Math.max(0, Math.ceil((pos - 3 * sigma + margin) / h));
      this.hi[i] = Math.min(g, Math.floor((pos + 3 * sigma + margin) / h) + 1);
    }
    this.noiseScale = h * o.elasticAlpha;
    this.noiseX = new Float64Array(g * g);
    this.noiseY = new Float64Array(g * g);
    this.tmpX = new Float64Array(g * n);
    this.tmpY = new Float64Array(g * n);
    this.coarseX = new Float64Array(n * n);
    this.coarseY = new Float64Array(n * n);
    this.fieldX = new Float64Array(useElastic ? SIZE : 0);
    this.fieldY = new Float64Array(useElastic ? SIZE : 0);
  }

  /** Draws this augmenter's random affine parameters (identity when affine is off). */
  sampleAffine(rng: Rng): AffineParams {
    const o = this.options;
    if (!o.affine) return { ...IDENTITY_AFFINE };
    return {
      dx: rng.uniform(-o.maxShift, o.maxShift),
      dy: rng.uniform(-o.maxShift, o.maxShift),
      rotation: rng.uniform(-o.maxRotation, o.maxRotation),
      scale: rng.uniform(1 - o.maxScale, 1 + o.maxScale),
      shear: rng.uniform(-o.maxShear, o.maxShear),
      // drawn only when on, so that the other parameters' random sequence stays what it was
      ...(o.maxSqueeze > 0 ? { squeeze: rng.uniform(1 - o.maxSqueeze, 1) } : {}),
    };
  }

  /**
   * Augments the image at src[srcOffset .. +784) into dst[dstOffset .. +784).
   * src and dst must not overlap.
   */
  apply(src: Float32Array, srcOffset: number, dst: Float32Array, dstOffset: number, rng: Rng): void {
    const t = this.sampleAffine(rng);
    const elastic = this.gridN > 0;
    if (elastic) this.elasticField(rng);
    warp(src, srcOffset, dst, dstOffset, t, elastic ? this.fieldX : null, elastic ? this.fieldY : null);
  }

  /** Augments `count` consecutive images of src into dst (same layout). */
  batch(src: Float32Array, dst: Float32Array, count: number, rng: Rng): void {
    checkBuffers(src, dst, count);
    for (let i = 0; i < count; i++) this.apply(src, i * SIZE, dst, i * SIZE, rng);
  }

  /**
   * Fills fieldX/fieldY with a fresh smoothed random displacement field (in pixels):
   * coarse (FIELD_N, FIELD_N) = K (FIELD_N, g) · N (g, g) · Kᵀ (g, FIELD_N), N = h·α·uniform(−1, 1),
   * then upsampled to 28×28. Both fields go through the same loops (two independent sums
   * keep the CPU busier than one).
   */
  private elasticField(rng: Rng): void {
    const g = this.gridN;
    const n = FIELD_N;
    const { kernel: K, lo, hi, noiseX: NX, noiseY: NY, tmpX: TX, tmpY: TY, coarseX: CX, coarseY: CY } = this;
    const s = this.noiseScale;
    for (let i = 0; i < g * g; i++) {
      NX[i] = s * (2 * rng.next() - 1);
      NY[i] = s * (2 * rng.next() - 1);
    }
    // T (g, n) = N · Kᵀ: smooth along x
    for (let r = 0; r < g; r++) {
      for (let x = 0; x < n; x++) {
        let ax = 0;
        let ay = 0;
        for (let j = lo[x]; j < hi[x]; j++) {
          const k = K[x * g + j];
          ax += NX[r * g + j] * k;
          ay += NY[r * g + j] * k;
        }
        TX[r * n + x] = ax;
        TY[r * n + x] = ay;
      }
    }
    // C (n, n) = K · T: smooth along y
    CX.fill(0);
    CY.fill(0);
    for (let y = 0; y < n; y++) {
      const row = y * n;
      for (let r = lo[y]; r < hi[y]; r++) {
        const k = K[y * g + r];
        const rowT = r * n;
        for (let x = 0; x < n; x++) {
          CX[row + x] += k * TX[rowT + x];
          CY[row + x] += k * TY[rowT + x];
        }
      }
    }
    upsample(CX, this.fieldX);
    upsample(CY, this.fieldY);
  }
}

/** Bilinear upsampling of a (FIELD_N, FIELD_N) field at step 2 to (SIDE, SIDE). */
function upsample(c: Float64Array, out: Float64Array): void {
  const n = FIELD_N;
  for (let y = 0; y < SIDE; y++) {
    const cy = y >> 1;
    const oddY = (y & 1) === 1;
    for (let x = 0; x < SIDE; x++) {
      const cx = x >> 1;
      const i = cy * n + cx;
      // Even coordinates sit on a node; odd ones halfway between two.
      let top = c[i];
      if ((x & 1) === 1) top = 0.5 * (top + c[i + 1]);
      if (oddY) {
        let bottom = c[i + n];
        if ((x & 1) === 1) bottom = 0.5 * (bottom + c[i + n + 1]);
        top = 0.5 * (top + bottom);
      }
      out[y * SIDE + x] = top;
    }
  }
}

/** Convenience: augments `count` consecutive 28x28 images of src into dst. */
export function augmentBatch(src: Float32Array, dst: Float32Array, count: number, rng: Rng, options: AugmentOptions = {}): void {
  new Augmenter(options).batch(src, dst, count, rng);
}

/**
 * Applies one explicit affine map (plus an optional displacement field) to one image with
 * bilinear sampling; pixels mapped from outside the image are 0 (background).
 */
export function warp(
  src: Float32Array,
  srcOffset: number,
  dst: Float32Array,
  dstOffset: number,
  t: AffineParams,
  fieldX: Float64Array | null = null,
  fieldY: Float64Array | null = null,
): void {
  // Forward A = R(θ)·Sh·S·Q with Sh = [[1, k], [0, 1]], S = s·I, Q = diag(q, 1) (the squeeze);
  // we need A⁻¹ = Q⁻¹·S⁻¹·Sh⁻¹·R(−θ).
  const th = (t.rotation * Math.PI) / 180;
  const cos = Math.cos(th);
  const sin = Math.sin(th);
  const inv = 1 / t.scale;
  const k = t.shear;
  const invQ = 1 / (t.squeeze ?? 1);
  // R(−θ) = [[cos, sin], [−sin, cos]];  Sh⁻¹ = [[1, −k], [0, 1]]
  const a = invQ * inv * (cos + k * sin);
  const b = invQ * inv * (sin - k * cos);
  const c = inv * -sin;
  const d = inv * cos;
  const ox = CENTRE + t.dx;
  const oy = CENTRE + t.dy;
  for (let y = 0; y < SIDE; y++) {
    for (let x = 0; x < SIDE; x++) {
      const p = y * SIDE + x;
      let px = x - ox;
      let py = y - oy;
      if (fieldX !== null && fieldY !== null) {
        px += fieldX[p];
        py += fieldY[p];
      }
      const sx = a * px + b * py + CENTRE;
      const sy = c * px + d * py + CENTRE;
      dst[dstOffset + p] = sample(src, srcOffset, sx, sy);
    }
  }
}

/** Bilinear sample of one 28x28 image at (sx, sy); zero outside. */
function sample(src: Float32Array, off: number, sx: number, sy: number): number {
  if (!(sx > -1 && sx < SIDE && sy > -1 && sy < SIDE)) return 0; // also catches NaN
  const x0 = Math.floor(sx);
  const y0 = Math.floor(sy);
  const fx = sx - x0;
  const fy = sy - y0;
  const inX0 = x0 >= 0;
  const inX1 = x0 + 1 < SIDE;
  const inY0 = y0 >= 0;
  const inY1 = y0 + 1 < SIDE;
  const i = off + y0 * SIDE + x0;
  const p00 = inX0 && inY0 ? src[i] : 0;
  const p01 = inX1 && inY0 ? src[i + 1] : 0;
  const p10 = inX0 && inY1 ? src[i + SIDE] : 0;
  const p11 = inX1 && inY1 ? src[i + SIDE + 1] : 0;
  const top = p00 + fx * (p01 - p00);
  const bottom = p10 + fx * (p11 - p10);
  const v = top + fy * (bottom - top);
  // Convex combination of [0,1] values; clamp only against rounding.
  return v < 0 ? 0 : v > 1 ? 1 : v;
}

function checkBuffers(src: Float32Array, dst: Float32Array, count: number): void {
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`augment count must be a whole number ≥ 0, got ${count}`);
  if (src.length < count * SIZE) throw new RangeError(`augment src holds ${Math.floor(src.length / SIZE)} images, need ${count}`);
  if (dst.length < count * SIZE) throw new RangeError(`augment dst holds ${Math.floor(dst.length / SIZE)} images, need ${count}`);
  if (src.buffer === dst.buffer) {
    const s0 = src.byteOffset;
    const d0 = dst.byteOffset;
    const bytes = count * SIZE * 4;
    if (s0 < d0 + bytes && d0 < s0 + bytes) throw new RangeError('augment src and dst overlap; augmentation cannot run in place');
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
