/**
 * /retrain through the Discord emulator, with the real child process: deferred, edited with the
 * outcome, the new model hot-swapped in, and the bot keeps answering pictures while it trains.
 */
import type { APIEmbed } from 'discord.js';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMnist } from '../../src/data/mnist.ts';
import { silentLogger } from '../../src/log.ts';
import { loadActiveModel, modelInfo } from '../../src/model/registry.ts';
import { forkTrainer } from '../../src/retrain/fork.ts';
import { Retrainer } from '../../src/retrain/job.ts';
import { png, startHarness, type Harness } from '../support/botHarness.ts';
import { ALL_BASIC, type RestCall } from '../support/emulator/index.ts';
import { addSamples, answeredBy, slanted, smallSettings, trainBase } from './helpers.ts';

const MANAGE_GUILD = 1n << 5n;
let h: Harness;
let dir: string;
const childPids: number[] = [];
const childNice: number[] = [];
/** the trusted training samples the retrain learns from */
let trained = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'digit-bot-retrain-bot-'));
  const modelsDir = join(dir, 'models');
  await mkdir(modelsDir);
  await trainBase(modelsDir);
  h = await startHarness({
    env: { COOLDOWN_SECONDS: '0' },
    model: await loadActiveModel(modelsDir),
    retrainer: (store, models) =>
      new Retrainer({
        store,
        modelsDir,
        // more epochs than the other tests: the child must still be training while pictures arrive
        settings: (mode) => ({ ...smallSettings(mode), replay: 20_000, epochs: 4 }),
        trainer: forkTrainer({
          nice: 10,
          onSpawn: (pid) => {
            childPids.push(pid);
            // field 19 of /proc/PID/stat is the niceness
            const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
            childNice.push(Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]));
          },
        }),
        keepModels: 3,
        log: silentLogger,
        onPromoted: (m) => void models.swap({ classifier: m, info: modelInfo(m.manifest) }),
      }),
  });
  const data = await loadMnist();
  // eight users' labels; what the active model answered on each (the ones it got wrong are the corrected ones)
  await addSamples(
    h.store,
    await answeredBy(
      modelsDir,
      Array.from({ length: 400 }, (_, k) => ({ image: slanted(data.train, 40_000 + k), label: data.train.labels[40_000 + k]!, split: k % 5 === 0 ? 'holdout' : 'train', user: `u${k % 8}` })),
    ),
  );
  // every fifth was held back when stored, and some corrections of the others when labelled
  trained = (await h.store.samples.labelled({ split: 'train' })).length;
});
afterAll(async () => {
  await h?.close();
  await rm(dir, { recursive: true, force: true });
});

const embedOf = (c: RestCall) => ((c.body as { embeds?: APIEmbed[]; data?: { embeds?: APIEmbed[] } }).embeds ?? (c.body as { data?: { embeds?: APIEmbed[] } }).data?.embeds)?.[0];

describe('/retrain', () => {
  it('is refused to members who cannot manage the server, and is registered with that default permission', async () => {
    const i = h.emu.slashCommand({ user: h.emu.user('nomod'), name: 'retrain', permissions: ALL_BASIC });
    const a = await h.emu.waitForInteractionAnswer(i);
    expect((a.body as { data?: { flags?: number } }).data?.flags).toBe(64);
    expect(embedOf(a)?.description).toMatch(/manage this server/);
    const reg = h.emu.registeredCommands.at(-1)!.commands.find((c) => (c as { name: string }).name === 'retrain') as { default_member_permissions?: string; contexts?: number[] };
    expect(reg.default_member_permissions).toBe(String(MANAGE_GUILD));
    expect(reg.contexts).toEqual([0]);
  });

  it('defers, trains in a lower-priority child process while the bot keeps answering, then edits in the outcome and swaps the model', async () => {
    const before = h.models.current().info.name;
    const admin = h.emu.user('admin');
    const i = h.emu.slashCommand({ user: admin, name: 'retrain', permissions: ALL_BASIC | MANAGE_GUILD });
    const isFinal = (c: RestCall) => c.method === 'PATCH' && c.path.includes(String(i.token)) && /promoted|rejected|failed/.test(embedOf(c)?.title ?? '');
    const final = h.emu.waitForCall(isFinal, 120_000);
    // the deferral comes first
    const deferral = await h.emu.waitForCall((c) => c.path.includes(`/interactions/${String(i.id)}/`) && c.method === 'POST');
    expect((deferral.body as { type?: number }).type).toBe(5);

    // pictures posted while it trains are answered promptly
    const latencies: number[] = [];
    let finishedAt = 0;
    void final.then((c) => (finishedAt = c.at));
    const poster = h.emu.user('poster');
    for (let k = 0; k < 6 && finishedAt === 0; k++) {
      const sent = performance.now();
      const m = h.emu.postMessage({ author: poster, channelId: h.emu.channels.watched.id, attachments: [h.emu.attachment(png(`digits:${k}`), 'p.png', 'image/png')] });
      const reply = await h.emu.waitForReply(m.id);
      if (finishedAt === 0 || reply.at < finishedAt) latencies.push(performance.now() - sent);
      await new Promise((r) => setTimeout(r, 300));
    }
    const outcome = await final;
    expect(latencies.length).toBeGreaterThanOrEqual(2);
    expect(Math.max(...latencies)).toBeLessThan(2000);

    // the child ran at niceness 10
    expect(childPids).toHaveLength(1);
    expect(childNice).toEqual([10]);

    const e = embedOf(outcome)!;
    expect(e.title).toMatch(/promoted/);
    expect(JSON.stringify(e.fields)).toMatch(/Corrected, held back \+ cross-fitted \(8 users\).*Held-back corrected \(the candidate\).*Cross-fitted corrected \(2 folds\).*Held-back confirmed/);
    // progress edits came between the deferral and the outcome
    const edits = h.emu.calls.filter((c) => c.method === 'PATCH' && c.path.includes(String(i.token)));
    expect(edits.some((c) => /Retraining/.test(embedOf(c)?.title ?? ''))).toBe(true);
    // hot swap: the bot now serves the new model, without a restart
    expect(h.models.current().info.name).not.toBe(before);
    expect(h.models.current().info.name).toMatch(/^retrain-/);
    expect(h.models.current().info.parent).toBe(before);
    expect(await h.store.retrainRuns.latest()).toMatchObject({ status: 'promoted', trigger: 'command', requestedBy: admin.id });

    // /stats shows the run
    const s = h.emu.slashCommand({ user: admin, name: 'stats' });
    const stats = embedOf(await h.emu.waitForInteractionAnswer(s))!;
    const last = stats.fields?.find((f) => f.name === 'Last retraining')?.value ?? '';
    expect(trained).toBeLessThan(320);
    expect(trained).toBeGreaterThan(250);
    expect(last).toMatch(new RegExp(`promoted.*command.*${trained} samples.*held-back user samples`));
  });
});
