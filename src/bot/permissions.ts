/** Who may do what: pure rules, tested alone. */

/** Who gives a label. */
export interface Labeller {
  /** who clicked / typed */
  userId: string;
  /** the member can manage messages in that channel (moderator) */
  canManageMessages: boolean;
}

export interface LabelRequest extends Labeller {
  /** who posted the picture (null once they used /forget) */
  posterId: string | null;
}

export type LabelVerdict = { allowed: true; trusted: true; asModerator: boolean } | { allowed: false; reason: string };

/** The labeller behind an interaction. */
export function labellerOf(interaction: { user: { id: string }; memberPermissions: { has(p: 'ManageMessages'): boolean } | null }): Labeller {
  return { userId: interaction.user.id, canManageMessages: interaction.memberPermissions?.has('ManageMessages') ?? false };
}

/** Only the poster of the picture, or a moderator, may label it; such labels are trusted. */
export function canLabel(r: LabelRequest): LabelVerdict {
  if (r.posterId !== null && r.userId === r.posterId) return { allowed: true, trusted: true, asModerator: false };
  if (r.canManageMessages) return { allowed: true, trusted: true, asModerator: true };
  return {
    allowed: false,
    reason: 'Only the person who posted the picture, or a moderator (Manage Messages), can correct this answer.',
  };
}

export interface ChatFacts {
  authorIsBot: boolean;
  authorId: string;
  botId: string;
  isDm: boolean;
  channelId: string;
  /** parent channel of a thread */
  parentId: string | null;
  mentionsBot: boolean;
  watchChannelIds: readonly string[];
}

/** Does a plain message get read? Never bots (nor ourselves); DMs, watched channels or a mention. */
export function shouldReadMessage(f: ChatFacts): boolean {
  if (f.authorIsBot || f.authorId === f.botId) return false;
  if (f.isDm || f.mentionsBot) return true;
  return f.watchChannelIds.includes(f.channelId) || (f.parentId !== null && f.watchChannelIds.includes(f.parentId));
}

const IMAGE_EXTENSIONS = /\.(png|jpe?g|gif|webp|bmp|tiff?|avif|heic|heif|svg)$/i;

/**
 * An attachment worth reading: an image by content type (SVG included) or, without one, by file
 * name. The reader decides what it can decode; what it cannot gets a refusal, never silence.
 */
export function isImageAttachment(a: { contentType: string | null; name: string }): boolean {
  if (a.contentType) return a.contentType.toLowerCase().startsWith('image/');
  return IMAGE_EXTENSIONS.test(a.name);
}
