/**
 * The promotion gate: a pure decision from paired before/after tallies (the active model and the
 * candidate read the very same images; `fixed` and `broken` count the images whose verdict changed).
 *
 * A candidate replaces the active model only if
 * - it has not forgotten MNIST: on MNIST *validation* images the epoch was not picked on (never
 *   the test set), at most 0.1 point lower;
 * - it reads the user samples the active model answered wrong ("corrected") better, by a margin
 *   that is not noise: a one-sided exact McNemar test on those paired samples (p < 0.05), on at
 *   least MIN_CORRECTED of them, and still significant without the user whose samples gained most
 *   (one user cannot move the model alone). The samples: the held-back ones, read by the candidate,
 *   and, when the retrain cross-fitted (candidate.ts), the training ones, each read by a model
 *   fine-tuned the same way without it; a server's corrections are too few for a held-back third
 *   alone to show a gain. The candidate itself must not read its held-back corrected ones worse;
 * - it does not read the confirmed held-back samples worse (no significant drop, no net loss over 2
 *   points and 2 samples);
 * - it does not refuse "not a digit" marks less (the gate crops' none class: no significant drop, no net
 *   loss over 1 point and 2 crops) nor read its gate crops more than 1 point worse (11-class models).
 * Poisoned labels teach something MNIST, the confirmed samples and the other users contradict, and a
 * flood from one user is not evidence from the others.
 */

/** Largest drop of MNIST validation accuracy allowed: 0.1 percentage point. */
export const MNIST_TOLERANCE = 0.001;
/** Largest drop of accuracy on the gate crops allowed: 1 point (a few hundred crops). */
export const CROPS_TOLERANCE = 0.01;
/** Largest drop on the confirmed held-back samples allowed, even when not significant. */
export const CONFIRMED_TOLERANCE = 0.02;
/** Largest drop of "not a digit" refusals on the gate crops allowed, even when not significant. */
export const REFUSALS_TOLERANCE = 0.01;
/** Fewest held-back corrected samples a promotion can rest on. */
export const MIN_CORRECTED = 10;
/** One-sided significance level of the gain and drop tests. */
export const SIGNIFICANCE = 0.05;

/** One set of images read by both models: how many there are, right before and after, and what changed. */
export interface Paired {
  n: number;
  before: number;
  after: number;
  /** wrong before, right after */
  fixed: number;
  /** right before, wrong after */
  broken: number;
}

/** User samples read by two models: the ones the active model answered wrong, all and per user (the user id as key), and the others. */
export interface UserTallies {
  corrected: Paired;
  correctedByUser: Record<string, Paired>;
  confirmed: Paired;
}

export interface GateFigures extends UserTallies {
  /** MNIST validation images the best epoch was not chosen on */
  mnist: Paired;
  // corrected, correctedByUser, confirmed: the held-back user samples, read by the candidate
  /** the model's gate crops (11-class models; null otherwise), and their "not a digit" ones */
  crops: Paired | null;
  refusals: Paired | null;
  /**
   * The users' training samples, cross-fitted: each read by a model fine-tuned the same way but
   * without its fold (null or absent: not run). They measure what training on such samples does
   * for samples it has not seen, beside the held-back ones the candidate itself reads.
   */
  crossFit?: (UserTallies & { folds: number }) | null;
}

export interface GateDecision {
  promote: boolean;
  /** one sentence for logs, /retrain and /stats */
  reason: string;
}

/** The paired tally of images with these labels, read as `before` then `after`. */
export function pairTally(labels: ArrayLike<number>, before: ArrayLike<number>, after: ArrayLike<number>, pick?: (i: number) => boolean): Paired {
  const t: Paired = { n: 0, before: 0, after: 0, fixed: 0, broken: 0 };
  for (let i = 0; i < labels.length; i++) {
    if (pick && !pick(i)) continue;
    const b = before[i] === labels[i];
    const a = after[i] === labels[i];
    t.n++;
    if (b) t.before++;
    if (a) t.after++;
    if (a && !b) t.fixed++;
    if (b && !a) t.broken++;
  }
  return t;
}

export function addPaired(...ts: Paired[]): Paired {
  return ts.reduce((s, t) => ({ n: s.n + t.n, before: s.before + t.before, after: s.after + t.after, fixed: s.fixed + t.fixed, broken: s.broken + t.broken }), {
    n: 0, before: 0, after: 0, fixed: 0, broken: 0,
  });
}

/** Two users' tallies side by side: per-user counts added up. */
function mergeByUser(a: Record<string, Paired>, b: Record<string, Paired>): Record<string, Paired> {
  const out: Record<string, Paired> = { ...a };
  for (const [u, t] of Object.entries(b)) out[u] = out[u] ? addPaired(out[u], t) : t;
  return out;
}

/**
 * The corrections the gain is measured on: the held-back ones, plus the cross-fitted training ones
 * when run. (Confirmed samples are many: the held-back ones, read by the candidate itself, measure
 * a drop well enough; the cross-fitted ones are only reported.)
 */
export function evidence(g: GateFigures): Pick<UserTallies, 'corrected' | 'correctedByUser'> {
  const x = g.crossFit;
  if (!x) return { corrected: g.corrected, correctedByUser: g.correctedByUser };
  return { corrected: addPaired(g.corrected, x.corrected), correctedByUser: mergeByUser(g.correctedByUser, x.correctedByUser) };
}

/** What the corrections the gain is measured on are called in the report and the reasons. */
const evidenceName = (g: GateFigures): string => (g.crossFit ? 'corrected, held back + cross-fitted' : 'held-back corrected');

/** P(X ≥ k) for X ~ Binomial(n, 1/2), exact (log space, fine for any n). */
export function binomialTail(k: number, n: number): number {
  if (k <= 0) return 1;
  if (k > n) return 0;
  let logC = 0; // log C(n, 0)
  const terms: number[] = [];
  for (let i = 0; i <= n; i++) {
    if (i > 0) logC += Math.log(n - i + 1) - Math.log(i);
    if (i >= k) terms.push(logC - n * Math.LN2);
  }
  const m = Math.max(...terms);
  return Math.min(1, Math.exp(m) * terms.reduce((s, t) => s + Math.exp(t - m), 0));
}

/** One-sided exact McNemar: the chance of this many or more fixes among the changed images if the candidate were no better. */
export const gainP = (t: Paired) => binomialTail(t.fixed, t.fixed + t.broken);
/** The same for breaks: small when the candidate is really worse. */
export const dropP = (t: Paired) => binomialTail(t.broken, t.fixed + t.broken);

const acc = (right: number, n: number) => (n > 0 ? right / n : 0);
const pts = (x: number) => `${(100 * x).toFixed(2)}%`;
const capitalised = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const pval = (p: number) => (p < 0.001 ? 'p < 0.001' : `p = ${p.toFixed(3)}`);

/** "99.50% → 99.48% (8,000; 3 fixed, 5 broken)" */
export function pairedText(t: Paired): string {
  return `${pts(acc(t.before, t.n))} → ${pts(acc(t.after, t.n))} (${t.n}; ${t.fixed} fixed, ${t.broken} broken)`;
}

/** The corrected tally without the user whose samples gained most (fixed − broken), and who that is. */
export function withoutTopUser(g: Pick<UserTallies, 'correctedByUser'>): { user: string | null; rest: Paired } {
  let top: string | null = null;
  let best = -Infinity;
  for (const [u, t] of Object.entries(g.correctedByUser)) {
    const gain = t.fixed - t.broken;
    if (gain > best) [top, best] = [u, gain];
  }
  const rest = addPaired(...Object.entries(g.correctedByUser).filter(([u]) => u !== top).map(([, t]) => t));
  return { user: top, rest };
}

/** Each figure the gate looked at, as a name and a value with its counts (the /retrain report, the CLI). */
export function gateLines(g: GateFigures): { name: string; value: string }[] {
  const e = evidence(g);
  const users = Object.keys(e.correctedByUser).length;
  const lo = withoutTopUser(e);
  const x = g.crossFit;
  const lines = [
    { name: 'MNIST validation (never test)', value: pairedText(g.mnist) },
    {
      name: `${capitalised(evidenceName(g))} (${users} user${users === 1 ? '' : 's'})`,
      value: `${pairedText(e.corrected)}; gain ${pval(gainP(e.corrected))}, without the top user ${pval(gainP(lo.rest))}`,
    },
  ];
  if (x) {
    lines.push({ name: 'Held-back corrected (the candidate)', value: pairedText(g.corrected) });
    lines.push({ name: `Cross-fitted corrected (${x.folds} folds)`, value: pairedText(x.corrected) });
    lines.push({ name: `Cross-fitted confirmed (${x.folds} folds)`, value: `${pairedText(x.confirmed)}; drop ${pval(dropP(x.confirmed))}` });
  }
  lines.push({ name: 'Held-back confirmed', value: `${pairedText(g.confirmed)}; drop ${pval(dropP(g.confirmed))}` });
  if (g.refusals) lines.push({ name: 'Not-a-digit refusals (gate crops)', value: `${pairedText(g.refusals)}; drop ${pval(dropP(g.refusals))}` });
  if (g.crops) lines.push({ name: 'Gate crops (digits and not-digits)', value: pairedText(g.crops) });
  return lines;
}

/** A significant drop (one-sided, p < SIGNIFICANCE), or more images lost (broken − fixed) than `tolerance` of them and 2. */
export function dropsBeyondNoise(t: Paired, tolerance: number): boolean {
  return dropP(t) < SIGNIFICANCE || t.broken - t.fixed > Math.max(2, tolerance * t.n);
}

/**
 * The rules that need no gain measured, only the candidate itself: it must not forget MNIST, read
 * marks worse, refuse fewer non-digits or read the confirmed held-back samples worse. The
 * rejection's reason when one fails, else null. Their figures do not depend on the cross-fitting,
 * so a candidate that fails one is rejected without it (candidate.ts skips its runs).
 */
export function harmReason(g: GateFigures, tolerance = MNIST_TOLERANCE): string | null {
  // compare in whole images where possible: float noise must not turn "equal" into "worse"
  const eps = 1e-9;
  const drop = (t: Paired) => acc(t.before, t.n) - acc(t.after, t.n);
  const mnistText = `MNIST validation ${pairedText(g.mnist)}`;
  if (drop(g.mnist) > tolerance + eps) return `forgets MNIST (${mnistText}, more than ${(100 * tolerance).toFixed(1)} point lower)`;
  if (g.crops && drop(g.crops) > CROPS_TOLERANCE + eps) return `reads marks worse (gate crops of digits and non-digits ${pairedText(g.crops)}; ${mnistText})`;
  if (g.refusals && dropsBeyondNoise(g.refusals, REFUSALS_TOLERANCE)) return `refuses fewer non-digit marks (gate crops ${pairedText(g.refusals)}, drop ${pval(dropP(g.refusals))})`;
  if (dropsBeyondNoise(g.confirmed, CONFIRMED_TOLERANCE)) return `reads the confirmed held-back samples worse (${pairedText(g.confirmed)}, drop ${pval(dropP(g.confirmed))})`;
  return null;
}

export function decide(g: GateFigures, tolerance = MNIST_TOLERANCE): GateDecision {
  const mnistText = `MNIST validation ${pairedText(g.mnist)}`;
  const reject = (why: string) => ({ promote: false, reason: `rejected: ${why}` });
  const harm = harmReason(g, tolerance);
  if (harm !== null) return reject(harm);
  const x = g.crossFit;
  // the gain: every correction the runs did not train on (held back, and cross-fitted when run)
  const e = evidence(g);
  const what = x ? 'corrected samples not trained on (held back and cross-fitted)' : 'held-back corrected samples';
  const corrText = `${evidenceName(g)} ${pairedText(e.corrected)}`;
  if (e.corrected.n < MIN_CORRECTED) return reject(`too few ${what} to measure a gain (${e.corrected.n}, at least ${MIN_CORRECTED} needed; ${mnistText})`);
  const p = gainP(e.corrected);
  if (p >= SIGNIFICANCE) return reject(`no gain beyond noise on the ${corrText} (${pval(p)}, needs < ${SIGNIFICANCE})`);
  const lo = withoutTopUser(e);
  const pRest = gainP(lo.rest);
  if (pRest >= SIGNIFICANCE) return reject(`the gain rests on one user: ${corrText} (${pval(p)}), without that user's ${pairedText(lo.rest)} (${pval(pRest)})`);
  // the candidate itself, on the corrections it did not see: not worse
  if (x && g.corrected.broken > g.corrected.fixed) return reject(`the candidate reads its held-back corrected samples worse (${pairedText(g.corrected)}) though training on such samples helps (${corrText})`);
  return { promote: true, reason: `promoted: ${corrText} (${pval(p)}; without the top user ${pval(pRest)}); confirmed ${pairedText(g.confirmed)}; ${mnistText}` };
}
