/**
 * A correction looks at its picture again (issue 13): the picture is downloaded again from where
 * it was read and the reader, told the label, finds the marks that show it (vision/guided.ts) —
 * a digit the first look cut into pieces, glued to a line or hollowed is often whole in another
 * look. The label lands on those marks: on a stored mark when it is the same one (the answer's, or
 * one an earlier look found), else on a new mark stored beside the answer's (`guided`).
 * Null whenever the look cannot be made (no URL kept, the picture gone, a 10-class model, no busy
 * reader free in time): the label then lands on the answer's marks (store/assign.ts). 'nothing'
 * when the look was made and no mark reads the label: it lands there too, but not by a re-cut (the
 * most digit-like of marks no look reads as the digit is a fragment or an edge more often than the
 * digit; labelling.ts).
 */
import { boxIoU } from '../vision/raster.ts';
import { knowsNone } from '../vision/read.ts';
import type { GuidedMarks } from '../vision/guided.ts';
import type { DigitClassifier } from '../model/classifier.ts';
import type { Assignment, LabelInput } from '../store/assign.ts';
import type { Prediction, StoredMark } from '../store/predictions.ts';
import type { Sample } from '../store/samples.ts';
import type { BotContext } from './context.ts';
import { storedMark } from './marks.ts';
import { download } from './reading.ts';

/** Finds the marks that show `label` in a picture's bytes (vision/guided.ts lookForLabel). */
export type LookForLabelFn = (bytes: Buffer, classifier: DigitClassifier, label: string) => Promise<GuidedMarks | null>;

/**
 * The whole look (download, a free reader, six looks) must end within this, or the label lands
 * on the answer's marks: the interaction is answered within Discord's 3 seconds.
 */
export const GUIDED_BUDGET_MS = 2_000;

/** A guided mark is the answer's stored mark when their boxes overlap by this much of their union. */
const SAME_MARK_IOU = 0.8;

export interface GuidedLabel {
  assignment: Assignment & { used: true };
  /** the marks the look found that the answer had not stored */
  added: { position: number; mark: StoredMark }[];
}

/**
 * The label-guided placement of a correction; 'nothing' when the look was made (an 11-class
 * model) and no mark reads the label; null when no look could be made (see the file's comment).
 */
export async function guidedLabel(ctx: BotContext, prediction: Prediction, input: LabelInput, samples: readonly Sample[]): Promise<GuidedLabel | 'nothing' | null> {
  const look = ctx.lookForLabel;
  if (!look || input.kind !== 'digits' || input.label === '' || input.label === prediction.digits || !prediction.pictureUrl) return null;
  const url = prediction.pictureUrl;
  const { limits } = ctx.config;
  const classifier = ctx.models.current().classifier;
  // a 10-class model cannot tell a digit-like mark: no download for a look that finds nothing
  if (!knowsNone(classifier)) return null;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), GUIDED_BUDGET_MS)));
  const found = (async () => {
    const bytes = await download(url, limits.imageBytes, limits.downloadTimeoutMs);
    return ctx.reads.run(() => look(bytes, classifier, input.label), 'interactive');
  })();
  try {
    const guided = await Promise.race([found, late]);
    if (guided === 'late') {
      ctx.log.info({ predictionId: prediction.id }, 'guided look: too slow, the label lands on the answer\'s marks');
      found.catch(() => undefined);
      return null;
    }
    return guided ? placed(guided, input.label, samples) : 'nothing';
  } catch (err) {
    ctx.log.info({ predictionId: prediction.id, err: err instanceof Error ? err.message : String(err) }, 'guided look: the picture could not be read again');
    return null;
  } finally {
    clearTimeout(timer);
  }
}

/** The guided marks as positions: an answer's mark when it is the same mark, else a new one after the picture's marks (pure). */
export function placed(guided: GuidedMarks, label: string, samples: readonly Pick<Sample, 'position' | 'box' | 'guided'>[]): GuidedLabel {
  let next = samples.reduce((m, s) => Math.max(m, s.position + 1), 0);
  const added: GuidedLabel['added'] = [];
  const labels = guided.marks.map((m, i) => {
    const same = samples.find((s) => s.box !== null && boxIoU(s.box, m.box) >= SAME_MARK_IOU);
    const position = same?.position ?? next++;
    if (!same) added.push({ position, mark: storedMark(m, 'candidate') });
    return { position, label: Number(label[i]) };
  });
  // `marks`: the answer's marks (the strip): a position past them is a mark it had not cut
  return { assignment: { used: true, how: 'guided', label, labels, marks: samples.filter((s) => !s.guided).length }, added };
}
