/**
 * The bot: a discord.js client wired to the handlers. `createBot(deps)` builds it, `start()`
 * logs in and registers commands, `stop()` drains in-flight work (bounded) and closes the gateway.
 */
import { Client, Events, GatewayIntentBits, Options, Partials, type ClientOptions } from 'discord.js';
import { catchUp } from './catchUp.ts';
import { MessageClaims } from './claims.ts';
import { commandData } from './commands/index.ts';
import type { BotContext, BotDeps } from './context.ts';
import { Cooldown } from './cooldown.ts';
import { onInteractionCreate } from './events/interactionCreate.ts';
import { onMessageCreate } from './events/messageCreate.ts';
import { Limiter, TaskTracker } from './limiter.ts';

export interface Bot {
  readonly client: Client;
  readonly ctx: BotContext;
  start(): Promise<void>;
  /** Stops taking work, waits up to SHUTDOWN_TIMEOUT_MS for in-flight work, closes the gateway. */
  stop(): Promise<{ drained: boolean; abandoned: number }>;
}

export function clientOptions(apiUrl: string | undefined): ClientOptions {
  return {
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.DirectMessages, GatewayIntentBits.MessageContent],
    // DM channels arrive uncached
    partials: [Partials.Channel],
    makeCache: Options.cacheWithLimits({ ...Options.DefaultMakeCacheSettings, MessageManager: 50 }),
    sweepers: { ...Options.DefaultSweeperSettings, messages: { interval: 600, lifetime: 1800 } },
    allowedMentions: { parse: [], repliedUser: false },
    // pass rest.api only when DISCORD_API_URL is set
    ...(apiUrl ? { rest: { api: apiUrl } } : {}),
  };
}

export function createBot(deps: BotDeps): Bot {
  const client = new Client(clientOptions(deps.config.discordApiUrl));
  const ctx: BotContext = {
    ...deps,
    client,
    cooldown: new Cooldown(deps.config.cooldown.windowMs, deps.config.cooldown.maxRequests, deps.now ?? Date.now),
    reads: new Limiter(deps.config.limits.concurrentReads),
    tasks: new TaskTracker(),
    claims: new MessageClaims(),
    closing: false,
  };
  const log = deps.log;
  const sweep = setInterval(() => ctx.cooldown.sweep(), 60_000);
  sweep.unref();

  client.on(Events.MessageCreate, (message) => {
    if (!ctx.claims.claim(message.id)) return; // the start-up catch-up has it
    void ctx.tasks.track(onMessageCreate(ctx, message)).catch((err: unknown) => log.error({ err, messageId: message.id }, 'handling a message failed'));
  });
  client.on(Events.InteractionCreate, (interaction) => {
    void ctx.tasks.track(onInteractionCreate(ctx, interaction)).catch((err: unknown) => log.error({ err }, 'handling an interaction failed'));
  });
  client.on(Events.Error, (err) => log.error({ err }, 'discord client error'));
  client.on(Events.Warn, (msg) => log.warn({ msg }, 'discord client warning'));
  client.on(Events.ShardDisconnect, (ev, shard) => log.warn({ code: ev.code, shard }, 'gateway disconnected'));
  client.on(Events.ShardResume, (shard, replayed) => log.info({ shard, replayed }, 'gateway resumed'));
  client.on(Events.ShardReconnecting, (shard) => log.info({ shard }, 'gateway reconnecting'));

  deps.models.onSwap((next, prev) => {
    log.info({ from: prev.info.name, to: next.info.name }, 'model swapped');
    void deps.store.models.markActive(next.info).catch((err: unknown) => log.warn({ err }, 'could not record the active model'));
  });

  return {
    client,
    ctx,
    async start() {
      await deps.store.models.markActive(deps.models.current().info);
      const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
      await client.login(deps.config.discordToken);
      await ready;
      const watched = deps.config.watchChannelIds.map((id) => ({ id, channel: client.channels.cache.get(id) }));
      log.info(
        {
          user: client.user?.tag,
          guilds: client.guilds.cache.size,
          model: deps.models.current().info.name,
          watching: watched.map(({ id, channel }) => (channel && 'name' in channel ? `#${channel.name} (${id})` : id)),
        },
        'bot ready',
      );
      if (watched.length === 0) log.warn('no watched channel: pictures in chat are read only in DMs and mentions; set WATCH_CHANNEL_IDS to read every picture in a channel');
      for (const { id } of watched.filter((w) => !w.channel)) {
        log.warn({ channel: id }, 'WATCH_CHANNEL_IDS names a channel the bot cannot see: a wrong id, or the bot lacks View Channel there');
      }
      if (deps.config.registerCommands) {
        try {
          const guildId = deps.config.discordGuildId;
          const set = guildId ? await client.application!.commands.set(commandData(), guildId) : await client.application!.commands.set(commandData());
          log.info({ count: set.size, scope: guildId ? `guild ${guildId}` : 'global' }, 'commands registered');
        } catch (err) {
          log.error({ err }, 'registering commands failed; the bot keeps running with the commands Discord already has');
        }
      }
      // pictures posted while the bot was down, or read but not answered when it died
      void ctx.tasks
        .track(catchUp(ctx, (message) => onMessageCreate(ctx, message)))
        .then((r) => log.info(r, 'caught up'))
        .catch((err: unknown) => log.error({ err }, 'catching up after the start failed'));
    },
    async stop() {
      ctx.closing = true;
      clearInterval(sweep);
      const drained = await ctx.tasks.drain(deps.config.shutdownTimeoutMs);
      const abandoned = ctx.tasks.size;
      if (!drained) log.warn({ abandoned }, 'shutdown: abandoning in-flight work');
      await client.destroy();
      return { drained, abandoned };
    },
  };
}
