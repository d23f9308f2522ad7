/**
 * Protection from bad labels at the source (pure): a label is stored but held — untrusted, never
 * trained on — until a second person agrees, when
 * - the active model contradicts it with very high confidence: a mark it lands on is read as
 *   another digit, or a digit when the label says "not a digit", with p ≥ `holdConfidence`; or
 * - its giver floods labels: `floodPerHour` labels or more in the last hour already.
 * A moderator's label is never held: a moderator is the second opinion.
 *
 * A digit label on a mark the model dropped as "not a digit" is not held, however sure the model
 * was: that is the mistake a correction of "no digit found" exists to fix (bench-learning: 24 of 44
 * such corrections were held). The flood limit, the per-user cap of the training mix and the
 * retrain gate's "not a digit" check bound its abuse; a re-cut never lands on a mark at
 * p(none) ≥ RECUT_MAX_NONE in the first place (store/assign.ts), only the picker does.
 */
import { modelCall, NONE, type Assignment, type Mark } from '../store/assign.ts';
import type { HoldCode } from '../store/predictions.ts';
import type { LabelsConfig } from '../config.ts';

export interface Hold {
  code: HoldCode;
  /** why, for the reply */
  why: string;
}

export interface HoldFacts {
  assignment: Assignment;
  marks: readonly Mark[];
  byModerator: boolean;
  /** labels the giver gave in the last hour (before this one) */
  recentLabels: number;
}

/** The flood rule: from `floodPerHour` labels in the last hour on (0: no limit). */
export function flooding(recentLabels: number, cfg: LabelsConfig): boolean {
  return cfg.floodPerHour > 0 && recentLabels >= cfg.floodPerHour;
}

const named = (label: number) => (label === NONE ? 'not a digit' : `a ${label}`);

export function holdFor(f: HoldFacts, cfg: LabelsConfig): Hold | null {
  if (f.byModerator || !f.assignment.used) return null;
  if (flooding(f.recentLabels, cfg)) {
    return { code: 'flood', why: `you have given ${f.recentLabels} labels in the last hour, and from ${cfg.floodPerHour} an hour on each one waits for a second opinion` };
  }
  const byPosition = new Map(f.marks.map((m) => [m.position, m]));
  for (const l of f.assignment.labels) {
    const m = byPosition.get(l.position);
    if (!m) continue;
    const call = modelCall(m);
    if (call.label === NONE && l.label !== NONE) continue;
    if (call.label !== l.label && call.p >= cfg.holdConfidence) {
      return { code: 'contradicted', why: `I am ${(call.p * 100).toFixed(1)} % sure mark ${l.position + 1} is ${named(call.label)}, and the label says ${l.label === NONE ? 'not a digit' : l.label}` };
    }
  }
  return null;
}
