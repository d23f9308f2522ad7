import { describe, expect, it } from 'vitest';
import { Cooldown } from '../../src/bot/cooldown.ts';
import { decodeFeedbackId, encodeFeedbackId, parseLabel, parseMarkNumber } from '../../src/bot/customIds.ts';
import { bar, formatAnswer, formatRun, formatStats, percent, withFeedback } from '../../src/bot/format.ts';
import { Limiter, TaskTracker } from '../../src/bot/limiter.ts';
import { ModelHolder } from '../../src/bot/modelHolder.ts';
import { canLabel, isImageAttachment, shouldReadMessage } from '../../src/bot/permissions.ts';
import type { LiveStats } from '../../src/store/index.ts';
import type { Reading } from '../../src/vision/types.ts';
import { fakeModel } from '../support/botHarness.ts';

const reading = (digits: string, conf: number): Reading => ({
  digits,
  confidence: conf ** digits.length,
  noDigit: false,
  perDigit: [...digits].map((d) => ({
    digit: Number(d), confidence: conf, top3: [{ digit: Number(d), p: conf }, { digit: 1, p: (1 - conf) * 0.7 }, { digit: 2, p: (1 - conf) * 0.3 }],
    image: new Float32Array(784), box: { x: 0, y: 0, width: 1, height: 1 },
  })),
});

describe('format', () => {
  it('bars and percents', () => {
    expect(bar(0)).toBe('░░░░░░░░░░');
    expect(bar(0.94)).toBe('█████████░');
    expect(bar(1, 4)).toBe('████');
    expect(percent(0.98765, 2)).toBe('98.77%');
    expect(percent(null)).toBe('–');
  });

  it('a confident single digit: title, top-3 bars, confirm + menu', () => {
    const p = formatAnswer({ reading: reading('7', 0.96), predictionId: 12, modelName: 'm', lowConfidence: 0.6 });
    const e = p.embeds[0]!;
    expect(e.title).toBe('I read: 7');
    expect(e.description!.split('\n')).toHaveLength(4);
    expect(e.fields ?? []).toEqual([]);
    expect(e.footer?.text).toBe('model m · prediction #12');
    expect(JSON.stringify(p.components)).toContain('fb:pick:12');
    expect(JSON.stringify(p.components)).toContain('fb:ok:12');
  });

  it('low confidence says so; numbers get per-digit lines and a menu per digit, not the single 0-9 menu', () => {
    const unsure = formatAnswer({ reading: reading('4', 0.41), predictionId: 1, modelName: 'm', lowConfidence: 0.6 });
    expect(unsure.embeds[0]!.fields?.[0]?.name).toBe('Not sure');
    const num = formatAnswer({ reading: reading('305', 0.9), predictionId: 2, modelName: 'm', lowConfidence: 0.6 });
    expect(num.embeds[0]!.title).toBe('I read: 305');
    expect(num.embeds[0]!.description).toContain('3 digits');
    expect(JSON.stringify(num.components)).not.toContain('fb:pick');
    expect(JSON.stringify(num.components)).toContain('fb:num:2');
    expect(JSON.stringify(num.components)).toContain('fb:mark:2:2');
  });

  it('no digit: honest answer with the reason, no confirm button', () => {
    const p = formatAnswer({ reading: { digits: '', confidence: 0, perDigit: [], noDigit: true, reason: 'not a digit' }, predictionId: 3, modelName: 'm', lowConfidence: 0.6 });
    expect(p.embeds[0]!.title).toBe('No digit found');
    expect(p.embeds[0]!.description).toContain('(not a digit)');
    expect(JSON.stringify(p.components)).not.toContain('fb:ok');
  });

  it('feedback replaces the verdict field and retitles corrections', () => {
    const e0 = formatAnswer({ reading: reading('4', 0.41), predictionId: 1, modelName: 'm', lowConfidence: 0.6 }).embeds[0]!;
    const e1 = withFeedback(e0, { kind: 'corrected', label: '9', userId: '42', asModerator: false, learning: 'Thanks, I will learn from it: mark 1 above.' });
    expect(e1.title).toBe('It says: 9');
    expect(e1.fields).toEqual([{ name: 'Feedback', value: '✏️ Corrected to **9** by <@42>. Thanks, I will learn from it: mark 1 above.' }]);
    // without a learning note nothing is claimed (a forgotten picture's samples are gone)
    expect(withFeedback(e0, { kind: 'corrected', label: '9', userId: null, asModerator: false }).fields![0]!.value).toBe('✏️ Corrected to **9**. Thanks!');
    const e2 = withFeedback(e1, { kind: 'confirmed', label: '9', userId: '43', asModerator: true });
    expect(e2.fields).toHaveLength(1);
    expect(e2.fields![0]!.value).toContain('(moderator)');
  });

  it('stats embed and retrain run summary', () => {
    const live: LiveStats = {
      predictions: 10, confirmed: 6, corrected: 2, accuracyAll: 0.75, accuracy7d: 0.5, feedback7d: 4, samplesWaiting: 3,
      perDigit: Array.from({ length: 10 }, (_, d) => ({ digit: d, total: d === 3 ? 4 : 0, correct: d === 3 ? 3 : 0 })),
      confusion: [], daily: [], since: '2026-01-01',
    };
    const e = formatStats({ model: fakeModel.info, live, lastRun: null, chartName: 'c.png' });
    const s = JSON.stringify(e);
    expect(s).toContain('99.12%');
    expect(s).toContain('75.0%');
    expect(s).toContain('`3`  75% of 4');
    expect(s).toContain('none yet');
    expect(e.image?.url).toBe('attachment://c.png');
    expect(formatRun({ id: 1, startedAt: '2026-01-02T03:04:05Z', finishedAt: null, trigger: 'cron', requestedBy: null, status: 'rejected', parentModel: 'a', candidateModel: 'b', samplesUsed: 200, mnistBefore: 0.99, mnistAfter: 0.95, holdoutBefore: null, holdoutAfter: null, reason: 'worse on MNIST', details: null }))
      .toBe('**rejected** (cron, 2026-01-02 03:04 UTC) · 200 samples · MNIST 99.00% → 95.00% · candidate b · worse on MNIST');
  });
});

describe('permissions', () => {
  it('the poster or a moderator may label; others may not', () => {
    expect(canLabel({ userId: 'a', posterId: 'a', canManageMessages: false })).toEqual({ allowed: true, trusted: true, asModerator: false });
    expect(canLabel({ userId: 'b', posterId: 'a', canManageMessages: true })).toEqual({ allowed: true, trusted: true, asModerator: true });
    expect(canLabel({ userId: 'b', posterId: 'a', canManageMessages: false }).allowed).toBe(false);
    expect(canLabel({ userId: 'b', posterId: null, canManageMessages: false }).allowed).toBe(false);
  });

  it('which messages are read', () => {
    const base = { authorIsBot: false, authorId: 'u', botId: 'b', isDm: false, channelId: 'c', parentId: null, mentionsBot: false, watchChannelIds: ['w'] };
    expect(shouldReadMessage(base)).toBe(false);
    expect(shouldReadMessage({ ...base, channelId: 'w' })).toBe(true);
    expect(shouldReadMessage({ ...base, parentId: 'w' })).toBe(true);
    expect(shouldReadMessage({ ...base, isDm: true })).toBe(true);
    expect(shouldReadMessage({ ...base, mentionsBot: true })).toBe(true);
    expect(shouldReadMessage({ ...base, isDm: true, authorIsBot: true })).toBe(false);
    expect(shouldReadMessage({ ...base, isDm: true, authorId: 'b' })).toBe(false);
  });

  it('image attachments by type, or by name without one; SVG too (the reader answers or refuses)', () => {
    expect(isImageAttachment({ contentType: 'image/png', name: 'x' })).toBe(true);
    expect(isImageAttachment({ contentType: 'image/svg+xml', name: 'x.svg' })).toBe(true);
    expect(isImageAttachment({ contentType: null, name: 'x.SVG' })).toBe(true);
    expect(isImageAttachment({ contentType: 'text/plain', name: 'x.png' })).toBe(false);
    expect(isImageAttachment({ contentType: null, name: 'photo.JPG' })).toBe(true);
    expect(isImageAttachment({ contentType: null, name: 'notes.txt' })).toBe(false);
  });
});

describe('cooldown', () => {
  it('allows a burst per window, notifies once, recovers', () => {
    let t = 0;
    const c = new Cooldown(10_000, 2, () => t);
    expect(c.take('u').ok).toBe(true);
    t = 1000;
    expect(c.take('u').ok).toBe(true);
    t = 2000;
    expect(c.take('u')).toEqual({ ok: false, retryAfterMs: 8000, notify: true });
    t = 3000;
    expect(c.take('u')).toEqual({ ok: false, retryAfterMs: 7000, notify: false });
    expect(c.take('v').ok).toBe(true);
    t = 10_001;
    expect(c.take('u').ok).toBe(true);
    t = 100_000;
    c.sweep();
    expect(c.size).toBe(0);
    expect(new Cooldown(0, 1).take('x').ok).toBe(true);
  });
});

describe('custom ids and labels', () => {
  it('round-trips and rejects junk', () => {
    for (const kind of ['confirm', 'pick', 'number', 'modal', 'none', 'agree'] as const) expect(decodeFeedbackId(encodeFeedbackId({ kind, predictionId: 99 }))).toEqual({ kind, predictionId: 99 });
    expect(decodeFeedbackId(encodeFeedbackId({ kind: 'mark', predictionId: 99, index: 3 }))).toEqual({ kind: 'mark', predictionId: 99, index: 3 });
    expect(decodeFeedbackId('fb:mark:99')).toBeNull();
    expect(decodeFeedbackId(encodeFeedbackId({ kind: 'at', predictionId: 99, digit: 7 }))).toEqual({ kind: 'at', predictionId: 99, digit: 7 });
    expect(decodeFeedbackId('fb:at:99')).toBeNull();
    expect(decodeFeedbackId('fb:at:99:12')).toBeNull();
    expect(decodeFeedbackId('fb:ok:99:1')).toBeNull();
    expect(decodeFeedbackId('fb:constructor:99')).toBeNull();
    expect(decodeFeedbackId('fb:ok:abc')).toBeNull();
    expect(decodeFeedbackId('other')).toBeNull();
    // the picker's values: a mark number on the strip, 1..marks
    expect(parseMarkNumber('1', 3)).toBe(0);
    expect(parseMarkNumber('3', 3)).toBe(2);
    for (const v of ['0', '4', '01', '-1', '1.0', '', '99']) expect(parseMarkNumber(v, 3)).toBeNull();
    expect(parseLabel(' 2 024 ')).toEqual({ ok: true, label: '2024' });
    expect(parseLabel('seven').ok).toBe(false);
    expect(parseLabel('').ok).toBe(false);
  });
});

describe('model holder, limiter, task tracker', () => {
  it('swaps only after a successful load', async () => {
    const h = new ModelHolder(fakeModel);
    const seen: string[] = [];
    h.onSwap((n) => seen.push(n.info.name));
    await expect(h.swapFrom(async () => { throw new Error('corrupt'); })).rejects.toThrow('corrupt');
    expect(h.current()).toBe(fakeModel);
    const next = { ...fakeModel, info: { ...fakeModel.info, name: 'next' } };
    await h.swapFrom(async () => next);
    expect(h.current().info.name).toBe('next');
    expect(seen).toEqual(['next']);
  });

  it('limits concurrency and drains tasks', async () => {
    const l = new Limiter(2);
    let peak = 0;
    const job = () => l.run(async () => {
      peak = Math.max(peak, l.active);
      await new Promise((r) => setTimeout(r, 5));
    });
    await Promise.all([job(), job(), job(), job(), job()]);
    expect(peak).toBe(2);
    const t = new TaskTracker();
    void t.track(new Promise((r) => setTimeout(r, 20)));
    expect(await t.drain(1000)).toBe(true);
    void t.track(new Promise((r) => setTimeout(r, 500)));
    expect(await t.drain(10)).toBe(false);
  });
});
