/**
 * The one path that applies a label to a prediction, whoever gives it (the buttons, the menu, the
 * modal, /correct): the permission rule, the store (one transaction), the log line, and the
 * verdict the public answer shows.
 */
import type { FeedbackVia } from '../store/feedback.ts';
import type { Prediction } from '../store/index.ts';
import type { BotContext } from './context.ts';
import { canLabel, type Labeller, type LabelVerdict } from './permissions.ts';

/** The verdict shown on the public answer (format.ts `withFeedback`). */
export interface Verdict {
  kind: 'confirmed' | 'corrected';
  label: string;
  userId: string;
  asModerator: boolean;
}

export type LabelOutcome = { ok: true; prediction: Prediction; verdict: Verdict } | { ok: false; message: string; title?: string };

export const NOT_YOURS = 'Not yours to correct';

/** Who may label this prediction (also asked before opening the form). */
export function permissionFor(prediction: Prediction, by: Labeller): LabelVerdict {
  return canLabel({ ...by, posterId: prediction.userId });
}

export async function applyLabel(ctx: BotContext, prediction: Prediction, by: Labeller, label: string, via: FeedbackVia): Promise<LabelOutcome> {
  const permission = permissionFor(prediction, by);
  if (!permission.allowed) {
    ctx.log.info({ predictionId: prediction.id, user: by.userId, via }, 'feedback refused: not the poster nor a moderator');
    return { ok: false, message: permission.reason, title: NOT_YOURS };
  }
  const updated = await ctx.store.feedback.give({ predictionId: prediction.id, userId: by.userId, label, trusted: permission.trusted, via });
  if (!updated) return { ok: false, message: 'I no longer have this answer (it may have been forgotten).' };
  const kind = updated.labelStatus ?? 'corrected';
  ctx.log.info({ predictionId: prediction.id, user: by.userId, label, via, kind }, 'feedback');
  return { ok: true, prediction: updated, verdict: { kind, label, userId: by.userId, asModerator: permission.asModerator } };
}
