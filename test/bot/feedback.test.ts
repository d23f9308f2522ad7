/** Labels and feedback controls: what is accepted, what is refused and why (issue 10, defects 8 and 10). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { APIEmbed } from 'discord.js';
import { eventually, png, startHarness, type Harness } from '../support/botHarness.ts';
import type { ApiMessage, ApiUser, RestCall } from '../support/emulator/index.ts';
import { parseLabel } from '../../src/bot/customIds.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

type Body = { type?: number; data?: { embeds?: APIEmbed[]; flags?: number; content?: string } };
const body = (c: RestCall) => c.body as Body;
const EPHEMERAL = 64;

async function post(author: ApiUser, text: string): Promise<{ answer: ApiMessage; id: number }> {
  const message = h.emu.postMessage({ author, channelId: h.emu.channels.watched.id, attachments: [h.emu.attachment(png(text), 'p.png', 'image/png')] });
  const answer = h.emu.messageFromCall(await h.emu.waitForReply(message.id));
  const id = Number(/prediction #(\d+)/.exec(String((answer.embeds[0] as APIEmbed).footer?.text))![1]);
  await eventually(async () => expect((await h.store.predictions.get(id))?.replyMessageId).toBe(answer.id));
  return { answer, id };
}

/** the private refusal's text */
const refusalOf = (c: RestCall) => {
  expect(body(c).type).toBe(4);
  expect(body(c).data?.flags).toBe(EPHEMERAL);
  return String(body(c).data?.embeds?.[0]?.description);
};

describe('label parsing: digits and spaces only, each refusal says why', () => {
  it('accepts digits with spaces, refuses signs, decimal points, separators, letters and more than 32 digits', () => {
    expect(parseLabel(' 2 024 ')).toEqual({ ok: true, label: '2024' });
    expect(parseLabel('0')).toEqual({ ok: true, label: '0' });
    expect(parseLabel('1'.repeat(32))).toEqual({ ok: true, label: '1'.repeat(32) });
    const why = (s: string) => {
      const r = parseLabel(s);
      if (r.ok) throw new Error(`${s} was accepted as ${r.label}`);
      return r.reason;
    };
    expect(why('-5')).toBe('A label is digits and spaces only: `-5` has a minus sign (`-`).');
    expect(why('1.5')).toBe('A label is digits and spaces only: `1.5` has a decimal point (`.`).');
    expect(why('1,000')).toBe('A label is digits and spaces only: `1,000` has a comma (`,`).');
    expect(why('seven')).toBe('A label is digits and spaces only: `seven` has `s`.');
    expect(why('   ')).toBe('Type the digits the picture shows, e.g. `7` or `2024`.');
    expect(why('1'.repeat(33))).toBe('A label is at most 32 digits; this one has 33.');
  });

  it('/correct refuses `-5` with the reason and stores nothing', async () => {
    const u = h.emu.user('hal');
    const { id } = await post(u, 'digits:5');
    const i = h.emu.slashCommand({ user: u, name: 'correct', options: [{ name: 'digit', type: 3, value: '-5' }] });
    expect(refusalOf(await h.emu.waitForInteractionAnswer(i))).toContain('has a minus sign');
    expect((await h.store.predictions.get(id))?.label).toBeNull();
  });

  it('the modal refuses `1,000` and `1.5` with the reason and stores nothing', async () => {
    const u = h.emu.user('ida');
    const { answer, id } = await post(u, 'digits:15');
    for (const [value, why] of [['1,000', 'has a comma'], ['1.5', 'has a decimal point']] as const) {
      const m = h.emu.modalSubmit({ user: u, message: answer, customId: `fb:modal:${id}`, fields: { label: value } });
      expect(refusalOf(await h.emu.waitForInteractionAnswer(m))).toContain(why);
    }
    expect((await h.store.predictions.get(id))?.label).toBeNull();
  });
});

describe('forged components (defence in depth)', () => {
  it('refuses a custom_id that names another answer than the message it came from', async () => {
    const u = h.emu.user('jay');
    const first = await post(u, 'digits:3');
    const second = await post(u, 'digits:8');
    const c = h.emu.component({ user: u, message: first.answer, customId: `fb:pick:${second.id}`, values: ['1'] });
    expect(refusalOf(await h.emu.waitForInteractionAnswer(c))).toContain('does not belong to this message');
    const m = h.emu.modalSubmit({ user: u, message: first.answer, customId: `fb:modal:${second.id}`, fields: { label: '1' } });
    expect(refusalOf(await h.emu.waitForInteractionAnswer(m))).toContain('does not belong to this message');
    const ok = h.emu.component({ user: u, message: first.answer, customId: `fb:ok:${second.id}` });
    expect(refusalOf(await h.emu.waitForInteractionAnswer(ok))).toContain('does not belong to this message');
    expect((await h.store.predictions.get(second.id))?.label).toBeNull();
    expect((await h.store.predictions.get(first.id))?.label).toBeNull();
  });

  it('refuses a menu value outside 0-9', async () => {
    const u = h.emu.user('kim');
    const { answer, id } = await post(u, 'digits:3');
    for (const v of ['12345', '']) {
      const c = h.emu.component({ user: u, message: answer, customId: `fb:pick:${id}`, values: [v] });
      expect(refusalOf(await h.emu.waitForInteractionAnswer(c))).toContain('one digit, 0 to 9');
    }
    expect((await h.store.predictions.get(id))?.label).toBeNull();
    // the genuine menu still works
    const c = h.emu.component({ user: u, message: answer, customId: `fb:pick:${id}`, values: ['5'] });
    expect(body(await h.emu.waitForInteractionAnswer(c)).type).toBe(7);
    expect((await h.store.predictions.get(id))?.label).toBe('5');
  });
});

describe('hygiene', () => {
  it('made no REST call the emulator had to refuse', () => {
    expect(h.emu.calls.filter((c) => c.status >= 400).map((c) => `${c.method} ${c.path} ${c.status}`)).toEqual([]);
  });
});
