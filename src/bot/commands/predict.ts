/** /predict image:<attachment> [private:<bool>] */
import { MessageFlags, SlashCommandBuilder } from 'discord.js';
import { cooldownMessage } from '../format.ts';
import { isImageAttachment } from '../permissions.ts';
import { readAndRecord } from '../reading.ts';
import { replyError } from '../replies.ts';
import type { SlashCommand } from './types.ts';

export const predict: SlashCommand = {
  kind: 'slash',
  data: new SlashCommandBuilder()
    .setName('predict')
    .setDescription('Read the handwritten digits in a picture')
    .addAttachmentOption((o) => o.setName('image').setDescription('A picture of a handwritten digit or number').setRequired(true))
    .addBooleanOption((o) => o.setName('private').setDescription('Only you see the answer (default: everyone)')),
  async execute(ctx, interaction) {
    const image = interaction.options.getAttachment('image', true);
    const isPrivate = interaction.options.getBoolean('private') ?? false;
    if (!isImageAttachment({ contentType: image.contentType, name: image.name })) {
      await replyError(interaction, `\`${image.name}\` is not a picture I can read. Send a PNG, JPEG, WebP or GIF image.`);
      return;
    }
    const verdict = ctx.cooldown.take(interaction.user.id);
    if (!verdict.ok) {
      await replyError(interaction, cooldownMessage(verdict.retryAfterMs), 'Cooldown');
      return;
    }
    await interaction.deferReply(isPrivate ? { flags: MessageFlags.Ephemeral } : {});
    const outcome = await readAndRecord(ctx, {
      attachment: { url: image.url, name: image.name, size: image.size, contentType: image.contentType },
      posterId: interaction.user.id,
      requestedBy: interaction.user.id,
      guildId: interaction.guildId,
      channelId: interaction.channelId,
      messageId: null,
      attachmentIndex: 0,
      source: 'slash',
    });
    if (!outcome.ok) {
      await replyError(interaction, outcome.message, 'I could not read that picture');
      return;
    }
    const reply = await interaction.editReply(outcome.payload);
    await ctx.store.predictions.setReplyMessage(outcome.prediction.id, reply.id);
  },
};
