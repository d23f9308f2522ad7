/** The feedback components under each answer: ✅ right, the 0-9 menu, ✏️ → modal for a number. */
import { type APIEmbed, type ButtonInteraction, type ModalSubmitInteraction, type StringSelectMenuInteraction } from 'discord.js';
import type { BotContext } from './context.ts';
import { decodeFeedbackId, MODAL_LABEL_FIELD, parseLabel } from './customIds.ts';
import { labelModal, withFeedback } from './format.ts';
import { applyLabel, NOT_YOURS, permissionFor } from './labelling.ts';
import { labellerOf } from './permissions.ts';
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
  // the control must sit on the answer it names (Discord blocks forged ids; this is defence in depth)
  const from = interaction.isModalSubmit() ? (interaction.isFromMessage() ? interaction.message.id : null) : interaction.message.id;
  if (from === null || from !== prediction.replyMessageId) {
    ctx.log.warn({ predictionId: prediction.id, message: from, user: interaction.user.id }, 'feedback refused: the control does not match its message');
    return void (await replyError(interaction, 'This control does not belong to this message.'));
  }
  const by = labellerOf(interaction);
  let label: string;
  let via: FeedbackVia;
  switch (action.kind) {
    case 'number': {
      if (!interaction.isButton()) return;
      const permission = permissionFor(prediction, by);
      if (!permission.allowed) return void (await replyError(interaction, permission.reason, NOT_YOURS));
      await interaction.showModal(labelModal(prediction.id));
      return;
    }
    case 'confirm':
      if (prediction.noDigit || prediction.digits === '') {
        await replyError(interaction, 'There is nothing to confirm: tell me what the picture says with ✏️.');
        return;
      }
      label = prediction.digits;
      via = 'button';
      break;
    case 'pick':
    case 'modal': {
      const typed = interaction.isStringSelectMenu() ? interaction.values[0] : interaction.isModalSubmit() ? interaction.fields.getTextInputValue(MODAL_LABEL_FIELD) : undefined;
      if (typed === undefined) return;
      // the menu offers 0-9: anything else did not come from it
      if (action.kind === 'pick' && !/^[0-9]$/.test(typed)) return void (await replyError(interaction, 'Pick one digit, 0 to 9.'));
      const parsed = parseLabel(typed);
      if (!parsed.ok) return void (await replyError(interaction, parsed.reason));
      label = parsed.label;
      via = action.kind === 'pick' ? 'select' : 'modal';
      break;
    }
  }
  const outcome = await applyLabel(ctx, prediction, by, label, via);
  if (!outcome.ok) return void (await replyError(interaction, outcome.message, outcome.title));
  if (interaction.isModalSubmit() && !interaction.isFromMessage()) return; // refused above; narrows the type
  const current = interaction.message.embeds[0]?.toJSON() as APIEmbed | undefined;
  await interaction.update({ embeds: [withFeedback(current ?? { title: `I read: ${prediction.digits}` }, outcome.verdict)] });
}
