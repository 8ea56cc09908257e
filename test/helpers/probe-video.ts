import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ffprobePath } from '../../src/adapters/media/ffmpeg-paths.js';

export interface ProbedVideo {
  width: number;
  height: number;
  durationSeconds: number;
  codecs: string[];
}

/** What ffprobe reads from a file: fails the caller when the file is not a complete, playable video. */
export async function probeVideo(file: string): Promise<ProbedVideo> {
  const { stdout } = await promisify(execFile)(ffprobePath, ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', file]);
  const info = JSON.parse(stdout) as { format: { duration: string }; streams: { codec_type: string; codec_name: string; width?: number; height?: number }[] };
  const video = info.streams.find((s) => s.codec_type === 'video');
  if (!video) throw new Error(`${file} has no video stream`);
  return { width: video.width!, height: video.height!, durationSeconds: Number(info.format.duration), codecs: info.streams.map((s) => s.codec_name) };
}
