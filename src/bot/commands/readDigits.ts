/** Message context menu "Read digits": reads the pictures of any message. */
import { ApplicationCommandType, ContextMenuCommandBuilder } from 'discord.js';
import { cooldownMessage } from '../format.ts';
import { isImageAttachment } from '../permissions.ts';
import { readAndRecord } from '../reading.ts';
import { replyError } from '../replies.ts';
import { errorEmbed } from '../format.ts';
import type { MessageCommand } from './types.ts';

export const READ_DIGITS = 'Read digits';

export const readDigits: MessageCommand = {
  kind: 'message',
  data: new ContextMenuCommandBuilder().setName(READ_DIGITS).setType(ApplicationCommandType.Message),
  async execute(ctx, interaction) {
    const target = interaction.targetMessage;
    const images = [...target.attachments.values()].filter((a) => isImageAttachment({ contentType: a.contentType, name: a.name }));
    if (images.length === 0) {
      await replyError(interaction, 'That message has no picture I can read (PNG, JPEG, WebP or GIF).');
      return;
    }
    const verdict = ctx.cooldown.take(interaction.user.id);
    if (!verdict.ok) {
      await replyError(interaction, cooldownMessage(verdict.retryAfterMs), 'Cooldown');
      return;
    }
    await interaction.deferReply();
    const chosen = images.slice(0, ctx.config.limits.imagesPerMessage);
    let first = true;
    let anyOk = false;
    for (const [i, a] of chosen.entries()) {
      const outcome = await readAndRecord(ctx, {
        attachment: { url: a.url, name: a.name, size: a.size, contentType: a.contentType },
        posterId: target.author.id,
        requestedBy: interaction.user.id,
        guildId: interaction.guildId,
        channelId: interaction.channelId,
        messageId: target.id,
        attachmentIndex: i,
        source: 'context',
        showName: chosen.length > 1,
      });
      const payload = outcome.ok ? outcome.payload : { embeds: [errorEmbed(outcome.message, `I could not read ${a.name}`)], components: [] };
      if (!outcome.ok && chosen.length === 1) {
        await replyError(interaction, outcome.message, 'I could not read that picture');
        return;
      }
      const msg = first ? await interaction.editReply(payload) : await interaction.followUp(payload);
      first = false;
      if (outcome.ok) {
        anyOk = true;
        await ctx.store.predictions.setReplyMessage(outcome.prediction.id, msg.id);
      }
    }
    if (images.length > chosen.length && anyOk) {
      await interaction.followUp({ content: `I read the first ${chosen.length} pictures only (limit per message).` });
    }
  },
};
