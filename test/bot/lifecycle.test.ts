import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { APIEmbed } from 'discord.js';
import { eventually, fakeReadDigits, png, startHarness, type Harness } from '../support/botHarness.ts';
import { DiscordEmulator } from '../support/emulator/index.ts';

const open: Harness[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const h of open.splice(0)) await h.close().catch(() => undefined);
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const title = (b: unknown) => (b as { embeds?: APIEmbed[] }).embeds?.[0]?.title;

describe('lifecycle', () => {
  it('keeps predictions and feedback across a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'digit-bot-restart-'));
    dirs.push(dir);
    const dbUrl = `file:${join(dir, 'bot.db')}`;
    const emu = await DiscordEmulator.start();
    const h1 = await startHarness({ emu, dbUrl });
    const u = emu.user('ren');
    const msg = emu.postMessage({ author: u, channelId: emu.channels.watched.id, attachments: [emu.attachment(png('digits:3'), 'a.png', 'image/png')] });
    const reply = emu.messageFromCall(await emu.waitForReply(msg.id));
    const id = Number(/#(\d+)/.exec(String((reply.embeds[0] as APIEmbed).footer?.text))![1]);
    await eventually(async () => expect((await h1.store.predictions.get(id))?.replyMessageId).toBe(reply.id));
    const pick = emu.component({ user: u, message: reply, customId: `fb:pick:${id}`, values: ['8'] });
    await emu.waitForInteractionAnswer(pick);
    await h1.close({ keepDb: true, keepEmulator: true });
    expect(emu.connectedSessions).toBe(0);

    const h2 = await startHarness({ emu, dbUrl });
    open.push(h2);
    expect(emu.identifies).toBe(2);
    const s = emu.slashCommand({ user: u, name: 'stats' });
    const st = await emu.waitForInteractionAnswer(s);
    expect(JSON.stringify(st.body)).toMatch(/predictions served: \*\*1\*\*/);
    expect(JSON.stringify(st.body)).toMatch(/corrected: \*\*1\*\*/);
    expect((await h2.store.samples.forPrediction(id))[0]?.label).toBe(8);
  });

  it('resumes after the gateway drops and answers the messages sent meanwhile', async () => {
    // no start-up catch-up here: it would answer the message below before the gateway resumes
    const h = await startHarness({ emulator: { heartbeatIntervalMs: 500 }, env: { CATCH_UP_MINUTES: '0' } });
    open.push(h);
    const u = h.emu.user('ria');
    h.emu.dropGatewayConnections(4000);
    const during = h.emu.postMessage({ author: u, channelId: h.emu.channels.watched.id, attachments: [h.emu.attachment(png('digits:6'), 'a.png', 'image/png')] });
    expect(title((await h.emu.waitForReply(during.id, 8000)).body)).toBe('I read: 6');
    expect(h.emu.resumes).toBe(1);
    expect(h.emu.identifies).toBe(1);
    await new Promise((r) => setTimeout(r, 700));
    expect(h.emu.heartbeats).toBeGreaterThan(0);
  });

  it('finishes in-flight work on shutdown, then closes the gateway', async () => {
    const slow = async (b: Buffer, c: Parameters<typeof fakeReadDigits>[1]) => {
      await new Promise((r) => setTimeout(r, 300));
      return fakeReadDigits(b, c);
    };
    const h = await startHarness({ readDigits: slow });
    const u = h.emu.user('sol');
    const msg = h.emu.postMessage({ author: u, channelId: h.emu.channels.watched.id, attachments: [h.emu.attachment(png('digits:2'), 'a.png', 'image/png')] });
    await new Promise((r) => setTimeout(r, 50)); // the bot has the message and is reading
    const r = await h.bot.stop();
    expect(r).toEqual({ drained: true, abandoned: 0 });
    expect(h.emu.repliesTo(msg.id)).toHaveLength(1);
    expect(h.emu.connectedSessions).toBe(0);
    h.store.close();
    await h.emu.stop();
  });

  it('applies the per-user cooldown and says so once', async () => {
    const h = await startHarness({ env: { COOLDOWN_MAX_REQUESTS: '1', COOLDOWN_SECONDS: '60' } });
    open.push(h);
    const u = h.emu.user('tom');
    const w = h.emu.channels.watched.id;
    const m1 = h.emu.postMessage({ author: u, channelId: w, attachments: [h.emu.attachment(png('digits:1'), 'a.png', 'image/png')] });
    const m2 = h.emu.postMessage({ author: u, channelId: w, attachments: [h.emu.attachment(png('digits:2'), 'b.png', 'image/png')] });
    const m3 = h.emu.postMessage({ author: u, channelId: w, attachments: [h.emu.attachment(png('digits:3'), 'c.png', 'image/png')] });
    expect(title((await h.emu.waitForReply(m1.id)).body)).toBe('I read: 1');
    // said once, and it says that the pictures after it in the window are not read
    expect(((await h.emu.waitForReply(m2.id)).body as { content: string }).content).toMatch(/^⏳ Slow down a little: you can send another picture in \d+ s\. Pictures sent before then are not read \(I say this once\)\.$/);
    const other = h.emu.postMessage({ author: h.emu.user('uli'), channelId: w, attachments: [h.emu.attachment(png('digits:4'), 'd.png', 'image/png')] });
    await h.emu.waitForReply(other.id);
    expect(h.emu.repliesTo(m3.id)).toHaveLength(0);
  });

  it('a missing token is one clear line and exit code 1', () => {
    const dir = mkdtempSync(join(tmpdir(), 'digit-bot-env-'));
    dirs.push(dir);
    const root = resolve(import.meta.dirname, '../..');
    const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' };
    const r = spawnSync(join(root, 'node_modules/.bin/tsx'), [join(root, 'src/main.ts')], { cwd: dir, env, encoding: 'utf8', timeout: 30_000 });
    expect(r.status).toBe(1);
    const lines = r.stderr.trim().split('\n').filter((l) => l.startsWith('digit-bot:'));
    expect(lines, r.stderr).toEqual(['digit-bot: Invalid configuration: DISCORD_TOKEN is missing: set it in the environment or in .env (see .env.example)']);
    expect(r.stderr).not.toMatch(/^\s+at /m); // no stack trace
  });
});
