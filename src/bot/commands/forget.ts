/** /forget: deletes the caller's stored samples and feedback. */
import { MessageFlags, SlashCommandBuilder } from 'discord.js';
import type { SlashCommand } from './types.ts';

export const forget: SlashCommand = {
  kind: 'slash',
  data: new SlashCommandBuilder().setName('forget').setDescription('Delete the digit samples and feedback I stored for you'),
  async execute(ctx, interaction) {
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const r = await ctx.store.feedback.forgetUser(interaction.user.id);
    ctx.log.info({ user: interaction.user.id, ...r }, 'user data forgotten');
    await interaction.editReply({
      content:
        `🧹 Done. I deleted ${r.samples} sample${r.samples === 1 ? '' : 's'} and ${r.feedback} feedback entr${r.feedback === 1 ? 'y' : 'ies'}, ` +
        `and removed your name from ${r.predictions} answer${r.predictions === 1 ? '' : 's'} (only the anonymous counts remain).`,
    });
  },
};
