/** /correct and /forget touch only the caller's own pictures (issue 10, defects 2-4). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { APIEmbed } from 'discord.js';
import { eventually, png, startHarness, type Harness } from '../support/botHarness.ts';
import { ALL_BASIC, MANAGE_MESSAGES, type ApiMessage, type ApiUser, type RestCall } from '../support/emulator/index.ts';

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

describe('/forget', () => {
  it('touches only what belongs to the caller: the poster of a picture they asked about keeps it', async () => {
    const cleo = h.emu.user('cleo');
    const dan = h.emu.user('dan');
    const cleos = await post(cleo, 'digits:4');
    const i = h.emu.messageCommand({ user: dan, name: 'Read digits', target: cleos.message });
    const menuAnswer = h.emu.messageFromCall(await h.emu.waitForInteractionAnswer(i));
    const read = predictionIdOf(menuAnswer);
    await eventually(async () => expect((await h.store.predictions.get(read))?.replyMessageId).toBe(menuAnswer.id));
    await post(dan, 'digits:2');

    const f = h.emu.slashCommand({ user: dan, name: 'forget' });
    const reply = String(body(await h.emu.waitForInteractionAnswer(f)).content);
    expect(await h.store.predictions.get(read)).toMatchObject({ userId: cleo.id, requestedBy: null });
    expect(await h.store.predictions.get(cleos.id)).toMatchObject({ userId: cleo.id });
    // Cleo still owns the answer Dan asked for
    const c = h.emu.component({ user: cleo, message: menuAnswer, customId: `fb:ok:${read}` });
    const up = await h.emu.waitForInteractionAnswer(c);
    expect(body(up).type).toBe(7);
    expect((await h.store.predictions.get(read))?.labelStatus).toBe('confirmed');
    // Dan's reply counts Dan's own picture only
    expect(reply).toContain('• 1 answer to your pictures');
    expect(reply).toContain('• your name from 1 answer to other people’s pictures you asked me to read');
  });

  it('leaves nothing that ties a row to the caller, names them on no public answer, and says what it removed', async () => {
    const eve = h.emu.user('eve');
    const finn = h.emu.user('finn');
    const mine = await post(eve, 'digits:2');
    const ok = h.emu.component({ user: eve, message: mine.answer, customId: `fb:ok:${mine.id}` });
    await h.emu.waitForInteractionAnswer(ok);
    expect(JSON.stringify(h.emu.messages.get(mine.answer.id)?.embeds)).toContain(`Confirmed by <@${eve.id}>`);
    // Eve, a moderator, corrects one of Finn's pictures
    const finns = await post(finn, 'digits:1');
    const pick = h.emu.component({ user: eve, message: finns.answer, customId: `fb:pick:${finns.id}`, values: ['9'], permissions: ALL_BASIC | MANAGE_MESSAGES });
    await h.emu.waitForInteractionAnswer(pick);
    expect(JSON.stringify(h.emu.messages.get(finns.answer.id)?.embeds)).toContain(`by <@${eve.id}> (moderator)`);
    const statsBefore = await h.store.stats.live();

    const f = h.emu.slashCommand({ user: eve, name: 'forget' });
    const fr = await h.emu.waitForInteractionAnswer(f);
    expect(String(body(fr).content).split('\n')).toEqual([
      '🧹 Done. I removed:',
      '• 1 answer to your pictures: who posted them, where and when, and the links to your messages and my answers',
      '• 1 digit image (28×28) I kept from your pictures',
      '• 2 feedback entries (given by you, or on your pictures)',
      '• your name from 1 label you gave on other people’s pictures (the label stays with their picture)',
      'I edited 2 public answers so they no longer name you or link to what I stored.',
      'What I keep: anonymous counts per day (answers given, confirmed, corrected), with no link to you or your messages.',
    ]);

    // the public answers: no name, no link to a stored row, no controls on Eve's own
    const own = h.emu.messages.get(mine.answer.id)!;
    expect(JSON.stringify(own.embeds)).not.toContain(eve.id);
    expect(JSON.stringify(own.embeds)).toContain('✅ Confirmed. Thanks!');
    expect(JSON.stringify(own.embeds)).not.toContain('prediction #');
    expect(own.components).toEqual([]);
    const theirs = h.emu.messages.get(finns.answer.id)!;
    expect(JSON.stringify(theirs.embeds)).not.toContain(eve.id);
    expect(JSON.stringify(theirs.embeds)).toContain('Corrected to **9** by a moderator');
    expect(theirs.components).not.toEqual([]);

    // the store: nothing names Eve, her message or her answer; Finn's label stays; the counts stay
    const dump = JSON.stringify(await Promise.all(['predictions', 'samples', 'feedback', 'retrain_runs', 'forgotten_counts'].map((t) => h.store.db.execute(`SELECT * FROM ${t}`).then((x) => x.rows))));
    for (const id of [eve.id, mine.message.id, mine.answer.id]) expect(dump).not.toContain(id);
    expect(await h.store.predictions.get(finns.id)).toMatchObject({ userId: finn.id, label: '9', labelledBy: null });
    expect((await h.store.samples.forPrediction(finns.id)).map((s) => s.label)).toEqual([9]);
    const statsAfter = await h.store.stats.live();
    expect([statsAfter.predictions, statsAfter.confirmed, statsAfter.corrected]).toEqual([statsBefore.predictions, statsBefore.confirmed, statsBefore.corrected]);
  });

  it('/help says what /forget keeps', async () => {
    const i = h.emu.slashCommand({ user: h.emu.user('gil'), name: 'help' });
    expect(JSON.stringify(body(await h.emu.waitForInteractionAnswer(i)).data?.embeds)).toContain('I keep only anonymous counts per day');
  });
});

describe('hygiene', () => {
  it('made no REST call the emulator had to refuse', () => {
    expect(h.emu.calls.filter((c) => c.status >= 400).map((c) => `${c.method} ${c.path} ${c.status}`)).toEqual([]);
  });
});
