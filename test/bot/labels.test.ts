/**
 * Corrections that teach (issue 13, items 1, 2 and 4), end to end with the real discord.js client
 * against the emulator: the answer shows the marks it looked at; a label lands on the mark it is
 * about (or the reply says it is not used); "no digit" answers and "Not a digit" teach; a menu
 * per digit; a label the model contradicts, or one of a flood, is held until someone else agrees.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { APIEmbed } from 'discord.js';
import { eventually, png, startHarness, type Harness } from '../support/botHarness.ts';
import { ALL_BASIC, MANAGE_MESSAGES, type ApiMessage, type ApiUser, type RestCall } from '../support/emulator/index.ts';
import { NONE } from '../../src/store/assign.ts';

const FLOOD = 6;
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ env: { LABEL_FLOOD_PER_HOUR: String(FLOOD), COOLDOWN_SECONDS: '0' } });
});
afterAll(async () => {
  await h?.close();
});

type Rows = { components: { custom_id?: string }[] }[];
type Body = { type?: number; data?: { embeds?: APIEmbed[]; flags?: number; components?: Rows }; embeds?: APIEmbed[]; content?: string; components?: Rows };
const body = (c: RestCall) => c.body as Body;
const EPHEMERAL = 64;
const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47]);

async function post(author: ApiUser, text: string): Promise<{ answer: ApiMessage; id: number; reply: RestCall }> {
  const message = h.emu.postMessage({ author, channelId: h.emu.channels.watched.id, attachments: [h.emu.attachment(png(text), 'p.png', 'image/png')] });
  const reply = await h.emu.waitForReply(message.id);
  const answer = h.emu.messageFromCall(reply);
  const id = Number(/prediction #(\d+)/.exec(String((answer.embeds[0] as APIEmbed).footer?.text))![1]);
  await eventually(async () => expect((await h.store.predictions.get(id))?.replyMessageId).toBe(answer.id));
  return { answer, id, reply };
}

/** clicks / picks on an answer and returns the update the bot made (type 7), failing on a refusal */
async function act(user: ApiUser, answer: ApiMessage, customId: string, values?: string[], permissions?: bigint): Promise<{ embed: APIEmbed; ids: string[]; rows: Rows }> {
  const c = h.emu.component({ user, message: answer, customId, ...(values ? { values } : {}), ...(permissions ? { permissions } : {}) });
  const up = await h.emu.waitForInteractionAnswer(c);
  expect(body(up).type, JSON.stringify(body(up).data?.embeds?.[0]?.description)).toBe(7);
  const ids = (body(up).data?.components ?? []).flatMap((r) => r.components.map((x) => x.custom_id ?? ''));
  return { embed: body(up).data!.embeds![0]!, ids, rows: body(up).data?.components ?? [] };
}

async function refusal(user: ApiUser, answer: ApiMessage, customId: string, values?: string[]): Promise<string> {
  const c = h.emu.component({ user, message: answer, customId, ...(values ? { values } : {}) });
  const r = await h.emu.waitForInteractionAnswer(c);
  expect(body(r).type).toBe(4);
  expect(body(r).data?.flags).toBe(EPHEMERAL);
  return String(body(r).data?.embeds?.[0]?.description);
}

const feedbackOf = (e: APIEmbed) => String(e.fields?.find((f) => f.name === 'Feedback')?.value);
/** the fake reader fills mark k's crop with (k + 1) / 64 */
const markOfCrop = (image: Float32Array) => Math.round(image[0]! * 64) - 1;

describe('the answer shows what was read', () => {
  it('a strip of the marks (PNG) is attached and shown in the embed, for digit and "no digit" answers', async () => {
    const { reply } = await post(h.emu.user('amy'), 'marks:~1@0.98,7');
    expect(reply.files.map((f) => f.name)).toEqual(['marks.png']);
    expect(reply.files[0]!.bytes.subarray(0, 4)).toEqual(PNG_MAGIC);
    expect(body(reply).embeds?.[0]?.image?.url).toBe('attachment://marks.png');
    expect(body(reply).embeds?.[0]?.description).toContain('green: read as a digit, grey: not a digit');
    const none = await post(h.emu.user('amy'), 'marks:~1@0.98,~4@0.9');
    expect(body(none.reply).embeds?.[0]?.title).toBe('No digit found');
    expect(none.reply.files.map((f) => f.name)).toEqual(['marks.png']);
    // a blank picture has no mark to show
    expect((await post(h.emu.user('amy'), 'blank')).reply.files).toEqual([]);
  });
});

describe('every answer can teach', () => {
  it('"no digit found" labelled with a digit: the sample is stored on the most digit-like crop, and the reply says so', async () => {
    const bo = h.emu.user('bo');
    // three marks, all dropped as not a digit; mark 2 (p(none) 0.6) is the 4 the model refused
    const { answer, id } = await post(bo, 'marks:~1@0.999,~4@0.6,~7@0.9999');
    const before = await h.store.samples.forPrediction(id);
    expect(before.map((s) => [s.kind, s.label])).toEqual([['candidate', null], ['candidate', null], ['candidate', null]]);
    const { embed } = await act(bo, answer, `fb:pick:${id}`, ['4']);
    expect(embed.title).toBe('It says: 4');
    expect(feedbackOf(embed)).toContain('Thanks, I will learn from it: re-cut to 1 mark: mark 2 of the 3 above');
    const after = await h.store.samples.forPrediction(id);
    expect(after.map((s) => [markOfCrop(s.image), s.label, s.trusted, s.assignment])).toEqual([[0, null, false, null], [1, 4, true, 'recut'], [2, null, false, null]]);
    expect((await h.store.samples.labelled()).some((s) => s.id === after[1]!.id)).toBe(true);
  });

  it('a label that cannot land on a mark is not used, and the reply says why (no "I will learn")', async () => {
    const cy = h.emu.user('cy');
    const { answer, id } = await post(cy, 'marks:3,~1@0.9');
    const m = h.emu.modalSubmit({ user: cy, message: answer, customId: `fb:modal:${id}`, fields: { label: '385' } });
    const up = await h.emu.waitForInteractionAnswer(m);
    const text = feedbackOf(body(up).data!.embeds![0]!);
    expect(text).toContain('I will not learn from it: the label has 3 digits and I saw only 2 marks.');
    expect(text).not.toContain('I will learn from it:');
    expect((await h.store.samples.forPrediction(id)).map((s) => s.label)).toEqual([null, null]);
    expect((await h.store.predictions.get(id))?.label).toBe('385');
  });

  it('a single digit that cannot be placed is placed by pointing at its mark; a forged mark number is refused', async () => {
    const el = h.emu.user('el');
    // the model read a line (mark 1) as a 1 and dropped the 7 (mark 2) and a speck (mark 3), both about as digit-like
    const { answer, id } = await post(el, 'marks:1@0.9,~7@0.6,~4@0.62');
    const first = await act(el, answer, `fb:pick:${id}`, ['7']);
    expect(first.ids).toContain(`fb:at:${id}:7`);
    expect(first.rows.at(-1)?.components[0]).toMatchObject({ custom_id: `fb:at:${id}:7`, placeholder: 'Which mark shows the 7?', options: [{ value: '1' }, { value: '2' }, { value: '3' }] });
    expect((await h.store.samples.forPrediction(id)).map((s) => [markOfCrop(s.image), s.label])).toEqual([[0, 7], [1, null], [2, null]]);

    for (const forged of ['4', '0', 'x']) expect(await refusal(el, answer, `fb:at:${id}:7`, [forged])).toMatch(/no mark 4|Pick a mark by its number/);
    expect((await h.store.samples.forPrediction(id)).map((s) => s.label)).toEqual([7, null, null]);

    const { embed, ids } = await act(el, answer, `fb:at:${id}:7`, ['2']);
    expect(embed.title).toBe('It says: 7');
    expect(feedbackOf(embed)).toContain('Thanks, I will learn from it: the 7 on mark 2 above, the one you picked; marks 1 and 3 as not a digit.');
    expect(ids).toContain(`fb:at:${id}:7`);
    const samples = await h.store.samples.forPrediction(id);
    // the picture shows one 7: the line read as a 1 and the dropped speck are not digits
    expect(samples.map((s) => [markOfCrop(s.image), s.kind, s.label, s.trusted, s.assignment])).toEqual([[0, 'read', NONE, true, 'at'], [1, 'candidate', 7, true, 'at'], [2, 'candidate', NONE, true, 'at']]);
    expect((await h.store.predictions.get(id))?.label).toBe('7');
  });

  it('a mark nobody could place: "no digit found" corrected, then the mark is picked', async () => {
    const fi = h.emu.user('fi');
    const { answer, id } = await post(fi, 'marks:~3@0.7,~5@0.71');
    const first = await act(fi, answer, `fb:pick:${id}`, ['5']);
    expect(feedbackOf(first.embed)).toContain('I will not learn from it:');
    expect(feedbackOf(first.embed)).toContain('I cannot tell which one it is about');
    expect(first.ids).toContain(`fb:at:${id}:5`);
    const { embed } = await act(fi, answer, `fb:at:${id}:5`, ['1']);
    expect(feedbackOf(embed)).toContain('Thanks, I will learn from it: the 5 on mark 1 above, the one you picked; mark 2 as not a digit.');
    expect((await h.store.samples.forPrediction(id)).map((s) => [s.label, s.assignment])).toEqual([[5, 'at'], [NONE, 'at']]);
  });

  it('✅ on a digit read beside dropped marks: they become "not a digit" samples (in-style negatives); a correction of that digit does not', async () => {
    const ann = h.emu.user('ann');
    const { answer, id } = await post(ann, 'marks:~1@0.9,3@0.97,~4@0.95');
    const { embed } = await act(ann, answer, `fb:ok:${id}`);
    expect(feedbackOf(embed)).toBe(`✅ Confirmed by <@${ann.id}>. Thanks, I will learn from it: mark 2 above; marks 1 and 3 as not a digit.`);
    expect((await h.store.samples.forPrediction(id)).map((s) => [markOfCrop(s.image), s.kind, s.label, s.trusted, s.assignment])).toEqual([
      [0, 'candidate', NONE, true, 'single'],
      [1, 'read', 3, true, 'single'],
      [2, 'candidate', NONE, true, 'single'],
    ]);
    // the same picture corrected to 8: the 3 read may be an edge beside a dropped 8, so the dropped marks lose their label
    await act(ann, answer, `fb:pick:${id}`, ['8']);
    expect((await h.store.samples.forPrediction(id)).map((s) => s.label)).toEqual([null, 8, null]);
  });

  it('"Not a digit" stores every mark as a none (10) sample; training on digits only leaves them out', async () => {
    const di = h.emu.user('di');
    const { answer, id } = await post(di, 'marks:7@0.9,~1@0.97');
    const { embed, ids } = await act(di, answer, `fb:none:${id}`);
    expect(embed.title).toBe('It says: no digit');
    expect(feedbackOf(embed)).toBe(`✖️ Not a digit, said by <@${di.id}>. Thanks, I will learn from it: 2 marks as not a digit.`);
    expect(ids).toContain(`fb:none:${id}`);
    const samples = await h.store.samples.forPrediction(id);
    expect(samples.map((s) => [s.kind, s.label, s.trusted, s.assignment])).toEqual([['read', NONE, true, 'none'], ['candidate', NONE, true, 'none']]);
    expect((await h.store.predictions.get(id))?.label).toBe('');
    const ids10 = new Set(samples.map((s) => s.id));
    expect((await h.store.samples.labelled()).filter((s) => ids10.has(s.id))).toEqual([]);
    expect((await h.store.samples.labelled({ includeNone: true })).filter((s) => ids10.has(s.id))).toHaveLength(2);
  });

  it('a number gets a menu per digit: "10" for a 0 is fixed mark by mark, and the label follows', async () => {
    const ed = h.emu.user('ed');
    const { answer, id, reply } = await post(ed, 'marks:1@0.9,~5@0.99,0@0.9');
    const menus = body(reply).components ?? [];
    expect(menus.flatMap((r) => r.components.map((c) => c.custom_id))).toEqual([`fb:ok:${id}`, `fb:none:${id}`, `fb:num:${id}`, `fb:mark:${id}:0`, `fb:mark:${id}:1`]);
    // the "1" is a paper edge: not a digit
    const first = await act(ed, answer, `fb:mark:${id}:0`, ['x']);
    expect(first.embed.title).toBe('It says: 0');
    expect(feedbackOf(first.embed)).toContain('marks 1 and 3 above, digit by digit');
    expect((await h.store.samples.forPrediction(id)).map((s) => [markOfCrop(s.image), s.label])).toEqual([[0, NONE], [1, null], [2, 0]]);
    // then the second digit read (mark 3) is an 8: the first stays "not a digit"
    const second = await act(ed, answer, `fb:mark:${id}:1`, ['8']);
    expect(second.embed.title).toBe('It says: 8');
    expect((await h.store.samples.forPrediction(id)).map((s) => s.label)).toEqual([NONE, null, 8]);
    expect((await h.store.predictions.get(id))?.label).toBe('8');
    // a menu for a digit that was not read changes nothing
    expect(await refusal(ed, answer, `fb:mark:${id}:5`, ['3'])).toBe('I cannot use this: I read no digit 6 in this picture.');
    expect((await h.store.predictions.get(id))?.label).toBe('8');
  });
});

describe('protection from bad labels at the source', () => {
  it('a label the model contradicts at ≥ 99 % is stored but held until someone else agrees', async () => {
    const fay = h.emu.user('fay');
    const gus = h.emu.user('gus');
    const { answer, id } = await post(fay, 'digits:7@0.995');
    const held = await act(fay, answer, `fb:pick:${id}`, ['1']);
    expect(feedbackOf(held.embed)).toContain('held for a second opinion: I am 99.5 % sure mark 1 is a 7, and the label says 1');
    expect(feedbackOf(held.embed)).not.toContain('Thanks, I will learn');
    expect(held.ids).toContain(`fb:agree:${id}`);
    const [sample] = await h.store.samples.forPrediction(id);
    expect([sample!.label, sample!.trusted, sample!.held]).toEqual([1, false, true]);
    expect((await h.store.samples.labelled()).some((s) => s.id === sample!.id)).toBe(false);
    expect((await h.store.predictions.get(id))?.labelHeld).toBe('contradicted');

    // the one who gave it cannot agree with themselves
    expect(await refusal(fay, answer, `fb:agree:${id}`)).toContain('second opinion has to come from someone else');
    expect((await h.store.samples.forPrediction(id))[0]!.held).toBe(true);

    // someone else agrees: released
    const released = await act(gus, answer, `fb:agree:${id}`);
    expect(feedbackOf(released.embed)).toContain(`🤝 <@${gus.id}> agreed: thanks, I will learn from it.`);
    expect(released.ids).not.toContain(`fb:agree:${id}`);
    const [after] = await h.store.samples.forPrediction(id);
    expect([after!.label, after!.trusted, after!.held]).toEqual([1, true, false]);
    expect((await h.store.samples.labelled()).some((s) => s.id === after!.id)).toBe(true);
    expect(await h.store.predictions.get(id)).toMatchObject({ labelHeld: null, agreedBy: gus.id, trusted: true, labelledBy: fay.id });
    expect((await h.store.feedback.forPrediction(id)).map((f) => [f.userId, f.via, f.trusted])).toEqual([[fay.id, 'select', false], [gus.id, 'agree', true]]);
    // nothing left to agree with
    expect(await refusal(h.emu.user('hal'), answer, `fb:agree:${id}`)).toContain('Nothing here is waiting for a second opinion');
  });

  it('a moderator’s label is not held: the moderator is the second opinion', async () => {
    const ivy = h.emu.user('ivy');
    const { answer, id } = await post(ivy, 'digits:7@0.995');
    const up = await act(h.emu.user('mod'), answer, `fb:pick:${id}`, ['1'], ALL_BASIC | MANAGE_MESSAGES);
    expect(feedbackOf(up.embed)).toContain('Thanks, I will learn from it: mark 1 above.');
    expect((await h.store.samples.forPrediction(id)).map((s) => [s.label, s.trusted, s.held])).toEqual([[1, true, false]]);
  });

  it(`a flood: after ${FLOOD} labels in an hour, each further one is held`, async () => {
    const jo = h.emu.user('jo');
    const verdicts: string[] = [];
    for (let k = 0; k < FLOOD + 1; k++) {
      const { answer, id } = await post(jo, `digits:${k % 10}@0.9`);
      verdicts.push(feedbackOf((await act(jo, answer, `fb:ok:${id}`)).embed));
    }
    expect(verdicts.slice(0, FLOOD).every((v) => v === `✅ Confirmed by <@${jo.id}>. Thanks, I will learn from it: mark 1 above.`)).toBe(true);
    expect(verdicts[FLOOD]).toContain(`held for a second opinion: you have given ${FLOOD} labels in the last hour`);
    const latest = await h.store.predictions.latestPostedBy(jo.id);
    expect(latest?.labelHeld).toBe('flood');
  });

  it('/forget of the one who agreed removes their id everywhere; the poster keeps the released label', async () => {
    const kit = h.emu.user('kit');
    const lee = h.emu.user('lee');
    const { answer, id } = await post(kit, 'digits:3@0.999');
    await act(kit, answer, `fb:pick:${id}`, ['8']);
    await act(lee, answer, `fb:agree:${id}`);
    const f = h.emu.slashCommand({ user: lee, name: 'forget' });
    const fr = await h.emu.waitForInteractionAnswer(f);
    expect(body(fr).content).toContain('1 feedback entry');
    const edit = await h.emu.waitForCall((c) => c.method === 'PATCH' && c.path === `/channels/${answer.channel_id}/messages/${answer.id}`);
    expect(JSON.stringify(body(edit).embeds)).not.toContain(lee.id);
    expect(await h.store.predictions.get(id)).toMatchObject({ agreedBy: null, label: '8', trusted: true });
    expect((await h.store.feedback.forPrediction(id)).map((x) => x.userId)).toEqual([kit.id]);
    const rows = await h.store.db.execute({ sql: 'SELECT count(*) AS n FROM samples WHERE labelled_by = ?', args: [lee.id] });
    expect(Number(rows.rows[0]!.n)).toBe(0);

    // the poster forgets: the strip of their picture's marks goes from the answer too
    const g = h.emu.slashCommand({ user: kit, name: 'forget' });
    await h.emu.waitForInteractionAnswer(g);
    const own = await h.emu.waitForCall((c) => c.method === 'PATCH' && c.path === `/channels/${answer.channel_id}/messages/${answer.id}` && Array.isArray((c.body as { attachments?: unknown }).attachments));
    expect((own.body as { attachments: unknown[] }).attachments).toEqual([]);
    expect(body(own).embeds?.[0]?.image).toBeUndefined();
    expect(await h.store.samples.forPrediction(id)).toEqual([]);
  });
});

describe('hygiene', () => {
  it('made no REST call the emulator had to refuse', () => {
    expect(h.emu.calls.filter((c) => c.status >= 400).map((c) => `${c.method} ${c.path} ${c.status}`)).toEqual([]);
  });
});
