/**
 * MediaProber over the bundled ffprobe: what the bytes are, not what the URL or extension claims.
 * ffprobe may only open local files (no http, no nested playlists reaching the network), and is killed
 * after timeoutMs.
 */
import { execFile } from 'node:child_process';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../../domain/errors.js';
import type { ProbedMedia } from '../../domain/media-rules.js';
import type { MediaProber } from '../../domain/ports.js';
import { ffprobePath } from './ffmpeg-paths.js';

interface FfprobeStream {
  codec_type?: string;
  codec_name?: string;
  width?: number;
  height?: number;
  sample_rate?: string;
  duration?: string;
  disposition?: { attached_pic?: number };
}

interface FfprobeOutput {
  streams?: FfprobeStream[];
  format?: { format_name?: string; duration?: string };
}

function unreadable(detail: string, cause?: unknown): AppError {
  return new AppError('invalid_request', 'could not read the file as media', { reason: 'unreadable_media', cause: new Error(detail, { cause }) });
}

function seconds(value: string | undefined): number | undefined {
  const n = Number(value);
  return value !== undefined && Number.isFinite(n) && n >= 0 ? n : undefined;
}

function runFfprobe(file: string, timeoutMs: number): Promise<string> {
  const args = [
    '-v', 'error',
    '-protocol_whitelist', 'file',
    '-print_format', 'json',
    '-show_format', '-show_streams',
    // The file: prefix keeps a name like "concat:a|b" or "http://..." from being read as a protocol.
    `file:${path.resolve(file)}`,
  ];
  return new Promise((resolve, reject) => {
    // Our own timer rather than execFile's: when its timeout fires as ffprobe exits, execFile cuts
    // stdout short yet reports success. Here a fired timer always means "took too long".
    let timedOut = false;
    const child = execFile(ffprobePath, args, { maxBuffer: 8 * 1024 * 1024, windowsHide: true }, (err, stdout, stderr) => {
      clearTimeout(timer);
      if (timedOut) return reject(unreadable(`ffprobe took longer than ${timeoutMs} ms`, err ?? undefined));
      if (!err) return resolve(stdout);
      const e = err as NodeJS.ErrnoException;
      if (e.code === 'ENOENT' || e.code === 'EACCES') {
        return reject(new AppError('internal', `ffprobe could not be started: ${e.message}`, { reason: 'internal', cause: err }));
      }
      reject(unreadable(String(stderr).trim() || e.message, err));
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
  });
}

export function createFfprobeProber(opts: { timeoutMs?: number } = {}): MediaProber {
  const timeoutMs = opts.timeoutMs ?? 15_000;
  return {
    async probe(file) {
      const { size } = await stat(file);
      const stdout = await runFfprobe(file, timeoutMs);
      let out: FfprobeOutput;
      try {
        out = JSON.parse(stdout) as FfprobeOutput;
      } catch (err) {
        throw unreadable('ffprobe printed no JSON', err);
      }
      // ffprobe guesses images by extension and answers "a 0x0 PNG" for any bytes named .png: a stream it
      // could not decode has no dimensions (video) or no sample rate (audio), and does not count.
      const streams = (out.streams ?? []).filter(
        (s) => (s.codec_type === 'video' && (s.width ?? 0) > 0 && (s.height ?? 0) > 0) || (s.codec_type === 'audio' && Number(s.sample_rate) > 0),
      );
      const formatName = out.format?.format_name;
      if (!formatName || streams.length === 0) throw unreadable('ffprobe found no decodable video or audio stream');
      const videos = streams.filter((s) => s.codec_type === 'video');
      // A real picture stream beats cover art (an attached picture) when a file has both.
      const video = videos.find((s) => !s.disposition?.attached_pic) ?? videos[0];
      const audio = streams.find((s) => s.codec_type === 'audio');
      const durationSeconds = seconds(out.format?.duration) ?? seconds(video?.duration) ?? seconds(audio?.duration);
      const probed: ProbedMedia = {
        formatName,
        bytes: size,
        hasVideo: video !== undefined,
        hasAudio: audio !== undefined,
      };
      if (video?.width !== undefined) probed.width = video.width;
      if (video?.height !== undefined) probed.height = video.height;
      if (video?.codec_name !== undefined) probed.videoCodec = video.codec_name;
      if (durationSeconds !== undefined) probed.durationSeconds = durationSeconds;
      if (video?.disposition?.attached_pic) probed.coverArtOnly = true;
      return probed;
    },
  };
}
