/**
 * npm run register-commands: registers the slash commands and the context menu on their own
 * (guild commands when DISCORD_GUILD_ID is set: instant; else global: may take up to an hour).
 */
import dotenv from 'dotenv';
import { parseCli } from '../src/cli/args.ts';
import { ConfigError, loadConfig } from '../src/config.ts';
import { registerCommands } from '../src/bot/register.ts';

parseCli(
  `npm run register-commands

Registers the slash commands and the "Read digits" context menu with Discord, nothing else.
Needs DISCORD_TOKEN and DISCORD_CLIENT_ID (environment or .env); with DISCORD_GUILD_ID only in
that guild (instant), else globally (up to an hour to show).`,
  {},
);
dotenv.config({ quiet: true });

try {
  const config = loadConfig();
  if (!config.discordClientId) {
    console.error('register-commands: DISCORD_CLIENT_ID is missing (the application id, from the developer portal)');
    process.exit(1);
  }
  const r = await registerCommands({ token: config.discordToken, applicationId: config.discordClientId, guildId: config.discordGuildId, api: config.discordApiUrl });
  console.log(`registered ${r.count} commands (${r.scope})`);
} catch (err) {
  console.error(`register-commands: ${err instanceof ConfigError ? err.message : err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
