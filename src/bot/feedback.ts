/**
 * The feedback components under each answer: ✅ right, ✖️ not a digit, the 0-9 menus (one, or
 * one per digit), ✏️ → modal for a number, 🤝 agree with a held label, and after a single-digit
 * label on a picture of several marks "Which mark shows the <d>?".
 */
import { type APIEmbed, type ButtonInteraction, type ModalSubmitInteraction, type StringSelectMenuInteraction } from 'discord.js';
import { NONE } from '../store/assign.ts';
import type { FeedbackVia } from '../store/feedback.ts';
import type { BotContext } from './context.ts';
import { decodeFeedbackId, MAX_PICKER_MARKS, MODAL_LABEL_FIELD, NOT_A_DIGIT_VALUE, parseLabel, parseMarkNumber } from './customIds.ts';
import { feedbackComponents, labelModal, withFeedback } from './format.ts';
import { agreeWith, applyLabel, NOT_YOURS, permissionFor, type LabelInput, type LabelOutcome } from './labelling.ts';
import { labellerOf } from './permissions.ts';
import { replyError } from './replies.ts';

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
  let input: LabelInput;
  let via: FeedbackVia;
  switch (action.kind) {
    case 'number': {
      if (!interaction.isButton()) return;
      const permission = permissionFor(prediction, by);
      if (!permission.allowed) return void (await replyError(interaction, permission.reason, NOT_YOURS));
      await interaction.showModal(labelModal(prediction.id));
      return;
    }
    case 'agree':
      if (!interaction.isButton()) return;
      return void (await show(interaction, await agreeWith(ctx, prediction, by), prediction.digits));
    case 'confirm':
    case 'none':
      if (!interaction.isButton()) return;
      if (prediction.noDigit || prediction.digits === '') {
        const what = action.kind === 'confirm' ? 'There is nothing to confirm' : 'I already found no digit';
        return void (await replyError(interaction, `${what}: tell me what the picture says with ✏️ or the menu.`));
      }
      input = action.kind === 'confirm' ? { kind: 'digits', label: prediction.digits } : { kind: 'none' };
      via = 'button';
      break;
    case 'mark': {
      if (!interaction.isStringSelectMenu()) return;
      const v = interaction.values[0] ?? '';
      // the menu offers 0-9 and "not a digit": anything else did not come from it
      if (!/^[0-9]$/.test(v) && v !== NOT_A_DIGIT_VALUE) return void (await replyError(interaction, 'Pick one digit, 0 to 9, or "not a digit".'));
      input = { kind: 'mark', index: action.index, value: v === NOT_A_DIGIT_VALUE ? NONE : Number(v) };
      via = 'select';
      break;
    }
    case 'at': {
      if (!interaction.isStringSelectMenu()) return;
      // the picker offers the strip's mark numbers: anything else did not come from it (a number past the marks is refused by the assignment)
      const position = parseMarkNumber(interaction.values[0] ?? '', MAX_PICKER_MARKS);
      if (position === null) return void (await replyError(interaction, `Pick a mark by its number on the picture, 1 to ${MAX_PICKER_MARKS}.`));
      input = { kind: 'at', position, value: action.digit };
      via = 'select';
      break;
    }
    case 'pick':
    case 'modal': {
      const typed = interaction.isStringSelectMenu() ? interaction.values[0] : interaction.isModalSubmit() ? interaction.fields.getTextInputValue(MODAL_LABEL_FIELD) : undefined;
      if (typed === undefined) return;
      // the menu offers 0-9: anything else did not come from it
      if (action.kind === 'pick' && !/^[0-9]$/.test(typed)) return void (await replyError(interaction, 'Pick one digit, 0 to 9.'));
      const parsed = parseLabel(typed);
      if (!parsed.ok) return void (await replyError(interaction, parsed.reason));
      input = { kind: 'digits', label: parsed.label };
      via = action.kind === 'pick' ? 'select' : 'modal';
      break;
    }
  }
  await show(interaction, await applyLabel(ctx, prediction, by, input, via), prediction.digits);
}

/** The outcome on the answer itself (the verdict and the controls), or a private refusal. */
async function show(interaction: FeedbackInteraction, outcome: LabelOutcome, digits: string): Promise<void> {
  if (!outcome.ok) return void (await replyError(interaction, outcome.message, outcome.title));
  if (interaction.isModalSubmit() && !interaction.isFromMessage()) return; // refused above; narrows the type
  const current = interaction.message.embeds[0]?.toJSON() as APIEmbed | undefined;
  await interaction.update({
    embeds: [withFeedback(current ?? { title: `I read: ${digits}` }, outcome.verdict)],
    components: feedbackComponents({ predictionId: outcome.prediction.id, digits, held: outcome.prediction.labelHeld !== null, picker: outcome.picker }),
  });
}
