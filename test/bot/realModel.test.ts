/**
 * End to end with the real pieces: the active model (models/active.json, or BOT_TEST_MODELS_DIR),
 * the real image pipeline (readDigits) and MNIST test digits posted as PNG photos.
 * Skipped until a model is shipped.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMnistSplit } from '../../src/data/mnist.ts';
import { loadActiveModel } from '../../src/model/registry.ts';
import { readDigits } from '../../src/vision/read.ts';
import { firstEmbed, startHarness, type Harness } from '../support/botHarness.ts';
import { mnistToPng } from '../support/digitImages.ts';

const modelsDir = process.env.BOT_TEST_MODELS_DIR ?? 'models';
const hasModel = existsSync(join(modelsDir, 'active.json'));

describe.skipIf(!hasModel)('real model and image pipeline', () => {
  let h: Harness;
  beforeAll(async () => {
    const active = await loadActiveModel(modelsDir);
    h = await startHarness({ model: active, readDigits: (b, c) => readDigits(b, c) });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('an image message gets the right digit back', async () => {
    const test = await loadMnistSplit('test');
    const u = h.emu.user('mnist');
    // the first five test digits: 7 2 1 0 4
    for (let i = 0; i < 5; i++) {
      const att = h.emu.attachment(await mnistToPng(test.images, i), `digit-${i}.png`, 'image/png');
      const msg = h.emu.postMessage({ author: u, channelId: h.emu.channels.watched.id, attachments: [att] });
      const reply = await h.emu.waitForReply(msg.id);
      expect(firstEmbed(reply).title).toBe(`I read: ${test.labels[i]}`);
    }
    const p = await h.store.predictions.latestPostedBy(u.id);
    expect(p?.modelName).toBe(h.models.current().info.name);
    expect((await h.store.samples.forPrediction(p!.id))[0]!.image.length).toBe(784);
  });

  it('/predict with a real picture, and a file that is not an image gets a friendly answer', async () => {
    const test = await loadMnistSplit('test');
    const u = h.emu.user('slash');
    const att = h.emu.attachment(await mnistToPng(test.images, 1), 'two.png', 'image/png');
    const i = h.emu.slashCommand({ user: u, name: 'predict', options: [{ name: 'image', type: 11, value: att.id }], attachments: [att] });
    expect(firstEmbed(await h.emu.waitForInteractionAnswer(i)).title).toBe('I read: 2');

    const junk = h.emu.attachment(Buffer.from('this is not a png at all, just text pretending'), 'fake.png', 'image/png');
    const msg = h.emu.postMessage({ author: u, channelId: h.emu.channels.watched.id, attachments: [junk] });
    const e = firstEmbed(await h.emu.waitForReply(msg.id));
    expect(e.title).toBe('I could not read that picture');
    expect(e.description!.length).toBeGreaterThan(10);
  });
});
