import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/store/index.ts';
import { MIGRATIONS, migrate } from '../../src/store/migrations.ts';
import { decodeImage, encodeImage, splitFor } from '../../src/store/samples.ts';

const dirs: string[] = [];
const stores: Store[] = [];
async function fresh(): Promise<{ store: Store; url: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'digit-bot-store-'));
  dirs.push(dir);
  const url = `file:${join(dir, 'sub', 'test.db')}`;
  const store = await openStore({ url });
  stores.push(store);
  return { store, url };
}
afterEach(() => {
  for (const s of stores.splice(0)) s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const img = (v: number) => new Float32Array(784).fill(v);
const base = {
  userId: '111111111111111111',
  requestedBy: '111111111111111111',
  guildId: '222222222222222222',
  channelId: '333333333333333333',
  messageId: '444444444444444444',
  attachmentIndex: 0,
  source: 'chat' as const,
  modelName: 'test-model',
};

describe('store', () => {
  it('migrates once and is idempotent', async () => {
    const { store } = await fresh();
    expect(await migrate(store.db)).toEqual([]);
    const rs = await store.db.execute('SELECT version FROM schema_migrations');
    expect(rs.rows.map((r) => Number(r.version))).toEqual(MIGRATIONS.map((m) => m.version));
  });

  it('records a prediction with its samples and applies a correction to them', async () => {
    const { store } = await fresh();
    const p = await store.predictions.record({
      ...base, digits: '42', confidence: 0.8, noDigit: false,
      perDigit: [{ digit: 4, confidence: 0.9, image: img(0.5) }, { digit: 2, confidence: 0.88, image: img(1) }],
    });
    expect(p.id).toBeGreaterThan(0);
    expect(p.digits).toBe('42');
    const samples = await store.samples.forPrediction(p.id);
    expect(samples.map((s) => s.predicted)).toEqual([4, 2]);
    expect(samples[0]!.image[0]).toBeCloseTo(0.5, 2);

    const updated = await store.feedback.give({ predictionId: p.id, userId: base.userId, label: '47', trusted: true, via: 'modal' });
    expect(updated?.labelStatus).toBe('corrected');
    expect(updated?.label).toBe('47');
    const after = await store.samples.forPrediction(p.id);
    expect(after.map((s) => [s.label, s.trusted])).toEqual([[4, true], [7, true]]);

    // a label with a different number of digits cannot be spread over the samples
    await store.feedback.give({ predictionId: p.id, userId: base.userId, label: '471', trusted: true, via: 'modal' });
    expect((await store.samples.forPrediction(p.id)).every((s) => s.label === null)).toBe(true);
  });

  it('computes live stats: confirmations, corrections, per digit, confusion, waiting samples', async () => {
    const { store } = await fresh();
    const a = await store.predictions.record({ ...base, digits: '3', confidence: 0.9, noDigit: false, perDigit: [{ digit: 3, confidence: 0.9, image: img(0) }] });
    const b = await store.predictions.record({ ...base, digits: '5', confidence: 0.4, noDigit: false, perDigit: [{ digit: 5, confidence: 0.4, image: img(0) }] });
    const c = await store.predictions.record({ ...base, digits: '', confidence: 0, noDigit: true, reason: 'blank image', perDigit: [] });
    for (const [k, x] of [a, b, c].entries()) await store.predictions.setReplyMessage(x.id, `10000000000000000${k}`);
    // stored but never answered (the process died before replying): not served
    await store.predictions.record({ ...base, digits: '7', confidence: 0.9, noDigit: false, perDigit: [{ digit: 7, confidence: 0.9, image: img(0) }] });
    await store.feedback.give({ predictionId: a.id, userId: base.userId, label: '3', trusted: true, via: 'button' });
    await store.feedback.give({ predictionId: b.id, userId: '999999999999999999', label: '6', trusted: false, via: 'select' });
    const s = await store.stats.live();
    expect(s.predictions).toBe(3);
    expect(s.confirmed).toBe(1);
    expect(s.corrected).toBe(1);
    expect(s.accuracyAll).toBe(0.5);
    expect(s.accuracy7d).toBe(0.5);
    expect(s.confusion[3]![3]).toBe(1);
    expect(s.confusion[6]![5]).toBe(1);
    expect(s.perDigit[6]).toEqual({ digit: 6, total: 1, correct: 0 });
    expect(s.daily).toHaveLength(1);
    expect(s.samplesWaiting + (await store.samples.labelled({ split: 'holdout' })).length).toBe(1); // only the trusted one
  });

  it('forgets a user: their pictures, samples and feedback gone, anonymous counts kept', async () => {
    const { store } = await fresh();
    const p = await store.predictions.record({ ...base, digits: '1', confidence: 0.9, noDigit: false, perDigit: [{ digit: 1, confidence: 0.9, image: img(0) }] });
    await store.predictions.setReplyMessage(p.id, '555555555555555555');
    await store.feedback.give({ predictionId: p.id, userId: base.userId, label: '7', trusted: true, via: 'select' });
    const before = await store.stats.live();
    const r = await store.forget.forgetUser(base.userId);
    expect(r).toMatchObject({ pictures: 1, samples: 1, feedback: 1, askedFor: 0, labelledForOthers: 0, retrainRuns: 0 });
    expect(r.answers).toEqual([{ channelId: base.channelId, messageId: '555555555555555555', own: true, verdict: { kind: 'corrected', label: '7', asModerator: false } }]);
    expect(await store.predictions.get(p.id)).toBeNull();
    expect(await store.samples.forPrediction(p.id)).toEqual([]);
    expect(await store.feedback.forPrediction(p.id)).toEqual([]);
    expect(await store.predictions.latestPostedBy(base.userId)).toBeNull();
    const after = await store.stats.live();
    expect([after.predictions, after.confirmed, after.corrected, after.accuracyAll, after.feedback7d]).toEqual([before.predictions, before.confirmed, before.corrected, before.accuracyAll, before.feedback7d]);
    expect(after.daily).toEqual(before.daily);
    // nothing left anywhere names the user, their message, the place or the answer
    const dump = JSON.stringify(await Promise.all(['predictions', 'samples', 'feedback', 'forgotten_counts', 'retrain_runs'].map((t) => store.db.execute(`SELECT * FROM ${t}`).then((x) => x.rows))));
    for (const id of [base.userId, base.messageId, base.channelId, base.guildId, '555555555555555555']) expect(dump).not.toContain(id);
  });

  it('forgetting touches only what belongs to the caller', async () => {
    const { store } = await fresh();
    const a = '700000000000000001';
    const b = '700000000000000002';
    const one = { digit: 4, confidence: 0.9, image: img(0.4) };
    // B asked about A's picture and, as a moderator, labelled another of A's pictures
    const asked = await store.predictions.record({ ...base, userId: a, requestedBy: b, source: 'context', digits: '4', confidence: 0.9, noDigit: false, perDigit: [one] });
    const labelled = await store.predictions.record({ ...base, userId: a, requestedBy: a, digits: '4', confidence: 0.9, noDigit: false, perDigit: [one] });
    await store.predictions.setReplyMessage(labelled.id, '600000000000000001');
    await store.feedback.give({ predictionId: labelled.id, userId: b, label: '9', trusted: true, via: 'select' });
    const own = await store.predictions.record({ ...base, userId: b, requestedBy: b, digits: '4', confidence: 0.9, noDigit: false, perDigit: [one] });
    const run = await store.retrainRuns.start({ trigger: 'command', requestedBy: b });
    const r = await store.forget.forgetUser(b);
    expect(r).toMatchObject({ pictures: 1, samples: 1, feedback: 1, askedFor: 1, labelledForOthers: 1, retrainRuns: 1 });
    expect(r.answers).toEqual([{ channelId: base.channelId, messageId: '600000000000000001', own: false, verdict: { kind: 'corrected', label: '9', asModerator: true } }]);
    // A's pictures keep their owner, their samples and the label; only B's id is gone
    expect(await store.predictions.get(asked.id)).toMatchObject({ userId: a, requestedBy: null });
    expect(await store.predictions.get(labelled.id)).toMatchObject({ userId: a, label: '9', labelStatus: 'corrected', labelledBy: null, trusted: true });
    expect((await store.samples.forPrediction(labelled.id)).map((s) => [s.label, s.trusted])).toEqual([[9, true]]);
    expect((await store.samples.forPrediction(asked.id))).toHaveLength(1);
    expect(await store.predictions.get(own.id)).toBeNull();
    expect((await store.retrainRuns.latest())).toMatchObject({ id: run, requestedBy: null });
    const dump = JSON.stringify(await Promise.all(['predictions', 'samples', 'feedback', 'retrain_runs'].map((t) => store.db.execute(`SELECT * FROM ${t}`).then((x) => x.rows))));
    expect(dump).not.toContain(b);
    expect(dump).toContain(a);
  });

  it('migration 3 keeps the samples of an older database as read marks, fit to train on', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'digit-bot-store-'));
    dirs.push(dir);
    const url = `file:${join(dir, 'old.db')}`;
    const old = await openStore({ url, migrate: false });
    stores.push(old);
    await migrate(old.db, MIGRATIONS.filter((m) => m.version <= 2));
    await old.db.execute({ sql: "INSERT INTO predictions (key, created_at, user_id, channel_id, source, model_name, digits, confidence, label, label_status, trusted) VALUES ('k', '2026-01-01T00:00:00Z', ?, ?, 'chat', 'm', '4', 0.9, '4', 'confirmed', 1)", args: [base.userId, base.channelId] });
    await old.db.execute({ sql: "INSERT INTO samples (prediction_id, position, user_id, created_at, image, predicted, confidence, label, trusted) VALUES (1, 0, ?, '2026-01-01T00:00:00Z', ?, 4, 0.9, 4, 1)", args: [base.userId, encodeImage(img(0.5))] });
    expect(await migrate(old.db)).toEqual([3, 4]);
    expect((await old.predictions.get(1))?.pictureUrl).toBeNull();
    const [sample] = await old.samples.forPrediction(1);
    expect(sample).toMatchObject({ kind: 'read', pNone: null, box: null, held: false, label: 4, trusted: true, labelledBy: null });
    expect((await old.samples.labelled()).map((x) => x.id)).toEqual([sample!.id]);
    expect(await old.predictions.get(1)).toMatchObject({ labelHeld: null, agreedBy: null });
  });

  it('a held label is stored untrusted and never returned for training until someone agrees; none labels only on request', async () => {
    const { store } = await fresh();
    const p = await store.predictions.record({
      ...base, digits: '7', confidence: 0.99, noDigit: false,
      perDigit: [{ digit: 1, confidence: 0.01, pNone: 0.98, kind: 'candidate', image: img(0.1), box: { x: 1, y: 2, width: 3, height: 4 } }, { digit: 7, confidence: 0.99, pNone: 0.001, image: img(0.7) }],
    });
    expect((await store.samples.forPrediction(p.id)).map((x) => [x.position, x.kind, x.pNone, x.box])).toEqual([[0, 'candidate', 0.98, { x: 1, y: 2, width: 3, height: 4 }], [1, 'read', 0.001, null]]);
    const held = await store.feedback.give({ predictionId: p.id, userId: base.userId, label: '1', trusted: true, via: 'select', held: 'contradicted' });
    expect(held).toMatchObject({ label: '1', trusted: false, labelHeld: 'contradicted' });
    // given without an assignment, the store lands it itself: on the one digit-like mark
    expect((await store.samples.forPrediction(p.id)).map((x) => [x.label, x.trusted, x.held, x.assignment, x.labelledBy])).toEqual([[null, false, false, null, null], [1, false, true, 'single', base.userId]]);
    expect(await store.samples.labelled()).toEqual([]);
    expect(await store.samples.waitingCount()).toBe(0);
    expect(await store.feedback.agree({ predictionId: p.id, userId: '888888888888888888', label: '2' })).toBeNull(); // not the held label
    const released = await store.feedback.agree({ predictionId: p.id, userId: '888888888888888888', label: '1' });
    expect(released).toMatchObject({ trusted: true, labelHeld: null, agreedBy: '888888888888888888' });
    expect((await store.samples.labelled()).map((x) => [x.position, x.label])).toEqual([[1, 1]]);
    expect(await store.feedback.agree({ predictionId: p.id, userId: '888888888888888888', label: '1' })).toBeNull(); // once
    expect((await store.feedback.forPrediction(p.id)).map((f) => f.via)).toEqual(['select', 'agree']);
    // "not a digit" ('' label): every mark labelled 10, returned only with includeNone, never in the per-digit stats
    await store.feedback.give({ predictionId: p.id, userId: base.userId, label: '', trusted: true, via: 'button' });
    expect((await store.samples.forPrediction(p.id)).map((x) => x.label)).toEqual([10, 10]);
    expect(await store.samples.labelled()).toEqual([]);
    expect((await store.samples.labelled({ includeNone: true })).length).toBe(2);
    expect((await store.stats.live()).perDigit.every((d) => d.total === 0)).toBe(true);
    expect(await store.feedback.countSince(base.userId, new Date(Date.now() - 60_000))).toBe(2);
  });

  it('keeps everything across a reopen', async () => {
    const { store, url } = await fresh();
    const p = await store.predictions.record({ ...base, digits: '8', confidence: 0.7, noDigit: false, perDigit: [{ digit: 8, confidence: 0.7, image: img(0.2) }] });
    await store.models.markActive({ name: 'm1', arch: 'cnn', createdAt: '2026-01-01T00:00:00Z', testAccuracy: 0.99, parent: null });
    const run = await store.retrainRuns.start({ trigger: 'cli', parentModel: 'm1' });
    await store.retrainRuns.finish(run, { status: 'rejected', reason: 'worse on MNIST', mnistBefore: 0.99, mnistAfter: 0.97 });
    store.close();
    stores.length = 0;
    const again = await openStore({ url });
    stores.push(again);
    expect((await again.predictions.get(p.id))?.digits).toBe('8');
    expect((await again.models.active())?.name).toBe('m1');
    expect((await again.retrainRuns.latest())?.reason).toBe('worse on MNIST');
    await again.models.markActive({ name: 'm2', arch: 'cnn', createdAt: '2026-01-02T00:00:00Z', testAccuracy: 0.991, parent: 'm1' });
    expect((await again.models.get('m1'))?.status).toBe('retired');
  });

  it('encodes images as bytes and splits deterministically', () => {
    const f = new Float32Array(784).map((_, i) => (i % 256) / 255);
    expect(Array.from(decodeImage(encodeImage(f))).every((v, i) => Math.abs(v - f[i]!) < 1 / 255)).toBe(true);
    expect(splitFor('abc:0')).toBe(splitFor('abc:0'));
    const share = Array.from({ length: 2000 }, (_, i) => splitFor(`k${i}`)).filter((s) => s === 'holdout').length / 2000;
    expect(share).toBeGreaterThan(0.15);
    expect(share).toBeLessThan(0.25);
  });
});
