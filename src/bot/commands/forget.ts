/** /forget: removes everything that ties stored data to the caller (src/store/forget.ts) and names them on no public answer. */
import { MessageFlags, SlashCommandBuilder } from 'discord.js';
import { editAnswer } from '../answers.ts';
import { formatForgetReport, forgottenAnswer, withFeedback } from '../format.ts';
import type { SlashCommand } from './types.ts';

export const forget: SlashCommand = {
  kind: 'slash',
  data: new SlashCommandBuilder().setName('forget').setDescription('Delete what I stored about you (only anonymous daily counts stay)'),
  async execute(ctx, interaction) {
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const r = await ctx.store.forget.forgetUser(interaction.user.id);
    let edited = 0;
    let failed = 0;
    for (const a of r.answers) {
      const ok = await editAnswer(ctx, a.channelId, a.messageId, (embed) =>
        a.own
          ? { embed: forgottenAnswer(embed, a.verdict), components: [], dropAttachments: true }
          : { embed: a.verdict ? withFeedback(embed, { ...a.verdict, userId: null }) : embed },
      );
      if (ok) edited++;
      else failed++;
    }
    const { answers, ...counts } = r;
    ctx.log.info({ user: interaction.user.id, ...counts, answers: answers.length, edited, failed }, 'user data forgotten');
    await interaction.editReply({ content: formatForgetReport(r, { edited, failed }) });
  },
};
