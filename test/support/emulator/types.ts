/** The slices of Discord API objects the emulator builds (just what discord.js reads). */
export type Json = string | number | boolean | null | Json[] | { [k: string]: Json | undefined };

export interface ApiUser {
  [k: string]: Json | undefined;
  id: string;
  username: string;
  discriminator: string;
  global_name: string | null;
  avatar: string | null;
  bot?: boolean;
}

export interface ApiMember {
  [k: string]: Json | undefined;
  roles: string[];
  joined_at: string;
  deaf: boolean;
  mute: boolean;
  flags: number;
}

export interface ApiChannel {
  [k: string]: Json | undefined;
  id: string;
  type: number;
  name: string;
  guild_id: string;
}

export interface ApiAttachment {
  [k: string]: Json | undefined;
  id: string;
  filename: string;
  size: number;
  url: string;
  proxy_url: string;
  content_type?: string;
  width?: number;
  height?: number;
}

export interface ApiMessage {
  [k: string]: Json | undefined;
  id: string;
  channel_id: string;
  guild_id?: string;
  author: ApiUser;
  content: string;
  timestamp: string;
  edited_timestamp: string | null;
  mentions: ApiUser[];
  attachments: ApiAttachment[];
  embeds: Json[];
  components: Json[];
  type: number;
  flags: number;
}
