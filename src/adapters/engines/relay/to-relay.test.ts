import { describe, expect, it } from 'vitest';
import type { UnifiedRequest } from '../../../domain/request.js';
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
