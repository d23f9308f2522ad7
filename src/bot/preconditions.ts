/**
 * Checks shared by every handler, declared once and run before it (sapphire-style
 * preconditions): the bot is not shutting down, there is a picture to read, the asker is within
 * the cooldown. The first refusal wins; the cooldown runs last because it counts the request.
 */
import type { BotContext } from './context.ts';
import { cooldownMessage, READABLE_FORMATS } from './format.ts';
import type { PictureRequest } from './pictures.ts';

export interface Refusal {
  code: 'closing' | 'no-picture' | 'cooldown';
  message: string;
  title?: string;
  /**
   * Worth saying in chat too (interactions always get an answer). Chat stays quiet about
   * messages without pictures and during shutdown (the restart catches up); a cooldown is said
   * once per window.
   */
  sayInChat: boolean;
}

export type Precondition<T> = (ctx: BotContext, input: T) => Refusal | null;

export const notClosing: Precondition<unknown> = (ctx) =>
  ctx.closing ? { code: 'closing', message: 'I am restarting. Please try again in a minute.', sayInChat: false } : null;

export const hasPicture: Precondition<PictureRequest> = (_ctx, req) => {
  if (req.pictures.length > 0) return null;
  const message =
    req.others.length === 1
      ? `\`${req.others[0]}\` is not a picture I can read. Send ${READABLE_FORMATS}.`
      : req.others.length > 1
        ? `None of these files is a picture I can read. Send ${READABLE_FORMATS}.`
        : `That message has no picture I can read (${READABLE_FORMATS}).`;
  return { code: 'no-picture', message, sayInChat: false };
};

export const withinCooldown: Precondition<PictureRequest> = (ctx, req) => {
  const verdict = ctx.cooldown.take(req.requestedBy);
  return verdict.ok ? null : { code: 'cooldown', message: cooldownMessage(verdict.retryAfterMs), title: 'Cooldown', sayInChat: verdict.notify };
};

/** What every picture read checks, in order (after `notClosing`, which every handler runs). */
export const PICTURE_PRECONDITIONS: readonly Precondition<PictureRequest>[] = [hasPicture, withinCooldown];

export function firstRefusal<T>(ctx: BotContext, input: T, checks: readonly Precondition<T>[]): Refusal | null {
  for (const check of checks) {
    const refusal = check(ctx, input);
    if (refusal) return refusal;
  }
  return null;
}
