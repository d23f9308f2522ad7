/** The feedback components under each answer: ✅ right, the 0-9 menu, ✏️ → modal for a number. */
import type { APIEmbed, ButtonInteraction, ModalSubmitInteraction, StringSelectMenuInteraction } from 'discord.js';
import type { BotContext } from './context.ts';
import { decodeFeedbackId, MODAL_LABEL_FIELD, parseLabel, type FeedbackAction } from './customIds.ts';
import { labelModal, withFeedback } from './format.ts';
import { canLabel, labelRequestOf } from './permissions.ts';
import { replyError } from './replies.ts';
import type { FeedbackVia } from '../store/feedback.ts';

type FeedbackInteraction = ButtonInteraction | StringSelectMenuInteraction | ModalSubmitInteraction;

export function isFeedbackCustomId(id: string): boolean {
  return decodeFeedbackId(id) !== null;
}

export async function handleFeedback(ctx: BotContext, interaction: FeedbackInteraction): Promise<void> {
  const action = decodeFeedbackId(interaction.customId);
  if (!action) return;
  const prediction = await ctx.store.predictions.get(action.predictionId);
  if (!prediction) {
    await replyError(interaction, 'I no longer have this answer (it may have been forgotten).');
    return;
  }
  const verdict = canLabel(labelRequestOf(interaction, prediction.userId));
  if (!verdict.allowed) {
    await replyError(interaction, verdict.reason, 'Not yours to correct');
    ctx.log.info({ predictionId: prediction.id, user: interaction.user.id }, 'feedback refused: not the poster nor a moderator');
    return;
  }
  let label: string | null;
  let via: FeedbackVia;
  switch (action.kind) {
    case 'number':
      if (!interaction.isButton()) return;
      await interaction.showModal(labelModal(prediction.id));
      return;
    case 'confirm':
      if (prediction.noDigit || prediction.digits === '') {
        await replyError(interaction, 'There is nothing to confirm: tell me what the picture says with ✏️.');
        return;
      }
      label = prediction.digits;
      via = 'button';
      break;
    case 'pick':
      label = interaction.isStringSelectMenu() ? parseLabel(interaction.values[0] ?? '') : null;
      via = 'select';
      break;
    case 'modal':
      label = interaction.isModalSubmit() ? parseLabel(interaction.fields.getTextInputValue(MODAL_LABEL_FIELD)) : null;
      via = 'modal';
      break;
  }
  if (!label) {
    await replyError(interaction, 'Give the digits only, e.g. `7` or `2024`.');
    return;
  }
  const updated = await ctx.store.feedback.give({ predictionId: prediction.id, userId: interaction.user.id, label, trusted: verdict.trusted, via });
  ctx.log.info({ predictionId: prediction.id, user: interaction.user.id, label, via, kind: updated?.labelStatus }, 'feedback');
  const current = interaction.message?.embeds[0]?.toJSON() as APIEmbed | undefined;
  const embed = withFeedback(current ?? { title: `I read: ${prediction.digits}` }, {
    kind: updated?.labelStatus ?? 'corrected',
    label,
    userId: interaction.user.id,
    asModerator: verdict.asModerator,
  });
  if (interaction.isModalSubmit() && !interaction.isFromMessage()) {
    await interaction.reply({ content: `Thanks: prediction #${prediction.id} says **${label}**.`, flags: 64 });
    return;
  }
  await interaction.update({ embeds: [embed] });
}

export type { FeedbackAction };
