/**
 * Runs one ffmpeg render: progress from `-progress pipe:1`, SIGKILL on abort, and the tail of stderr
 * as the failure message.
 */
import { spawn } from 'node:child_process';

export interface RunFfmpegOptions {
  ffmpegPath: string;
  args: string[];
  /** Output length, to turn ffmpeg's out_time into a percentage. */
  durationSeconds: number;
  signal: AbortSignal;
  onProgress(percent: number): void;
}

export type RunFfmpegOutcome = { kind: 'ok' } | { kind: 'failed'; message: string };

/** Enough of stderr to show ffmpeg's error, bounded so a chatty failure cannot grow memory. */
const stderrTailChars = 4000;

export function abortError(): Error {
  const error = new Error('The render was aborted');
  error.name = 'AbortError';
  return error;
}

/** Microseconds of output written so far, from one `-progress` line; null when the line is not a time. */
export function progressMicros(line: string): number | null {
  const eq = line.indexOf('=');
  if (eq < 0) return null;
  const key = line.slice(0, eq).trim();
  const value = line.slice(eq + 1).trim();
  // out_time_ms is microseconds too (a historic misnomer); older builds print only it.
  if (key !== 'out_time_us' && key !== 'out_time_ms') return null;
  const micros = Number(value);
  return Number.isFinite(micros) && micros >= 0 ? micros : null;
}

/**
 * Resolves when ffmpeg exits (ok, or failed with its stderr tail). Rejects with an AbortError when the
 * signal fires: ffmpeg is killed at once with SIGKILL, since a render has nothing worth flushing.
 */
export function runFfmpeg(o: RunFfmpegOptions): Promise<RunFfmpegOutcome> {
  if (o.signal.aborted) return Promise.reject(abortError());
  return new Promise((resolve, reject) => {
    const child = spawn(o.ffmpegPath, o.args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let pending = '';
    let lastPercent = -1;
    let settled = false;
    const totalMicros = Math.max(1, o.durationSeconds * 1_000_000);

    const onAbort = () => child.kill('SIGKILL');
    o.signal.addEventListener('abort', onAbort, { once: true });
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      o.signal.removeEventListener('abort', onAbort);
      fn();
    };

    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const micros = progressMicros(line);
        if (micros === null) continue;
        // 100 is reported by the engine once the file is in place, not when ffmpeg is still muxing.
        const percent = Math.min(99, Math.floor((micros / totalMicros) * 100));
        if (percent > lastPercent) {
          lastPercent = percent;
          try {
            o.onProgress(percent);
          } catch {
            // Progress is advisory: a throwing listener must not crash the process from a stream callback.
          }
        }
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-stderrTailChars);
    });

    child.on('error', (err) => {
      settle(() => (o.signal.aborted ? reject(abortError()) : resolve({ kind: 'failed', message: `ffmpeg could not start: ${err.message}` })));
    });
    child.on('close', (code, signal) => {
      settle(() => {
        if (o.signal.aborted) reject(abortError());
        else if (code === 0) resolve({ kind: 'ok' });
        else {
          const how = code !== null ? `exited with code ${code}` : `was killed by ${signal ?? 'a signal'}`;
          const tail = stderr.trim();
          resolve({ kind: 'failed', message: `ffmpeg ${how}${tail ? `: ${tail}` : ''}` });
        }
      });
    });
  });
}
