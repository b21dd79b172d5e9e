import path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { InputError } from '../util/input-error.ts';

/** Thrown for bad command-line input; entry points print it and exit 2. */
export class UsageError extends InputError<'usage'> {
  constructor(message: string) {
    super('usage', message);
  }
}

/** `--help` or `-h`: runCommand prints the usage on stdout and exits 0, having done nothing else. */
class HelpRequested extends Error {
  readonly usage: string;
  constructor(usage: string) {
    super('help requested');
    this.usage = usage;
  }
}

type Options = NonNullable<ParseArgsConfig['options']>;

export function parseCommandLine<O extends Options>(argv: string[], options: O, usage: string) {
  if (argv.includes('--help') || argv.includes('-h')) throw new HelpRequested(usage);
  try {
    return parseArgs({ args: argv, options, allowPositionals: false, strict: true }).values;
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n${usage}`);
  }
}

/** `--now` as ms since epoch; the current time when absent. */
export function parseNow(value: string | undefined): number {
  if (value === undefined) return Date.now();
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new UsageError(`--now must be an ISO date-time, e.g. 2026-11-22T12:00:00Z (got "${value}")`);
  return ms;
}

export function oneOf<T extends string>(name: string, value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`--${name} must be one of ${allowed.join(', ')} (got "${value}")`);
}

/** A flag that counts something (a timeout, a PR number): digits only, at least 1. */
export function positiveInteger(name: string, value: string | undefined, fallback: number): number;
export function positiveInteger(name: string, value: string | undefined): number | undefined;
export function positiveInteger(name: string, value: string | undefined, fallback?: number): number | undefined {
  if (value === undefined) return fallback;
  if (!/^[1-9]\d*$/.test(value)) throw new UsageError(`--${name} must be a positive whole number (got "${value}")`);
  return Number(value);
}

/** Shows inventory paths relative to the working directory, as editors and CI expect. */
export function displayPathFor(root: string): (file: string) => string {
  return (file) => path.relative(process.cwd(), path.resolve(root, file)).split(path.sep).join('/');
}

/**
 * Runs a command's main. `--help` prints the usage and exits 0. Bad input — a
 * usage error, or any domain's InputError — exits 2 with its message; other
 * failures exit 1 with a message (never a secret).
 */
export async function runCommand(main: () => Promise<number>): Promise<void> {
  try {
    process.exitCode = await main();
  } catch (err) {
    if (err instanceof HelpRequested) {
      process.stdout.write(`${err.usage}\n`);
      process.exitCode = 0;
    } else if (err instanceof InputError) {
      process.stderr.write(`${err.message}\n`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
      process.exitCode = 1;
    }
  }
}
