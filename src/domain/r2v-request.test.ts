import { describe, expect, it } from 'vitest';
import { billedSecondsOf, holdSecondsOf, mapMediaUrls, mediaOf } from './model-registry.js';
import { parseCreateRequest } from './request.js';
import type { R2vRequest } from './r2v-request.js';

const parse = (body: object) => parseCreateRequest({ model: 'wan2.7-r2v', prompt: 'Image 1 waves at Video 1', ...body }, () => 42) as R2vRequest;
const img = (n: number) => `https://e.com/img${n}.png`;
const vid = (n: number) => `https://e.com/vid${n}.mp4`;
const voice = (n: number) => `https://e.com/voice${n}.mp3`;


describe('wan2.7-r2v: validation (family spec section 1)', () => {
  it('fills the documented defaults: 1080P, 5 s, 16:9, prompt_extend on, no watermark', () => {
    expect(parse({ image_urls: [img(1)] })).toMatchObject({
      model: 'wan2.7-r2v',
      mode: 'r2v',
      resolution: '1080P',
      durationSeconds: 5,
      size: '16:9',
      sizeIgnored: false,
      promptExtend: true,
      watermark: false,
      seed: 42,
    });
  });

  it.each([
    ['no prompt', { prompt: undefined, image_urls: [img(1)] }, 'prompt', 'required'],
    ['a blank prompt', { prompt: '   ', image_urls: [img(1)] }, 'prompt', 'required'],
    ['a prompt over 5000 characters', { prompt: 'a'.repeat(5001), image_urls: [img(1)] }, 'prompt', 'too_long'],
    ['a negative prompt over 500 characters', { negative_prompt: 'b'.repeat(501), image_urls: [img(1)] }, 'negative_prompt', 'too_long'],
    ['no reference at all', {}, 'image_with_roles', 'reference_required'],
    ['a first frame alone', { image_with_roles: [{ url: img(1), role: 'first_frame' }] }, 'image_with_roles', 'reference_required'],
    ['six references', { image_urls: [img(1), img(2), img(3)], video_urls: [vid(1), vid(2), vid(3)] }, 'video_urls', 'too_many_references'],
    ['six reference images', { image_urls: [1, 2, 3, 4, 5, 6].map(img) }, 'image_urls', 'too_many'],
    ['two first frames', { image_with_roles: [{ url: img(1) }, { url: img(2), role: 'first_frame' }, { url: img(3), role: 'first_frame' }] }, 'image_with_roles[2].role', 'duplicate_role'],
    ['a voice on the first frame', { image_with_roles: [{ url: img(1) }, { url: img(2), role: 'first_frame', reference_voice: voice(1) }] }, 'image_with_roles[1].reference_voice', 'voice_not_allowed'],
    ['a last_frame role', { image_with_roles: [{ url: img(1) }, { url: img(2), role: 'last_frame' }] }, 'image_with_roles[1].role', 'unsupported_for_model'],
    ['audio_url', { image_urls: [img(1)], audio_url: voice(1) }, 'audio_url', 'unsupported_for_model'],
    ['image_urls with image_with_roles', { image_urls: [img(1)], image_with_roles: [{ url: img(2) }] }, 'image_with_roles', 'mixed_media_not_allowed'],
    ['video_urls with video_with_roles', { video_urls: [vid(1)], video_with_roles: [{ url: vid(2) }] }, 'video_with_roles', 'mixed_media_not_allowed'],
    ['duration 1', { image_urls: [img(1)], duration: 1 }, 'duration', 'out_of_range'],
    ['duration 16', { image_urls: [img(1)], duration: 16 }, 'duration', 'out_of_range'],
    ['duration 11 with a reference video', { video_urls: [vid(1)], duration: 11 }, 'duration', 'out_of_range'],
    ['a fractional duration', { image_urls: [img(1)], duration: 5.5 }, 'duration', 'invalid_type'],
    ['an unknown field', { image_urls: [img(1)], shot_type: 'multi' }, 'shot_type', 'unknown_field'],
    ['an unknown role', { image_with_roles: [{ url: img(1), role: 'background' }] }, 'image_with_roles[0].role', 'invalid_value'],
    ['a voice field on a plain image entry of another shape', { image_with_roles: [{ url: img(1), voice: voice(1) }] }, 'image_with_roles[0].voice', 'unknown_field'],
    ['size and aspect_ratio that disagree', { image_urls: [img(1)], size: '1:1', aspect_ratio: '4:3' }, 'aspect_ratio', 'conflicting_alias'],
  ].map(([what, body, param, reason]) => ({ what, body: body as object, param, reason })))('refuses $what: $param, $reason', ({ body, param, reason }) => {
    expect(() => parse(body)).toThrow(expect.objectContaining({ param, reason }));
  });

  it.each([
    ['duration 2..15 with images only', { image_urls: [img(1)], duration: 15 }, 15],
    ['duration 2 with images only', { image_urls: [img(1)], duration: 2 }, 2],
    ['duration 10 with a reference video', { video_urls: [vid(1)], duration: 10 }, 10],
  ].map(([what, body, seconds]) => ({ what, body: body as object, seconds: seconds as number })))('accepts $what', ({ body, seconds }) => {
    expect(parse(body).durationSeconds).toBe(seconds);
  });

  it('counts five references (images and videos together) and a first frame on top', () => {
    const r = parse({
      image_with_roles: [{ url: img(1) }, { url: img(9), role: 'first_frame' }, { url: img(2), role: 'reference_image' }],
      video_urls: [vid(1), vid(2), vid(3)],
    });
    expect(r.mode).toBe('r2v_first_frame');
    expect(r.referenceImages.map((x) => x.url)).toEqual([img(1), img(2)]);
    expect(r.referenceVideos.map((x) => x.url)).toEqual([vid(1), vid(2), vid(3)]);
    expect(r.firstFrame).toEqual({ url: img(9), param: 'image_with_roles[1].url' });
  });

  it("keeps the caller's order within each kind and each voice with its reference, naming every field", () => {
    const r = parse({
      image_with_roles: [{ url: img(1), reference_voice: voice(1) }, { url: img(2) }],
      video_with_roles: [{ url: vid(1) }, { url: vid(2), reference_voice: voice(2) }],
    });
    expect(r.referenceImages).toEqual([
      { url: img(1), param: 'image_with_roles[0].url', voice: { url: voice(1), param: 'image_with_roles[0].reference_voice' } },
      { url: img(2), param: 'image_with_roles[1].url' },
    ]);
    expect(r.referenceVideos).toEqual([
      { url: vid(1), param: 'video_with_roles[0].url' },
      { url: vid(2), param: 'video_with_roles[1].url', voice: { url: voice(2), param: 'video_with_roles[1].reference_voice' } },
    ]);
    expect(parse({ image_urls: [img(1), img(2)] }).referenceImages).toEqual([
      { url: img(1), param: 'image_urls[0]' },
      { url: img(2), param: 'image_urls[1]' },
    ]);
  });

  it('keeps size, and says it is ignored when a first frame is given', () => {
    expect(parse({ image_urls: [img(1)], aspect_ratio: '9:16' })).toMatchObject({ size: '9:16', sizeIgnored: false });
    expect(parse({ image_with_roles: [{ url: img(1) }, { url: img(2), role: 'first_frame' }], size: '1:1' })).toMatchObject({ size: '1:1', sizeIgnored: true });
  });

  it('lists every medium with its role and field, voices as reference_voice; maps them all', () => {
    const r = parse({
      image_with_roles: [{ url: img(1), reference_voice: voice(1) }, { url: img(9), role: 'first_frame' }],
      video_urls: [vid(1)],
    });
    expect(mediaOf(r).map((m) => [m.role, m.param])).toEqual([
      ['image', 'image_with_roles[1].url'],
      ['image', 'image_with_roles[0].url'],
      ['reference_voice', 'image_with_roles[0].reference_voice'],
      ['reference_video', 'video_urls[0]'],
    ]);
    const mapped = mapMediaUrls(r, (m) => `${m.url}#mapped`) as R2vRequest;
    expect(mediaOf(mapped).every((m) => m.url.endsWith('#mapped'))).toBe(true);
    expect(mapped.referenceImages[0]!.voice!.param).toBe('image_with_roles[0].reference_voice');
  });
});

describe('wan2.7-r2v: billing (family spec section 1)', () => {
  it('holds the output seconds, plus the 5 s reference-video cap when any reference video is given', () => {
    expect(holdSecondsOf(parse({ image_urls: [img(1)], duration: 8 }))).toBe(8);
    expect(holdSecondsOf(parse({ video_urls: [vid(1)], duration: 8 }))).toBe(13);
    expect(holdSecondsOf(parse({ image_urls: [img(1)], video_urls: [vid(1), vid(2)], duration: 10 }))).toBe(15);
  });

  it.each([
    // n videos count min(length, 5/n) each: 1 -> 5, 2 -> 2.5, 3 -> 1.67, 4 -> 1.25, 5 -> 1.
    [[], 5],
    [[3], 8],
    [[30], 10],
    [[2, 8], 5 + 2 + 2.5],
    [[10, 10, 10], 10],
    [[1, 1, 1, 1], 9],
    [[2, 2, 2, 2, 2], 10],
  ])('bills output + capped reference-video seconds: videos %j over 5 s of output = %d s', (lengths, seconds) => {
    const r = parse({ video_urls: lengths.length ? lengths.map((_, i) => vid(i)) : undefined, image_urls: lengths.length ? undefined : [img(1)] });
    expect(billedSecondsOf(r, { outputSeconds: 5, referenceVideoSeconds: lengths })).toBeCloseTo(seconds, 9);
  });
});
