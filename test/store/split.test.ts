/** Which samples are held back: drawn when a picture is stored, plus a share of the corrections when the label is given. */
import { describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/index.ts';
import { CORRECTED_HOLDOUT_SHARE, HOLDOUT_SHARE, isCorrection, splitOnLabel, type Sample } from '../../src/store/samples.ts';
import { CHAT_PICTURE, tempStores } from './tempStore.ts';

const storeAt = tempStores('digit-bot-split-');
const fresh = async (): Promise<Store> => (await storeAt()).store;

const img = (v: number) => new Float32Array(784).fill(v);
const base = { ...CHAT_PICTURE, messageId: null, confidence: 0.9, noDigit: false };

/** `n` pictures of one 3 each, every sample put on the training side (whatever the store-time draw said). */
async function threes(store: Store, n: number): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < n; i++) ids.push((await store.predictions.record({ ...base, digits: '3', perDigit: [{ digit: 3, confidence: 0.9, pNone: 0.01, image: img(0.3) }] })).id);
  await store.db.execute("UPDATE samples SET split = 'train'");
  return ids;
}

/** prediction id → split of its first sample */
async function splits(store: Store): Promise<Map<number, string>> {
  const rs = await store.db.execute('SELECT prediction_id, split FROM samples WHERE position = 0 ORDER BY prediction_id');
  return new Map(rs.rows.map((r) => [Number(r.prediction_id), String(r.split)]));
}
const heldBack = (m: Map<number, string>) => [...m].filter(([, s]) => s === 'holdout').map(([id]) => id);

const give = (store: Store, predictionId: number, label: string) => store.feedback.give({ predictionId, userId: base.userId, label, trusted: true, via: 'select' });

describe('the held-back split', () => {
  it('splitOnLabel: a correction of an untrained training mark is held back by a draw on the mark alone; anything else keeps its split', () => {
    const mark = (predictionId: number, o: Partial<Sample> = {}) => ({ predictionId, position: 0, kind: 'read' as const, predicted: 3, split: 'train' as const, usedInRun: null, ...o });
    const corrected = Array.from({ length: 6000 }, (_, i) => splitOnLabel(mark(i + 1), 5));
    const share = corrected.filter((s) => s === 'holdout').length / corrected.length;
    expect(share).toBeGreaterThan(CORRECTED_HOLDOUT_SHARE - 0.02);
    expect(share).toBeLessThan(CORRECTED_HOLDOUT_SHARE + 0.02);
    // about a third of all corrections held back, counting the store-time draw
    expect(HOLDOUT_SHARE + (1 - HOLDOUT_SHARE) * CORRECTED_HOLDOUT_SHARE).toBeCloseTo(1 / 3, 6);
    // the same mark lands on the same side whatever digit it is corrected to, "not a digit" (10) included
    for (let i = 0; i < 200; i++) {
      for (const label of [0, 7, 9, 10]) expect(splitOnLabel(mark(i + 1), label)).toBe(corrected[i]);
    }
    // another mark of the same picture is drawn on its own
    const second = Array.from({ length: 400 }, (_, i) => splitOnLabel(mark(i + 1, { position: 1 }), 5));
    expect(second.some((s, i) => s !== corrected[i])).toBe(true);
    const moved = corrected.flatMap((s, i) => (s === 'holdout' ? [i + 1] : []));
    for (const id of moved.slice(0, 50)) {
      // a confirmation, no label, a trained mark: never moved
      expect(splitOnLabel(mark(id), 3)).toBe('train');
      expect(splitOnLabel(mark(id), null)).toBe('train');
      expect(splitOnLabel(mark(id, { usedInRun: 4 }), 5)).toBe('train');
      // a mark the model dropped is answered "not a digit": labelling it so confirms, a digit corrects
      expect(splitOnLabel(mark(id, { kind: 'candidate' }), 10)).toBe('train');
      expect(splitOnLabel(mark(id, { kind: 'candidate' }), 3)).toBe('holdout');
    }
    // the held-back side stays held back
    for (const label of [3, 5, null]) expect(splitOnLabel(mark(1, { split: 'holdout' }), label)).toBe('holdout');
  });

  it('a mark a label-guided look found is a correction only when the model\'s own call on it is not the label (isCorrection)', () => {
    const found = { kind: 'candidate' as const, predicted: 8, confidence: 0.6, pNone: 0.1, guided: true };
    // in no answer, but the model reads it as an 8: an 8 there confirms the model, a 3 corrects it
    expect(isCorrection(found, 8)).toBe(false);
    expect(isCorrection(found, 3)).toBe(true);
    // the model's call is "not a digit" when that is more likely
    expect(isCorrection({ ...found, pNone: 0.7 }, 8)).toBe(true);
    expect(isCorrection({ ...found, pNone: 0.7 }, 10)).toBe(false);
    // a dropped mark of the answer: any digit label corrects the answer ("not a digit")
    expect(isCorrection({ ...found, guided: false }, 8)).toBe(true);
    const mark = { predictionId: 1, position: 2, split: 'train' as const, usedInRun: null };
    for (let i = 0; i < 50; i++) expect(splitOnLabel({ ...mark, ...found, predictionId: i }, 8)).toBe('train');
  });

  it('a correction lands on the held-back side when given, on the same side when given again; confirmations keep theirs; held-back corrections are not waiting', async () => {
    const store = await fresh();
    const ids = await threes(store, 120);
    const corrected = ids.slice(0, 90);
    // someone else's label (untrusted: never trained on nor measured) moves nothing
    for (const id of corrected) await store.feedback.give({ predictionId: id, userId: '999999999999999999', label: '5', trusted: false, via: 'select' });
    expect(heldBack(await splits(store))).toEqual([]);
    for (const id of corrected) await give(store, id, '5');
    // confirmations never move (ids 91-120 stay on the training side)
    for (const id of ids.slice(90)) await give(store, id, '3');
    const first = await splits(store);
    const moved = heldBack(first);
    expect(moved.length).toBeGreaterThan(5);
    expect(moved.length).toBeLessThan(30);
    expect(moved.every((id) => corrected.includes(id))).toBe(true);
    // what the schedule counts: the trusted training samples no run used — the held-back corrections are not among them
    expect(await store.samples.waitingCount()).toBe(120 - moved.length);
    expect((await store.samples.labelled({ split: 'holdout' })).map((s) => s.predictionId)).toEqual(moved);

    // re-labelled: another digit, "not a digit", then a confirmation — the same marks on the same side, none back and forth
    for (const label of ['8', '', '3']) {
      for (const id of corrected) await give(store, id, label);
      expect(heldBack(await splits(store))).toEqual(moved);
    }
    // a confirmation stored on the held-back side keeps it
    await store.db.execute({ sql: "UPDATE samples SET split = 'holdout' WHERE prediction_id = ?", args: [ids[119]!] });
    await give(store, ids[119]!, '3');
    expect((await splits(store)).get(ids[119]!)).toBe('holdout');
  });

  it('a sample a run trained on is never moved, and one corrected while a run trained on it goes back to the training side', async () => {
    const store = await fresh();
    const ids = await threes(store, 120);
    for (const id of ids) await give(store, id, '3');
    const all = await store.samples.labelled({ split: 'train' });
    // a run trains on the first 60
    await store.samples.markUsed(all.slice(0, 60).map((s) => s.id), await store.retrainRuns.start({ trigger: 'cli', parentModel: 'm' }));
    for (const id of ids.slice(0, 60)) await give(store, id, '5');
    // the draw would have held some of them back (were they untrained)...
    expect(all.slice(0, 60).filter((s) => splitOnLabel({ ...s, usedInRun: null }, 5) === 'holdout').length).toBeGreaterThan(0);
    // ...but they were trained on: all stay
    expect(heldBack(await splits(store))).toEqual([]);

    // a run reads the other 60 as training samples; while it trains they are corrected and some held back
    const reading = all.slice(60);
    for (const id of ids.slice(60)) await give(store, id, '5');
    const movedWhileTraining = heldBack(await splits(store));
    expect(movedWhileTraining.length).toBeGreaterThan(0);
    // the run ends: what it trained on is marked used and back on the training side (a trained sample is never held back)
    await store.samples.markUsed(reading.map((s) => s.id), await store.retrainRuns.start({ trigger: 'cli', parentModel: 'm' }));
    expect(heldBack(await splits(store))).toEqual([]);
    for (const id of movedWhileTraining) await give(store, id, '6');
    expect(heldBack(await splits(store))).toEqual([]);
  });
});
