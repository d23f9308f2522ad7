/** Structured logging (pino). The Discord token is redacted wherever it might appear. */
import { pino, type Logger, type LevelWithSilent } from 'pino';

export type { Logger };

export const REDACT_PATHS = [
  'token',
  'discordToken',
  'authorization',
  'headers.authorization',
  'config.discordToken',
  'config.databaseAuthToken',
  'databaseAuthToken',
  '*.token',
  '*.discordToken',
];

export function createLogger(level: LevelWithSilent = 'info', destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { app: 'digit-bot' },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    serializers: { err: pino.stdSerializers.err },
  };
  return destination ? pino(options, destination) : pino(options);
}

/** A logger that writes nothing (tests, scripts). */
export const silentLogger: Logger = pino({ level: 'silent' });
