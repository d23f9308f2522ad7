/**
 * A correction looks at its picture again (issue 13, item 1): end to end with the real discord.js
 * client against the emulator, a stand-in for the label-guided reader (vision/guided.ts is tested
 * on real pictures in test/vision/guided.test.ts). The picture is downloaded again from the CDN;
 * the label lands on the mark the look found (a new one, or the answer's own); when the picture is
 * gone or the look finds nothing, on the answer's marks as before; the hold still applies.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { APIEmbed } from 'discord.js';
import { eventually, fakeClassifier, fakeModel, png, startHarness, type Harness } from '../support/botHarness.ts';
import type { ApiMessage, ApiUser, RestCall } from '../support/emulator/index.ts';
import type { GuidedMarks } from '../../src/vision/guided.ts';
import type { DigitReading } from '../../src/vision/types.ts';

type Body = { type?: number; data?: { embeds?: APIEmbed[] } };
const body = (c: RestCall) => c.body as Body;
const feedbackOf = (e: APIEmbed) => String(e.fields?.find((f) => f.name === 'Feedback')?.value);

/** what the stand-in finds, per picture text; every call is recorded */
const found = new Map<string, (label: string) => GuidedMarks | null>();
const calls: { picture: string; label: string }[] = [];
const mark = (digit: number, p: number, box: DigitReading['box']): DigitReading => ({
  digit,
  confidence: p,
  top3: [{ digit, p }, { digit: (digit + 1) % 10, p: (1 - p) / 2 }, { digit: (digit + 2) % 10, p: (1 - p) / 2 }],
  notDigit: 0.01,
  image: new Float32Array(784).fill(0.75),
  box,
});

let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    env: { COOLDOWN_SECONDS: '0' },
    // the fake reader's marks are an 11-class model's (p("not a digit") beside the digits)
    model: { ...fakeModel, classifier: { ...fakeClassifier, classes: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'none'] } },
    lookForLabel: async (bytes, _classifier, label) => {
      const picture = bytes.toString('utf8');
      calls.push({ picture, label });
      return found.get(picture)?.(label) ?? null;
    },
  });
});
afterAll(async () => {
  await h?.close();
});

async function post(author: ApiUser, text: string): Promise<{ answer: ApiMessage; id: number; url: string }> {
  const attachment = h.emu.attachment(png(text), 'p.png', 'image/png');
  const message = h.emu.postMessage({ author, channelId: h.emu.channels.watched.id, attachments: [attachment] });
  const answer = h.emu.messageFromCall(await h.emu.waitForReply(message.id));
  const id = Number(/prediction #(\d+)/.exec(String((answer.embeds[0] as APIEmbed).footer?.text))![1]);
  await eventually(async () => expect((await h.store.predictions.get(id))?.replyMessageId).toBe(answer.id));
  return { answer, id, url: attachment.url };
}

async function label(user: ApiUser, answer: ApiMessage, id: number, value: string): Promise<string> {
  const up = await h.emu.waitForInteractionAnswer(h.emu.modalSubmit({ user, message: answer, customId: `fb:modal:${id}`, fields: { label: value } }));
  expect(body(up).type).toBe(7);
  return feedbackOf(body(up).data!.embeds![0]!);
}

describe('a correction looks at its picture again', () => {
  it('"no digit found" labelled 8: the look finds the 8 the answer had not cut, and the label lands on it as a new mark', async () => {
    const amy = h.emu.user('amy');
    const picture = 'marks:~1@0.999,~4@0.6';
    found.set(picture, (l) => (l === '8' ? { marks: [mark(8, 0.7, { x: 100, y: 40, width: 60, height: 90 })], p: [0.7], look: 'wide window' } : null));
    const { answer, id, url } = await post(amy, picture);
    expect((await h.store.predictions.get(id))?.pictureUrl).toBe(url);
    const text = await label(amy, answer, id, '8');
    expect(calls.at(-1)).toEqual({ picture, label: '8' });
    expect(text).toContain('Thanks, I will learn from it: a mark I had not cut (not in the strip), found by looking again knowing the label.');
    const samples = await h.store.samples.forPrediction(id);
    expect(samples.map((s) => [s.position, s.kind, s.label, s.trusted, s.assignment])).toEqual([
      [0, 'candidate', null, false, null],
      [1, 'candidate', null, false, null],
      [2, 'candidate', 8, true, 'guided'],
    ]);
    expect(samples[2]!.box).toEqual({ x: 100, y: 40, width: 60, height: 90 });
    expect(samples[2]!.image[0]).toBeCloseTo(0.75);
    expect(samples[2]!.userId).toBe(amy.id);
    // trained on: the labelled samples include it
    expect((await h.store.samples.labelled()).some((s) => s.id === samples[2]!.id)).toBe(true);

    // labelled again (4 this time, which the look does not find): the found mark loses its label, and the
    // answer's most digit-like mark does not get it by a re-cut (no look reads a 4 anywhere)
    const again = await label(amy, answer, id, '4');
    expect(again).toContain('I will not learn from it: I looked at the picture again knowing it shows a 4, and no mark I can cut reads as it: if a mark above shows it, pick it.');
    expect((await h.store.samples.forPrediction(id)).map((s) => s.label)).toEqual([null, null, null]);
    // without the picture (gone from the CDN), the same label is re-cut onto the answer's marks as before
    h.emu.cdn.delete(new URL(url).pathname);
    expect(await label(amy, answer, id, '4')).toContain('re-cut to 1 mark: mark 2 of the 2 above');
    expect((await h.store.samples.forPrediction(id)).map((s) => s.label)).toEqual([null, 4, null]);
  });

  it("a misread whose digit the look finds on the answer's own mark: the label lands there, nothing is added", async () => {
    const bo = h.emu.user('bo');
    const picture = 'marks:1@0.9,~7@0.8';
    // the answer's mark 2 is at x 30 (the fake reader's boxes): the look reads it as a 7 at 0.6
    found.set(picture, () => ({ marks: [mark(7, 0.6, { x: 31, y: 0, width: 28, height: 28 })], p: [0.6], look: 'every line out' }));
    const { answer, id } = await post(bo, picture);
    const text = await label(bo, answer, id, '7');
    expect(text).toContain('Thanks, I will learn from it: mark 2 above, found by looking again knowing the label.');
    expect((await h.store.samples.forPrediction(id)).map((s) => [s.label, s.assignment])).toEqual([[null, null], [7, 'guided']]);
  });

  it('the picture is gone from the CDN, or the look finds nothing: the label lands on the answer\'s marks', async () => {
    const cy = h.emu.user('cy');
    const picture = 'marks:3@0.9';
    found.set(picture, () => ({ marks: [mark(5, 0.9, { x: 300, y: 0, width: 28, height: 28 })], p: [0.9], look: 'first' }));
    const gone = await post(cy, picture);
    h.emu.cdn.delete(new URL(gone.url).pathname);
    const before = calls.length;
    expect(await label(cy, gone.answer, gone.id, '5')).toContain('Thanks, I will learn from it: mark 1 above');
    expect(calls.length).toBe(before); // never read: the download failed
    expect((await h.store.samples.forPrediction(gone.id)).map((s) => [s.label, s.assignment])).toEqual([[5, 'single']]);

    const nothing = await post(cy, 'marks:2@0.9');
    expect(await label(cy, nothing.answer, nothing.id, '6')).toContain('Thanks, I will learn from it: mark 1 above');
    expect(calls.at(-1)).toEqual({ picture: 'marks:2@0.9', label: '6' });
    expect((await h.store.samples.forPrediction(nothing.id)).map((s) => s.assignment)).toEqual(['single']);
  });

  it('a confirmation never looks again; a label the model contradicts on the answer is still held, wherever the look puts it', async () => {
    const di = h.emu.user('di');
    const picture = 'marks:3@0.999';
    found.set(picture, () => ({ marks: [mark(8, 0.3, { x: 200, y: 0, width: 28, height: 28 })], p: [0.3], look: 'wide window' }));
    const ok = await post(di, picture);
    const before = calls.length;
    const up = await h.emu.waitForInteractionAnswer(h.emu.component({ user: di, message: ok.answer, customId: `fb:ok:${ok.id}` }));
    expect(body(up).type).toBe(7);
    expect(calls.length).toBe(before);

    const wrong = await post(di, picture);
    const text = await label(di, wrong.answer, wrong.id, '8');
    expect(text).toContain('held for a second opinion: I am 99.9 % sure mark 1 is a 3, and the label says 8');
    const samples = await h.store.samples.forPrediction(wrong.id);
    expect(samples.map((s) => [s.label, s.trusted, s.held, s.assignment])).toEqual([[null, false, false, null], [8, false, true, 'guided']]);
    expect((await h.store.samples.labelled()).some((s) => s.predictionId === wrong.id)).toBe(false);
  });
});
