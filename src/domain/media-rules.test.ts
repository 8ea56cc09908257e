import { describe, expect, it } from 'vitest';
import { checkMedia, mediaLimits, type ProbedMedia } from './media-rules.js';

const png: ProbedMedia = { formatName: 'png_pipe', bytes: 3000, width: 800, height: 600, hasVideo: true, hasAudio: false, videoCodec: 'png' };
const mp4: ProbedMedia = {
  formatName: 'mov,mp4,m4a,3gp,3g2,mj2', bytes: 33_000, width: 640, height: 360, durationSeconds: 3, hasVideo: true, hasAudio: true, videoCodec: 'h264',
};
const wav: ProbedMedia = { formatName: 'wav', bytes: 350_000, durationSeconds: 4, hasVideo: false, hasAudio: true };
const mp3: ProbedMedia = { formatName: 'mp3', bytes: 160_000, durationSeconds: 20, hasVideo: false, hasAudio: true };

const reason = (...args: Parameters<typeof checkMedia>) => checkMedia(...args)?.reason ?? null;

describe('checkMedia: images', () => {
  it.each([
    ['png_pipe', 'png'], ['jpeg_pipe', 'mjpeg'], ['image2', 'mjpeg'], ['image2', 'png'], ['bmp_pipe', 'bmp'], ['webp_pipe', 'webp'],
  ])('accepts %s/%s, the names ffprobe gives JPEG, PNG, BMP and WEBP', (formatName, videoCodec) => {
    expect(reason('image', 'image_urls[0]', { ...png, formatName, videoCodec })).toBeNull();
  });

  it.each([['gif', 'gif'], ['tiff_pipe', 'tiff'], ['mov,mp4,m4a,3gp,3g2,mj2', 'h264'], ['image2', 'tiff']])('refuses %s/%s', (formatName, videoCodec) => {
    expect(reason('image', 'image_urls[0]', { ...png, formatName, videoCodec })).toBe('unsupported_format');
  });

  it('holds each side to 240..8000 px and the aspect to 1:8..8:1', () => {
    expect(reason('image', 'p', { ...png, width: 239, height: 600 })).toBe('bad_dimensions');
    expect(reason('image', 'p', { ...png, width: 8001, height: 600 })).toBe('bad_dimensions');
    expect(reason('image', 'p', { ...png, width: 240, height: 8000 })).toBe('bad_aspect_ratio');
    expect(reason('image', 'p', { ...png, width: 1920, height: 240 })).toBeNull();
    expect(reason('image', 'p', { ...png, width: 8000, height: 8000 })).toBeNull();
  });

  it('refuses more than 20 MB and names the field', () => {
    const err = checkMedia('image', 'image_urls[1]', { ...png, bytes: mediaLimits.image.maxBytes + 1 });
    expect(err?.reason).toBe('media_too_large');
    expect(err?.param).toBe('image_urls[1]');
    expect(err?.message).toMatch(/^image_urls\[1\]: /);
  });
});

describe('checkMedia: videos', () => {
  it('accepts MP4 and MOV of 2..10 s', () => {
    expect(reason('video', 'v', mp4)).toBeNull();
    expect(reason('video', 'v', { ...mp4, durationSeconds: 2 })).toBeNull();
    expect(reason('video', 'v', { ...mp4, durationSeconds: 10 })).toBeNull();
  });

  it('refuses a video shorter than 2 s or longer than 10 s', () => {
    expect(reason('video', 'v', { ...mp4, durationSeconds: 1.9 })).toBe('bad_duration');
    expect(reason('video', 'v', { ...mp4, durationSeconds: 12 })).toBe('bad_duration');
    expect(reason('video', 'v', { ...mp4, durationSeconds: undefined })).toBe('bad_duration');
  });

  it('refuses other containers, audio-only MP4 and an M4A whose only picture is cover art', () => {
    expect(reason('video', 'v', { ...mp4, formatName: 'matroska,webm' })).toBe('unsupported_format');
    expect(reason('video', 'v', { ...mp4, hasVideo: false, width: undefined, height: undefined })).toBe('unsupported_format');
    expect(reason('video', 'v', { ...mp4, videoCodec: 'mjpeg', coverArtOnly: true })).toBe('unsupported_format');
  });

  it('holds each side to 240..4096 px', () => {
    expect(reason('video', 'v', { ...mp4, width: 4097, height: 2160 })).toBe('bad_dimensions');
    expect(reason('video', 'v', { ...mp4, width: 320, height: 200 })).toBe('bad_dimensions');
  });
});

describe('checkMedia: audio', () => {
  it('accepts WAV and MP3 of 2..30 s', () => {
    expect(reason('audio', 'audio_url', wav)).toBeNull();
    expect(reason('audio', 'audio_url', mp3)).toBeNull();
    expect(reason('audio', 'audio_url', { ...mp3, durationSeconds: 30 })).toBeNull();
  });

  it('accepts an MP3 with JPEG or PNG cover art (a video stream that is only a picture)', () => {
    expect(reason('audio', 'audio_url', { ...mp3, hasVideo: true, videoCodec: 'mjpeg', width: 500, height: 500 })).toBeNull();
    expect(reason('audio', 'audio_url', { ...mp3, hasVideo: true, videoCodec: 'png', coverArtOnly: true })).toBeNull();
  });

  it('refuses a real video, AAC/M4A and Ogg as audio', () => {
    expect(reason('audio', 'audio_url', mp4)).toBe('unsupported_format');
    expect(reason('audio', 'audio_url', { ...mp3, formatName: 'mov,mp4,m4a,3gp,3g2,mj2' })).toBe('unsupported_format');
    expect(reason('audio', 'audio_url', { ...mp3, formatName: 'ogg' })).toBe('unsupported_format');
    expect(reason('audio', 'audio_url', { ...mp3, hasAudio: false })).toBe('unsupported_format');
  });

  it('refuses audio shorter than 2 s or longer than 30 s, and more than 15 MB', () => {
    expect(reason('audio', 'audio_url', { ...wav, durationSeconds: 1.5 })).toBe('bad_duration');
    expect(reason('audio', 'audio_url', { ...mp3, durationSeconds: 30.5 })).toBe('bad_duration');
    expect(reason('audio', 'audio_url', { ...mp3, bytes: 15 * 1024 * 1024 + 1 })).toBe('media_too_large');
  });
});
