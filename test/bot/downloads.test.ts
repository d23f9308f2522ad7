/** Pictures whose download stalls or breaks after the first bytes (issue 10, defect 6). */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { APIEmbed } from 'discord.js';
import { createLogger } from '../../src/log.ts';
import { png, startHarness, type Harness } from '../support/botHarness.ts';

const lines: { level: number; msg: string; code?: string }[] = [];
const sink = new Writable({
  write(chunk: Buffer, _enc, done) {
    for (const l of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(l) as { level: number; msg: string });
    done();
  },
});

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ env: { DOWNLOAD_TIMEOUT_MS: '300' }, log: createLogger('info', sink) });
});
afterAll(async () => {
  await h?.close();
});

const embedOf = (b: unknown) => (b as { embeds: APIEmbed[] }).embeds[0]!;

describe('downloads that go wrong after the first bytes', () => {
  it.each([
    ['stall', 'Downloading the picture took too long, please try again.', 'download-timeout'],
    ['reset', 'Downloading the picture was interrupted, please try again.', 'download-interrupted'],
  ] as const)('a %s gets "%s", logged as a warning, not an error', async (fault, message, code) => {
    const u = h.emu.user(`u-${fault}`);
    const msg = h.emu.postMessage({ author: u, channelId: h.emu.channels.watched.id, attachments: [h.emu.attachment(png('digits:1234567890'), 'p.png', 'image/png', {}, fault)] });
    const reply = await h.emu.waitForReply(msg.id);
    expect(embedOf(reply.body).description).toBe(message);
    const mine = lines.filter((l) => l.code === code);
    expect(mine.map((l) => l.level)).toEqual([40]);
    expect(lines.filter((l) => l.level >= 50)).toEqual([]);
  });

  it('answers the next picture normally', async () => {
    const msg = h.emu.postMessage({ author: h.emu.user('ok'), channelId: h.emu.channels.watched.id, attachments: [h.emu.attachment(png('digits:4'), 'p.png', 'image/png')] });
    expect(embedOf((await h.emu.waitForReply(msg.id)).body).title).toBe('I read: 4');
  });
});
