/**
 * The one path that reads a message's pictures, whoever asks (chat, /predict, "Read digits"):
 * the request is built once (`pictureRequest`, which sorts pictures from other files), the
 * preconditions run once before it (src/bot/preconditions.ts), then `readPictures` reads the
 * pictures in parallel (the read limiter bounds the CPU work) and answers them in order through
 * the asker's sink: every picture gets an answer or a refusal.
 */
import type { PredictionSource } from '../store/index.ts';
import type { BotContext } from './context.ts';
import type { MessagePayload } from './format.ts';
import { isImageAttachment } from './permissions.ts';
import { readAndRecord, type AttachmentRef } from './reading.ts';

export interface PictureRequest {
  /** the attachments worth reading, in message order */
  pictures: AttachmentRef[];
  /** names of the other attachments (not pictures) */
  others: string[];
  /** who posted the pictures (owns the predictions) */
  posterId: string;
  /** who asked (the cooldown is theirs) */
  requestedBy: string;
  guildId: string | null;
  channelId: string;
  /** the message holding the pictures (null for /predict) */
  messageId: string | null;
  source: PredictionSource;
}

/** Where the answers go: a chat reply, or an interaction's reply and follow-ups. */
export interface AnswerSink {
  /** posts the answer to one picture; returns the message it became */
  answer(payload: MessagePayload): Promise<{ id: string }>;
  /** tells why one picture could not be read */
  refuse(message: string, title: string): Promise<void>;
  /** a note after the answers (e.g. the per-message limit) */
  notice(content: string): Promise<void>;
  /** called once at the end */
  finish?(): Promise<void>;
}

/** Builds the request: the image-type check runs here, once. */
export function pictureRequest(attachments: readonly AttachmentRef[], who: Omit<PictureRequest, 'pictures' | 'others'>): PictureRequest {
  const pictures: AttachmentRef[] = [];
  const others: string[] = [];
  for (const a of attachments) {
    if (isImageAttachment(a)) pictures.push(a);
    else others.push(a.name);
  }
  return { ...who, pictures, others };
}

/** Reads up to the per-message limit of pictures and answers each, in order. */
export async function readPictures(ctx: BotContext, req: PictureRequest, sink: AnswerSink): Promise<void> {
  const chosen = req.pictures.slice(0, ctx.config.limits.imagesPerMessage);
  const several = chosen.length > 1;
  const outcomes = chosen.map((attachment, attachmentIndex) =>
    readAndRecord(ctx, {
      attachment,
      posterId: req.posterId,
      requestedBy: req.requestedBy,
      guildId: req.guildId,
      channelId: req.channelId,
      messageId: req.messageId,
      attachmentIndex,
      source: req.source,
      showName: several,
    }),
  );
  for (const [i, pending] of outcomes.entries()) {
    const outcome = await pending;
    if (outcome.ok) {
      const message = await sink.answer(outcome.payload);
      await ctx.store.predictions.setReplyMessage(outcome.prediction.id, message.id);
    } else {
      await sink.refuse(outcome.message, several ? `I could not read ${chosen[i]!.name}` : 'I could not read that picture');
    }
  }
  if (req.pictures.length > chosen.length) await sink.notice(`I read the first ${chosen.length} pictures only (limit per message).`);
  await sink.finish?.();
}
