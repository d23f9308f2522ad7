/**
 * Picture commands (/predict, "Read digits") answered through the shared path: the
 * preconditions, a deferral, then `readPictures` with the interaction as the sink (the first
 * answer fills the deferred reply, later ones are follow-ups, refusals are private).
 */
import { MessageFlags, type RepliableInteraction } from 'discord.js';
import type { BotContext } from '../context.ts';
import { errorEmbed } from '../format.ts';
import { readPictures, type AnswerSink } from '../pictures.ts';
import { firstRefusal, PICTURE_PRECONDITIONS } from '../preconditions.ts';
import { replyError } from '../replies.ts';
import type { PictureAsk } from './types.ts';

export async function answerPictures(ctx: BotContext, interaction: RepliableInteraction, ask: PictureAsk): Promise<void> {
  const refusal = firstRefusal(ctx, ask.request, PICTURE_PRECONDITIONS);
  if (refusal) {
    await replyError(interaction, refusal.message, refusal.title);
    return;
  }
  await interaction.deferReply(ask.private ? { flags: MessageFlags.Ephemeral } : {});
  await readPictures(ctx, ask.request, interactionSink(interaction, ask.private));
}

function interactionSink(interaction: RepliableInteraction, isPrivate: boolean): AnswerSink {
  // the deferred reply ("thinking…") is filled by the first answer, or removed if none comes
  let placeholderFree = true;
  const followFlags = isPrivate ? { flags: MessageFlags.Ephemeral as const } : {};
  return {
    async answer(payload) {
      if (placeholderFree) {
        placeholderFree = false;
        return interaction.editReply(payload);
      }
      return interaction.followUp({ ...payload, ...followFlags });
    },
    async refuse(message, title) {
      const embeds = [errorEmbed(message, title)];
      if (placeholderFree && isPrivate) {
        placeholderFree = false;
        await interaction.editReply({ embeds, components: [] });
        return;
      }
      await interaction.followUp({ embeds, flags: MessageFlags.Ephemeral });
    },
    async notice(content) {
      await interaction.followUp({ content, ...followFlags });
    },
    async finish() {
      // nothing public was posted: a failure never shows to everyone
      if (placeholderFree) await interaction.deleteReply().catch(() => undefined);
    },
  };
}
