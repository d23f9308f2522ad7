/** Reply helpers shared by commands and components. */
import { MessageFlags, type RepliableInteraction } from 'discord.js';
import { errorEmbed } from './format.ts';

/**
 * Answers privately with an error, whatever state the interaction is in: not yet answered →
 * ephemeral reply; deferred or answered → ephemeral follow-up (and the public placeholder of a
 * deferral is removed, so a failure never shows to everyone).
 */
export async function replyError(interaction: RepliableInteraction, message: string, title?: string): Promise<void> {
  const payload = { embeds: [errorEmbed(message, title)], flags: MessageFlags.Ephemeral as const };
  if (!interaction.deferred && !interaction.replied) {
    await interaction.reply(payload);
    return;
  }
  if (interaction.deferred && !interaction.replied && interaction.ephemeral) {
    await interaction.editReply({ embeds: payload.embeds });
    return;
  }
  if (interaction.deferred && !interaction.replied) {
    await interaction.deleteReply().catch(() => undefined);
  }
  await interaction.followUp(payload);
}
