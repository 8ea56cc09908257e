import { describe, expect, it } from 'vitest';
import type { UnifiedRequest } from '../../../domain/request.js';
import { parseCreateRequest } from '../../../domain/request.js';
import { fromRelayTask, toRelayCreate } from './to-relay.js';
import { MissingMediaUrlError } from '../upstream/require-media-url.js';

const base: UnifiedRequest = {
  model: 'wan2.7',
  mode: 't2v',
  prompt: 'a fox',
  resolution: '720P',
  durationSeconds: 4,
  size: '1:1',
  sizeIgnored: false,
  promptExtend: false,
  watermark: true,
  seed: 9,
};

describe('toRelayCreate', () => {
  it('forwards text-to-video with every parameter explicit and no callback', () => {
    expect(toRelayCreate({ ...base, callbackUrl: 'https://me/hook' }, {})).toEqual({
      model: 'wan2.7',
      prompt: 'a fox',
      resolution: '720P',
      duration: 4,
      size: '1:1',
      prompt_extend: false,
      watermark: true,
      seed: 9,
    });
  });
  it('passes the media URLs of each image-to-video mode through', () => {
    expect(toRelayCreate({ ...base, mode: 'i2v_first_last', firstFrameUrl: 'x', lastFrameUrl: 'y', audioUrl: 'z' }, { firstFrame: 'F', lastFrame: 'L', audio: 'A' })).toMatchObject({
      image_urls: ['F', 'L'],
      audio_url: 'A',
    });
    const vc = toRelayCreate({ ...base, mode: 'video_continuation', videoUrl: 'v', lastFrameUrl: 'y' }, { video: 'V', lastFrame: 'L' });
    expect(vc).toMatchObject({ video_urls: ['V'], image_with_roles: [{ url: 'L', role: 'last_frame' }] });
    expect(vc).not.toHaveProperty('size');
    expect(() => toRelayCreate({ ...base, mode: 'i2v_first_frame', firstFrameUrl: 'x' }, {})).toThrow(MissingMediaUrlError);
  });
});

describe('fromRelayTask', () => {
  it('reads a completed task: result URL, progress, actual prompt', () => {
    const v = fromRelayTask('t', { code: 200, data: { status: 'completed', progress: 100, actual_prompt: 'p', result: { videos: [{ url: ['https://up/x.mp4'] }] } } });
    expect(v).toEqual({ taskId: 't', status: 'SUCCEEDED', progress: 100, videoUrl: 'https://up/x.mp4', actualPrompt: 'p' });
  });
  it('keeps polling unknown statuses and marks client-caused failures', () => {
    expect(fromRelayTask('t', { data: { status: 'warming_up' } }).status).toBe('RUNNING');
    expect(fromRelayTask('t', { data: { status: 'failed', error: { code: 400, message: 'bad image', reason: 'unsupported_format' } } })).toMatchObject({
      status: 'FAILED',
      errorCode: 'client:unsupported_format',
      errorMessage: 'bad image',
    });
  });
});

describe('toRelayCreate: the family passes through', () => {
  const parse = (body: object) => parseCreateRequest({ resolution: '720P', seed: 3, ...body }, () => 1);

  it('r2v: references as image_with_roles with their voices, the first frame, video_urls; no size with a first frame', () => {
    const r = parse({ model: 'wan2.7-r2v', prompt: 'p', image_with_roles: [{ url: 'https://e/a', reference_voice: 'https://e/v' }, { url: 'https://e/f', role: 'first_frame' }], video_urls: ['https://e/c'], duration: 3 });
    expect(toRelayCreate(r, { firstFrame: 'F', referenceImages: [{ media: 'A', voice: 'V' }], referenceVideos: [{ media: 'C' }] })).toEqual({
      model: 'wan2.7-r2v',
      prompt: 'p',
      image_with_roles: [
        { url: 'A', role: 'reference_image', reference_voice: 'V' },
        { url: 'F', role: 'first_frame' },
      ],
      video_urls: ['C'],
      resolution: '720P',
      duration: 3,
      prompt_extend: true,
      watermark: false,
      seed: 3,
    });
    const voiced = parse({ model: 'wan2.7-r2v', prompt: 'p', video_with_roles: [{ url: 'https://e/c', reference_voice: 'https://e/v' }] });
    expect(toRelayCreate(voiced, { referenceVideos: [{ media: 'C', voice: 'V' }] })).toMatchObject({ video_with_roles: [{ url: 'C', reference_voice: 'V' }], size: '16:9' });
  });

  it('videoedit: the source, the reference images, duration, size when asked, audio_setting', () => {
    const r = parse({ model: 'wan2.7-videoedit', video_urls: ['https://e/v'], image_urls: ['https://e/a'], duration: 4, audio_setting: 'origin' });
    expect(toRelayCreate(r, { video: 'V', referenceImages: [{ media: 'A' }] })).toEqual({
      model: 'wan2.7-videoedit',
      video_urls: ['V'],
      image_urls: ['A'],
      resolution: '720P',
      duration: 4,
      audio_setting: 'origin',
      prompt_extend: true,
      watermark: false,
      seed: 3,
    });
  });
});
