import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { APIEmbed } from 'discord.js';
import { eventually, png, startHarness, type Harness } from '../support/botHarness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const embedOf = (body: unknown): APIEmbed => ((body as { embeds: APIEmbed[] }).embeds[0])!;

describe('pictures in chat (real discord.js client against the emulator)', () => {
  it('connects through the gateway: identify, ready, commands registered for the guild', () => {
    expect(h.emu.identifies).toBe(1);
    expect(h.bot.client.isReady()).toBe(true);
    const reg = h.emu.registeredCommands.at(-1)!;
    expect(reg.scope).toBe(`guild:${h.emu.guildId}`);
    expect(reg.commands.map((c) => (c as { name: string }).name).sort()).toEqual(['Read digits', 'correct', 'forget', 'help', 'predict', 'retrain', 'stats']);
  });

  it('answers an image in a watched channel with the digit, confidence, top-3 and feedback controls', async () => {
    const alice = h.emu.user('alice');
    const msg = h.emu.postMessage({ author: alice, channelId: h.emu.channels.watched.id, attachments: [h.emu.attachment(png('digits:7@0.93'), 'seven.png', 'image/png')] });
    const reply = await h.emu.waitForReply(msg.id);
    const e = embedOf(reply.body);
    expect(e.title).toBe('I read: 7');
    expect(e.description).toContain('93% sure');
    expect(e.description).toMatch(/`7` █+░* +93%/);
    const components = (reply.body as { components: { components: { custom_id: string }[] }[] }).components;
    expect(components.flatMap((r) => r.components.map((c) => c.custom_id.split(':').slice(0, 2).join(':')))).toEqual(['fb:ok', 'fb:none', 'fb:num', 'fb:pick']);
    await eventually(async () => {
      const p = await h.store.predictions.latestPostedBy(alice.id);
      expect(p).toMatchObject({ digits: '7', source: 'chat', userId: alice.id, messageId: msg.id, replyMessageId: (reply.response as { id: string }).id });
    });
  });

  it('answers in DMs and when mentioned, not in other channels without a mention', async () => {
    const bob = h.emu.user('bob');
    const dm = h.emu.postMessage({ author: bob, dm: true, attachments: [h.emu.attachment(png('digits:3'), 'a.png', 'image/png')] });
    expect(embedOf((await h.emu.waitForReply(dm.id)).body).title).toBe('I read: 3');
    const mention = h.emu.postMessage({ author: bob, channelId: h.emu.channels.other.id, mentionBot: true, attachments: [h.emu.attachment(png('digits:12'), 'b.png', 'image/png')] });
    expect(embedOf((await h.emu.waitForReply(mention.id)).body).title).toBe('I read: 12');
    const ignored = h.emu.postMessage({ author: bob, channelId: h.emu.channels.other.id, attachments: [h.emu.attachment(png('digits:4'), 'c.png', 'image/png')] });
    const after = h.emu.postMessage({ author: bob, dm: true, attachments: [h.emu.attachment(png('digits:5'), 'd.png', 'image/png')] });
    await h.emu.waitForReply(after.id);
    expect(h.emu.repliesTo(ignored.id)).toHaveLength(0);
  });

  it('ignores bots (and itself), non-image attachments and plain text', async () => {
    const robot = h.emu.user('robot', { bot: true });
    const carol = h.emu.user('carol');
    const w = h.emu.channels.watched.id;
    const fromBot = h.emu.postMessage({ author: robot, channelId: w, attachments: [h.emu.attachment(png('digits:1'), 'x.png', 'image/png')] });
    const fromSelf = h.emu.postMessage({ author: h.emu.botUser, channelId: w, attachments: [h.emu.attachment(png('digits:1'), 'x.png', 'image/png')] });
    const textFile = h.emu.postMessage({ author: carol, channelId: w, attachments: [h.emu.attachment(png('hello'), 'notes.txt', 'text/plain')] });
    const plain = h.emu.postMessage({ author: carol, channelId: w, content: 'hi there' });
    const marker = h.emu.postMessage({ author: carol, channelId: w, attachments: [h.emu.attachment(png('digits:9'), 'm.png', 'image/png')] });
    await h.emu.waitForReply(marker.id);
    for (const m of [fromBot, fromSelf, textFile, plain]) expect(h.emu.repliesTo(m.id)).toHaveLength(0);
  });

  it('gives an honest answer when no digit is found, and a friendly one for a bad file', async () => {
    const dave = h.emu.user('dave');
    const w = h.emu.channels.watched.id;
    const blank = h.emu.postMessage({ author: dave, channelId: w, attachments: [h.emu.attachment(png('blank'), 'blank.png', 'image/png')] });
    const e1 = embedOf((await h.emu.waitForReply(blank.id)).body);
    expect(e1.title).toBe('No digit found');
    expect(e1.description).toContain('blank image');
    const bad = h.emu.postMessage({ author: dave, channelId: w, attachments: [h.emu.attachment(png('%%garbage'), 'broken.png', 'image/png')] });
    const e2 = embedOf((await h.emu.waitForReply(bad.id)).body);
    expect(e2.title).toBe('I could not read that picture');
    expect(e2.description).toMatch(/damaged|not really an image/);
    // still alive
    const ok = h.emu.postMessage({ author: dave, channelId: w, attachments: [h.emu.attachment(png('digits:0'), 'z.png', 'image/png')] });
    expect(embedOf((await h.emu.waitForReply(ok.id)).body).title).toBe('I read: 0');
  });

  it('answers each picture of a message, up to the per-message limit', async () => {
    const erin = h.emu.user('erin');
    const atts = [1, 2, 3, 4, 5, 6].map((d) => h.emu.attachment(png(`digits:${d}`), `d${d}.png`, 'image/png'));
    const msg = h.emu.postMessage({ author: erin, channelId: h.emu.channels.watched.id, attachments: atts });
    await h.emu.waitForCall((c) => typeof (c.body as { content?: string } | null)?.content === 'string' && (c.body as { content: string }).content.includes('first 4 pictures'));
    const titles = h.emu.repliesTo(msg.id).map((c) => (c.body as { embeds?: APIEmbed[] }).embeds?.[0]?.title).filter(Boolean);
    expect(titles).toEqual(['I read: 1', 'I read: 2', 'I read: 3', 'I read: 4']);
  });
});

describe('hygiene', () => {
  it('made no REST call the emulator had to refuse', () => {
    expect(h.emu.calls.filter((c) => c.status >= 400).map((c) => `${c.method} ${c.path} ${c.status}`)).toEqual([]);
  });
});
