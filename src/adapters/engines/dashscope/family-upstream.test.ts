import { describe, expect, it } from 'vitest';
import { parseCreateRequest } from '../../../domain/request.js';
import { MissingMediaUrlError } from '../upstream/require-media-url.js';
import { ChannelHealth } from './channels.js';
import { classifyHttpError, classifyTaskFailure } from './errors.js';
import { defaultUpstreamModels, toUpstreamCreate } from './to-upstream.js';

const parse = (body: object) => parseCreateRequest({ resolution: '720P', seed: 3, ...body }, () => 1);

describe('toUpstreamCreate: wan2.7-r2v', () => {
  const r = parse({
    model: 'wan2.7-r2v',
    prompt: 'Image 1 and Image 2 meet Video 1',
    image_with_roles: [{ url: 'https://e/i1', reference_voice: 'https://e/v1' }, { url: 'https://e/f', role: 'first_frame' }, { url: 'https://e/i2' }],
    video_with_roles: [{ url: 'https://e/c1', reference_voice: 'https://e/v2' }],
    duration: 4,
  });
  const urls = {
    firstFrame: 'https://cdn/f.png',
    referenceImages: [{ media: 'https://cdn/i1.png', voice: 'https://cdn/v1.mp3' }, { media: 'https://cdn/i2.png' }],
    referenceVideos: [{ media: 'https://cdn/c1.mp4', voice: 'https://cdn/v2.mp3' }],
  };

  it('sends input.media: the first frame, then images and videos in the caller\'s order, each with its voice; no ratio with a first frame', () => {
    expect(toUpstreamCreate(r, urls)).toEqual({
      model: 'wan2.7-r2v',
      input: {
        prompt: 'Image 1 and Image 2 meet Video 1',
        media: [
          { type: 'first_frame', url: 'https://cdn/f.png' },
          { type: 'reference_image', url: 'https://cdn/i1.png', reference_voice: 'https://cdn/v1.mp3' },
          { type: 'reference_image', url: 'https://cdn/i2.png' },
          { type: 'reference_video', url: 'https://cdn/c1.mp4', reference_voice: 'https://cdn/v2.mp3' },
        ],
      },
      parameters: { resolution: '720P', duration: 4, prompt_extend: true, watermark: false, seed: 3 },
    });
  });

  it('sends the ratio without a first frame, and the configured model id', () => {
    const body = toUpstreamCreate(parse({ model: 'wan2.7-r2v', prompt: 'x', image_urls: ['https://e/i'], size: '1:1' }), { referenceImages: [{ media: 'I' }] }, {
      ...defaultUpstreamModels,
      r2v: 'wan2.7-r2v-2026-06-12',
    });
    expect(body).toMatchObject({ model: 'wan2.7-r2v-2026-06-12', parameters: { ratio: '1:1' } });
  });

  it('refuses a job without a URL for every reference', () => {
    expect(() => toUpstreamCreate(r, { ...urls, referenceImages: [urls.referenceImages[0]!] })).toThrow(MissingMediaUrlError);
  });
});

describe('toUpstreamCreate: wan2.7-videoedit', () => {
  it('sends the source video then the reference images; duration 0 and audio_setting; no ratio unless asked', () => {
    const r = parse({ model: 'wan2.7-videoedit', video_urls: ['https://e/v', 'https://e/ignored'], image_urls: ['https://e/a', 'https://e/b'], negative_prompt: 'blur' });
    expect(toUpstreamCreate(r, { video: 'V', referenceImages: [{ media: 'A' }, { media: 'B' }] })).toEqual({
      model: 'wan2.7-videoedit',
      input: {
        negative_prompt: 'blur',
        media: [
          { type: 'video', url: 'V' },
          { type: 'reference_image', url: 'A' },
          { type: 'reference_image', url: 'B' },
        ],
      },
      parameters: { resolution: '720P', duration: 0, audio_setting: 'auto', prompt_extend: true, watermark: false, seed: 3 },
    });
    const cut = toUpstreamCreate(parse({ model: 'wan2.7-videoedit', video_urls: ['https://e/v'], duration: 4, size: '9:16', audio_setting: 'origin' }), { video: 'V' });
    expect(cut.parameters).toMatchObject({ ratio: '9:16', duration: 4, audio_setting: 'origin' });
  });
});

describe('errors of the family', () => {
  it('"Model not exist." sets the channel aside for that model only; a FAILED task saying so is final', () => {
    expect(classifyHttpError('create', { httpStatus: 404, code: 'InvalidParameter', message: 'Model not exist.' })).toMatchObject({ kind: 'channel_broken', modelOnly: true });
    expect(classifyHttpError('create', { httpStatus: 401, code: 'InvalidApiKey', message: 'bad' })).not.toHaveProperty('modelOnly');
    expect(classifyTaskFailure('InvalidParameter', 'Model not exist.')).toMatchObject({ retryable: false, code: 'upstream_unavailable', reason: 'model_not_available' });
  });

  it('"Field required: input.media" is a final parameter failure at create and on the first poll', () => {
    expect(classifyHttpError('create', { httpStatus: 400, code: 'InvalidParameter', message: 'Field required: input.media' })).toMatchObject({ kind: 'permanent', reason: 'upstream_invalid_parameter' });
    expect(classifyTaskFailure('InvalidParameter', 'Field required: input.media')).toMatchObject({ retryable: false, reason: 'upstream_invalid_parameter' });
  });

  it('InvalidParameter.DataInspection says the medium could not be downloaded and must be public', () => {
    const atCreate = classifyHttpError('create', { httpStatus: 400, code: 'InvalidParameter.DataInspection', message: 'Failed to find the requested media resource' });
    expect(atCreate).toMatchObject({ kind: 'permanent', reason: 'upstream_invalid_parameter' });
    expect(atCreate.message).toContain('publicly reachable');
    expect(classifyTaskFailure('InvalidParameter.DataInspection', 'download failed').message).toContain('publicly reachable');
  });

  it('a channel lacking one model may still serve the others, until the mark runs out', () => {
    const h = new ChannelHealth();
    h.markModelMissing('intl', 'wan2.7-r2v', 1000);
    expect(h.mayServe('intl', 'wan2.7-r2v', 999)).toBe(false);
    expect(h.mayServe('intl', 'wan2.7-t2v', 999)).toBe(true);
    expect(h.usable('intl', 999)).toBe(true);
    expect(h.mayServe('intl', 'wan2.7-r2v', 1000)).toBe(true);
  });
});
