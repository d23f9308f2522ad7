/** Message context menu "Read digits": reads the pictures of any message (the poster owns the answers). */
import { ApplicationCommandType, ContextMenuCommandBuilder } from 'discord.js';
import { pictureRequest } from '../pictures.ts';
import type { MessageCommand } from './types.ts';

export const READ_DIGITS = 'Read digits';

export const readDigits: MessageCommand = {
  kind: 'message',
  data: new ContextMenuCommandBuilder().setName(READ_DIGITS).setType(ApplicationCommandType.Message),
  pictures(interaction) {
    const target = interaction.targetMessage;
    return {
      request: pictureRequest([...target.attachments.values()], {
        posterId: target.author.id,
        requestedBy: interaction.user.id,
        guildId: interaction.guildId,
        channelId: interaction.channelId,
        messageId: target.id,
        source: 'context',
      }),
      private: false,
    };
  },
};
