import { execFile } from 'node:child_process';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { ffmpegPath } from '../../src/adapters/media/ffmpeg-paths.js';

const run = promisify(execFile);

async function ffmpeg(args: string[]): Promise<void> {
  await run(ffmpegPath, ['-hide_banner', '-loglevel', 'error', '-y', ...args], { maxBuffer: 16 * 1024 * 1024 });
}

export interface Fixtures {
  dir: string;
  /** 800x600 PNG, solid red (first frames). */
  redPng: string;
  /** 640x480 JPEG, solid blue (last frames). */
  blueJpg: string;
  /** 1200x400 PNG (3:1), solid green: checks cover fit and the input aspect. */
  widePng: string;
  /** 100x100 PNG: below the 240 px minimum. */
  tinyPng: string;
  /** 3 s 640x360 H.264 + AAC MP4, a yellow picture (continuation input). */
  clipMp4: string;
  /** 12 s MP4: longer than the 10 s limit. */
  longMp4: string;
  /** 4 s WAV, 440 Hz. */
  toneWav: string;
  /** 20 s MP3 (longer than most durations: truncation). */
  longMp3: string;
  /** Text pretending to be a PNG. */
  fakePng: string;
}

/** Makes every fixture once per folder with the bundled ffmpeg; quick (about a second). */
export async function makeFixtures(dir: string): Promise<Fixtures> {
  await mkdir(dir, { recursive: true });
  const f = (name: string) => path.join(dir, name);
  const fx: Fixtures = {
    dir,
    redPng: f('red.png'),
    blueJpg: f('blue.jpg'),
    widePng: f('wide.png'),
    tinyPng: f('tiny.png'),
    clipMp4: f('clip.mp4'),
    longMp4: f('long.mp4'),
    toneWav: f('tone.wav'),
    longMp3: f('long.mp3'),
    fakePng: f('fake.png'),
  };
  const exists = await stat(fx.fakePng).then(() => true, () => false);
  if (exists) return fx;
  const image = (color: string, size: string, out: string) => ffmpeg(['-f', 'lavfi', '-i', `color=c=${color}:s=${size}`, '-frames:v', '1', out]);
  const clip = (seconds: number, out: string) =>
    ffmpeg([
      '-f', 'lavfi', '-i', `color=c=yellow:s=640x360:r=30:d=${seconds}`,
      '-f', 'lavfi', '-i', `sine=frequency=330:duration=${seconds}`,
      '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-preset', 'ultrafast', '-c:a', 'aac', '-shortest', out,
    ]);
  await Promise.all([
    image('red', '800x600', fx.redPng),
    image('blue', '640x480', fx.blueJpg),
    image('green', '1200x400', fx.widePng),
    image('white', '100x100', fx.tinyPng),
    clip(3, fx.clipMp4),
    clip(12, fx.longMp4),
    ffmpeg(['-f', 'lavfi', '-i', 'sine=frequency=440:duration=4', fx.toneWav]),
    ffmpeg(['-f', 'lavfi', '-i', 'sine=frequency=550:duration=20', '-c:a', 'libmp3lame', fx.longMp3]),
  ]);
  await writeFile(fx.fakePng, 'this is not an image\n');
  return fx;
}
