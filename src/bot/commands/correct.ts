/** /correct digit:<digits>: corrects the caller's most recent prediction (clients without components). */
import { MessageFlags, SlashCommandBuilder } from 'discord.js';
import { parseLabel } from '../customIds.ts';
import { withFeedback } from '../format.ts';
import { canLabel, labelRequestOf } from '../permissions.ts';
import { replyError } from '../replies.ts';
import type { BotContext } from '../context.ts';
import type { Prediction } from '../../store/index.ts';
import type { SlashCommand } from './types.ts';

export const correct: SlashCommand = {
  kind: 'slash',
  data: new SlashCommandBuilder()
    .setName('correct')
    .setDescription('Correct my answer to your most recent picture')
    .addStringOption((o) => o.setName('digit').setDescription('What the picture really says (a digit, or a number)').setRequired(true).setMaxLength(40)),
  async execute(ctx, interaction) {
    const label = parseLabel(interaction.options.getString('digit', true));
    if (!label) {
      await replyError(interaction, 'Give the digits only, e.g. `7` or `2024`.');
      return;
    }
    const prediction = await ctx.store.predictions.latestForUser(interaction.user.id);
    if (!prediction) {
      await replyError(interaction, 'I have not read any picture of yours yet (or you asked me to forget them).');
      return;
    }
    const verdict = canLabel(labelRequestOf(interaction, prediction.userId));
    if (!verdict.allowed) {
      await replyError(interaction, verdict.reason);
      return;
    }
    const updated = await ctx.store.feedback.give({ predictionId: prediction.id, userId: interaction.user.id, label, trusted: verdict.trusted, via: 'command' });
    ctx.log.info({ predictionId: prediction.id, user: interaction.user.id, label, via: 'command' }, 'feedback');
    await interaction.reply({
      content: `${updated?.labelStatus === 'confirmed' ? '✅ Confirmed' : '✏️ Corrected'} prediction #${prediction.id} (I read ${prediction.digits || 'nothing'}): it says **${label}**. Thanks!`,
      flags: MessageFlags.Ephemeral,
    });
    await editAnswer(ctx, prediction, { kind: updated?.labelStatus ?? 'corrected', label, userId: interaction.user.id, asModerator: verdict.asModerator });
  },
};

/** Best effort: shows the correction on the public answer of a chat prediction. */
async function editAnswer(ctx: BotContext, p: Prediction, f: Parameters<typeof withFeedback>[1]): Promise<void> {
  if (!p.replyMessageId || p.source !== 'chat') return;
  try {
    const channel = await ctx.client.channels.fetch(p.channelId);
    if (!channel?.isTextBased()) return;
    const msg = await channel.messages.fetch(p.replyMessageId);
    const embed = msg.embeds[0]?.toJSON();
    if (!embed) return;
    await msg.edit({ embeds: [withFeedback(embed, f)] });
  } catch (err) {
    ctx.log.warn({ err, predictionId: p.id }, 'could not edit the answer after /correct');
  }
}
