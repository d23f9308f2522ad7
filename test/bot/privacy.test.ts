/** /correct and /forget touch only the caller's own pictures (issue 10, defects 2-4). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { APIEmbed } from 'discord.js';
import { eventually, png, startHarness, type Harness } from '../support/botHarness.ts';
import type { ApiMessage, ApiUser, RestCall } from '../support/emulator/index.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

type Body = { type?: number; data?: { embeds?: APIEmbed[]; flags?: number; content?: string }; embeds?: APIEmbed[]; content?: string };
const body = (c: RestCall) => c.body as Body;
const predictionIdOf = (answer: ApiMessage) => Number(/prediction #(\d+)/.exec(String((answer.embeds[0] as APIEmbed).footer?.text))![1]);

/** a picture posted in the watched channel, and the bot's answer to it */
async function post(author: ApiUser, text: string): Promise<{ message: ApiMessage; answer: ApiMessage; id: number }> {
  const message = h.emu.postMessage({ author, channelId: h.emu.channels.watched.id, attachments: [h.emu.attachment(png(text), 'p.png', 'image/png')] });
  const answer = h.emu.messageFromCall(await h.emu.waitForReply(message.id));
  const id = predictionIdOf(answer);
  await eventually(async () => expect((await h.store.predictions.get(id))?.replyMessageId).toBe(answer.id));
  return { message, answer, id };
}

/** "Read digits" by `asker` on `target`; returns the prediction it stored */
async function readFor(asker: ApiUser, target: ApiMessage): Promise<number> {
  const i = h.emu.messageCommand({ user: asker, name: 'Read digits', target });
  const answer = await h.emu.waitForInteractionAnswer(i);
  const id = Number(/prediction #(\d+)/.exec(String(body(answer).embeds?.[0]?.footer?.text))![1]);
  await eventually(async () => expect((await h.store.predictions.get(id))?.replyMessageId).toEqual(expect.any(String)));
  return id;
}

describe('/correct', () => {
  it('corrects the caller’s latest own picture, not a picture of someone else they asked about', async () => {
    const ada = h.emu.user('ada');
    const ben = h.emu.user('ben');
    const own = await post(ben, 'digits:5');
    const adas = await post(ada, 'digits:3');
    const read = await readFor(ben, adas.message);
    const i = h.emu.slashCommand({ user: ben, name: 'correct', options: [{ name: 'digit', type: 3, value: '6' }] });
    const r = await h.emu.waitForInteractionAnswer(i);
    expect(body(r).data?.content).toContain(`prediction #${own.id}`);
    expect((await h.store.predictions.get(own.id))?.label).toBe('6');
    expect((await h.store.predictions.get(adas.id))?.label).toBeNull();
    expect((await h.store.predictions.get(read))?.label).toBeNull();
  });
});
