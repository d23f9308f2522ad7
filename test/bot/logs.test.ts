/**
 * Privacy of the logs: an interaction token in a URL lets anyone who reads the logs edit the
 * bot's answers for 15 minutes. Failing REST calls (whose errors carry the URL, the request body
 * and the stack) must never put a token in a log line.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.ts';
import { eventually, png, startHarness, type Harness } from '../support/botHarness.ts';

let h: Harness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

/** a harness whose bot logs (debug level) into `lines`, through the project's one logger factory */
async function loggedHarness(lines: string[], env: Record<string, string> = {}): Promise<Harness> {
  return startHarness({ log: createLogger('debug', { write: (s: string) => void lines.push(s) }), env });
}
const parsed = (lines: string[]) => lines.map((l) => JSON.parse(l) as { level: number; msg: string; watching?: string[]; channel?: string });

describe('logs', () => {
  it('a failing interaction callback is logged without the interaction token', async () => {
    const lines: string[] = [];
    h = await loggedHarness(lines);
    const emu = h.emu;
    emu.failCalls((c) => c.path.startsWith('/interactions/'));
    const i = emu.slashCommand({ user: emu.user('eve'), name: 'help' });
    const token = String(i.token);
    await eventually(async () => expect(lines.join('')).toMatch(/could not even report the failure/), 10_000);
    const text = lines.join('');
    expect(emu.calls.some((c) => c.path.includes(token) && c.status === 400)).toBe(true); // the failure happened
    expect(text).toMatch(/"url":"[^"]*\/interactions\/\d+\/\[redacted\]\/callback/); // the URL is logged, scrubbed
    expect(text).not.toContain(token);
  });

  it('failing webhook edits and follow-ups are logged without the token; the bot token never appears', async () => {
    const lines: string[] = [];
    h = await loggedHarness(lines);
    const emu = h.emu;
    emu.failCalls((c) => c.path.startsWith('/webhooks/'));
    const att = emu.attachment(png('digits:4'), 'four.png', 'image/png');
    const i = emu.slashCommand({ user: emu.user('mal'), name: 'predict', options: [{ name: 'image', type: 11, value: att.id }], attachments: [att] });
    const token = String(i.token);
    await eventually(async () => expect(lines.join('')).toMatch(/could not even report the failure/), 10_000);
    const text = lines.join('');
    expect(emu.calls.filter((c) => c.path.includes(token) && c.status === 400).length).toBeGreaterThan(0);
    expect(text).toMatch(/\/webhooks\/\d+\/\[redacted\]/);
    expect(text).not.toContain(token);
    expect(text).not.toContain(emu.token);
  });

  it('the start-up log lists the watched channels, and says plainly when there is none or one is not visible', async () => {
    const lines: string[] = [];
    h = await loggedHarness(lines);
    const ready = parsed(lines).find((l) => l.msg === 'bot ready');
    expect(ready?.watching).toEqual([`#digits (${h.emu.channels.watched.id})`]);
    expect(parsed(lines).filter((l) => l.level >= 40)).toEqual([]);
    await h.close();

    const none: string[] = [];
    h = await loggedHarness(none, { WATCH_CHANNEL_IDS: '' });
    expect(parsed(none).find((l) => l.msg === 'bot ready')?.watching).toEqual([]);
    expect(parsed(none).filter((l) => l.level === 40).map((l) => l.msg)).toEqual([
      'no watched channel: pictures in chat are read only in DMs and mentions; set WATCH_CHANNEL_IDS to read every picture in a channel',
    ]);
    await h.close();

    const wrong: string[] = [];
    h = await loggedHarness(wrong, { WATCH_CHANNEL_IDS: '123456789012345678' });
    expect(parsed(wrong).filter((l) => l.level === 40)).toEqual([
      expect.objectContaining({ channel: '123456789012345678', msg: expect.stringMatching(/^WATCH_CHANNEL_IDS names a channel the bot cannot see/) }),
    ]);
  });

  it('scrubs tokens from any field, nested objects, error stacks and authorization headers', () => {
    const lines: string[] = [];
    const log = createLogger('info', { write: (s: string) => void lines.push(s) }, { secrets: ['the.bot.secret-token'] });
    const err = Object.assign(new Error('Request to https://discord.com/api/v10/webhooks/123/aW50ZXJhY3Rpb246MTIz.x-y_z/messages/@original failed'), {
      url: 'https://discord.com/api/v10/interactions/456/aW50ZXJhY3Rpb246NDU2/callback?with_response=true',
      requestBody: { json: { note: 'see /webhooks/789/tok3n.abc/messages/1' } },
    });
    log.error({ err, nested: { deep: { link: '/interactions/1/secretish/callback' } }, headers: { Authorization: 'Bot the.bot.secret-token' } }, 'failed');
    log.info({ text: 'sent with Authorization: Bot the.bot.secret-token' }, 'echo');
    const text = lines.join('');
    for (const secret of ['aW50ZXJhY3Rpb246MTIz', 'aW50ZXJhY3Rpb246NDU2', 'tok3n.abc', 'secretish', 'the.bot.secret-token']) expect(text).not.toContain(secret);
    expect(text).toContain('/webhooks/123/[redacted]/messages/@original');
    expect(text).toContain('/interactions/456/[redacted]/callback?with_response=true');
    expect(JSON.parse(lines[0]!).err.stack).toContain('/webhooks/123/[redacted]');
  });
});
