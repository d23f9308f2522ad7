/**
 * The bot as an operating-system process, the way a supervisor (systemd, Docker, pm2, `kill PID`)
 * runs it: `npm start`, then a signal to the pid it created.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setActiveModel } from '../../src/model/registry.ts';
import { alive, descendants, startBotProcess } from '../support/botProcess.ts';
import { DiscordEmulator } from '../support/emulator/index.ts';
import { saveTinyModel } from '../retrain/helpers.ts';
import { cleanPng } from '../vision/fixtures.ts';

let dir: string;
let modelsDir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'digit-bot-process-'));
  modelsDir = join(dir, 'models');
  await saveTinyModel(modelsDir, 'tiny');
  await setActiveModel(modelsDir, 'tiny');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the bot process', () => {
  it('`npm start` stops on SIGTERM to the pid it created: exit code 0, no process left', async () => {
    const emu = await DiscordEmulator.start();
    const bot = startBotProcess({ emu, via: 'npm', databaseUrl: `file:${join(dir, 'sigterm.db')}`, modelsDir });
    let tree: number[] = [];
    try {
      await bot.ready();
      expect(emu.connectedSessions).toBe(1);
      tree = descendants(bot.pid);
      expect(tree.length).toBeGreaterThan(0); // npm runs the bot as its child
      bot.child.kill('SIGTERM');
      expect(await bot.exited).toBe(0);
      // the bot logged its graceful stop (it got the signal, not just its parent)
      expect(bot.lines.some((l) => l.includes('"msg":"stopped"'))).toBe(true);
      await new Promise((r) => setTimeout(r, 200));
      expect(tree.filter(alive), 'processes left after npm start exited').toEqual([]);
      expect(emu.connectedSessions).toBe(0);
    } finally {
      for (const p of [...tree, ...descendants(bot.pid)].filter(alive)) process.kill(p, 'SIGKILL');
      if (alive(bot.pid)) bot.child.kill('SIGKILL');
      await emu.stop();
    }
  }, 90_000);

  it('killed mid-burst (SIGKILL), pictures posted while it is down: after a restart every picture is answered exactly once', async () => {
    const emu = await DiscordEmulator.start();
    const databaseUrl = `file:${join(dir, 'crash.db')}`;
    const env = { COOLDOWN_SECONDS: '0' };
    const pictures = await Promise.all(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'].map((d) => cleanPng(d)));
    const users = [emu.user('kim'), emu.user('lou'), emu.user('max')];
    const posted: string[] = [];
    const post = () => {
      const k = posted.length;
      const m = emu.postMessage({ author: users[k % 3]!, channelId: emu.channels.watched.id, attachments: [emu.attachment(pictures[k % 10]!, `d${k}.png`, 'image/png')] });
      posted.push(m.id);
    };
    const answers = (id: string) => emu.repliesTo(id).filter((c) => c.status === 200).length;
    const first = startBotProcess({ emu, databaseUrl, modelsDir, env });
    let second: ReturnType<typeof startBotProcess> | null = null;
    try {
      await first.ready();
      for (let i = 0; i < 30; i++) post();
      // kill it while the burst is being answered
      while (posted.filter((id) => answers(id) > 0).length < 5) await new Promise((r) => setTimeout(r, 5));
      first.child.kill('SIGKILL');
      expect(await first.exited).toBe('SIGKILL');
      const answeredBefore = posted.filter((id) => answers(id) > 0).length;
      expect(answeredBefore).toBeLessThan(30); // it really died mid-burst
      for (let i = 0; i < 5; i++) post(); // while it is down

      second = startBotProcess({ emu, databaseUrl, modelsDir, env });
      await second.ready();
      const deadline = Date.now() + 60_000;
      while (posted.some((id) => answers(id) === 0) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      await second.waitForLine(/caught up/, 10_000).catch(() => undefined);
      await new Promise((r) => setTimeout(r, 500)); // time for a duplicate to show
      expect(posted.map(answers)).toEqual(posted.map(() => 1));
      const stats = emu.slashCommand({ user: users[0]!, name: 'stats' });
      expect(JSON.stringify((await emu.waitForInteractionAnswer(stats, 20_000)).body)).toMatch(/predictions served: \*\*35\*\*/);
      second.child.kill('SIGTERM');
      expect(await second.exited).toBe(0);
    } finally {
      for (const b of [first, second]) if (b && alive(b.pid)) b.child.kill('SIGKILL');
      await emu.stop();
    }
  }, 120_000);

  it('the Message Content intent switched off in the portal: one line saying where to switch it on, exit code 1', async () => {
    const emu = await DiscordEmulator.start({ disallowedIntents: 1 << 15 }); // MESSAGE_CONTENT
    const bot = startBotProcess({ emu, databaseUrl: `file:${join(dir, 'intents.db')}`, modelsDir });
    try {
      expect(await bot.exited).toBe(1);
      const said = bot.stderr.filter((l) => l.startsWith('digit-bot:'));
      expect(said, bot.stderr.join('\n')).toHaveLength(1);
      expect(said[0]).toMatch(/^digit-bot: Discord refused the Message Content intent \(Used disallowed intents\): switch it on in the Developer Portal, .*Bot → Privileged Gateway Intents → Message Content Intent/);
      expect(bot.stderr.join('\n')).not.toMatch(/^\s+at /m);
    } finally {
      if (alive(bot.pid)) bot.child.kill('SIGKILL');
      await emu.stop();
    }
  }, 60_000);
});
