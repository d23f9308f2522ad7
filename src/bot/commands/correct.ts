/** /correct digit:<digits>: corrects the answer to the caller's latest own picture (clients without components). */
import { MessageFlags, SlashCommandBuilder } from 'discord.js';
import { LABEL_INPUT_CHARS, MAX_LABEL_DIGITS, parseLabel } from '../customIds.ts';
import { feedbackComponents, withFeedback } from '../format.ts';
import { editAnswer } from '../answers.ts';
import { applyLabel } from '../labelling.ts';
import { labellerOf } from '../permissions.ts';
import { replyError } from '../replies.ts';
import type { SlashCommand } from './types.ts';

export const correct: SlashCommand = {
  kind: 'slash',
  data: new SlashCommandBuilder()
    .setName('correct')
    .setDescription('Correct my answer to your most recent picture')
    .addStringOption((o) =>
      o.setName('digit').setDescription(`What the picture really says: digits (spaces allowed), at most ${MAX_LABEL_DIGITS}`).setRequired(true).setMaxLength(LABEL_INPUT_CHARS),
    ),
  async execute(ctx, interaction) {
    const parsed = parseLabel(interaction.options.getString('digit', true));
    if (!parsed.ok) return void (await replyError(interaction, parsed.reason));
    const label = parsed.label;
    const prediction = await ctx.store.predictions.latestPostedBy(interaction.user.id);
    if (!prediction) {
      await replyError(interaction, 'I have not read any picture of yours yet (or you asked me to forget them).');
      return;
    }
    const outcome = await applyLabel(ctx, prediction, labellerOf(interaction), { kind: 'digits', label }, 'command');
    if (!outcome.ok) return void (await replyError(interaction, outcome.message, outcome.title));
    await interaction.reply({
      content: `${outcome.verdict.kind === 'confirmed' ? '✅ Confirmed' : '✏️ Corrected'} prediction #${prediction.id} (I read ${prediction.digits || 'nothing'}): it says **${label}**. ${outcome.verdict.learning}${outcome.picker && prediction.source === 'chat' ? ` Not the right mark? Pick it under the answer ("Which mark shows the ${outcome.picker.digit}?").` : ''}`,
      flags: MessageFlags.Ephemeral,
    });
    // the chat answer shows the correction (an interaction's answer is updated by its own controls)
    if (prediction.replyMessageId && prediction.source === 'chat') {
      const verdict = outcome.verdict;
      const components = feedbackComponents({ predictionId: prediction.id, digits: prediction.digits, held: outcome.prediction.labelHeld !== null, picker: outcome.picker });
      const edited = await editAnswer(ctx, prediction.channelId, prediction.replyMessageId, (embed) => ({ embed: withFeedback(embed, verdict), components }));
      if (!edited) ctx.log.warn({ predictionId: prediction.id }, 'could not edit the answer after /correct');
    }
  },
};
