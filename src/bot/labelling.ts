/**
 * The one path that applies a label to a prediction, whoever gives it (the buttons, the menus,
 * the modal, /correct): the permission rule, which stored mark the label lands on
 * (store/assign.ts), whether it is held for a second opinion (holds.ts), the store (one
 * transaction), the log line, and the verdict the public answer shows. Second opinions on a
 * held label (🤝) go through `agreeWith`.
 */
import { assignLabel, type Assignment, type LabelInput } from '../store/assign.ts';
import { markOf, type FeedbackVia } from '../store/feedback.ts';
import type { Prediction } from '../store/index.ts';
import type { BotContext } from './context.ts';
import { learningNote, type VerdictView } from './format.ts';
import { guidedLabel } from './guidedLook.ts';
import { flooding, holdFor } from './holds.ts';
import { canLabel, type Labeller, type LabelVerdict } from './permissions.ts';

/** The verdict shown on the public answer (format.ts `withFeedback`). */
export interface Verdict extends VerdictView {
  learning: string;
}

/** "Which mark shows the <digit>?": offered under the answer after a single-digit label on a picture of 2 or more marks. */
export interface MarkPicker {
  digit: number;
  /** how many marks the strip shows */
  marks: number;
}

export type LabelOutcome = { ok: true; prediction: Prediction; verdict: Verdict; picker: MarkPicker | null } | { ok: false; message: string; title?: string };

/** The picker a label offers: after one digit (typed, picked or pointed at; not ✅) on a picture of 2 or more marks. */
export function pickerFor(input: LabelInput, marks: number, via: FeedbackVia): MarkPicker | null {
  if (marks < 2 || via === 'button') return null;
  if (input.kind === 'at') return { digit: input.value, marks };
  if (input.kind === 'digits' && /^[0-9]$/.test(input.label)) return { digit: Number(input.label), marks };
  return null;
}

export type { LabelInput };

export const NOT_YOURS = 'Not yours to correct';

const HOUR_MS = 3_600_000;

/** Who may label this prediction (also asked before opening the form). */
export function permissionFor(prediction: Prediction, by: Labeller): LabelVerdict {
  return canLabel({ ...by, posterId: prediction.userId });
}

const nowOf = (ctx: BotContext) => new Date(ctx.now?.() ?? Date.now());

export async function applyLabel(ctx: BotContext, prediction: Prediction, by: Labeller, input: LabelInput, via: FeedbackVia): Promise<LabelOutcome> {
  const permission = permissionFor(prediction, by);
  if (!permission.allowed) {
    ctx.log.info({ predictionId: prediction.id, user: by.userId, via }, 'feedback refused: not the poster nor a moderator');
    return { ok: false, message: permission.reason, title: NOT_YOURS };
  }
  const now = nowOf(ctx);
  const [samples, recentLabels] = await Promise.all([
    ctx.store.samples.forPrediction(prediction.id),
    permission.asModerator ? Promise.resolve(0) : ctx.store.feedback.countSince(by.userId, new Date(now.getTime() - HOUR_MS)),
  ]);
  // the answer's marks (the strip shows them): marks an earlier label-guided look found are only the guided look's
  const marks = samples.filter((s) => !s.guided).map(markOf);
  const onAnswer = assignLabel(input, marks);
  // a per-digit menu or the picker names a mark: when there is no such mark, nothing is labelled
  if ((input.kind === 'mark' || input.kind === 'at') && !onAnswer.used) return { ok: false, message: `I cannot use this: ${onAnswer.reason}.` };
  // a correction: the picture looked at again, knowing the label, for the marks that show it
  const look = await guidedLabel(ctx, prediction, input, samples);
  const guided = look === 'nothing' ? null : look;
  const assignment = guided?.assignment ?? (look === 'nothing' ? unlessRecut(onAnswer) : onAnswer);
  const facts = { marks, byModerator: permission.asModerator, recentLabels };
  // held when the model contradicts the label on the answer's marks too: a guided look does not get a wrong label past the hold
  const hold = holdFor({ ...facts, assignment }, ctx.config.labels) ?? (guided ? holdFor({ ...facts, assignment: onAnswer }, ctx.config.labels) : null);
  const label = assignment.label;
  const updated = await ctx.store.feedback.give({
    predictionId: prediction.id,
    userId: by.userId,
    label,
    trusted: permission.trusted,
    via,
    assignment,
    ...(guided ? { added: guided.added } : {}),
    held: hold?.code ?? null,
    at: now,
  });
  if (!updated) return { ok: false, message: 'I no longer have this answer (it may have been forgotten).' };
  const kind = updated.labelStatus ?? 'corrected';
  ctx.log.info(
    { predictionId: prediction.id, user: by.userId, label, via, kind, landed: assignment.used ? assignment.how : 'not used', marks: assignment.used ? assignment.labels.length : 0, held: hold?.code ?? null },
    'feedback',
  );
  return { ok: true, prediction: updated, verdict: { kind, label, userId: by.userId, asModerator: permission.asModerator, learning: learningNote(assignment, hold) }, picker: pickerFor(input, marks.length, via) };
}

/**
 * After a label-guided look that found no mark reading the label, a re-cut is not used: on
 * bench-learning's tuning pictures (10000-10399 of the dev seed) the one such re-cut landed on a
 * piece of the digit, and the other "no digit found" corrections whose look found nothing were not
 * placeable anyway. The picker still lets the person point at the mark.
 */
function unlessRecut(a: Assignment): Assignment {
  if (!a.used || a.how !== 'recut') return a;
  const digit = a.label.length === 1 ? `a ${a.label}` : a.label;
  return { used: false, label: a.label, reason: `I looked at the picture again knowing it shows ${digit}, and no mark I can cut reads as it: if a mark above shows it, pick it` };
}

/**
 * A second person agrees with the held label: another user than the one who gave it, or a
 * moderator, who is not flooding labels themselves. The label and its marks become trusted.
 */
export async function agreeWith(ctx: BotContext, prediction: Prediction, by: Labeller): Promise<LabelOutcome> {
  if (prediction.labelHeld === null || prediction.label === null) return { ok: false, message: 'Nothing here is waiting for a second opinion.' };
  if (prediction.labelledBy === by.userId) return { ok: false, message: 'You gave this label: the second opinion has to come from someone else (or a moderator).' };
  const now = nowOf(ctx);
  if (!by.canManageMessages && flooding(await ctx.store.feedback.countSince(by.userId, new Date(now.getTime() - HOUR_MS)), ctx.config.labels)) {
    return { ok: false, message: `You have given ${ctx.config.labels.floodPerHour} or more labels in the last hour: I count a second opinion from you again later.` };
  }
  const updated = await ctx.store.feedback.agree({ predictionId: prediction.id, userId: by.userId, label: prediction.label, at: now });
  if (!updated) return { ok: false, message: 'This label changed or was released meanwhile: have a look at the answer again.' };
  ctx.log.info({ predictionId: prediction.id, user: by.userId, label: prediction.label, via: 'agree' }, 'feedback: second opinion');
  const labelledBy = updated.labelledBy;
  return {
    ok: true,
    prediction: updated,
    verdict: {
      kind: updated.labelStatus ?? 'corrected',
      label: prediction.label,
      userId: labelledBy,
      asModerator: labelledBy !== null && labelledBy !== updated.userId,
      learning: `🤝 <@${by.userId}>${by.canManageMessages ? ' (moderator)' : ''} agreed: thanks, I will learn from it.`,
    },
    picker: null,
  };
}
