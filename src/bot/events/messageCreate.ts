/** Pictures posted in chat (watched channels, DMs, or mentioning the bot) get one answer each. */
import { ChannelType, type Message } from 'discord.js';
import type { BotContext } from '../context.ts';
import { errorEmbed } from '../format.ts';
import { shouldReadMessage } from '../permissions.ts';
import { pictureRequest, readPictures, type AnswerSink } from '../pictures.ts';
import { firstRefusal, notClosing, PICTURE_PRECONDITIONS } from '../preconditions.ts';

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
  const request = pictureRequest([...message.attachments.values()], {
    posterId: message.author.id,
    requestedBy: message.author.id,
    guildId: message.guildId,
    channelId: message.channelId,
    messageId: message.id,
    source: 'chat',
  });
  const refusal = firstRefusal(ctx, request, [notClosing, ...PICTURE_PRECONDITIONS]);
  if (refusal) {
    if (refusal.sayInChat) await message.reply({ content: refusal.message, allowedMentions: { repliedUser: false } });
    return;
  }
  await readPictures(ctx, request, chatSink(message));
}

function chatSink(message: Message): AnswerSink {
  const allowedMentions = { repliedUser: false };
  return {
    answer: (payload) => message.reply({ ...payload, allowedMentions }),
    async refuse(text, title) {
      await message.reply({ embeds: [errorEmbed(text, title)], components: [], allowedMentions });
    },
    async notice(content) {
      await message.reply({ content, allowedMentions });
    },
  };
}
