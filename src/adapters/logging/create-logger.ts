import pino, { type DestinationStream, type Logger } from 'pino';
import pretty from 'pino-pretty';

export interface LoggerOptions {
  level: string;
  /** Human-readable lines (a terminal) instead of JSON (log collectors). */
  pretty: boolean;
  /** Where lines go; default stdout. */
  destination?: DestinationStream;
}

/**
 * The process's one logger: the HTTP server's request loggers and the workers' task loggers are its
 * children, so a request id or a task id is on every line they write. Pretty printing runs in this
 * thread, synchronously, so the last lines before an exit are never lost.
 */
export function createLogger(opts: LoggerOptions): Logger {
  if (!opts.pretty) return pino({ level: opts.level }, opts.destination);
  return pino({ level: opts.level }, pretty({ sync: true, colorize: opts.destination === undefined && process.stdout.isTTY, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname', ...(opts.destination && { destination: opts.destination }) }));
}
