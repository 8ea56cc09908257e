import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';
import { UsageError } from './exit-codes.js';

/** Flags every client command takes. */
export const commonOptions = {
  json: { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
  profile: { type: 'string' },
  'base-url': { type: 'string' },
  'api-key': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsOptionsConfig;

/** Parses a command's arguments strictly: an unknown flag or a missing value is a UsageError (exit 2). */
export function parseCommand<T extends ParseArgsOptionsConfig>(args: string[], options: T) {
  try {
    return parseArgs({ args, options: { ...commonOptions, ...options }, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/** An integer flag or argument, or a UsageError naming it. */
export function parseInteger(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^-?\d+$/.test(value.trim())) throw new UsageError(`${name}: expected a whole number, got '${value}'`);
  return Number(value);
}

export function parseNumber(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new UsageError(`${name}: expected a number, got '${value}'`);
  return n;
}

/** A time as unix seconds or an ISO 8601 date (`2026-05-01`, `2026-05-01T12:00:00Z`). */
export function parseTime(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (/^\d+$/.test(value)) return Number(value);
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new UsageError(`${name}: expected unix seconds or an ISO 8601 date, got '${value}'`);
  return Math.floor(ms / 1000);
}

/** Exactly the positional arguments a command needs. */
export function positionals(values: string[], names: string[], usage: string): string[] {
  if (values.length !== names.length) throw new UsageError(`expected ${names.join(' ')}; usage: ${usage}`);
  return values;
}
