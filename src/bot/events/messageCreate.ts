/** Pictures posted in chat (watched channels, DMs, or mentioning the bot) get one answer each. */
import { ChannelType, type Message } from 'discord.js';
import type { BotContext } from '../context.ts';
import { cooldownMessage, errorEmbed } from '../format.ts';
import { isImageAttachment, shouldReadMessage } from '../permissions.ts';
import { readAndRecord } from '../reading.ts';

export async function onMessageCreate(ctx: BotContext, message: Message): Promise<void> {
  const botId = ctx.client.user?.id ?? '';
  const isDm = message.channel.type === ChannelType.DM || message.guildId === null;
  const read = shouldReadMessage({
    authorIsBot: message.author.bot,
    authorId: message.author.id,
    botId,
    isDm,
    channelId: message.channelId,
    parentId: message.channel.isThread() ? message.channel.parentId : null,
    mentionsBot: botId !== '' && message.mentions.users.has(botId),
    watchChannelIds: ctx.config.watchChannelIds,
  });
  if (!read) return;
  const images = [...message.attachments.values()].filter((a) => isImageAttachment({ contentType: a.contentType, name: a.name }));
  if (images.length === 0) return; // non-image attachments and plain text are ignored in chat
  if (ctx.closing) return;
  const verdict = ctx.cooldown.take(message.author.id);
  if (!verdict.ok) {
    if (verdict.notify) await message.reply({ content: cooldownMessage(verdict.retryAfterMs), allowedMentions: { repliedUser: false } });
    return;
  }
  const chosen = images.slice(0, ctx.config.limits.imagesPerMessage);
  // pictures of one message are read in parallel (the read limiter bounds the CPU work), answered in order
  const outcomes = chosen.map((a, i) =>
    readAndRecord(ctx, {
      attachment: { url: a.url, name: a.name, size: a.size, contentType: a.contentType },
      posterId: message.author.id,
      requestedBy: message.author.id,
      guildId: message.guildId,
      channelId: message.channelId,
      messageId: message.id,
      attachmentIndex: i,
      source: 'chat',
      showName: chosen.length > 1,
    }),
  );
  for (const [i, pending] of outcomes.entries()) {
    const outcome = await pending;
    const payload = outcome.ok
      ? outcome.payload
      : { embeds: [errorEmbed(outcome.message, chosen.length > 1 ? `I could not read ${chosen[i]!.name}` : 'I could not read that picture')], components: [] };
    const reply = await message.reply({ ...payload, allowedMentions: { repliedUser: false } });
    if (outcome.ok) await ctx.store.predictions.setReplyMessage(outcome.prediction.id, reply.id);
  }
  if (images.length > chosen.length) {
    await message.reply({ content: `I read the first ${chosen.length} pictures only (limit per message).`, allowedMentions: { repliedUser: false } });
  }
}
