/** /stats: real dates on the per-day chart, one source for the text and the chart, plurals (issue 10, defect 11). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { APIEmbed } from 'discord.js';
import { dailyAccuracyChart, renderStatsCharts } from '../../src/bot/charts.ts';
import { formatStats } from '../../src/bot/format.ts';
import { openStore, type LiveStats } from '../../src/store/index.ts';
import { eventually, fakeModel, firstEmbed, png, startHarness, type Harness } from '../support/botHarness.ts';

const live = (daily: LiveStats['daily'], extra: Partial<LiveStats> = {}): LiveStats => ({
  predictions: 5, confirmed: 1, corrected: 2, accuracyAll: 1 / 3, accuracy7d: 1 / 3, feedback7d: 3, samplesWaiting: 0,
  perDigit: Array.from({ length: 10 }, (_, digit) => ({ digit, total: 0, correct: 0 })), confusion: [], daily, since: '2026-11-18', ...extra,
});

describe('the per-day chart and the text', () => {
  it('labels each bar with its real date and the answers rated that day', () => {
    const spec = dailyAccuracyChart(live([{ day: '2026-11-29', total: 2, correct: 1 }, { day: '2026-12-01', total: 1, correct: 0 }]))!;
    expect(spec.labels).toEqual(['29 Nov (2)', '1 Dec (1)']);
    expect(spec.values).toEqual([0.5, 0]);
    expect(spec.title).toBe('Live accuracy per day since 18 Nov (3 answers rated)');
    expect(dailyAccuracyChart(live([]))).toBeNull();
  });

  it('says "1 answer rated", not "1 answers rated"', () => {
    const text = JSON.stringify(formatStats({ model: fakeModel.info, live: live([], { confirmed: 1, corrected: 0, feedback7d: 1 }), lastRun: null }));
    expect(text).toContain('(1 answer rated)');
    expect(text).not.toContain('1 answers');
  });
});

describe('one source of numbers', () => {
  const dir = mkdtempSync(join(tmpdir(), 'digit-bot-stats-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('the totals, the last 7 days and the per-day series add up, over real days', async () => {
    const store = await openStore({ url: `file:${join(dir, 's.db')}` });
    const now = new Date('2026-12-01T12:00:00Z');
    const base = { userId: '1', requestedBy: '1', guildId: null, channelId: '2', messageId: null, attachmentIndex: 0, source: 'chat' as const, modelName: 'm', confidence: 0.9, noDigit: false };
    const give = async (digits: string, label: string, day: string) => {
      const p = await store.predictions.record({ ...base, digits, perDigit: [{ digit: Number(digits), confidence: 0.9, image: new Float32Array(784) }], createdAt: new Date(`${day}T10:00:00Z`) });
      await store.predictions.setReplyMessage(p.id, `reply-${p.id}`); // served = answered
      await store.feedback.give({ predictionId: p.id, userId: '1', label, trusted: true, via: 'select', at: new Date(`${day}T11:00:00Z`) });
    };
    await give('3', '3', '2026-11-10'); // outside both windows
    await give('3', '3', '2026-11-20'); // in the chart's 14 days, not in the last 7
    await give('4', '9', '2026-11-30');
    await give('5', '5', '2026-12-01');
    await give('6', '0', '2026-12-01');
    const s = await store.stats.live(now);
    store.close();
    expect(s.daily).toEqual([
      { day: '2026-11-20', total: 1, correct: 1 },
      { day: '2026-11-30', total: 1, correct: 0 },
      { day: '2026-12-01', total: 2, correct: 1 },
    ]);
    expect(s.since).toBe('2026-11-18');
    expect([s.predictions, s.confirmed, s.corrected]).toEqual([5, 3, 2]);
    const week = s.daily.filter((d) => d.day >= '2026-11-25');
    expect(s.feedback7d).toBe(week.reduce((a, d) => a + d.total, 0));
    expect(s.accuracy7d).toBe(week.reduce((a, d) => a + d.correct, 0) / s.feedback7d);
    expect(s.perDigit.reduce((a, d) => a + d.total, 0)).toBe(5);
  });
});

describe('/stats in the bot', () => {
  let h: Harness;
  const seen: LiveStats[] = [];
  beforeAll(async () => {
    h = await startHarness({ renderCharts: async (l) => (seen.push(l), renderStatsCharts(l)) });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('shows the per-day chart beside the same numbers', async () => {
    const u = h.emu.user('rae');
    const msg = h.emu.postMessage({ author: u, channelId: h.emu.channels.watched.id, attachments: [h.emu.attachment(png('digits:2'), 'p.png', 'image/png')] });
    const answer = h.emu.messageFromCall(await h.emu.waitForReply(msg.id));
    const id = Number(/prediction #(\d+)/.exec(String((answer.embeds[0] as APIEmbed).footer?.text))![1]);
    await eventually(async () => expect((await h.store.predictions.get(id))?.replyMessageId).toBe(answer.id));
    await h.emu.waitForInteractionAnswer(h.emu.component({ user: u, message: answer, customId: `fb:ok:${id}` }));

    const st = await h.emu.waitForInteractionAnswer(h.emu.slashCommand({ user: u, name: 'stats' }));
    const embed = firstEmbed(st);
    expect(JSON.stringify(embed)).toContain('all time: **100.0%** (1 answer rated)');
    expect(JSON.stringify(embed)).toContain('last 7 days: **100.0%** (1 answer rated)');
    expect(embed.image?.url).toBe('attachment://live-accuracy.png');
    expect(st.files.map((f) => f.name)).toEqual(['live-accuracy.png', 'feedback-confusion.png']);
    const today = new Date().toISOString().slice(0, 10);
    expect(seen.at(-1)!.daily).toEqual([{ day: today, total: 1, correct: 1 }]);
  });
});
