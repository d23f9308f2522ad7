/**
 * Pen trajectories: hand-made centre-line control points per digit (a few variants each, the way
 * different people form a 1, 4, 7 or 9), jittered per instance and splined. Unit frame: y 0 (top)
 * to 1 (bottom), x about 0 to 0.6.
 */
import { spline, type Poly } from './geometry.ts';
import type { Rng } from './random.ts';

type Variant = number[][]; // strokes of control points, flat
const V: Record<number, Variant[]> = {
  0: [
    [[0.32, 0.0, 0.1, 0.12, 0.02, 0.45, 0.08, 0.8, 0.3, 1.0, 0.5, 0.85, 0.58, 0.5, 0.52, 0.15, 0.34, 0.0, 0.24, 0.06]],
    [[0.3, 0.02, 0.08, 0.2, 0.05, 0.6, 0.2, 0.95, 0.42, 0.97, 0.56, 0.6, 0.5, 0.18, 0.3, 0.0]],
  ],
  1: [
    [[0.3, 0.0, 0.28, 0.5, 0.26, 1.0]],
    [[0.08, 0.22, 0.3, 0.0, 0.3, 0.5, 0.3, 1.0]],
    [[0.1, 0.2, 0.32, 0.0, 0.32, 0.5, 0.32, 1.0], [0.08, 1.0, 0.56, 1.0]],
  ],
  2: [
    [[0.04, 0.22, 0.2, 0.03, 0.42, 0.02, 0.55, 0.2, 0.45, 0.48, 0.2, 0.78, 0.02, 0.99, 0.3, 0.97, 0.62, 1.0]],
    [[0.06, 0.18, 0.3, 0.0, 0.52, 0.12, 0.5, 0.4, 0.04, 1.0, 0.6, 0.98]],
    [[0.04, 0.25, 0.25, 0.02, 0.5, 0.08, 0.5, 0.35, 0.25, 0.72, 0.05, 0.96, 0.2, 0.86, 0.35, 0.98, 0.62, 0.96]],
  ],
  3: [
    [[0.05, 0.12, 0.3, 0.0, 0.52, 0.1, 0.5, 0.3, 0.25, 0.47, 0.52, 0.6, 0.56, 0.82, 0.35, 1.0, 0.03, 0.92]],
    [[0.04, 0.04, 0.55, 0.02, 0.25, 0.42, 0.5, 0.55, 0.56, 0.8, 0.35, 1.0, 0.02, 0.9]],
  ],
  4: [
    [[0.38, 0.0, 0.04, 0.66, 0.62, 0.66], [0.46, 0.32, 0.46, 1.0]],
    [[0.08, 0.0, 0.04, 0.6, 0.6, 0.6], [0.46, 0.02, 0.46, 1.0]],
    [[0.42, 0.0, 0.02, 0.68, 0.6, 0.68], [0.44, 0.0, 0.44, 1.0]],
  ],
  5: [
    [[0.55, 0.0, 0.1, 0.0, 0.06, 0.42, 0.3, 0.36, 0.52, 0.5, 0.56, 0.78, 0.35, 1.0, 0.03, 0.9]],
    [[0.1, 0.0, 0.06, 0.44, 0.3, 0.38, 0.53, 0.52, 0.55, 0.8, 0.34, 1.0, 0.02, 0.9], [0.1, 0.0, 0.58, -0.01]],
  ],
  6: [
    [[0.5, 0.02, 0.25, 0.2, 0.08, 0.55, 0.12, 0.88, 0.3, 1.0, 0.5, 0.9, 0.52, 0.66, 0.32, 0.55, 0.1, 0.68]],
    [[0.42, 0.0, 0.12, 0.4, 0.06, 0.78, 0.28, 1.0, 0.5, 0.86, 0.46, 0.6, 0.22, 0.58, 0.08, 0.74]],
  ],
  7: [
    [[0.02, 0.02, 0.58, 0.0, 0.36, 0.45, 0.2, 1.0]],
    [[0.02, 0.02, 0.58, 0.0, 0.4, 0.45, 0.26, 1.0], [0.14, 0.52, 0.52, 0.5]],
    [[0.02, 0.14, 0.06, 0.02, 0.58, 0.02, 0.42, 0.4, 0.3, 1.0]],
  ],
  8: [
    [[0.5, 0.12, 0.3, 0.0, 0.08, 0.12, 0.12, 0.35, 0.5, 0.62, 0.55, 0.85, 0.3, 1.0, 0.05, 0.85, 0.1, 0.62, 0.48, 0.35, 0.52, 0.15, 0.48, 0.08]],
    [[0.3, 0.5, 0.06, 0.32, 0.1, 0.06, 0.3, 0.0, 0.5, 0.08, 0.52, 0.3, 0.3, 0.5, 0.06, 0.72, 0.14, 0.96, 0.34, 1.0, 0.56, 0.9, 0.54, 0.66, 0.3, 0.5]],
  ],
  9: [
    [[0.52, 0.2, 0.32, 0.02, 0.08, 0.12, 0.1, 0.38, 0.32, 0.45, 0.52, 0.3, 0.52, 0.2, 0.5, 0.6, 0.45, 1.0]],
    [[0.52, 0.22, 0.3, 0.0, 0.06, 0.14, 0.1, 0.4, 0.34, 0.44, 0.52, 0.25, 0.5, 0.7, 0.38, 0.96, 0.1, 0.94]],
    [[0.5, 0.1, 0.28, 0.0, 0.06, 0.16, 0.14, 0.42, 0.4, 0.38, 0.5, 0.1, 0.5, 1.0]],
  ],
};

/** A writer's habits: which variant of each digit, and how loose the hand is. */
export interface TrajectoryStyle {
  variant: number[];
  jitter: number;
  roundness: number;
}

export function trajectoryStyle(rng: Rng): TrajectoryStyle {
  return {
    variant: Array.from({ length: 10 }, (_, d) => rng.int(V[d].length)),
    jitter: rng.uniform(0.008, 0.03),
    roundness: rng.uniform(-0.05, 0.08),
  };
}

/** Centre lines of digit `d` in the unit frame. */
export function trajectoryStrokes(rng: Rng, style: TrajectoryStyle, d: number): Poly[] {
  const variant = V[d][style.variant[d]];
  return variant.map((ctrl) => {
    const pts = ctrl.map((v, i) => {
      const j = rng.normal() * style.jitter;
      // roundness pushes points away from the middle column (fuller bowls)
      return i % 2 === 0 ? v + j + (v - 0.3) * style.roundness : v + j;
    });
    return pts.length <= 4 ? straight(pts) : spline(pts, 10);
  });
}

/** A straight stroke sampled densely (so later warps keep it smooth). */
function straight(p: Poly): Poly {
  const out: Poly = [];
  for (let i = 0; i <= 8; i++) out.push(p[0] + ((p[2] - p[0]) * i) / 8, p[1] + ((p[3] - p[1]) * i) / 8);
  return out;
}
