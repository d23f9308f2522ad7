/**
 * The one interaction handler: routes commands and components, and turns any failure into a
 * private answer (reply or follow-up, depending on what was already sent) plus a log line.
 */
import type { Interaction } from 'discord.js';
import { commandsByName } from '../commands/index.ts';
import type { BotContext } from '../context.ts';
import { answerPictures } from '../commands/pictureAnswers.ts';
import { handleFeedback, isFeedbackCustomId } from '../feedback.ts';
import { notClosing } from '../preconditions.ts';
import { replyError } from '../replies.ts';

export async function onInteractionCreate(ctx: BotContext, interaction: Interaction): Promise<void> {
  const started = performance.now();
  const what = interaction.isCommand() ? `/${interaction.commandName}` : 'customId' in interaction ? interaction.customId : `type ${interaction.type}`;
  try {
    const closing = notClosing(ctx, interaction);
    if (closing && interaction.isRepliable()) {
      await replyError(interaction, closing.message);
      return;
    }
    if (interaction.isChatInputCommand()) {
      const cmd = commandsByName.get(interaction.commandName);
      if (cmd?.kind !== 'slash') return void (await replyError(interaction, 'I do not know this command (any more).'));
      await ('pictures' in cmd ? answerPictures(ctx, interaction, cmd.pictures(interaction)) : cmd.execute(ctx, interaction));
    } else if (interaction.isMessageContextMenuCommand()) {
      const cmd = commandsByName.get(interaction.commandName);
      if (cmd?.kind !== 'message') return void (await replyError(interaction, 'I do not know this command (any more).'));
      await ('pictures' in cmd ? answerPictures(ctx, interaction, cmd.pictures(interaction)) : cmd.execute(ctx, interaction));
    } else if ((interaction.isButton() || interaction.isStringSelectMenu() || interaction.isModalSubmit()) && isFeedbackCustomId(interaction.customId)) {
      await handleFeedback(ctx, interaction);
    } else if (interaction.isRepliable()) {
      await replyError(interaction, 'This control has expired.');
    }
    ctx.log.debug({ interaction: what, user: interaction.user.id, ms: Math.round(performance.now() - started) }, 'interaction handled');
  } catch (err) {
    ctx.log.error({ err, interaction: what, user: interaction.user.id }, 'interaction failed');
    if (!interaction.isRepliable()) return;
    try {
      await replyError(interaction, 'Something went wrong on my side. Please try again later.');
    } catch (err2) {
      ctx.log.warn({ err: err2, interaction: what }, 'could not even report the failure');
    }
  }
}
