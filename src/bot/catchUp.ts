/**
 * Catch-up after a start: pictures must not be lost because the bot was down or died between
 * reading and replying. Within the window (CATCH_UP_MINUTES, at most CATCH_UP_MESSAGES read
 * back per channel):
 *   1. stored chat predictions without a reply are answered once, from what was stored (or, when
 *      the history shows the reply did go out before the crash, only the reply id is recorded);
 *   2. messages in the watched channels (and the channels of step 1) that got no answer — no
 *      stored prediction and no reply of the bot referencing them — go through the chat handler,
 *      oldest first, exactly as if they had just arrived.
 * The whole window is read back, not only what follows the last answered message: in a burst
 * several pictures are in flight when the process dies, some older than the last one answered.
 */
import { SnowflakeUtil, type Message, type TextBasedChannel } from 'discord.js';
import type { Prediction } from '../store/index.ts';
import type { Sample } from '../store/samples.ts';
import type { Reading } from '../vision/types.ts';
import type { BotContext } from './context.ts';
import { shownSamples } from './marks.ts';
import { answerWithMarks } from './markStrip.ts';
import { isImageAttachment } from './permissions.ts';

export interface CatchUpReport {
  channels: number;
  /** messages read back from the channels' history */
  scanned: number;
  /** stored predictions answered now */
  answeredStored: number;
  /** stored predictions whose reply had gone out before the crash (only its id was missing) */
  repaired: number;
  /** unanswered messages handed to the chat handler */
  handled: number;
}

/** The answer to a stored prediction, rebuilt from its row and samples (the top alternatives were not stored). */
export function storedReading(p: Prediction, samples: readonly Sample[]): Reading {
  if (p.noDigit || p.digits === '') return { digits: '', confidence: 0, perDigit: [], noDigit: true, ...(p.reason ? { reason: p.reason } : {}) };
  return {
    digits: p.digits,
    confidence: p.confidence,
    noDigit: false,
    perDigit: samples.filter((s) => s.kind === 'read').map((s) => ({
      digit: s.predicted,
      confidence: s.confidence,
      top3: [{ digit: s.predicted, p: s.confidence }],
      image: s.image,
      box: { x: 0, y: 0, width: 0, height: 0 },
    })),
  };
}

/** The channel's messages newer than `after` (a snowflake), newest first, at most `max`. */
async function readBack(channel: TextBasedChannel, after: bigint, max: number): Promise<Message[]> {
  const out: Message[] = [];
  let before: string | undefined;
  while (out.length < max) {
    const limit = Math.min(100, max - out.length);
    const page = [...(await channel.messages.fetch({ limit, cache: false, ...(before ? { before } : {}) })).values()].sort((a, b) => (BigInt(b.id) > BigInt(a.id) ? 1 : -1));
    for (const m of page) {
      if (BigInt(m.id) <= after) return out;
      out.push(m);
    }
    if (page.length < limit) break;
    before = page.at(-1)!.id;
  }
  return out;
}

const PREDICTION_IN_FOOTER = /prediction #(\d+)/;

export async function catchUp(ctx: BotContext, handle: (message: Message) => Promise<void>): Promise<CatchUpReport> {
  const report: CatchUpReport = { channels: 0, scanned: 0, answeredStored: 0, repaired: 0, handled: 0 };
  const { windowMs, maxMessages } = ctx.config.catchUp;
  if (windowMs <= 0) return report;
  const now = ctx.now?.() ?? Date.now();
  const since = new Date(now - windowMs);
  const windowStart = SnowflakeUtil.generate({ timestamp: now - windowMs });
  const botId = ctx.client.user?.id ?? '';
  const unanswered = await ctx.store.predictions.unanswered(since);

  const history: Message[] = [];
  const channels = new Map<string, TextBasedChannel>();
  for (const id of new Set([...ctx.config.watchChannelIds, ...unanswered.map((p) => p.channelId)])) {
    try {
      const ch = await ctx.client.channels.fetch(id);
      if (!ch?.isTextBased()) continue;
      channels.set(id, ch);
      history.push(...(await readBack(ch, windowStart, maxMessages)));
    } catch (err) {
      ctx.log.warn({ err, channel: id }, 'catch-up: cannot read this channel (missing Read Message History permission?)');
    }
  }
  report.channels = channels.size;
  report.scanned = history.length;

  // what the bot already answered, from its own replies in the history
  const repliedTo = new Set<string>();
  const replyOfPrediction = new Map<number, string>();
  for (const m of history) {
    if (m.author.id !== botId) continue;
    if (m.reference?.messageId) repliedTo.add(m.reference.messageId);
    const id = PREDICTION_IN_FOOTER.exec(m.embeds[0]?.footer?.text ?? '')?.[1];
    if (id) replyOfPrediction.set(Number(id), m.id);
  }
  const byId = new Map(history.map((m) => [m.id, m]));

  for (const p of unanswered) {
    if (ctx.closing) return report;
    try {
      const sent = replyOfPrediction.get(p.id);
      if (sent) {
        await ctx.store.predictions.setReplyMessage(p.id, sent);
        report.repaired++;
        continue;
      }
      const message = byId.get(p.messageId!) ?? (await channels.get(p.channelId)?.messages.fetch(p.messageId!).catch(() => undefined));
      if (!message) {
        ctx.log.info({ predictionId: p.id }, 'catch-up: the message of an unanswered prediction is gone');
        continue;
      }
      ctx.claims.claim(message.id);
      const images = [...message.attachments.values()].filter((a) => isImageAttachment({ contentType: a.contentType, name: a.name }));
      const shown = Math.min(images.length, ctx.config.limits.imagesPerMessage);
      const samples = await ctx.store.samples.forPrediction(p.id);
      const payload = await answerWithMarks(
        { reading: storedReading(p, samples), predictionId: p.id, modelName: p.modelName, lowConfidence: ctx.config.lowConfidence, filename: shown > 1 ? images[p.attachmentIndex]?.name : undefined },
        shownSamples(samples),
      );
      const reply = await message.reply({ ...payload, allowedMentions: { repliedUser: false } });
      await ctx.store.predictions.setReplyMessage(p.id, reply.id);
      report.answeredStored++;
    } catch (err) {
      ctx.log.warn({ err, predictionId: p.id }, 'catch-up: could not answer a stored prediction');
    }
  }

  // oldest first, across channels
  const candidates = history.filter((m) => m.author.id !== botId && !repliedTo.has(m.id)).sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
  const stored = await ctx.store.predictions.messagesWithPredictions(
    candidates.map((m) => m.id),
    since,
  );
  for (const m of candidates) {
    if (ctx.closing) break;
    if (stored.has(m.id) || !ctx.claims.claim(m.id)) continue;
    try {
      await handle(m);
      report.handled++;
    } catch (err) {
      ctx.log.error({ err, messageId: m.id }, 'catch-up: handling a message failed');
    }
  }
  return report;
}
