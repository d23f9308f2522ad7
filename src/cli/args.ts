import { parseArgs, type ParseArgsConfig } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * util.parseArgs with the two things every script here wants: `--help` printing the usage,
 * and a bad flag or value becoming one line on stderr and exit code 2 instead of a stack trace.
 */
export function parseCli<O extends Options>(usage: string, options: O, allowPositionals = false) {
  try {
    const parsed = parseArgs({ options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals, strict: true });
    if ((parsed.values as Record<string, unknown>).help) {
      process.stdout.write(usage.trim() + '\n');
      process.exit(0);
    }
    return parsed;
  } catch (err) {
    fail(`${(err as Error).message}\n(see --help)`, 2);
  }
}

/** Prints one clear line and exits; for user-facing errors (not bugs). */
export function fail(message: string, code = 1): never {
  process.stderr.write(`error: ${message}\n`);
  process.exit(code);
}

/** A numeric flag, validated. */
export function num(value: unknown, name: string, fallback: number, check: (n: number) => boolean = Number.isFinite): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!check(n)) fail(`--${name} must be a valid number, got "${String(value)}"`, 2);
  return n;
}

/** Runs main(), turning known user errors into one line and exit code 1. */
export function runMain(main: () => Promise<void>): void {
  main().catch((err: unknown) => {
    const e = err as Error;
    const known = ['IdxError', 'ModelFormatError', 'ImageRejectedError'].includes(e?.name);
    fail(known ? e.message : (e?.stack ?? String(err)));
  });
}
