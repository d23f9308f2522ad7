/**
 * Structured logging (pino), created here only. Secrets never reach a log line: the Discord
 * token and authorization headers are redacted by key, and every finished line is scrubbed as
 * text (nested fields, err.url, err.requestBody, stack traces included) of interaction and
 * webhook tokens in URL paths, `Bot …` / `Bearer …` credentials and the configured secrets.
 * `LOG_FORMAT=pretty` prints readable lines (pino-pretty, in-process and synchronous).
 */
import { pino, type Logger, type LevelWithSilent } from 'pino';
import { prettyFactory } from 'pino-pretty';

export type { Logger };

export type LogFormat = 'json' | 'pretty';

export const REDACT_PATHS = [
  'token',
  'discordToken',
  'authorization',
  'headers.authorization',
  'headers.Authorization',
  'config.discordToken',
  'config.databaseAuthToken',
  'databaseAuthToken',
  '*.token',
  '*.discordToken',
];

const CENSOR = '[redacted]';

/**
 * Token-bearing text: the token segment of `/interactions/<id>/<token>` and
 * `/webhooks/<id>/<token>` (anyone holding it can edit the bot's answers for 15 minutes), and
 * the credential after `Bot ` / `Bearer `. A token ends at `/`, `?`, `#`, a quote, a
 * backslash (an escape in the JSON line) or a space.
 */
const TOKEN_PATTERNS: readonly [RegExp, string][] = [
  [/(\/(?:interactions|webhooks)\/\d+\/)[^/?#"'\\\s]+/g, `$1${CENSOR}`],
  [/\b(Bot|Bearer) [\w-]+\.[\w.-]+/g, `$1 ${CENSOR}`],
];

/** Removes tokens from one piece of text (a serialized log line). */
export function scrubSecrets(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const [re, by] of TOKEN_PATTERNS) out = out.replace(re, by);
  for (const s of secrets) if (s.length >= 8) out = out.split(s).join(CENSOR);
  return out;
}

export interface LoggerOptions {
  /** strings that must never appear in a line (the bot token, the database token) */
  secrets?: readonly (string | undefined)[];
  format?: LogFormat;
}

/** The one place logs are created. `destination` defaults to stdout (synchronous writes). */
export function createLogger(level: LevelWithSilent = 'info', destination?: pino.DestinationStream, opts: LoggerOptions = {}): Logger {
  const secrets = (opts.secrets ?? []).filter((s): s is string => typeof s === 'string' && s.length > 0);
  const sink = destination ?? pino.destination({ dest: 1, sync: true });
  const pretty = opts.format === 'pretty' ? prettyFactory({ colorize: !destination && process.stdout.isTTY === true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,app' }) : null;
  const scrubbed: pino.DestinationStream = {
    write: (line: string) => {
      const clean = scrubSecrets(line, secrets);
      sink.write(pretty ? pretty(clean) : clean);
    },
  };
  const options: pino.LoggerOptions = {
    level,
    base: { app: 'digit-bot' },
    redact: { paths: REDACT_PATHS, censor: CENSOR },
    serializers: { err: pino.stdSerializers.err },
  };
  return pino(options, scrubbed);
}

/** A logger that writes nothing (tests, scripts). */
export const silentLogger: Logger = pino({ level: 'silent' });
