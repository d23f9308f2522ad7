import type {
  ChatInputCommandInteraction,
  ContextMenuCommandBuilder,
  MessageContextMenuCommandInteraction,
  RESTPostAPIApplicationCommandsJSONBody,
  SlashCommandOptionsOnlyBuilder,
  SlashCommandBuilder,
} from 'discord.js';
import type { BotContext } from '../context.ts';
import type { PictureRequest } from '../pictures.ts';

/** A command that reads pictures says which ones; the shared path does the rest (commands/pictureAnswers.ts). */
export interface PictureAsk {
  request: PictureRequest;
  /** only the asker sees the answers */
  private: boolean;
}

/** A command either runs its own handler or asks for pictures to be read. */
type Handler<I> = { execute(ctx: BotContext, interaction: I): Promise<void> } | { pictures(interaction: I): PictureAsk };

export type SlashCommand = { kind: 'slash'; data: SlashCommandBuilder | SlashCommandOptionsOnlyBuilder } & Handler<ChatInputCommandInteraction>;

export type MessageCommand = { kind: 'message'; data: ContextMenuCommandBuilder } & Handler<MessageContextMenuCommandInteraction>;

export type Command = SlashCommand | MessageCommand;

export function toJSON(c: Command): RESTPostAPIApplicationCommandsJSONBody {
  return c.data.toJSON();
}
