/**
 * The promotion gate: a pure decision from the before/after figures.
 *
 * A candidate replaces the active model only if it has not forgotten MNIST (its test accuracy is
 * at most 0.1 point below the active model's) AND it reads the users' held-back samples (never
 * trained on) at least as well as the active model. Poisoned labels teach the model something
 * MNIST contradicts, so the first rule catches them; a model that learnt nothing useful from the
 * users fails the second.
 */

/** Largest drop of MNIST test accuracy allowed: 0.1 percentage point. */
export const MNIST_TOLERANCE = 0.001;

export interface GateFigures {
  /** MNIST test accuracy (0..1) of the active model and of the candidate, on the same images */
  mnistBefore: number;
  mnistAfter: number;
  /** accuracy on the held-back user samples (null when there are none) */
  holdoutBefore: number | null;
  holdoutAfter: number | null;
  holdoutCount: number;
  /** accuracy on the model's gate crops (digits and "not a digit", never trained on); null for a 10-class model */
  cropsBefore?: number | null;
  cropsAfter?: number | null;
}

/** Largest drop of accuracy on the gate crops allowed: 1 point (a few hundred crops). */
export const CROPS_TOLERANCE = 0.01;

export interface GateDecision {
  promote: boolean;
  /** one sentence for logs, /retrain and /stats */
  reason: string;
}

const pts = (x: number) => `${(100 * x).toFixed(2)}%`;

export function decide(f: GateFigures, tolerance = MNIST_TOLERANCE): GateDecision {
  // compare in whole images where possible: float noise must not turn "equal" into "worse"
  const eps = 1e-9;
  const mnistOk = f.mnistAfter >= f.mnistBefore - tolerance - eps;
  const mnistText = `MNIST test ${pts(f.mnistBefore)} → ${pts(f.mnistAfter)}`;
  if (!mnistOk) {
    return {
      promote: false,
      reason: `rejected: forgets MNIST (${mnistText}, more than ${(100 * tolerance).toFixed(1)} point lower)`,
    };
  }
  if (f.holdoutCount === 0 || f.holdoutBefore === null || f.holdoutAfter === null) {
    return { promote: false, reason: `rejected: no held-back user samples to measure the candidate on (${mnistText})` };
  }
  if (f.cropsBefore != null && f.cropsAfter != null && f.cropsAfter < f.cropsBefore - CROPS_TOLERANCE - eps) {
    return {
      promote: false,
      reason: `rejected: reads marks worse (gate crops of digits and non-digits ${pts(f.cropsBefore)} → ${pts(f.cropsAfter)}; ${mnistText})`,
    };
  }
  const holdText = `held-back user samples ${pts(f.holdoutBefore)} → ${pts(f.holdoutAfter)} (${f.holdoutCount})`;
  if (f.holdoutAfter < f.holdoutBefore - eps) {
    return { promote: false, reason: `rejected: worse on users' held-back samples (${holdText}; ${mnistText})` };
  }
  return { promote: true, reason: `promoted: ${holdText}; ${mnistText}` };
}
