import { describe, expect, it } from 'vitest';
import type { ProbedMedia } from './media-rules.js';
import { billedSecondsOf, checkProbedMedia, holdSecondsOf, mediaOf, outputSecondsOf } from './model-registry.js';
import { parseCreateRequest } from './request.js';
import { billableSeconds, billedCostMinor } from './pricing.js';
import type { VideoEditRequest } from './videoedit-request.js';

const source = 'https://e.com/dance.mp4';
const parse = (body: object) => parseCreateRequest({ model: 'wan2.7-videoedit', video_urls: [source], ...body }, () => 7) as VideoEditRequest;
const img = (n: number) => `https://e.com/img${n}.png`;


const clip = (durationSeconds: number): { video: { probe: ProbedMedia } } => ({
  video: { probe: { formatName: 'mov,mp4', bytes: 1, width: 640, height: 360, durationSeconds, hasVideo: true, hasAudio: true } },
});

describe('wan2.7-videoedit: validation (family spec section 2)', () => {
  it('fills the documented defaults: keep the source length, follow its aspect, audio auto, 1080P', () => {
    const r = parse({});
    expect(r).toMatchObject({ mode: 'video_edit', resolution: '1080P', durationSeconds: 0, sizeIgnored: false, audioSetting: 'auto', promptExtend: true, seed: 7 });
    expect(r.size).toBeUndefined();
    expect(r.prompt).toBeUndefined();
    expect(r.video).toEqual({ url: source, param: 'video_urls[0]' });
  });

  it('takes the prompt, up to 4 reference images (either form), a size, a cut and origin audio', () => {
    const r = parse({ prompt: 'Replace her jacket', image_urls: [img(1), img(2)], size: '9:16', duration: 4, audio_setting: 'origin' });
    expect(r).toMatchObject({ prompt: 'Replace her jacket', size: '9:16', durationSeconds: 4, audioSetting: 'origin' });
    expect(r.referenceImages).toEqual([
      { url: img(1), param: 'image_urls[0]' },
      { url: img(2), param: 'image_urls[1]' },
    ]);
    expect(parse({ image_with_roles: [{ url: img(3) }, { url: img(4), role: 'reference_image' }] }).referenceImages.map((x) => x.param)).toEqual([
      'image_with_roles[0].url',
      'image_with_roles[1].url',
    ]);
  });

  it('uses only the first of several videos', () => {
    const r = parse({ video_urls: [source, 'https://e.com/ignored.mp4'] });
    expect(mediaOf(r).map((m) => m.url)).toEqual([source]);
  });

  it.each([
    ['no video', { video_urls: undefined }, 'video_urls', 'required'],
    ['an empty video list', { video_urls: [] }, 'video_urls', 'too_few'],
    ['five reference images', { image_urls: [1, 2, 3, 4, 5].map(img) }, 'image_urls', 'too_many'],
    ['duration 1', { duration: 1 }, 'duration', 'out_of_range'],
    ['duration 11', { duration: 11 }, 'duration', 'out_of_range'],
    ['a negative duration', { duration: -1 }, 'duration', 'out_of_range'],
    ['an unknown audio_setting', { audio_setting: 'mute' }, 'audio_setting', 'invalid_value'],
    ['audio_url', { audio_url: 'https://e.com/a.mp3' }, 'audio_url', 'unsupported_for_model'],
    ['a first_frame role', { image_with_roles: [{ url: img(1), role: 'first_frame' }] }, 'image_with_roles[0].role', 'unsupported_for_model'],
    ['a last_frame role', { image_with_roles: [{ url: img(1) }, { url: img(2), role: 'last_frame' }] }, 'image_with_roles[1].role', 'unsupported_for_model'],
    ['video_with_roles', { video_with_roles: [{ url: source }] }, 'video_with_roles', 'unsupported_for_model'],
    ['image_urls with image_with_roles', { image_urls: [img(1)], image_with_roles: [{ url: img(2) }] }, 'image_with_roles', 'mixed_media_not_allowed'],
    ['a reference voice', { image_with_roles: [{ url: img(1), reference_voice: 'https://e.com/v.mp3' }] }, 'image_with_roles[0].reference_voice', 'unknown_field'],
    ['a prompt over 5000 characters', { prompt: 'a'.repeat(5001) }, 'prompt', 'too_long'],
  ].map(([what, body, param, reason]) => ({ what, body: body as object, param, reason })))('refuses $what: $param, $reason', ({ body, param, reason }) => {
    expect(() => parse(body)).toThrow(expect.objectContaining({ param, reason }));
  });

  it('after probing: a cut longer than the source is duration_too_long; up to its length is fine', () => {
    expect(checkProbedMedia(parse({ duration: 6 }), clip(5.02))).toMatchObject({ param: 'duration', reason: 'duration_too_long' });
    expect(checkProbedMedia(parse({ duration: 5 }), clip(5.02))).toBeNull();
    expect(checkProbedMedia(parse({ duration: 0 }), clip(2))).toBeNull();
  });

  it('outputs the cut length, or the source length when duration is 0', () => {
    expect(outputSecondsOf(parse({ duration: 4 }), 7.5)).toBe(4);
    expect(outputSecondsOf(parse({}), 7.5)).toBe(7.5);
  });
});

describe('wan2.7-videoedit: billing (family spec section 2)', () => {
  it('holds 10 s of source plus the output: 20 s when the output follows the source', () => {
    expect(holdSecondsOf(parse({}))).toBe(20);
    expect(holdSecondsOf(parse({ duration: 4 }))).toBe(14);
    expect(holdSecondsOf(parse({ duration: 10 }))).toBe(20);
  });

  it('bills input + output seconds; without a probed source, the output length stands in for it', () => {
    expect(billedSecondsOf(parse({}), { outputSeconds: 5.02, sourceVideoSeconds: 5.02 })).toBeCloseTo(10.04, 9);
    expect(billedSecondsOf(parse({ duration: 3 }), { outputSeconds: 3, sourceVideoSeconds: 8 })).toBe(11);
    expect(billedSecondsOf(parse({}), { outputSeconds: 6 })).toBe(12);
  });

  it('rounds fractional billed seconds up to the whole second, in integer minor units, never above the hold', () => {
    expect(billableSeconds(10.04)).toBe(11);
    expect(billableSeconds(10)).toBe(10);
    expect(billableSeconds(10.0000001)).toBe(10);
    expect(billableSeconds((5 / 3) * 3)).toBe(5);
    // 1080P at 1500 minor units per second, hold 20 s = 30000.
    expect(billedCostMinor(30_000, 20, 10.04)).toBe(16_500);
    expect(billedCostMinor(30_000, 20, 20)).toBe(30_000);
    expect(billedCostMinor(30_000, 20, 25)).toBe(30_000);
    expect(Number.isInteger(billedCostMinor(7_777, 13, 9.37))).toBe(true);
  });
});
