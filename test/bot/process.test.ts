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
});
