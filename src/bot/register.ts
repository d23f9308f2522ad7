/** Registers the commands: in one guild when a guild id is given (instant), else globally. */
import { REST, Routes } from 'discord.js';
import { commandData } from './commands/index.ts';

export interface RegisterOptions {
  token: string;
  applicationId: string;
  guildId?: string;
  /** REST base (DISCORD_API_URL); default discord.com */
  api?: string;
}

export async function registerCommands(o: RegisterOptions): Promise<{ scope: string; count: number }> {
  const rest = new REST(o.api ? { api: o.api } : {}).setToken(o.token);
  const body = commandData();
  const route = o.guildId ? Routes.applicationGuildCommands(o.applicationId, o.guildId) : Routes.applicationCommands(o.applicationId);
  const result = (await rest.put(route, { body })) as unknown[];
  return { scope: o.guildId ? `guild ${o.guildId}` : 'global', count: result.length };
}
