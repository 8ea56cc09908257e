import { describe, expect, it } from 'vitest';
import type { UnifiedRequest } from '../../../domain/request.js';
import { MissingMediaUrlError } from '../upstream/require-media-url.js';
import { toUpstreamCreate } from './to-upstream.js';

function request(overrides: Partial<UnifiedRequest> = {}): UnifiedRequest {
  return {
    model: 'wan2.7',
    mode: 't2v',
    prompt: 'A heron in the mist',
    resolution: '1080P',
    durationSeconds: 5,
    size: '16:9',
    sizeIgnored: false,
    promptExtend: true,
    watermark: false,
    seed: 7,
    ...overrides,
  };
}

describe('toUpstreamCreate', () => {
  it('sends text-to-video to wan2.7-t2v with every parameter explicit, ratio from size', () => {
    const body = toUpstreamCreate(request({ negativePrompt: 'blur', size: '9:16', resolution: '720P', durationSeconds: 3, promptExtend: false, watermark: true, seed: 0 }), {});
    expect(body).toEqual({
      model: 'wan2.7-t2v',
      input: { prompt: 'A heron in the mist', negative_prompt: 'blur' },
      parameters: { resolution: '720P', ratio: '9:16', duration: 3, prompt_extend: false, watermark: true, seed: 0 },
    });
  });

  it('passes text-to-video background music as input.audio_url', () => {
    const body = toUpstreamCreate(request({ audioUrl: 'https://x/a.mp3' }), { audio: 'https://cdn/a.mp3' });
    expect(body.input).toEqual({ prompt: 'A heron in the mist', audio_url: 'https://cdn/a.mp3' });
  });

  it('sends a first frame (+ driving audio) to wan2.7-i2v without ratio', () => {
    const body = toUpstreamCreate(request({ mode: 'i2v_first_frame', firstFrameUrl: 'u1', audioUrl: 'a1', sizeIgnored: true }), {
      firstFrame: 'https://cdn/f.png',
      audio: 'https://cdn/a.wav',
    });
    expect(body).toEqual({
      model: 'wan2.7-i2v',
      input: {
        prompt: 'A heron in the mist',
        media: [
          { type: 'first_frame', url: 'https://cdn/f.png' },
          { type: 'driving_audio', url: 'https://cdn/a.wav' },
        ],
      },
      parameters: { resolution: '1080P', duration: 5, prompt_extend: true, watermark: false, seed: 7 },
    });
    expect(body.parameters).not.toHaveProperty('ratio');
  });

  it('sends first + last frame, and a continuation clip (+ last frame)', () => {
    const fl = toUpstreamCreate(request({ mode: 'i2v_first_last', firstFrameUrl: 'a', lastFrameUrl: 'b', prompt: undefined }), { firstFrame: 'F', lastFrame: 'L' });
    expect(fl.input).toEqual({ media: [{ type: 'first_frame', url: 'F' }, { type: 'last_frame', url: 'L' }] });
    const vc = toUpstreamCreate(request({ mode: 'video_continuation', videoUrl: 'v', lastFrameUrl: 'b' }), { video: 'V', lastFrame: 'L' });
    expect(vc.input.media).toEqual([{ type: 'first_clip', url: 'V' }, { type: 'last_frame', url: 'L' }]);
  });

  it('refuses an image-to-video job without the URL its mode needs', () => {
    expect(() => toUpstreamCreate(request({ mode: 'i2v_first_frame', firstFrameUrl: 'x' }), {})).toThrow(MissingMediaUrlError);
  });
});
