/**
 * One picture → a stored prediction and the answer payload: size check, download (bounded), read
 * (concurrency-limited), record (one transaction). Every failure becomes a friendly message.
 */
import { ImageRejectedError, type Reading } from '../vision/types.ts';
import type { Prediction, PredictionSource } from '../store/index.ts';
import type { BotContext } from './context.ts';
import { READABLE_FORMATS, type MessagePayload } from './format.ts';
import { marksOf, shownMarks } from './marks.ts';
import { answerWithMarks } from './markStrip.ts';

export interface AttachmentRef {
  url: string;
  name: string;
  size: number;
  contentType: string | null;
}

export interface ReadRequest {
  attachment: AttachmentRef;
  /** who posted the picture */
  posterId: string;
  requestedBy: string;
  guildId: string | null;
  channelId: string;
  messageId: string | null;
  attachmentIndex: number;
  source: PredictionSource;
  /** show the file name (several pictures in one message) */
  showName?: boolean;
}

export type ReadOutcome =
  | { ok: true; prediction: Prediction; reading: Reading; payload: MessagePayload }
  | { ok: false; code: string; message: string };

export class UserFacingError extends Error {
  constructor(
    message: string,
    readonly code: string,
    /** the sender's network failing is worth a warning; a refused file is routine */
    readonly level: 'info' | 'warn' = 'info',
  ) {
    super(message);
    this.name = 'UserFacingError';
  }
}

const mb = (n: number) => `${(n / 1024 / 1024).toFixed(n < 1024 * 1024 ? 2 : 0)} MB`;

const isTimeout = (err: unknown) => err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');

/** Downloads at most `maxBytes` bytes of an attachment, within a timeout (headers and body). */
export async function download(url: string, maxBytes: number, timeoutMs: number): Promise<Buffer> {
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    if (isTimeout(err)) throw new UserFacingError('Downloading the picture took too long, please try again.', 'download-timeout', 'warn');
    throw new UserFacingError('I could not download the picture, please try again.', 'download-failed', 'warn');
  }
  if (!res.ok || !res.body) throw new UserFacingError(`I could not download the picture (HTTP ${res.status}).`, 'download-failed', 'warn');
  const declared = Number(res.headers.get('content-length') ?? '0');
  if (declared > maxBytes) throw new UserFacingError(`This picture is too large (${mb(declared)}; the limit is ${mb(maxBytes)}).`, 'too-large');
  const chunks: Buffer[] = [];
  let total = 0;
  const reader = res.body.getReader();
  for (;;) {
    let part: ReadableStreamReadResult<Uint8Array>;
    try {
      part = await reader.read();
    } catch (err) {
      // the first bytes came, then the sender's connection stalled or broke: not a bug of ours
      if (isTimeout(err)) throw new UserFacingError('Downloading the picture took too long, please try again.', 'download-timeout', 'warn');
      throw new UserFacingError('Downloading the picture was interrupted, please try again.', 'download-interrupted', 'warn');
    }
    if (part.done) break;
    total += part.value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw new UserFacingError(`This picture is too large (the limit is ${mb(maxBytes)}).`, 'too-large');
    }
    chunks.push(Buffer.from(part.value));
  }
  if (total === 0) throw new UserFacingError('This file is empty.', 'empty');
  return Buffer.concat(chunks);
}

export async function readAndRecord(ctx: BotContext, req: ReadRequest): Promise<ReadOutcome> {
  const a = req.attachment;
  const { limits } = ctx.config;
  try {
    if (a.size > limits.imageBytes) {
      throw new UserFacingError(`This picture is too large (${mb(a.size)}; the limit is ${mb(limits.imageBytes)}).`, 'too-large');
    }
    const bytes = await download(a.url, limits.imageBytes, limits.downloadTimeoutMs);
    // the model is captured once: a hot swap during this read does not mix models
    const model = ctx.models.current();
    // someone waiting on a command or the context menu goes before chat pictures
    const reading = await ctx.reads.run(() => ctx.readDigits(bytes, model.classifier), req.source === 'chat' ? 'chat' : 'interactive');
    // every mark the model classified is kept, so that a label can land on the one it is about
    const marks = marksOf(reading);
    const prediction = await ctx.store.predictions.record({
      userId: req.posterId,
      requestedBy: req.requestedBy,
      guildId: req.guildId,
      channelId: req.channelId,
      messageId: req.messageId,
      attachmentIndex: req.attachmentIndex,
      source: req.source,
      modelName: model.info.name,
      digits: reading.noDigit ? '' : reading.digits,
      confidence: reading.noDigit ? 0 : reading.confidence,
      noDigit: reading.noDigit || reading.digits === '',
      reason: reading.reason,
      perDigit: marks,
      pictureUrl: a.url,
    });
    const payload = await answerWithMarks(
      { reading, predictionId: prediction.id, modelName: model.info.name, lowConfidence: ctx.config.lowConfidence, filename: req.showName ? a.name : undefined },
      shownMarks(marks),
    );
    ctx.log.info(
      { predictionId: prediction.id, source: req.source, user: req.posterId, digits: prediction.digits, confidence: Number(prediction.confidence.toFixed(4)), model: model.info.name },
      'prediction',
    );
    return { ok: true, prediction, reading, payload };
  } catch (err) {
    if (err instanceof UserFacingError) {
      ctx.log[err.level]({ code: err.code, source: req.source, user: req.posterId, file: a.name }, 'picture refused');
      return { ok: false, code: err.code, message: err.message };
    }
    if (err instanceof ImageRejectedError) {
      ctx.log.info({ code: err.code, source: req.source, user: req.posterId, file: a.name }, 'picture rejected by the pipeline');
      return { ok: false, code: err.code, message: friendlyRejection(err) };
    }
    ctx.log.error({ err, source: req.source, user: req.posterId, file: a.name }, 'reading a picture failed');
    return { ok: false, code: 'internal', message: 'Something went wrong on my side while reading this picture. Please try again later.' };
  }
}

function friendlyRejection(err: ImageRejectedError): string {
  switch (err.code) {
    case 'corrupt':
      return 'I could not open this picture: the file looks damaged or is not really an image.';
    case 'unsupported':
      return `I cannot read this image format. Send ${READABLE_FORMATS}.`;
    case 'empty':
      return 'This file is empty.';
    default:
      // the pipeline's messages are written for people
      return err.message;
  }
}
