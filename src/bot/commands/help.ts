/** /help */
import { MessageFlags, SlashCommandBuilder } from 'discord.js';
import { helpEmbed } from '../format.ts';
import type { SlashCommand } from './types.ts';

export const help: SlashCommand = {
  kind: 'slash',
  data: new SlashCommandBuilder().setName('help').setDescription('What I do and how to use me'),
  async execute(ctx, interaction) {
    await interaction.reply({ embeds: [helpEmbed({ watched: ctx.config.watchChannelIds.length > 0 })], flags: MessageFlags.Ephemeral });
  },
};
