import { describe, expect, it } from 'vitest';
import { AppError } from './errors.js';
import { parseCreateRequest } from './request.js';
import type { UnifiedRequest } from './request.js';

const seed = () => 42;
const parse = (body: unknown) => parseCreateRequest(body, seed) as UnifiedRequest;

function rejection(body: unknown): AppError {
  try {
    parse(body);
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    return e as AppError;
  }
  throw new Error('expected a rejection');
}

describe('create request validation', () => {
  it('fills the documented defaults for a minimal text-to-video request', () => {
    const r = parse({ model: 'wan2.7', prompt: 'a cat' });
    expect(r).toMatchObject({ mode: 't2v', resolution: '1080P', durationSeconds: 5, size: '16:9', promptExtend: true, watermark: false, seed: 42 });
  });

  it('accepts lower-case resolution and normalises it to upper case', () => {
    expect(parse({ model: 'wan2.7', prompt: 'x', resolution: '720p' }).resolution).toBe('720P');
  });

  it('rejects a model other than wan2.7 naming the model field', () => {
    expect(rejection({ model: 'wan2.6', prompt: 'x' })).toMatchObject({ param: 'model', reason: 'invalid_value' });
  });

  it('rejects unknown fields naming the field', () => {
    expect(rejection({ model: 'wan2.7', prompt: 'x', promt: 'typo' })).toMatchObject({ param: 'promt', reason: 'unknown_field' });
  });

  it('requires a prompt for text-to-video', () => {
    expect(rejection({ model: 'wan2.7' })).toMatchObject({ param: 'prompt', reason: 'required' });
  });

  it('limits prompt to 5000 and negative_prompt to 500 characters', () => {
    expect(parse({ model: 'wan2.7', prompt: 'a'.repeat(5000) }).prompt).toHaveLength(5000);
    expect(rejection({ model: 'wan2.7', prompt: 'a'.repeat(5001) })).toMatchObject({ param: 'prompt', reason: 'too_long' });
    expect(rejection({ model: 'wan2.7', prompt: 'a', negative_prompt: 'b'.repeat(501) })).toMatchObject({ param: 'negative_prompt', reason: 'too_long' });
  });

  it('accepts durations 2..15 and rejects others and non-integers', () => {
    expect(parse({ model: 'wan2.7', prompt: 'x', duration: 2 }).durationSeconds).toBe(2);
    expect(parse({ model: 'wan2.7', prompt: 'x', duration: 15 }).durationSeconds).toBe(15);
    for (const duration of [1, 16, 2.5, '5', null]) {
      expect(rejection({ model: 'wan2.7', prompt: 'x', duration }).param).toBe('duration');
    }
  });

  it('bounds seed to 0..2147483647', () => {
    expect(parse({ model: 'wan2.7', prompt: 'x', seed: 0 }).seed).toBe(0);
    expect(parse({ model: 'wan2.7', prompt: 'x', seed: 2147483647 }).seed).toBe(2147483647);
    expect(rejection({ model: 'wan2.7', prompt: 'x', seed: -1 })).toMatchObject({ param: 'seed', reason: 'out_of_range' });
    expect(rejection({ model: 'wan2.7', prompt: 'x', seed: 2147483648 })).toMatchObject({ param: 'seed', reason: 'out_of_range' });
  });

  it('accepts aspect_ratio as an alias of size and rejects disagreeing values', () => {
    expect(parse({ model: 'wan2.7', prompt: 'x', aspect_ratio: '9:16' }).size).toBe('9:16');
    expect(parse({ model: 'wan2.7', prompt: 'x', size: '1:1', aspect_ratio: '1:1' }).size).toBe('1:1');
    expect(rejection({ model: 'wan2.7', prompt: 'x', size: '1:1', aspect_ratio: '4:3' })).toMatchObject({ param: 'aspect_ratio', reason: 'conflicting_alias' });
    expect(rejection({ model: 'wan2.7', prompt: 'x', size: '2:1' })).toMatchObject({ param: 'size' });
  });

  it('accepts webhook as an alias of callback_url', () => {
    expect(parse({ model: 'wan2.7', prompt: 'x', webhook: 'https://example.com/h' }).callbackUrl).toBe('https://example.com/h');
  });

  it('says size is ignored for image-to-video', () => {
    const r = parse({ model: 'wan2.7', image_urls: ['https://e.com/a.png'], size: '1:1' });
    expect(r.sizeIgnored).toBe(true);
  });

  it('rejects a media value that is not an http(s) URL, a data: URI or a file id, naming the field', () => {
    const png = 'data:image/png;base64,iVBORw0KGgo=';
    for (const value of ['HTTPS://e.com/a.png', 'http://e.com/a.png', png, `file_${'0'.repeat(26)}`]) expect(parse({ model: 'wan2.7', image_urls: [value] }).firstFrameUrl).toBe(value);
    expect(rejection({ model: 'wan2.7', image_urls: ['ftp://e.com/a.png'] })).toMatchObject({ param: 'image_urls[0]', reason: 'unsupported_url_scheme' });
    expect(rejection({ model: 'wan2.7', image_urls: ['https://e.com/a.png', 'file:///etc/passwd'] })).toMatchObject({ param: 'image_urls[1]', reason: 'unsupported_url_scheme' });
    expect(rejection({ model: 'wan2.7', image_with_roles: [{ url: 'gopher://e.com/a' }] })).toMatchObject({ param: 'image_with_roles[0].url', reason: 'unsupported_url_scheme' });
    expect(rejection({ model: 'wan2.7', video_urls: ['e.com/v.mp4'] })).toMatchObject({ param: 'video_urls[0]', reason: 'unsupported_url_scheme' });
    expect(rejection({ model: 'wan2.7', image_urls: ['https://e.com/a.png'], audio_url: 'javascript:alert(1)' })).toMatchObject({ param: 'audio_url', reason: 'unsupported_url_scheme' });
  });

  it('rejects a non-object body', () => {
    for (const body of [null, [], 'x', 3]) expect(rejection(body)).toMatchObject({ param: 'body', reason: 'invalid_type' });
  });
});

describe('mode routing', () => {
  const img = 'https://e.com/a.png';
  const img2 = 'https://e.com/b.png';
  const vid = 'https://e.com/v.mp4';
  const aud = 'https://e.com/a.mp3';

  it('routes the six valid image-to-video combinations', () => {
    expect(parse({ model: 'wan2.7', image_urls: [img] }).mode).toBe('i2v_first_frame');
    expect(parse({ model: 'wan2.7', image_urls: [img], audio_url: aud }).mode).toBe('i2v_first_frame');
    expect(parse({ model: 'wan2.7', image_urls: [img, img2] })).toMatchObject({ mode: 'i2v_first_last', firstFrameUrl: img, lastFrameUrl: img2 });
    expect(parse({ model: 'wan2.7', image_urls: [img, img2], audio_url: aud }).mode).toBe('i2v_first_last');
    expect(parse({ model: 'wan2.7', video_urls: [vid, 'https://e.com/ignored.mp4'] })).toMatchObject({ mode: 'video_continuation', videoUrl: vid });
    expect(parse({ model: 'wan2.7', video_urls: [vid], image_with_roles: [{ url: img, role: 'last_frame' }] })).toMatchObject({
      mode: 'video_continuation',
      lastFrameUrl: img,
    });
  });

  it('defaults image_with_roles role to first_frame', () => {
    expect(parse({ model: 'wan2.7', image_with_roles: [{ url: img }] })).toMatchObject({ mode: 'i2v_first_frame', firstFrameUrl: img });
  });

  it('rejects the other combinations as mixed_media_not_allowed', () => {
    expect(rejection({ model: 'wan2.7', video_urls: [vid], image_urls: [img] }).reason).toBe('mixed_media_not_allowed');
    expect(rejection({ model: 'wan2.7', video_urls: [vid], audio_url: aud }).reason).toBe('mixed_media_not_allowed');
    expect(rejection({ model: 'wan2.7', image_with_roles: [{ url: img, role: 'last_frame' }] }).reason).toBe('mixed_media_not_allowed');
    expect(rejection({ model: 'wan2.7', image_urls: [img], image_with_roles: [{ url: img }] }).reason).toBe('mixed_media_not_allowed');
  });

  it('rejects more than two images and a repeated role', () => {
    expect(rejection({ model: 'wan2.7', image_urls: [img, img, img] })).toMatchObject({ param: 'image_urls', reason: 'too_many' });
    expect(rejection({ model: 'wan2.7', image_with_roles: [{ url: img }, { url: img2 }] })).toMatchObject({
      param: 'image_with_roles[1].role',
      reason: 'duplicate_role',
    });
  });
});
