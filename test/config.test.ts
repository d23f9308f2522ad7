import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';

/** The error `fn` throws; fails the test when it does not throw. */
function thrownBy(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a throw, nothing was thrown');
}

describe('config', () => {
  it('applies defaults and freezes', () => {
    const c = loadConfig({ DISCORD_TOKEN: 't' });
    expect(c.databaseUrl).toBe('file:data/digit-bot.db');
    expect(c.discordApiUrl).toBeUndefined();
    expect(c.registerCommands).toBe(true);
    expect(Object.isFrozen(c)).toBe(true);
    expect(Object.isFrozen(c.limits)).toBe(true);
  });
  it('reads pictures in one worker thread unless READ_WORKERS says otherwise (0: the main thread)', () => {
    expect(loadConfig({ DISCORD_TOKEN: 't' }).limits.readWorkers).toBe(1);
    expect(loadConfig({ DISCORD_TOKEN: 't', READ_WORKERS: '0' }).limits.readWorkers).toBe(0);
    expect(thrownBy(() => loadConfig({ DISCORD_TOKEN: 't', READ_WORKERS: '-1' })).message).toContain('READ_WORKERS');
  });
  it('reports a missing token in one line', () => {
    const err = thrownBy(() => loadConfig({}));
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toMatch(/^Invalid configuration: DISCORD_TOKEN is missing/);
    expect(err.message).not.toContain('\n');
  });
  it('parses lists, booleans and numbers, and names each bad variable', () => {
    const c = loadConfig({ DISCORD_TOKEN: 't', WATCH_CHANNEL_IDS: ' 123456789012345678 ,223456789012345678,', REGISTER_COMMANDS: 'false', COOLDOWN_SECONDS: '0' });
    expect(c.watchChannelIds).toEqual(['123456789012345678', '223456789012345678']);
    expect(c.registerCommands).toBe(false);
    expect(c.cooldown.windowMs).toBe(0);
    expect(() => loadConfig({ DISCORD_TOKEN: 't', WATCH_CHANNEL_IDS: 'general' })).toThrow(/WATCH_CHANNEL_IDS/);
    expect(() => loadConfig({ DISCORD_TOKEN: 't', MAX_IMAGES_PER_MESSAGE: '99' })).toThrow(/MAX_IMAGES_PER_MESSAGE/);
    expect(() => loadConfig({ DISCORD_TOKEN: 't', DISCORD_API_URL: 'nope' })).toThrow(/DISCORD_API_URL/);
  });
  it('explains the common set-up mistakes in one line each', () => {
    // discord.js appends the API version itself: /api/v10/v10 would answer 404 to everything
    expect(thrownBy(() => loadConfig({ DISCORD_TOKEN: 't', DISCORD_API_URL: 'http://127.0.0.1:8080/api/v10' })).message).toMatch(
      /^Invalid configuration: DISCORD_API_URL must not end in the API version \(\/v10\): discord\.js adds it; write e\.g\. http:\/\/127\.0\.0\.1:8080\/api$/,
    );
    expect(loadConfig({ DISCORD_TOKEN: 't', DISCORD_API_URL: 'http://127.0.0.1:8080/api' }).discordApiUrl).toBe('http://127.0.0.1:8080/api');
    // a bare path is not a database URL
    expect(thrownBy(() => loadConfig({ DISCORD_TOKEN: 't', DATABASE_URL: 'data/bot.db' })).message).toMatch(/DATABASE_URL must be a URL: a local SQLite file is written with the file: prefix, e\.g\. file:data\/digit-bot\.db/);
    expect(loadConfig({ DISCORD_TOKEN: 't', DATABASE_URL: 'libsql://db.example.org' }).databaseUrl).toBe('libsql://db.example.org');
    expect(loadConfig({ DISCORD_TOKEN: 't', LOG_FORMAT: 'pretty' }).logFormat).toBe('pretty');
    expect(loadConfig({ DISCORD_TOKEN: 't' }).logFormat).toBe('json');
    expect(() => loadConfig({ DISCORD_TOKEN: 't', LOG_FORMAT: 'colour' })).toThrow(/LOG_FORMAT must be json .* or pretty/);
    for (const m of [thrownBy(() => loadConfig({ DISCORD_TOKEN: 't', DATABASE_URL: 'x.db', DISCORD_API_URL: 'http://h/api/v10' })).message]) expect(m).not.toContain('\n');
  });
  it('the catch-up window and size', () => {
    expect(loadConfig({ DISCORD_TOKEN: 't' }).catchUp).toEqual({ windowMs: 15 * 60_000, maxMessages: 200 });
    expect(loadConfig({ DISCORD_TOKEN: 't', CATCH_UP_MINUTES: '0', CATCH_UP_MESSAGES: '5' }).catchUp).toEqual({ windowMs: 0, maxMessages: 5 });
    expect(() => loadConfig({ DISCORD_TOKEN: 't', CATCH_UP_MESSAGES: '0' })).toThrow(/CATCH_UP_MESSAGES must be a whole number from 1 to 1000/);
  });
});

describe('log', () => {
  it('never writes the token', async () => {
    const { createLogger } = await import('../src/log.ts');
    const lines: string[] = [];
    const log = createLogger('info', { write: (s: string) => void lines.push(s) });
    const config = loadConfig({ DISCORD_TOKEN: 'super.secret.token' });
    log.info({ config }, 'config');
    log.info({ token: 'super.secret.token', headers: { authorization: 'Bot super.secret.token' } }, 'oops');
    expect(lines.join('')).not.toContain('super.secret.token');
    expect(lines.join('')).toContain('[redacted]');
  });
  it('LOG_FORMAT=pretty writes readable lines, still scrubbed', async () => {
    const { createLogger } = await import('../src/log.ts');
    const lines: string[] = [];
    const log = createLogger('info', { write: (s: string) => void lines.push(s) }, { format: 'pretty' });
    log.warn({ url: 'https://discord.com/api/v10/interactions/1/aW50ZXJhY3Rpb24/callback' }, 'no watched channel');
    expect(lines).toHaveLength(1);
    expect(() => JSON.parse(lines[0]!)).toThrow();
    expect(lines[0]).toMatch(/WARN.*no watched channel/);
    expect(lines[0]).toContain('/interactions/1/[redacted]/callback');
    expect(lines[0]).not.toContain('aW50ZXJhY3Rpb24');
  });
});
