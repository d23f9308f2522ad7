/**
 * npm run demo: try the bot without a Discord application, and check that the install works.
 * Starts the project's Discord emulator (127.0.0.1 only, nothing reaches the network), runs the
 * real bot process (src/main.ts, the active model, a scratch database) against it, posts a few
 * generated pictures in a watched channel and with /predict, prints what the bot answered, and
 * stops it with SIGTERM. Exit code 0 when every picture got an answer.
 */
import type { APIEmbed } from 'discord.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fail, parseCli } from '../src/cli/args.ts';
import { loadActiveModel } from '../src/model/registry.ts';
import { startBotProcess, type BotProcess } from '../test/support/botProcess.ts';
import { DiscordEmulator, type RestCall } from '../test/support/emulator/index.ts';
import { cleanPng, invertedPng, nonDigit, photoJpeg } from '../test/vision/fixtures.ts';

const USAGE = `npm run demo -- [--models-dir DIR] [--logs]

Runs the real bot against a local Discord emulator (127.0.0.1; no Discord application, no
network), posts sample pictures of handwritten digits, prints the answers and exits 0 when
every picture was answered: the proof that the install works.
  --models-dir DIR   models folder whose active model is served (default models)
  --logs             also print the bot's own log lines`;

const { values } = parseCli(USAGE, { 'models-dir': { type: 'string', default: 'models' }, logs: { type: 'boolean' } });
const modelsDir = resolve(values['models-dir']);

try {
  await loadActiveModel(modelsDir);
} catch (err) {
  fail(`no model to serve in ${modelsDir} (${(err as Error).message}); train one, e.g. npm run train -- --arch network2 --epochs 5, then npm run model -- promote network2`);
}

const samples: { what: string; bytes: () => Promise<Buffer>; file: string; type: string }[] = [
  { what: 'a clean 7 (PNG)', bytes: () => cleanPng('7'), file: 'seven.png', type: 'image/png' },
  { what: 'the number 42, phone photo (JPEG)', bytes: () => photoJpeg('42'), file: 'forty-two.jpg', type: 'image/jpeg' },
  { what: 'a 3, white ink on black (PNG)', bytes: () => invertedPng('3'), file: 'three.png', type: 'image/png' },
  { what: 'a landscape, no digit (PNG)', bytes: () => nonDigit('landscape'), file: 'landscape.png', type: 'image/png' },
];

const dir = mkdtempSync(join(tmpdir(), 'digit-bot-demo-'));
const emu = await DiscordEmulator.start();
let bot: BotProcess | null = null;
let ok = false;
try {
  console.log(`Discord emulator on ${emu.baseUrl}; starting the bot (${modelsDir})…`);
  bot = startBotProcess({ emu, databaseUrl: `file:${join(dir, 'demo.db')}`, modelsDir, env: { COOLDOWN_SECONDS: '0' }, echo: values.logs === true });
  await bot.ready(90_000);
  const ready = JSON.parse(bot.lines.find((l) => l.includes('"bot ready"')) ?? '{}') as { model?: string };
  console.log(`bot ready (pid ${bot.pid}, model ${ready.model ?? '?'}), watching #${emu.channels.watched.name}\n`);

  const user = emu.user('newcomer');
  const summary = (c: RestCall): string => {
    const b = c.body as { embeds?: APIEmbed[]; data?: { embeds?: APIEmbed[] } } | null;
    const e = b?.embeds?.[0] ?? b?.data?.embeds?.[0];
    const sure = e?.description?.split('\n')[0] ?? '';
    return e ? `${e.title}${e.title?.startsWith('I read') ? ` (${sure})` : ''}` : JSON.stringify(c.body).slice(0, 120);
  };
  let answered = 0;
  for (const s of samples) {
    const msg = emu.postMessage({ author: user, channelId: emu.channels.watched.id, attachments: [emu.attachment(await s.bytes(), s.file, s.type)] });
    const reply = await emu.waitForReply(msg.id, 30_000);
    answered++;
    console.log(`  chat      ${s.what.padEnd(36)} → ${summary(reply)}`);
  }
  const att = emu.attachment(await cleanPng('2024'), 'year.png', 'image/png');
  const i = emu.slashCommand({ user, name: 'predict', options: [{ name: 'image', type: 11, value: att.id }], attachments: [att] });
  console.log(`  /predict  ${'the number 2024 (PNG)'.padEnd(36)} → ${summary(await emu.waitForInteractionAnswer(i, 30_000))}`);
  answered++;

  const t0 = performance.now();
  bot.child.kill('SIGTERM');
  const code = await bot.exited;
  console.log(`\n${answered} of ${samples.length + 1} pictures answered; SIGTERM → the bot exited with ${code} in ${Math.round(performance.now() - t0)} ms.`);
  ok = answered === samples.length + 1 && code === 0;
  if (ok) console.log('The install works. On Discord: see "Running it on Discord" in the README.');
} catch (err) {
  console.error(`demo failed: ${(err as Error).message}`);
  if (bot && !values.logs) console.error(bot.lines.slice(-10).join('\n'), bot.stderr.slice(-10).join('\n'));
} finally {
  if (bot && bot.child.exitCode === null && bot.child.signalCode === null) bot.child.kill('SIGKILL');
  await emu.stop();
  rmSync(dir, { recursive: true, force: true });
}
process.exit(ok ? 0 : 1);
