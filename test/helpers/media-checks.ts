/** Measurements of rendered MP4s for the engine tests: audio level and pitch, colours in a frame. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ffmpegPath } from '../../src/adapters/media/ffmpeg-paths.js';

const run = promisify(execFile);

/** Mono 16-bit samples (little-endian) of the audio between two times. */
export async function samples(file: string, fromSeconds: number, toSeconds: number, rateHz = 48_000): Promise<Buffer> {
  const { stdout } = await run(
    ffmpegPath,
    ['-v', 'error', '-i', file, '-vn', '-af', `atrim=${fromSeconds}:${toSeconds}`, '-f', 's16le', '-ac', '1', '-ar', String(rateHz), '-'],
    { encoding: 'buffer', maxBuffer: 16 * 1024 * 1024 },
  );
  return stdout as Buffer;
}

/** Peak absolute sample (0..32768) of the audio between two times. */
export async function audioPeak(file: string, fromSeconds: number, toSeconds: number): Promise<number> {
  const s = await samples(file, fromSeconds, toSeconds);
  let peak = 0;
  for (let i = 0; i + 1 < s.length; i += 2) peak = Math.max(peak, Math.abs(s.readInt16LE(i)));
  return peak;
}

/** The pitch of a pure tone between two times, from its zero crossings (Hz). */
export async function toneFrequencyHz(file: string, fromSeconds: number, toSeconds: number): Promise<number> {
  const s = await samples(file, fromSeconds, toSeconds);
  let crossings = 0;
  let previous = 0;
  for (let i = 0; i + 1 < s.length; i += 2) {
    const v = s.readInt16LE(i);
    if (v !== 0) {
      if (previous !== 0 && Math.sign(v) !== Math.sign(previous)) crossings++;
      previous = v;
    }
  }
  return crossings / 2 / (toSeconds - fromSeconds);
}

/** Share (0..1) of the pixels of the frame at `atSeconds` within `tolerance` of a colour, on a 64-wide thumbnail. */
export async function colourShare(file: string, atSeconds: number, rgb: [number, number, number], tolerance = 40): Promise<number> {
  const { stdout } = await run(
    ffmpegPath,
    ['-v', 'error', '-ss', String(atSeconds), '-i', file, '-frames:v', '1', '-vf', 'scale=64:-2:flags=neighbor', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'],
    { encoding: 'buffer', maxBuffer: 1024 * 1024 },
  );
  const bytes = stdout as Buffer;
  let near = 0;
  for (let i = 0; i + 2 < bytes.length; i += 3) {
    if ([0, 1, 2].every((c) => Math.abs(bytes[i + c]! - rgb[c]!) <= tolerance)) near++;
  }
  return near / (bytes.length / 3);
}
