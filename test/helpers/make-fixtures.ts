import { execFile } from 'node:child_process';
import { copyFile, mkdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { inject } from 'vitest';
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

/** The fixture files by name, in the folder `dir`. */
function fixturesIn(dir: string): Fixtures {
  const f = (name: string) => path.join(dir, name);
  return {
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
}

/** Encodes every fixture into `dir` with the bundled ffmpeg (about a second of both cores). */
export async function encodeFixtures(dir: string): Promise<Fixtures> {
  await mkdir(dir, { recursive: true });
  const fx = fixturesIn(dir);
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

/** The folder the run's global setup encoded the fixtures into (test/global-fixtures.ts), if any. */
function encodedOnceDir(): string | undefined {
  try {
    return inject('fixturesDir');
  } catch {
    return undefined; // outside a vitest worker
  }
}

/**
 * Puts every fixture in `dir` (a folder of the test's own, which it may add to and remove). The media are
 * encoded once per run by the global setup and copied here; without it they are encoded here.
 */
export async function makeFixtures(dir: string): Promise<Fixtures> {
  const fx = fixturesIn(dir);
  if (await stat(fx.fakePng).then(() => true, () => false)) return fx;
  const source = encodedOnceDir();
  if (!source) return encodeFixtures(dir);
  await mkdir(dir, { recursive: true });
  const from = fixturesIn(source);
  const names = Object.keys(fx).filter((k): k is Exclude<keyof Fixtures, 'dir'> => k !== 'dir');
  await Promise.all(names.map((k) => copyFile(from[k], fx[k])));
  return fx;
}
