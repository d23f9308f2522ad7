/**
 * Edits a public answer after the fact (/correct shows the new label, /forget removes a name):
 * reads the message over REST, rewrites its first embed, writes it back. Straight REST calls,
 * so answers in DMs work without the channel in the cache. Best effort: false when the answer
 * is gone, private (ephemeral) or cannot be edited; the caller decides how loud that is.
 */
import { Routes, type APIActionRowComponent, type APIComponentInMessageActionRow, type APIEmbed, type APIMessage } from 'discord.js';
import type { BotContext } from './context.ts';

export interface AnswerEdit {
  embed: APIEmbed;
  /** replace the components (e.g. [] to remove the feedback controls); unset keeps them */
  components?: APIActionRowComponent<APIComponentInMessageActionRow>[];
  /** drop the message's attachments (the strip of a forgotten picture's marks) */
  dropAttachments?: boolean;
}

export async function editAnswer(ctx: BotContext, channelId: string, messageId: string, rewrite: (embed: APIEmbed) => AnswerEdit): Promise<boolean> {
  try {
    const msg = (await ctx.client.rest.get(Routes.channelMessage(channelId, messageId))) as APIMessage;
    const embed = msg.embeds[0];
    if (!embed) return false;
    const edit = rewrite(embed);
    await ctx.client.rest.patch(Routes.channelMessage(channelId, messageId), {
      body: { embeds: [edit.embed], ...(edit.components ? { components: edit.components } : {}), ...(edit.dropAttachments ? { attachments: [] } : {}) },
    });
    return true;
  } catch (err) {
    ctx.log.info({ err, channelId, messageId }, 'could not edit a public answer');
    return false;
  }
}
