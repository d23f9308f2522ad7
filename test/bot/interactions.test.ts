import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { APIEmbed } from 'discord.js';
import { eventually, png, startHarness, type Harness } from '../support/botHarness.ts';
import { MANAGE_MESSAGES, ALL_BASIC, type ApiMessage, type RestCall } from '../support/emulator/index.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

type Body = { type?: number; data?: { embeds?: APIEmbed[]; flags?: number; content?: string; components?: unknown[] }; embeds?: APIEmbed[]; content?: string; flags?: number };
const body = (c: RestCall) => c.body as Body;
const EPHEMERAL = 64;

/** posts a picture in the watched channel and returns the bot's answer message (as the emulator stored it) */
async function answerFor(author: ReturnType<Harness['emu']['user']>, text: string): Promise<ApiMessage> {
  const msg = h.emu.postMessage({ author, channelId: h.emu.channels.watched.id, attachments: [h.emu.attachment(png(text), 'p.png', 'image/png')] });
  const answer = h.emu.messageFromCall(await h.emu.waitForReply(msg.id));
  // a control is accepted on its own answer only: wait until the bot recorded which message that is
  await eventually(async () => expect((await h.store.predictions.get(predictionIdOf(answer)))?.replyMessageId).toBe(answer.id));
  return answer;
}
const predictionIdOf = (answer: ApiMessage) => Number(/prediction #(\d+)/.exec(String((answer.embeds[0] as APIEmbed).footer?.text))![1]);

describe('slash commands and the context menu', () => {
  it('/predict reads the attachment, deferring first, and stores the prediction', async () => {
    const u = h.emu.user('pia');
    const att = h.emu.attachment(png('digits:8@0.97'), 'eight.png', 'image/png');
    const i = h.emu.slashCommand({ user: u, name: 'predict', options: [{ name: 'image', type: 11, value: att.id }], attachments: [att] });
    const answer = await h.emu.waitForInteractionAnswer(i);
    const calls = h.emu.interactionCalls(i);
    expect(body(calls[0]!).type).toBe(5); // deferred
    expect(body(calls[0]!).data?.flags ?? 0).toBe(0);
    expect(answer.method).toBe('PATCH');
    expect(body(answer).embeds?.[0]?.title).toBe('I read: 8');
    await eventually(async () => expect(await h.store.predictions.latestPostedBy(u.id)).toMatchObject({ source: 'slash', digits: '8', replyMessageId: expect.any(String) }));
  });

  it('/predict private:true answers ephemerally; a non-image gets a private refusal', async () => {
    const u = h.emu.user('quinn');
    const att = h.emu.attachment(png('digits:2'), 'two.png', 'image/png');
    const i = h.emu.slashCommand({ user: u, name: 'predict', options: [{ name: 'image', type: 11, value: att.id }, { name: 'private', type: 5, value: true }], attachments: [att] });
    await h.emu.waitForInteractionAnswer(i);
    expect(body(h.emu.interactionCalls(i)[0]!).data?.flags).toBe(EPHEMERAL);

    const txt = h.emu.attachment(png('hello'), 'notes.txt', 'text/plain');
    const j = h.emu.slashCommand({ user: u, name: 'predict', options: [{ name: 'image', type: 11, value: txt.id }], attachments: [txt] });
    const refusal = await h.emu.waitForInteractionAnswer(j);
    expect(body(refusal).type).toBe(4);
    expect(body(refusal).data?.flags).toBe(EPHEMERAL);
    expect(body(refusal).data?.embeds?.[0]?.description).toContain('not a picture I can read');
  });

  it('/predict with a corrupt picture: the public placeholder goes, a private explanation comes', async () => {
    const u = h.emu.user('rex');
    const att = h.emu.attachment(png('garbage!'), 'bad.png', 'image/png');
    const i = h.emu.slashCommand({ user: u, name: 'predict', options: [{ name: 'image', type: 11, value: att.id }], attachments: [att] });
    const followUp = await h.emu.waitForCall((c) => c.path.includes(String(i.token)) && c.method === 'POST' && !c.path.endsWith('/callback'));
    expect(body(followUp).flags).toBe(EPHEMERAL);
    await h.emu.waitForCall((c) => c.path.includes(String(i.token)) && c.method === 'DELETE');
  });

  it('the "Read digits" context menu reads the pictures of another message, the poster owns it', async () => {
    const poster = h.emu.user('sam');
    const asker = h.emu.user('tess');
    const target = h.emu.postMessage({ author: poster, channelId: h.emu.channels.other.id, attachments: [h.emu.attachment(png('digits:41'), 'n.png', 'image/png')] });
    const i = h.emu.messageCommand({ user: asker, name: 'Read digits', target });
    const answer = await h.emu.waitForInteractionAnswer(i);
    expect(body(answer).embeds?.[0]?.title).toBe('I read: 41');
    await eventually(async () => expect(await h.store.predictions.latestPostedBy(poster.id)).toMatchObject({ source: 'context', userId: poster.id, requestedBy: asker.id }));
    // a message without pictures
    const plain = h.emu.postMessage({ author: poster, channelId: h.emu.channels.other.id, content: 'no pics' });
    const j = h.emu.messageCommand({ user: asker, name: 'Read digits', target: plain });
    expect(body(await h.emu.waitForInteractionAnswer(j)).data?.flags).toBe(EPHEMERAL);
  });

  it('"Read digits" on many pictures takes the same path as chat: answers in order, a private refusal for a bad one, the limit said', async () => {
    const poster = h.emu.user('lou');
    const asker = h.emu.user('max');
    const texts = ['digits:1', 'garbage', 'digits:3', 'digits:4', 'digits:5', 'digits:6'];
    const target = h.emu.postMessage({ author: poster, channelId: h.emu.channels.other.id, attachments: texts.map((t, i) => h.emu.attachment(png(t), `p${i}.png`, 'image/png')) });
    const i = h.emu.messageCommand({ user: asker, name: 'Read digits', target });
    await h.emu.waitForCall((c) => c.path.includes(String(i.token)) && String(body(c).content ?? '').includes('first 4 pictures'));
    const calls = h.emu.interactionCalls(i).filter((c) => c.method !== 'DELETE' && !c.path.endsWith('/callback'));
    expect(calls.map((c) => body(c).embeds?.[0]?.title ?? body(c).content)).toEqual(['I read: 1', 'I could not read p1.png', 'I read: 3', 'I read: 4', 'I read the first 4 pictures only (limit per message).']);
    expect(calls.map((c) => (body(c).flags ?? 0) & EPHEMERAL)).toEqual([0, EPHEMERAL, 0, 0, 0]);
  });

  it('/help answers privately', async () => {
    const i = h.emu.slashCommand({ user: h.emu.user('uma'), name: 'help' });
    const a = await h.emu.waitForInteractionAnswer(i);
    expect(body(a).data?.flags).toBe(EPHEMERAL);
    expect(body(a).data?.embeds?.[0]?.description).toContain('/predict');
  });
});

describe('feedback', () => {
  it('"Right" confirms, the menu corrects, the answer message is updated, /stats shows it with a PNG', async () => {
    const vic = h.emu.user('vic');
    const a1 = await answerFor(vic, 'digits:5@0.9');
    const c1 = h.emu.component({ user: vic, message: a1, customId: `fb:ok:${predictionIdOf(a1)}` });
    const up1 = await h.emu.waitForInteractionAnswer(c1);
    expect(body(up1).type).toBe(7);
    expect(JSON.stringify(body(up1).data?.embeds)).toContain('Confirmed by');

    const a2 = await answerFor(vic, 'digits:1@0.55');
    const c2 = h.emu.component({ user: vic, message: a2, customId: `fb:pick:${predictionIdOf(a2)}`, values: ['7'] });
    const up2 = await h.emu.waitForInteractionAnswer(c2);
    expect(body(up2).type).toBe(7);
    expect(body(up2).data?.embeds?.[0]?.title).toBe('It says: 7');
    expect(JSON.stringify(body(up2).data?.embeds)).toContain('Corrected to **7**');
    const samples = await h.store.samples.forPrediction(predictionIdOf(a2));
    expect(samples.map((s) => [s.predicted, s.label, s.trusted])).toEqual([[1, 7, true]]);

    const s = h.emu.slashCommand({ user: vic, name: 'stats' });
    const st = await h.emu.waitForInteractionAnswer(s);
    const embed = body(st).embeds![0]!;
    const text = JSON.stringify(embed);
    expect(text).toContain('fake-model');
    expect(text).toContain('99.12%');
    expect(text).toMatch(/confirmed: \*\*1\*\* · corrected: \*\*1\*\*/);
    expect(embed.image?.url).toBe('attachment://live-accuracy.png');
    expect(st.files.map((f) => f.name)).toEqual(['live-accuracy.png', 'feedback-confusion.png']);
    expect(st.files[0]!.bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  });

  it('the ✏️ button opens a modal; its answer labels a number', async () => {
    const wes = h.emu.user('wes');
    const a = await answerFor(wes, 'digits:12');
    const id = predictionIdOf(a);
    const b = h.emu.component({ user: wes, message: a, customId: `fb:num:${id}` });
    const modal = await h.emu.waitForInteractionAnswer(b);
    expect(body(modal).type).toBe(9);
    const m = h.emu.modalSubmit({ user: wes, message: a, customId: `fb:modal:${id}`, fields: { label: '17' } });
    const up = await h.emu.waitForInteractionAnswer(m);
    expect(body(up).type).toBe(7);
    expect(body(up).data?.embeds?.[0]?.title).toBe('It says: 17');
    expect((await h.store.samples.forPrediction(id)).map((s) => s.label)).toEqual([1, 7]);
  });

  it('refuses a correction from someone else, accepts one from a moderator', async () => {
    const owner = h.emu.user('xena');
    const stranger = h.emu.user('yuri');
    const mod = h.emu.user('zoe');
    const a = await answerFor(owner, 'digits:4');
    const id = predictionIdOf(a);
    const c = h.emu.component({ user: stranger, message: a, customId: `fb:pick:${id}`, values: ['9'] });
    const refusal = await h.emu.waitForInteractionAnswer(c);
    expect(body(refusal).type).toBe(4);
    expect(body(refusal).data?.flags).toBe(EPHEMERAL);
    expect(JSON.stringify(body(refusal).data)).toContain('Only the person who posted the picture');
    expect((await h.store.predictions.get(id))?.label).toBeNull();

    const d = h.emu.component({ user: mod, message: a, customId: `fb:pick:${id}`, values: ['9'], permissions: ALL_BASIC | MANAGE_MESSAGES });
    const up = await h.emu.waitForInteractionAnswer(d);
    expect(JSON.stringify(body(up).data?.embeds)).toContain('(moderator)');
    expect((await h.store.predictions.get(id))?.label).toBe('9');
  });

  it('/correct fixes your latest answer and edits the chat answer; /forget deletes your samples and feedback', async () => {
    const ann = h.emu.user('ann');
    const a = await answerFor(ann, 'digits:6');
    const id = predictionIdOf(a);
    await eventually(async () => expect((await h.store.predictions.get(id))?.replyMessageId).toBe(a.id));
    const i = h.emu.slashCommand({ user: ann, name: 'correct', options: [{ name: 'digit', type: 3, value: '0' }] });
    const r = await h.emu.waitForInteractionAnswer(i);
    expect(body(r).data?.flags).toBe(EPHEMERAL);
    expect(body(r).data?.content).toContain('it says **0**');
    const edit = await h.emu.waitForCall((c) => c.method === 'PATCH' && c.path === `/channels/${a.channel_id}/messages/${a.id}`);
    expect(JSON.stringify(body(edit).embeds)).toContain('Corrected to **0**');

    const f = h.emu.slashCommand({ user: ann, name: 'forget' });
    const fr = await h.emu.waitForInteractionAnswer(f);
    expect(fr.method).toBe('PATCH');
    expect(body(fr).content).toContain('• 1 digit image (28×28) I kept from your pictures\n• 1 feedback entry (given by you, or on your pictures)');
    expect(await h.store.samples.forPrediction(id)).toEqual([]);
    expect(await h.store.feedback.forPrediction(id)).toEqual([]);
  });
});

describe('hygiene', () => {
  it('made no REST call the emulator had to refuse', () => {
    expect(h.emu.calls.filter((c) => c.status >= 400).map((c) => `${c.method} ${c.path} ${c.status}`)).toEqual([]);
  });
});
