/** Slash commands and the context menu come before chat pictures in the reading queue (issue 10, defect 12). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Limiter } from '../../src/bot/limiter.ts';
import type { ReadDigitsFn } from '../../src/bot/context.ts';
import { eventually, fakeReadDigits, firstEmbed, png, startHarness, type Harness } from '../support/botHarness.ts';

describe('Limiter priorities', () => {
  it('runs waiting interactive work before waiting chat work, each in arrival order', async () => {
    const l = new Limiter(1);
    const order: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const job = (name: string, priority: 'interactive' | 'chat') => l.run(async () => void order.push(name), priority);
    const first = l.run(() => gate, 'chat');
    const all = [job('chat1', 'chat'), job('chat2', 'chat'), job('cmd1', 'interactive'), job('chat3', 'chat'), job('cmd2', 'interactive')];
    expect(l.pending).toBe(5);
    release();
    await Promise.all([first, ...all]);
    expect(order).toEqual(['cmd1', 'cmd2', 'chat1', 'chat2', 'chat3']);
  });
});

const reads: string[] = [];
let releaseFirst!: () => void;
const firstHeld = new Promise<void>((r) => (releaseFirst = r));
/** the first chat picture is held until the test lets it go, so the queue is full and stable */
const slowReader: ReadDigitsFn = async (bytes, c) => {
  reads.push(bytes.toString('utf8'));
  if (reads.length === 1) await firstHeld;
  return fakeReadDigits(bytes, c);
};

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ readDigits: slowReader, env: { MAX_CONCURRENT_READS: '1', COOLDOWN_MAX_REQUESTS: '100' } });
});
afterAll(async () => {
  await h?.close();
});

describe('the reading queue in the bot', () => {
  it('a /predict sent during a chat burst is read next, not after the burst', async () => {
    const u = h.emu.user('burst');
    const burst = Array.from({ length: 8 }, (_, i) =>
      h.emu.postMessage({ author: u, channelId: h.emu.channels.watched.id, attachments: [h.emu.attachment(png(`digits:${i}`), 'p.png', 'image/png')] }),
    );
    await eventually(async () => expect(reads.length).toBe(1));
    await eventually(async () => expect(h.bot.ctx.reads.pending).toBe(7), 10_000);
    const att = h.emu.attachment(png('digits:99'), 'cmd.png', 'image/png');
    const i = h.emu.slashCommand({ user: h.emu.user('cmd'), name: 'predict', options: [{ name: 'image', type: 11, value: att.id }], attachments: [att] });
    await eventually(async () => expect(h.bot.ctx.reads.pending).toBe(8), 10_000);
    releaseFirst();
    const answer = await h.emu.waitForInteractionAnswer(i);
    expect(firstEmbed(answer).title).toBe('I read: 99');
    expect(reads.indexOf('digits:99')).toBe(1);
    for (const m of burst) await h.emu.waitForReply(m.id);
  });
});
