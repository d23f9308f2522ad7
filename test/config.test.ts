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
});
