/**
 * Pictures are not lost across a restart: the start-up catch-up answers stored predictions whose
 * reply never went out and messages posted while the bot was down, each exactly once.
 * (The same with a killed process: test/bot/process.test.ts.)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { APIEmbed } from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually, png, startHarness, type Harness } from '../support/botHarness.ts';
import { DiscordEmulator, type ApiMessage, type ApiUser } from '../support/emulator/index.ts';

const open: Harness[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const h of open.splice(0)) await h.close().catch(() => undefined);
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDb(): string {
  const dir = mkdtempSync(join(tmpdir(), 'digit-bot-catchup-'));
  dirs.push(dir);
  return `file:${join(dir, 'bot.db')}`;
}
const title = (b: unknown) => (b as { embeds?: APIEmbed[] }).embeds?.[0]?.title;
const post = (emu: DiscordEmulator, author: ApiUser, text: string, channelId = emu.channels.watched.id): ApiMessage =>
  emu.postMessage({ author, channelId, attachments: [emu.attachment(png(text), 'p.png', 'image/png')] });

describe('catch-up after a restart', () => {
  it('answers, once, stored predictions whose reply failed (a channel, a DM), and pictures posted while the bot was down', async () => {
    const emu = await DiscordEmulator.start();
    const dbUrl = tempDb();
    const u = emu.user('ada');
    const h1 = await startHarness({ emu, dbUrl });
    const answered = post(emu, u, 'digits:1');
    await emu.waitForReply(answered.id);
    // the reply to this one fails: it is read and stored, never answered (as if the process died in between)
    let failRepliesTo = '';
    emu.failCalls((c) => failRepliesTo !== '' && refId(c.body) === failRepliesTo);
    const lost = post(emu, u, 'digits:2');
    failRepliesTo = lost.id;
    await eventually(async () => expect(await h1.store.predictions.count()).toBe(2), 10_000);
    const lostDm = emu.postMessage({ author: u, dm: true, attachments: [emu.attachment(png('digits:6'), 'p.png', 'image/png')] });
    failRepliesTo = lostDm.id;
    await eventually(async () => expect(await h1.store.predictions.count()).toBe(3), 10_000);
    await h1.close({ keepDb: true, keepEmulator: true });
    failRepliesTo = '';

    // while the bot is down: a picture in the watched channel, one in another channel (ignored), a DM is not seen
    const whileDown = post(emu, u, 'digits:3');
    const elsewhere = post(emu, u, 'digits:4', emu.channels.other.id);
    const h2 = await startHarness({ emu, dbUrl });
    open.push(h2);
    expect(title((await emu.waitForReply(lost.id, 10_000)).body)).toBe('I read: 2');
    expect(title((await emu.waitForReply(whileDown.id, 10_000)).body)).toBe('I read: 3');
    await eventually(async () => expect(emu.repliesTo(lostDm.id).filter((c) => c.status === 200).map((c) => title(c.body))).toEqual(['I read: 6']), 10_000);
    // a later picture proves the catch-up is over; then nothing was answered twice
    const after = post(emu, u, 'digits:5');
    await emu.waitForReply(after.id);
    await new Promise((r) => setTimeout(r, 300));
    for (const m of [answered, lost, lostDm, whileDown, after]) expect(emu.repliesTo(m.id).filter((c) => c.status === 200), m.id).toHaveLength(1);
    expect(emu.repliesTo(elsewhere.id)).toHaveLength(0);
    const lostPrediction = (await h2.store.predictions.unanswered(new Date(0))).length;
    expect(lostPrediction).toBe(0);
    // served: the 5 answered, each once
    const stats = emu.slashCommand({ user: u, name: 'stats' });
    expect(JSON.stringify((await emu.waitForInteractionAnswer(stats)).body)).toMatch(/predictions served: \*\*5\*\*/);
  }, 30_000);

  it('a reply that went out before the crash is not sent again: only its id is recorded', async () => {
    const emu = await DiscordEmulator.start();
    const dbUrl = tempDb();
    const u = emu.user('bea');
    const h1 = await startHarness({ emu, dbUrl });
    const m = post(emu, u, 'digits:7');
    const reply = await emu.waitForReply(m.id);
    await eventually(async () => expect((await h1.store.predictions.unanswered(new Date(0))).length).toBe(0));
    // the process died after the reply and before its id was stored
    await h1.store.db.execute('UPDATE predictions SET reply_message_id = NULL');
    await h1.close({ keepDb: true, keepEmulator: true });
    const h2 = await startHarness({ emu, dbUrl });
    open.push(h2);
    await eventually(async () => expect((await h2.store.predictions.latestPostedBy(u.id))?.replyMessageId).toBe(emu.messageFromCall(reply).id), 10_000);
    expect(emu.repliesTo(m.id)).toHaveLength(1);
  }, 30_000);

  it('one picture that cannot be answered does not stop the others', async () => {
    const emu = await DiscordEmulator.start();
    const dbUrl = tempDb();
    const u = emu.user('dee');
    const failing = new Set<string>();
    emu.failCalls((c) => failing.has(refId(c.body)));
    const h1 = await startHarness({ emu, dbUrl });
    const a = post(emu, u, 'digits:1');
    const b = post(emu, u, 'digits:2');
    failing.add(a.id).add(b.id);
    await eventually(async () => expect((await h1.store.predictions.unanswered(new Date(0))).length).toBe(2), 10_000);
    await h1.close({ keepDb: true, keepEmulator: true });
    failing.delete(b.id); // a's reply keeps failing (say the channel became read-only for the bot)
    const h2 = await startHarness({ emu, dbUrl });
    open.push(h2);
    expect(title((await emu.waitForCall((c) => refId(c.body) === b.id && c.status === 200, 10_000)).body)).toBe('I read: 2');
    await eventually(async () => expect((await h2.store.predictions.unanswered(new Date(0))).map((p) => p.messageId)).toEqual([a.id]), 10_000);
  }, 30_000);

  it('is bounded: at most CATCH_UP_MESSAGES read back per channel (the newest); CATCH_UP_MINUTES=0 turns it off', async () => {
    const emu = await DiscordEmulator.start();
    const u = emu.user('cy');
    const down = [1, 2, 3, 4].map((d) => post(emu, u, `digits:${d}`));
    const h = await startHarness({ emu, env: { CATCH_UP_MESSAGES: '2' } });
    open.push(h);
    await emu.waitForReply(down[3]!.id);
    await emu.waitForReply(down[2]!.id);
    const probe = post(emu, u, 'digits:9');
    await emu.waitForReply(probe.id);
    await new Promise((r) => setTimeout(r, 300));
    expect(down.map((m) => emu.repliesTo(m.id).length)).toEqual([0, 0, 1, 1]);

    const emu2 = await DiscordEmulator.start();
    const old = post(emu2, u, 'digits:8');
    const off = await startHarness({ emu: emu2, env: { CATCH_UP_MINUTES: '0' } });
    open.push(off);
    const fresh = post(emu2, u, 'digits:9');
    await emu2.waitForReply(fresh.id);
    await new Promise((r) => setTimeout(r, 300));
    expect(emu2.repliesTo(old.id)).toHaveLength(0);
  });
});

function refId(body: unknown): string {
  return (body as { message_reference?: { message_id?: string } } | null)?.message_reference?.message_id ?? '';
}
