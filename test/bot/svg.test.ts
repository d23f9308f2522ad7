/** SVG attachments get an answer or a refusal in chat, as in /predict (issue 10, defect 7). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { APIEmbed } from 'discord.js';
import { readDigits } from '../../src/vision/read.ts';
import type { ReadDigitsFn } from '../../src/bot/context.ts';
import { fakeReadDigits, png, startHarness, type Harness } from '../support/botHarness.ts';

/** real SVG documents go through the real pipeline; the test's text "pictures" through the fake reader */
const reader: ReadDigitsFn = (bytes, classifier) => (bytes.subarray(0, 5).toString() === '<svg ' ? readDigits(bytes, classifier) : fakeReadDigits(bytes, classifier));

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ readDigits: reader });
});
afterAll(async () => {
  await h?.close();
});

const embedOf = (b: unknown) => (b as { embeds: APIEmbed[] }).embeds[0]!;
const SVG = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="120" height="120"><rect width="120" height="120" fill="#fff"/><path d="M60 15 L60 105" stroke="#000" stroke-width="12"/></svg>');

describe('SVG in chat', () => {
  it.each([
    ['image/svg+xml', 'seven.svg'],
    [null, 'seven.svg'],
  ])('an SVG (%s, %s) goes to the reader and its answer comes back', async (type, name) => {
    const msg = h.emu.postMessage({ author: h.emu.user('sky'), channelId: h.emu.channels.watched.id, attachments: [h.emu.attachment(png('digits:7'), name, type)] });
    expect(embedOf((await h.emu.waitForReply(msg.id, 5000)).body).title).toBe('I read: 7');
  });

  it('a real SVG document gets an answer or a refusal from the real pipeline, never silence', async () => {
    const msg = h.emu.postMessage({ author: h.emu.user('sol'), channelId: h.emu.channels.watched.id, attachments: [h.emu.attachment(SVG, 'one.svg', 'image/svg+xml')] });
    // the real pipeline builds its novelty gate from MNIST on first use: allow for a loaded machine
    const e = embedOf((await h.emu.waitForReply(msg.id, 30_000)).body);
    expect(e.title).toMatch(/^(I read: \d+|No digit found|I could not read that picture)$/);
    expect(e.description ?? '').not.toContain('Something went wrong');
  }, 40_000);

  it('/predict does the same', async () => {
    const u = h.emu.user('sam');
    const att = h.emu.attachment(png('digits:5'), 'five.svg', 'image/svg+xml');
    const i = h.emu.slashCommand({ user: u, name: 'predict', options: [{ name: 'image', type: 11, value: att.id }], attachments: [att] });
    const answer = await h.emu.waitForInteractionAnswer(i);
    expect(embedOf(answer.body).title).toBe('I read: 5');
  });
});
