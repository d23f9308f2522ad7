import type {
  ChatInputCommandInteraction,
  ContextMenuCommandBuilder,
  MessageContextMenuCommandInteraction,
  RESTPostAPIApplicationCommandsJSONBody,
  SlashCommandOptionsOnlyBuilder,
  SlashCommandBuilder,
} from 'discord.js';
import type { BotContext } from '../context.ts';

export interface SlashCommand {
  kind: 'slash';
  data: SlashCommandBuilder | SlashCommandOptionsOnlyBuilder;
  execute(ctx: BotContext, interaction: ChatInputCommandInteraction): Promise<void>;
}

export interface MessageCommand {
  kind: 'message';
  data: ContextMenuCommandBuilder;
  execute(ctx: BotContext, interaction: MessageContextMenuCommandInteraction): Promise<void>;
}

export type Command = SlashCommand | MessageCommand;

export function toJSON(c: Command): RESTPostAPIApplicationCommandsJSONBody {
  return c.data.toJSON();
}
