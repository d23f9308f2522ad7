/** /stats: the active model, live accuracy from feedback, activity, the last retrain, and charts. */
import { AttachmentBuilder, SlashCommandBuilder } from 'discord.js';
import { formatStats } from '../format.ts';
import { renderStatsCharts } from '../charts.ts';
import type { SlashCommand } from './types.ts';

export const stats: SlashCommand = {
  kind: 'slash',
  data: new SlashCommandBuilder().setName('stats').setDescription('How well I read digits: the model, live accuracy from your feedback, a chart'),
  async execute(ctx, interaction) {
    await interaction.deferReply();
    const now = new Date(ctx.now?.() ?? Date.now());
    const [live, runs] = await Promise.all([ctx.store.stats.live(now), ctx.store.retrainRuns.list(4)]);
    let files: AttachmentBuilder[] = [];
    try {
      const charts = await (ctx.renderCharts ?? renderStatsCharts)(live);
      files = charts.map((c) => new AttachmentBuilder(c.png, { name: c.name }));
    } catch (err) {
      ctx.log.warn({ err }, 'rendering the stats chart failed; answering without it');
    }
    const embed = formatStats({ model: ctx.models.current().info, live, lastRun: runs[0] ?? null, earlierRuns: runs.slice(1), chartName: files[0]?.name ?? undefined });
    await interaction.editReply({ embeds: [embed], files });
  },
};
