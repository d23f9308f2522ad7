/**
 * A small Discord emulator for end-to-end tests, on 127.0.0.1 only:
 *   - REST under /api/v10 (messages, interaction callbacks and webhooks, command registration),
 *     every call recorded so tests can assert on what the bot sent;
 *   - the gateway WebSocket (HELLO, IDENTIFY → READY + GUILD_CREATE, heartbeat ACKs, RESUME with
 *     replay of missed events);
 *   - a CDN serving attachment bytes.
 * The real discord.js client connects to it through `rest.api` (DISCORD_API_URL).
 */
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { snowflake } from './snowflake.ts';
import type { ApiAttachment, ApiChannel, ApiMember, ApiMessage, ApiUser, Json } from './types.ts';

export interface RestCall {
  seq: number;
  at: number;
  method: string;
  /** path after /api/v10, e.g. /channels/1/messages */
  path: string;
  query: URLSearchParams;
  /** JSON body (or payload_json of a multipart body) */
  body: Json | null;
  files: { field: string; name: string; contentType: string; bytes: Buffer }[];
  auth: string | undefined;
  status: number;
  /** what the emulator answered */
  response: Json | null;
}

interface Session {
  id: string;
  ws: WebSocket | null;
  seq: number;
  /** dispatched events, for RESUME replay */
  log: { s: number; t: string; d: Json }[];
}

/** How a CDN download goes wrong after the first bytes. */
export type CdnFault = 'stall' | 'reset';

export interface EmulatorOptions {
  token?: string;
  heartbeatIntervalMs?: number;
  /** artificial latency added to every REST answer */
  restLatencyMs?: number;
  /**
   * Intents the application may not use (a bit mask): an IDENTIFY asking for one is closed with
   * 4014 "Disallowed intent(s)", as Discord does when a privileged intent is off in the portal.
   */
  disallowedIntents?: number;
}

const MANAGE_MESSAGES = 1n << 13n;
const ALL_BASIC = (1n << 10n) | (1n << 11n) | (1n << 14n) | (1n << 15n) | (1n << 16n) | (1n << 31n); // view, send, embed, attach, history, use commands

export class DiscordEmulator extends EventEmitter {
  readonly token: string;
  readonly applicationId = snowflake();
  readonly botUser: ApiUser;
  readonly guildId = snowflake();
  readonly channels: Record<'general' | 'watched' | 'other', ApiChannel>;
  readonly calls: RestCall[] = [];
  /** messages the emulator knows: posted by tests or created by the bot */
  readonly messages = new Map<string, ApiMessage>();
  readonly cdn = new Map<string, { bytes: Buffer; contentType: string; fault?: CdnFault }>();
  readonly registeredCommands: { scope: string; commands: Json[] }[] = [];
  gatewayConnections = 0;
  identifies = 0;
  resumes = 0;
  heartbeats = 0;

  private server: Server | null = null;
  private wss: WebSocketServer | null = null;
  private port = 0;
  private readonly sessions = new Map<string, Session>();
  private readonly failures: { match: (c: RestCall) => boolean; status: number; response: Json }[] = [];
  private readonly heartbeatIntervalMs: number;
  private readonly restLatencyMs: number;
  private readonly disallowedIntents: number;
  private seq = 0;

  constructor(opts: EmulatorOptions = {}) {
    super();
    this.setMaxListeners(0);
    this.token = opts.token ?? 'emulator-token.not-a-real-one';
    this.heartbeatIntervalMs = opts.heartbeatIntervalMs ?? 5_000;
    this.restLatencyMs = opts.restLatencyMs ?? 0;
    this.disallowedIntents = opts.disallowedIntents ?? 0;
    this.botUser = { id: this.applicationId, username: 'digit-bot', discriminator: '0000', global_name: null, avatar: null, bot: true };
    const ch = (name: string): ApiChannel => ({
      id: snowflake(), type: 0, name, guild_id: this.guildId, position: 0, permission_overwrites: [], nsfw: false, topic: null, last_message_id: null, parent_id: null, rate_limit_per_user: 0,
    });
    this.channels = { general: ch('general'), watched: ch('digits'), other: ch('other') };
  }

  static async start(opts: EmulatorOptions = {}): Promise<DiscordEmulator> {
    const e = new DiscordEmulator(opts);
    await e.listen();
    return e;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }
  /** what DISCORD_API_URL should be (discord.js appends /v10) */
  get apiUrl(): string {
    return `${this.baseUrl}/api`;
  }
  get gatewayUrl(): string {
    return `ws://127.0.0.1:${this.port}/gateway`;
  }

  private async listen(): Promise<void> {
    this.server = createServer((req, res) => {
      void this.handleHttp(req, res).catch((err: unknown) => {
        res.statusCode = 500;
        res.end(JSON.stringify({ message: String(err), code: 0 }));
      });
    });
    this.wss = new WebSocketServer({ noServer: true });
    this.server.on('upgrade', (req, socket, head) => {
      if (!req.url?.startsWith('/gateway')) {
        socket.destroy();
        return;
      }
      this.wss!.handleUpgrade(req, socket, head, (ws) => this.onGatewayConnection(ws));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    for (const c of this.wss?.clients ?? []) c.terminate();
    this.wss?.close();
    await new Promise<void>((resolve) => {
      if (!this.server) return resolve();
      this.server.closeAllConnections();
      this.server.close(() => resolve());
    });
  }

  // ───────────────────────────── gateway ─────────────────────────────

  private onGatewayConnection(ws: WebSocket): void {
    this.gatewayConnections++;
    let session: Session | null = null;
    const send = (p: Json) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(p));
    };
    send({ op: 10, d: { heartbeat_interval: this.heartbeatIntervalMs }, s: null, t: null });
    ws.on('message', (raw) => {
      let p: { op: number; d: Json };
      try {
        p = JSON.parse(String(raw)) as { op: number; d: Json };
      } catch {
        ws.close(4002, 'Decode error');
        return;
      }
      switch (p.op) {
        case 1: // heartbeat
          this.heartbeats++;
          send({ op: 11, d: null, s: null, t: null });
          break;
        case 2: {
          // identify
          const d = p.d as { token?: string; intents?: number };
          if (d.token !== this.token) {
            ws.close(4004, 'Authentication failed.');
            return;
          }
          if ((d.intents ?? 0) & this.disallowedIntents) {
            ws.close(4014, 'Disallowed intent(s).');
            return;
          }
          this.identifies++;
          session = { id: `session-${snowflake()}`, ws, seq: 0, log: [] };
          this.sessions.set(session.id, session);
          this.dispatchTo(session, 'READY', {
            v: 10,
            user: this.botUser,
            guilds: [{ id: this.guildId, unavailable: true }],
            session_id: session.id,
            resume_gateway_url: this.gatewayUrl,
            shard: [0, 1],
            application: { id: this.applicationId, flags: 0 },
          });
          this.dispatchTo(session, 'GUILD_CREATE', this.guildPayload());
          break;
        }
        case 6: {
          // resume
          const d = p.d as { token?: string; session_id?: string; seq?: number };
          const s = d.session_id ? this.sessions.get(d.session_id) : undefined;
          if (d.token !== this.token || !s) {
            send({ op: 9, d: false, s: null, t: null });
            return;
          }
          this.resumes++;
          s.ws = ws;
          session = s;
          for (const e of s.log) if (e.s > (d.seq ?? 0)) send({ op: 0, s: e.s, t: e.t, d: e.d });
          this.dispatchTo(s, 'RESUMED', {});
          break;
        }
        default:
          break; // presence updates, request guild members… ignored
      }
    });
    ws.on('close', () => {
      if (session && session.ws === ws) session.ws = null;
    });
  }

  private dispatchTo(s: Session, t: string, d: Json): void {
    s.seq++;
    s.log.push({ s: s.seq, t, d });
    if (s.log.length > 2000) s.log.splice(0, s.log.length - 2000);
    if (s.ws && s.ws.readyState === s.ws.OPEN) s.ws.send(JSON.stringify({ op: 0, s: s.seq, t, d }));
  }

  /** Sends a dispatch to every session (READY ones). */
  dispatch(t: string, d: Json): void {
    for (const s of this.sessions.values()) this.dispatchTo(s, t, d);
  }

  /** Closes the bot's gateway connections with a resumable code (tests resume). */
  dropGatewayConnections(code = 4000): void {
    for (const s of this.sessions.values()) s.ws?.close(code, 'emulator dropped the connection');
  }

  get connectedSessions(): number {
    let n = 0;
    for (const s of this.sessions.values()) if (s.ws && s.ws.readyState === s.ws.OPEN) n++;
    return n;
  }

  private guildPayload(): Json {
    return {
      id: this.guildId,
      name: 'Emulated Guild',
      icon: null,
      splash: null,
      discovery_splash: null,
      owner_id: snowflake(),
      afk_channel_id: null,
      afk_timeout: 300,
      verification_level: 0,
      default_message_notifications: 0,
      explicit_content_filter: 0,
      roles: [
        { id: this.guildId, name: '@everyone', permissions: String(ALL_BASIC), position: 0, color: 0, hoist: false, managed: false, mentionable: false, flags: 0 },
      ],
      emojis: [],
      stickers: [],
      features: [],
      mfa_level: 0,
      application_id: null,
      system_channel_id: null,
      system_channel_flags: 0,
      rules_channel_id: null,
      joined_at: new Date().toISOString(),
      large: false,
      unavailable: false,
      member_count: 2,
      voice_states: [],
      members: [{ user: this.botUser, roles: [], joined_at: new Date().toISOString(), deaf: false, mute: false, flags: 0 }],
      channels: Object.values(this.channels),
      threads: [],
      presences: [],
      stage_instances: [],
      guild_scheduled_events: [],
      premium_tier: 0,
      preferred_locale: 'en-US',
      nsfw_level: 0,
      premium_progress_bar_enabled: false,
    };
  }

  // ───────────────────────────── test API ─────────────────────────────

  user(name: string, opts: { bot?: boolean } = {}): ApiUser {
    return { id: snowflake(), username: name, discriminator: '0', global_name: name, avatar: null, ...(opts.bot ? { bot: true } : {}) };
  }

  /**
   * Stores bytes on the CDN and returns the attachment object that points at them. A `fault`
   * sends the headers and the first half of the bytes, then stalls or resets the connection.
   */
  attachment(bytes: Buffer, filename: string, contentType: string | null, extra: Partial<ApiAttachment> = {}, fault?: CdnFault): ApiAttachment {
    const id = snowflake();
    const path = `/attachments/${id}/${encodeURIComponent(filename)}`;
    this.cdn.set(path, { bytes, contentType: contentType ?? 'application/octet-stream', ...(fault ? { fault } : {}) });
    return {
      id, filename, size: bytes.length, url: `${this.baseUrl}${path}`, proxy_url: `${this.baseUrl}${path}`,
      ...(contentType ? { content_type: contentType } : {}), ...extra,
    };
  }

  /** A user posts a message (MESSAGE_CREATE). DMs when `dm` is set. */
  postMessage(opts: {
    author: ApiUser;
    channelId?: string;
    content?: string;
    attachments?: ApiAttachment[];
    mentionBot?: boolean;
    dm?: boolean;
    member?: Partial<ApiMember>;
  }): ApiMessage {
    const channelId = opts.dm ? this.dmChannelFor(opts.author) : (opts.channelId ?? this.channels.general.id);
    const msg: ApiMessage = {
      id: snowflake(),
      channel_id: channelId,
      ...(opts.dm ? {} : { guild_id: this.guildId, member: { roles: [], joined_at: new Date().toISOString(), deaf: false, mute: false, flags: 0, ...opts.member } }),
      author: opts.author,
      content: (opts.mentionBot ? `<@${this.botUser.id}> ` : '') + (opts.content ?? ''),
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      tts: false,
      mention_everyone: false,
      mentions: opts.mentionBot ? [this.botUser] : [],
      mention_roles: [],
      attachments: opts.attachments ?? [],
      embeds: [],
      components: [],
      pinned: false,
      type: 0,
      flags: 0,
    };
    this.messages.set(msg.id, msg);
    this.dispatch('MESSAGE_CREATE', opts.dm ? { ...msg, channel_type: 1 } : msg);
    return msg;
  }

  private readonly dmChannels = new Map<string, string>();
  private readonly knownUsers = new Map<string, ApiUser>();
  dmChannelFor(user: ApiUser): string {
    this.knownUsers.set(user.id, user);
    let id = this.dmChannels.get(user.id);
    if (!id) {
      id = snowflake();
      this.dmChannels.set(user.id, id);
    }
    return id;
  }

  private interactionBase(opts: { user: ApiUser; channelId?: string; permissions?: bigint; dm?: boolean }): Record<string, Json> {
    const id = snowflake();
    const channelId = opts.dm ? this.dmChannelFor(opts.user) : (opts.channelId ?? this.channels.general.id);
    const channel = opts.dm ? { id: channelId, type: 1 } : Object.values(this.channels).find((c) => c.id === channelId) ?? this.channels.general;
    const perms = String(opts.permissions ?? ALL_BASIC);
    return {
      id,
      application_id: this.applicationId,
      token: `itoken-${id}`,
      version: 1,
      channel_id: channelId,
      channel,
      locale: 'en-US',
      app_permissions: String(ALL_BASIC | MANAGE_MESSAGES),
      entitlements: [],
      authorizing_integration_owners: { '0': this.guildId },
      ...(opts.dm
        ? { user: opts.user, context: 1 }
        : {
            guild_id: this.guildId,
            guild_locale: 'en-US',
            context: 0,
            member: { user: opts.user, roles: [], permissions: perms, joined_at: new Date().toISOString(), deaf: false, mute: false, flags: 0 },
          }),
    };
  }

  /** A slash command (INTERACTION_CREATE type 2, command type 1). Returns the interaction payload. */
  slashCommand(opts: {
    user: ApiUser;
    name: string;
    options?: { name: string; type: number; value: string | number | boolean }[];
    attachments?: ApiAttachment[];
    channelId?: string;
    permissions?: bigint;
    dm?: boolean;
  }): Record<string, Json> {
    const i = {
      ...this.interactionBase(opts),
      type: 2,
      data: {
        id: snowflake(),
        name: opts.name,
        type: 1,
        options: opts.options ?? [],
        ...(opts.attachments?.length ? { resolved: { attachments: Object.fromEntries(opts.attachments.map((a) => [a.id, a])) } } : {}),
      },
    };
    this.dispatch('INTERACTION_CREATE', i);
    return i;
  }

  /** A message context-menu command on `target`. */
  messageCommand(opts: { user: ApiUser; name: string; target: ApiMessage; permissions?: bigint }): Record<string, Json> {
    const i = {
      ...this.interactionBase({ ...opts, channelId: opts.target.channel_id }),
      type: 2,
      data: { id: snowflake(), name: opts.name, type: 3, target_id: opts.target.id, resolved: { messages: { [opts.target.id]: opts.target } } },
    };
    this.dispatch('INTERACTION_CREATE', i);
    return i;
  }

  /** A click on a button (component_type 2) or a choice in a string select (3) of `message`. */
  component(opts: { user: ApiUser; message: ApiMessage; customId: string; values?: string[]; permissions?: bigint }): Record<string, Json> {
    const i = {
      ...this.interactionBase({ ...opts, channelId: opts.message.channel_id, dm: !opts.message.guild_id }),
      type: 3,
      message: opts.message,
      data: opts.values ? { custom_id: opts.customId, component_type: 3, values: opts.values } : { custom_id: opts.customId, component_type: 2 },
    };
    this.dispatch('INTERACTION_CREATE', i);
    return i;
  }

  /** A modal submitted from a component of `message`. */
  modalSubmit(opts: { user: ApiUser; message: ApiMessage; customId: string; fields: Record<string, string>; permissions?: bigint }): Record<string, Json> {
    const i = {
      ...this.interactionBase({ ...opts, channelId: opts.message.channel_id, dm: !opts.message.guild_id }),
      type: 5,
      message: opts.message,
      data: {
        custom_id: opts.customId,
        components: Object.entries(opts.fields).map(([k, v]) => ({ type: 1, components: [{ type: 4, custom_id: k, value: v }] })),
      },
    };
    this.dispatch('INTERACTION_CREATE', i);
    return i;
  }

  /**
   * From now on, REST calls matching `match` fail with `status` and a Discord-style error body
   * (tests of error paths: a failing interaction callback, webhook edit, …).
   */
  failCalls(match: (c: RestCall) => boolean, status = 400, response: Json = { message: 'Invalid Form Body', code: 50035 }): void {
    this.failures.push({ match, status, response });
  }

  /** Waits for a REST call matching `pred` (looking at calls already made first). */
  waitForCall(pred: (c: RestCall) => boolean, timeoutMs = 10_000, since = 0): Promise<RestCall> {
    const found = this.calls.find((c) => c.seq > since && pred(c));
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.off('rest', on);
        reject(new Error(`emulator: no matching REST call within ${timeoutMs} ms (${this.calls.length} calls so far)`));
      }, timeoutMs);
      const on = (c: RestCall) => {
        if (c.seq > since && pred(c)) {
          clearTimeout(timer);
          this.off('rest', on);
          resolve(c);
        }
      };
      this.on('rest', on);
    });
  }

  /** The bot's reply (POST /channels/:id/messages referencing `messageId`). */
  waitForReply(messageId: string, timeoutMs?: number): Promise<RestCall> {
    return this.waitForCall((c) => c.method === 'POST' && /^\/channels\/\d+\/messages$/.test(c.path) && refOf(c.body) === messageId, timeoutMs);
  }

  /** All replies referencing `messageId` so far. */
  repliesTo(messageId: string): RestCall[] {
    return this.calls.filter((c) => c.method === 'POST' && /^\/channels\/\d+\/messages$/.test(c.path) && refOf(c.body) === messageId);
  }

  /** Calls belonging to an interaction (its callback and its webhook edits / follow-ups). */
  interactionCalls(interaction: Record<string, Json>): RestCall[] {
    const token = String(interaction.token);
    return this.calls.filter((c) => c.path.includes(token));
  }

  /**
   * Waits until the interaction's visible answer is final: a callback that is not a deferral
   * (type 4 message, 7 update, 9 modal), or a webhook edit/follow-up after a deferral.
   */
  waitForInteractionAnswer(interaction: Record<string, Json>, timeoutMs?: number): Promise<RestCall> {
    const token = String(interaction.token);
    return this.waitForCall((c) => {
      if (!c.path.includes(token) || c.status >= 400) return false;
      if (c.path.endsWith('/callback')) {
        const type = (c.body as { type?: number } | null)?.type;
        return type === 4 || type === 7 || type === 9;
      }
      return c.method === 'PATCH' || c.method === 'POST';
    }, timeoutMs);
  }

  // ───────────────────────────── REST + CDN ─────────────────────────────

  private async handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.baseUrl);
    if (req.method === 'GET' && this.cdn.has(url.pathname)) {
      const f = this.cdn.get(url.pathname)!;
      res.writeHead(200, { 'content-type': f.contentType, 'content-length': String(f.bytes.length) });
      if (!f.fault) {
        res.end(f.bytes);
        return;
      }
      res.write(f.bytes.subarray(0, Math.ceil(f.bytes.length / 2)));
      if (f.fault === 'reset') setTimeout(() => res.socket?.resetAndDestroy(), 20);
      return; // 'stall': the rest never comes (stop() closes the connection)
    }
    const m = /^\/api\/v10(\/.*)$/.exec(url.pathname);
    if (!m) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: '404: Not Found', code: 0 }));
      return;
    }
    const path = decodeURIComponent(m[1]!);
    const raw = await readBody(req);
    const contentType = req.headers['content-type'] ?? '';
    let body: Json | null = null;
    const files: RestCall['files'] = [];
    if (contentType.startsWith('multipart/form-data')) {
      const form = await new Request('http://x/', { method: 'POST', headers: { 'content-type': contentType }, body: new Uint8Array(raw) }).formData();
      for (const [field, value] of form.entries()) {
        if (typeof value === 'string') {
          if (field === 'payload_json') body = JSON.parse(value) as Json;
        } else {
          files.push({ field, name: value.name, contentType: value.type, bytes: Buffer.from(await value.arrayBuffer()) });
        }
      }
    } else if (raw.length > 0) {
      try {
        body = JSON.parse(raw.toString('utf8')) as Json;
      } catch {
        body = raw.toString('utf8');
      }
    }
    const call: RestCall = {
      seq: ++this.seq, at: performance.now(), method: req.method ?? 'GET', path, query: url.searchParams, body, files,
      auth: req.headers.authorization, status: 200, response: null,
    };
    const isInteraction = path.startsWith('/interactions/') || path.startsWith('/webhooks/');
    const failure = this.failures.find((f) => f.match(call));
    if (!isInteraction && req.headers.authorization !== `Bot ${this.token}`) {
      call.status = 401;
      call.response = { message: '401: Unauthorized', code: 0 };
    } else if (failure) {
      call.status = failure.status;
      call.response = failure.response;
    } else {
      const [status, response] = this.route(call);
      call.status = status;
      call.response = response;
    }
    if (this.restLatencyMs > 0) await new Promise((r) => setTimeout(r, this.restLatencyMs));
    this.calls.push(call);
    this.emit('rest', call);
    if (call.status === 204) {
      res.writeHead(204);
      res.end();
      return;
    }
    res.writeHead(call.status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(call.response));
  }

  private route(c: RestCall): [number, Json | null] {
    const { method, path } = c;
    let m: RegExpExecArray | null;
    if (method === 'GET' && path === '/gateway/bot') {
      return [200, { url: this.gatewayUrl, shards: 1, session_start_limit: { total: 1000, remaining: 999, reset_after: 0, max_concurrency: 1 } }];
    }
    if (method === 'GET' && path === '/gateway') return [200, { url: this.gatewayUrl }];
    if (method === 'GET' && path === '/users/@me') return [200, this.botUser];
    if ((m = /^\/channels\/(\d+)\/messages$/.exec(path)) && method === 'POST') {
      return [200, this.createMessage(m[1]!, c)];
    }
    if ((m = /^\/channels\/(\d+)\/messages$/.exec(path)) && method === 'GET') return [200, this.history(m[1]!, c.query)];
    if ((m = /^\/channels\/(\d+)\/messages\/(\d+)$/.exec(path))) {
      const msg = this.messages.get(m[2]!);
      if (!msg) return [404, { message: 'Unknown Message', code: 10008 }];
      if (method === 'GET') return [200, msg];
      if (method === 'PATCH') return [200, this.editMessage(msg, c)];
      if (method === 'DELETE') {
        this.messages.delete(msg.id);
        return [204, null];
      }
    }
    if ((m = /^\/channels\/(\d+)$/.exec(path)) && method === 'GET') {
      const ch = Object.values(this.channels).find((x) => x.id === m![1]);
      if (ch) return [200, ch];
      const dmUser = [...this.dmChannels].find(([, id]) => id === m![1]);
      const recipient = dmUser ? this.knownUsers.get(dmUser[0]) : undefined;
      return recipient ? [200, { id: m[1]!, type: 1, recipients: [recipient], last_message_id: null }] : [404, { message: 'Unknown Channel', code: 10003 }];
    }
    if ((m = /^\/channels\/(\d+)\/typing$/.exec(path)) && method === 'POST') return [204, null];
    if ((m = /^\/interactions\/(\d+)\/([^/]+)\/callback$/.exec(path)) && method === 'POST') {
      const b = c.body as { type?: number; data?: Json } | null;
      const token = m[2]!;
      if (b?.type === 4) this.interactionOriginal.set(token, this.createMessage(this.channelOfToken(token), { ...c, body: b.data ?? {} }));
      if (b?.type === 5) this.interactionOriginal.set(token, this.createMessage(this.channelOfToken(token), { ...c, body: { content: '', flags: (b.data as { flags?: number } | undefined)?.flags ?? 0 }, files: [] }));
      if (b?.type === 7) {
        // an update edits the message the component is on, as Discord does
        const target = this.messages.get(String((this.findInteractionByCallbackPath(path)?.message as { id?: string } | undefined)?.id));
        if (target) this.editMessage(target, { ...c, body: b.data ?? {}, files: [] });
      }
      return [204, null];
    }
    if ((m = /^\/webhooks\/(\d+)\/([^/]+)\/messages\/@original$/.exec(path))) {
      const token = m[2]!;
      let msg = this.interactionOriginal.get(token);
      if (!msg) {
        msg = this.createMessage(this.channelOfToken(token), { ...c, body: {}, files: [] });
        this.interactionOriginal.set(token, msg);
      }
      if (method === 'GET') return [200, msg];
      if (method === 'PATCH') return [200, this.editMessage(msg, c)];
      if (method === 'DELETE') return [204, null];
    }
    if ((m = /^\/webhooks\/(\d+)\/([^/]+)$/.exec(path)) && method === 'POST') {
      return [200, this.createMessage(this.channelOfToken(m[2]!), c)];
    }
    if ((m = /^\/applications\/(\d+)(\/guilds\/(\d+))?\/commands$/.exec(path)) && method === 'PUT') {
      const commands = (Array.isArray(c.body) ? c.body : []).map((cmd) => ({ ...(cmd as Record<string, Json>), id: snowflake(), application_id: m![1]!, version: snowflake() }));
      this.registeredCommands.push({ scope: m[3] ? `guild:${m[3]}` : 'global', commands });
      return [200, commands];
    }
    if ((m = /^\/applications\/(\d+)(\/guilds\/(\d+))?\/commands$/.exec(path)) && method === 'GET') {
      return [200, this.registeredCommands.at(-1)?.commands ?? []];
    }
    return [404, { message: `emulator: no route for ${method} ${path}`, code: 0 }];
  }

  private readonly interactionOriginal = new Map<string, ApiMessage>();
  /** channel of an interaction, remembered from the INTERACTION_CREATE we dispatched */
  private channelOfToken(token: string): string {
    for (const s of this.sessions.values()) {
      for (let i = s.log.length - 1; i >= 0; i--) {
        const e = s.log[i]!;
        if (e.t === 'INTERACTION_CREATE' && (e.d as { token?: string }).token === token) return String((e.d as { channel_id?: string }).channel_id);
      }
    }
    return this.channels.general.id;
  }

  private filesToAttachments(c: RestCall): ApiAttachment[] {
    return c.files.map((f) => {
      const id = snowflake();
      const path = `/attachments/${id}/${encodeURIComponent(f.name)}`;
      this.cdn.set(path, { bytes: f.bytes, contentType: f.contentType });
      return { id, filename: f.name, size: f.bytes.length, url: `${this.baseUrl}${path}`, proxy_url: `${this.baseUrl}${path}`, content_type: f.contentType };
    });
  }

  private createMessage(channelId: string, c: Pick<RestCall, 'body' | 'files'>): ApiMessage {
    const b = (c.body ?? {}) as Record<string, Json>;
    const ref = b.message_reference as { message_id?: string } | undefined;
    const guildChannel = Object.values(this.channels).some((x) => x.id === channelId);
    const msg: ApiMessage = {
      id: snowflake(),
      channel_id: channelId,
      ...(guildChannel ? { guild_id: this.guildId } : {}),
      author: this.botUser,
      content: typeof b.content === 'string' ? b.content : '',
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      tts: false,
      mention_everyone: false,
      mentions: [],
      mention_roles: [],
      attachments: this.filesToAttachments(c as RestCall),
      embeds: Array.isArray(b.embeds) ? b.embeds : [],
      components: Array.isArray(b.components) ? b.components : [],
      pinned: false,
      type: ref?.message_id ? 19 : 0,
      flags: typeof b.flags === 'number' ? b.flags : 0,
      ...(ref?.message_id ? { message_reference: { message_id: ref.message_id, channel_id: channelId, ...(guildChannel ? { guild_id: this.guildId } : {}) } } : {}),
    };
    this.messages.set(msg.id, msg);
    return msg;
  }

  private editMessage(msg: ApiMessage, c: RestCall): ApiMessage {
    const b = (c.body ?? {}) as Record<string, Json>;
    if (typeof b.content === 'string') msg.content = b.content;
    if (Array.isArray(b.embeds)) msg.embeds = b.embeds;
    if (Array.isArray(b.components)) msg.components = b.components;
    if (c.files.length || Array.isArray(b.attachments)) {
      const kept = Array.isArray(b.attachments) ? msg.attachments.filter((a) => (b.attachments as { id?: string }[]).some((x) => x.id === a.id)) : msg.attachments;
      msg.attachments = [...kept, ...this.filesToAttachments(c)];
    }
    msg.edited_timestamp = new Date().toISOString();
    return msg;
  }

  /**
   * GET /channels/:id/messages as Discord answers it: at most `limit` (1-100, default 50)
   * messages, newest first; `before` / `after` an id (with `after`: the ones right after it).
   */
  private history(channelId: string, q: URLSearchParams): ApiMessage[] {
    const limit = Math.min(100, Math.max(1, Number(q.get('limit') ?? 50) || 50));
    const before = q.get('before');
    const after = q.get('after');
    const ids = [...this.messages.values()]
      .filter((x) => x.channel_id === channelId)
      .filter((x) => (before ? BigInt(x.id) < BigInt(before) : true) && (after ? BigInt(x.id) > BigInt(after) : true))
      .sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
    const page = after && !before ? ids.slice(0, limit) : ids.slice(-limit);
    return page.reverse();
  }

  private findInteractionByCallbackPath(path: string): Record<string, Json> | undefined {
    const token = path.split('/')[3];
    for (const s of this.sessions.values()) {
      for (const e of s.log) {
        if (e.t === 'INTERACTION_CREATE' && (e.d as { token?: string }).token === token) return e.d as Record<string, Json>;
      }
    }
    return undefined;
  }

  /** The message the bot created through a REST call (its reply), as the emulator stores it. */
  messageFromCall(c: RestCall): ApiMessage {
    return c.response as unknown as ApiMessage;
  }
}

function refOf(body: Json | null): string | undefined {
  return ((body as { message_reference?: { message_id?: string } } | null)?.message_reference)?.message_id;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export { MANAGE_MESSAGES, ALL_BASIC };
