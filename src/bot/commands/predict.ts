/** /predict image:<attachment> [private:<bool>] */
import { SlashCommandBuilder } from 'discord.js';
import { pictureRequest } from '../pictures.ts';
import type { SlashCommand } from './types.ts';

export const predict: SlashCommand = {
  kind: 'slash',
  data: new SlashCommandBuilder()
    .setName('predict')
    .setDescription('Read the handwritten digits in a picture')
    .addAttachmentOption((o) => o.setName('image').setDescription('A picture of a handwritten digit or number').setRequired(true))
    .addBooleanOption((o) => o.setName('private').setDescription('Only you see the answer (default: everyone)')),
  pictures(interaction) {
    const image = interaction.options.getAttachment('image', true);
    return {
      request: pictureRequest([image], {
        posterId: interaction.user.id,
        requestedBy: interaction.user.id,
        guildId: interaction.guildId,
        channelId: interaction.channelId,
        messageId: null,
        source: 'slash',
      }),
      private: interaction.options.getBoolean('private') ?? false,
    };
  },
};
