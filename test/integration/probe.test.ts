import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ffmpegPath } from '../../src/adapters/media/ffmpeg-paths.js';
import { createFfprobeProber } from '../../src/adapters/media/probe.js';
import { AppError } from '../../src/domain/errors.js';
import { checkMedia, type ProbedMedia } from '../../src/domain/media-rules.js';
import { makeFixtures, type Fixtures } from '../helpers/make-fixtures.js';

const run = promisify(execFile);
const prober = createFfprobeProber();
let fx: Fixtures;

beforeAll(async () => {
  fx = await makeFixtures(await mkdtemp(path.join(os.tmpdir(), 'wangate-probe-')));
});

afterAll(async () => {
  if (fx) await rm(fx.dir, { recursive: true, force: true });
});

async function probeError(file: string): Promise<AppError> {
  const err = await prober.probe(file).then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
}

describe('createFfprobeProber', () => {
  it('reads a PNG: format, size on disk, dimensions, codec, no audio', async () => {
    const m = await prober.probe(fx.redPng);
    expect(m).toMatchObject({ formatName: 'png_pipe', width: 800, height: 600, videoCodec: 'png', hasVideo: true, hasAudio: false });
    expect(m.bytes).toBeGreaterThan(0);
  });

  it('reads a JPEG as mjpeg', async () => {
    const m = await prober.probe(fx.blueJpg);
    expect(m.formatName).toMatch(/^(jpeg_pipe|image2)$/);
    expect(m).toMatchObject({ width: 640, height: 480, videoCodec: 'mjpeg', hasVideo: true, hasAudio: false });
  });

  it('reads an MP4: container, dimensions, H.264, audio and duration', async () => {
    const m = await prober.probe(fx.clipMp4);
    expect(m).toMatchObject({ formatName: 'mov,mp4,m4a,3gp,3g2,mj2', width: 640, height: 360, videoCodec: 'h264', hasVideo: true, hasAudio: true });
    expect(m.durationSeconds).toBeCloseTo(3, 0);
    expect((await prober.probe(fx.longMp4)).durationSeconds).toBeCloseTo(12, 0);
  });

  it('reads WAV and MP3 as audio without video', async () => {
    const wav = await prober.probe(fx.toneWav);
    expect(wav).toMatchObject({ formatName: 'wav', hasVideo: false, hasAudio: true });
    expect(wav.durationSeconds).toBeCloseTo(4, 1);
    const mp3 = await prober.probe(fx.longMp3);
    expect(mp3).toMatchObject({ formatName: 'mp3', hasVideo: false, hasAudio: true });
    expect(mp3.durationSeconds).toBeCloseTo(20, 0);
  });

  it('refuses text named .png as unreadable_media (ffprobe alone would call it a 0x0 PNG)', async () => {
    const err = await probeError(fx.fakePng);
    expect(err.code).toBe('invalid_request');
    expect(err.reason).toBe('unreadable_media');
    expect(err.message).toBe('could not read the file as media');
  });

  it('refuses empty and random files as unreadable_media', async () => {
    const empty = path.join(fx.dir, 'empty.mp4');
    const noise = path.join(fx.dir, 'noise.wav');
    await writeFile(empty, '');
    await writeFile(noise, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 251)));
    expect((await probeError(empty)).reason).toBe('unreadable_media');
    expect((await probeError(noise)).reason).toBe('unreadable_media');
  });

  it('kills ffprobe after timeoutMs', async () => {
    const quick = createFfprobeProber({ timeoutMs: 1 });
    const err = await quick.probe(fx.clipMp4).then(() => undefined, (e: unknown) => e);
    expect((err as AppError).reason).toBe('unreadable_media');
    expect(((err as AppError).cause as Error).message).toContain('longer than 1 ms');
  });
});

describe('checkMedia over probed fixtures', () => {
  const probed = async (file: string): Promise<ProbedMedia> => prober.probe(file);

  it('passes the valid fixtures for their kind', async () => {
    expect(checkMedia('image', 'image_urls[0]', await probed(fx.redPng))).toBeNull();
    expect(checkMedia('image', 'image_urls[1]', await probed(fx.blueJpg))).toBeNull();
    expect(checkMedia('image', 'image_urls[0]', await probed(fx.widePng))).toBeNull();
    expect(checkMedia('video', 'video_urls[0]', await probed(fx.clipMp4))).toBeNull();
    expect(checkMedia('audio', 'audio_url', await probed(fx.toneWav))).toBeNull();
    expect(checkMedia('audio', 'audio_url', await probed(fx.longMp3))).toBeNull();
  });

  it('fails tiny.png with bad_dimensions', async () => {
    expect(checkMedia('image', 'image_urls[0]', await probed(fx.tinyPng))?.reason).toBe('bad_dimensions');
  });

  it('fails long.mp4 with bad_duration', async () => {
    const err = checkMedia('video', 'video_urls[0]', await probed(fx.longMp4));
    expect(err?.reason).toBe('bad_duration');
    expect(err?.param).toBe('video_urls[0]');
  });

  it('fails media of the wrong kind with unsupported_format', async () => {
    expect(checkMedia('image', 'image_urls[0]', await probed(fx.clipMp4))?.reason).toBe('unsupported_format');
    expect(checkMedia('video', 'video_urls[0]', await probed(fx.redPng))?.reason).toBe('unsupported_format');
    expect(checkMedia('audio', 'audio_url', await probed(fx.clipMp4))?.reason).toBe('unsupported_format');
    expect(checkMedia('video', 'video_urls[0]', await probed(fx.toneWav))?.reason).toBe('unsupported_format');
  });

  describe('with real files beyond the shared fixtures', () => {
    const ff = (args: string[]) => run(ffmpegPath, ['-hide_banner', '-loglevel', 'error', '-y', ...args]);
    const f = (name: string) => path.join(fx.dir, name);

    beforeAll(async () => {
      await Promise.all([
        ff(['-f', 'lavfi', '-i', 'color=c=red:s=800x600', '-frames:v', '1', f('x.bmp')]),
        ff(['-f', 'lavfi', '-i', 'color=c=red:s=800x600', '-frames:v', '1', f('x.webp')]),
        ff(['-f', 'lavfi', '-i', 'color=c=red:s=800x600', '-frames:v', '1', f('x.gif')]),
        ff(['-f', 'lavfi', '-i', 'color=c=yellow:s=640x360:r=30:d=3', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', f('x.mov')]),
        ff(['-f', 'lavfi', '-i', 'sine=d=4', '-c:a', 'aac', f('x.m4a')]),
      ]);
      await Promise.all([
        ff(['-i', fx.longMp3, '-i', fx.blueJpg, '-map', '0', '-map', '1', '-c', 'copy', '-id3v2_version', '3', '-disposition:v', 'attached_pic', f('cover.mp3')]),
        ff(['-i', f('x.m4a'), '-i', fx.blueJpg, '-map', '0', '-map', '1', '-c', 'copy', '-disposition:v', 'attached_pic', f('cover.m4a')]),
      ]);
    });

    it('accepts BMP and WEBP images and a MOV video', async () => {
      expect((await probed(f('x.bmp'))).formatName).toBe('bmp_pipe');
      expect(checkMedia('image', 'image_urls[0]', await probed(f('x.bmp')))).toBeNull();
      expect(checkMedia('image', 'image_urls[0]', await probed(f('x.webp')))).toBeNull();
      expect(checkMedia('video', 'video_urls[0]', await probed(f('x.mov')))).toBeNull();
    });

    it('refuses a GIF image', async () => {
      expect(checkMedia('image', 'image_urls[0]', await probed(f('x.gif')))?.reason).toBe('unsupported_format');
    });

    it('accepts an MP3 with cover art as audio, not as video', async () => {
      const m = await probed(f('cover.mp3'));
      expect(m).toMatchObject({ formatName: 'mp3', hasAudio: true, hasVideo: true, videoCodec: 'mjpeg', coverArtOnly: true });
      expect(checkMedia('audio', 'audio_url', m)).toBeNull();
      expect(checkMedia('video', 'video_urls[0]', m)?.reason).toBe('unsupported_format');
    });

    it('refuses an M4A with cover art as a video (the MP4 container alone is not enough)', async () => {
      const m = await probed(f('cover.m4a'));
      expect(m.formatName).toBe('mov,mp4,m4a,3gp,3g2,mj2');
      expect(checkMedia('video', 'video_urls[0]', m)?.reason).toBe('unsupported_format');
      expect(checkMedia('audio', 'audio_url', m)?.reason).toBe('unsupported_format');
    });
  });
});
