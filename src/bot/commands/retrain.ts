/**
 * /retrain: starts a retrain now (default permission: Manage Server) and follows it in the reply:
 * deferred at once, edited with the progress (at most every few seconds), then with the outcome.
 */
import { InteractionContextType, PermissionFlagsBits, SlashCommandBuilder, type APIEmbed } from 'discord.js';
import type { JobProgress, RetrainReport } from '../../retrain/index.ts';
import { gateLines } from '../../retrain/gate.ts';
import { bar, COLOURS, percent } from '../format.ts';
import { replyError } from '../replies.ts';
import type { SlashCommand } from './types.ts';

/** Least time between two progress edits (Discord rate-limits edits; people do not need more). */
export const PROGRESS_EDIT_MS = 3_000;

/** The reply while a retrain runs (pure). */
export function formatRetrainProgress(p: JobProgress | null, mode: string): APIEmbed {
  let line: string;
  if (!p) line = 'Starting…';
  else if (p.stage === 'starting') line = `Learning from **${p.samples}** trusted samples (${p.heldBack} held back to measure)…`;
  else if (p.stage === 'loading') line = 'Loading MNIST and the active model…';
  else if (p.stage === 'measuring') line = 'Measuring on MNIST validation and the held-back samples…';
  else if (p.stage === 'training') {
    const f = p.total > 0 ? p.done / p.total : 0;
    const val = p.validationAccuracy !== undefined ? ` · validation ${percent(p.validationAccuracy, 2)}` : '';
    line = `Epoch ${p.epoch}/${p.epochs} ${bar(f)} ${percent(f)}${val}`;
  } else if (p.stage === 'saving') line = 'Saving the candidate…';
  else line = 'Deciding whether to promote it…';
  return { title: `⏳ Retraining (${mode === 'full' ? 'full retrain' : 'fine-tuning'})`, description: line, color: COLOURS.info };
}

/** The reply once it is over (pure). */
export function formatRetrainReport(r: RetrainReport): APIEmbed {
  const titles: Record<RetrainReport['status'], [string, number]> = {
    promoted: ['✅ New model promoted', COLOURS.sure],
    rejected: ['↩️ Candidate rejected: the active model stays', COLOURS.unsure],
    failed: ['❌ Retrain failed: the active model stays', COLOURS.error],
    skipped: ['Nothing to retrain on', COLOURS.none],
    busy: ['A retrain is already running', COLOURS.none],
  };
  const [title, color] = titles[r.status];
  const f = r.figures;
  const fields = f
    ? [
        { name: 'Samples', value: `${r.samples} trusted (${r.newSamples} new; ${f.selectionSamples} set aside to pick the epoch; largest user ${percent(f.largestUserShare, 0)} of the users' copies) · ${f.holdoutCount} held back · ${f.replay} MNIST replayed`, inline: false },
        ...gateLines(f.gate).map((l) => ({ ...l, inline: false })),
        { name: 'Models', value: `${r.parent} → ${r.candidate}\n${f.epochsRun} epochs · ${Math.round(r.seconds)} s`, inline: false },
      ]
    : [];
  return { title, description: r.reason, color, fields };
}

export const retrain: SlashCommand = {
  kind: 'slash',
  data: new SlashCommandBuilder()
    .setName('retrain')
    .setDescription('Retrain on the corrected samples now; the new model replaces the old one only if it is not worse')
    .addBooleanOption((o) => o.setName('full').setDescription('Train the architecture from scratch instead of fine-tuning the active model'))
    .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
    .setContexts(InteractionContextType.Guild),
  async execute(ctx, interaction) {
    // Discord hides the command from others; this also holds if a server overrides that
    if (!interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild)) {
      return void (await replyError(interaction, 'Only members who can manage this server may start a retrain.'));
    }
    const retrainer = ctx.retrainer;
    if (!retrainer) return void (await replyError(interaction, 'Retraining is not set up on this bot.'));
    if (retrainer.running) return void (await replyError(interaction, 'A retrain is already running; /stats shows the outcome when it is done.'));
    await interaction.deferReply();
    const full = interaction.options.getBoolean('full');
    const mode = full === null ? undefined : full ? 'full' : 'finetune';
    // edits go one after another; progress keeps only the latest and waits PROGRESS_EDIT_MS between edits
    let chain: Promise<unknown> = Promise.resolve();
    const edit = (embed: APIEmbed) => {
      chain = chain
        .then(() => interaction.editReply({ embeds: [embed] }))
        .catch((err: unknown) => ctx.log.warn({ err }, 'could not update the /retrain reply (the interaction may have expired)'));
      return chain;
    };
    let lastEdit = 0;
    let latest: JobProgress | null = null;
    let timer: NodeJS.Timeout | null = null;
    const flush = () => {
      timer = null;
      lastEdit = Date.now();
      void edit(formatRetrainProgress(latest, mode ?? ctx.config.retrain.mode));
    };
    const onProgress = (p: JobProgress) => {
      latest = p;
      if (timer) return;
      timer = setTimeout(flush, Math.max(0, lastEdit + PROGRESS_EDIT_MS - Date.now()));
    };
    void edit(formatRetrainProgress(null, mode ?? ctx.config.retrain.mode));
    lastEdit = Date.now();
    const report = await retrainer.run({ trigger: 'command', requestedBy: interaction.user.id, mode, onProgress });
    if (timer) clearTimeout(timer);
    ctx.log.info({ user: interaction.user.id, status: report.status, runId: report.runId, reason: report.reason }, '/retrain finished');
    await edit(formatRetrainReport(report));
  },
};
