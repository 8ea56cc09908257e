import { describe, expect, it } from 'vitest';
import { buildBody, checkBody, emptyForm, quote } from './playground-request.js';
import type { Model } from '../types.js';

const model = {
  modes: [
    { id: 't2v', name: 'text-to-video', requires: [], accepts: [] },
    { id: 'i2v_first_frame', name: 'first frame', requires: [], accepts: [] },
    { id: 'i2v_first_last', name: 'first + last frame', requires: [], accepts: [] },
    { id: 'video_continuation', name: 'continuation', requires: [], accepts: [] },
  ],
  pricing: { currency: 'USD', unit: 'second', minor_per_major: 10_000, per_second: { '720P': { amount: '0.10', amount_minor: 1000 }, '1080P': { amount: '0.15', amount_minor: 1500 } } },
  defaults: { duration: 5, size: '16:9', prompt_extend: true, watermark: false },
  default_resolution: '1080P',
} as unknown as Model;

const form = (over: Partial<ReturnType<typeof emptyForm>>) => ({ ...emptyForm(model), ...over });

describe('the playground request', () => {
  it('sends the aspect ratio for text-to-video only, and a seed only when given', () => {
    expect(buildBody(form({ prompt: 'a cat', size: '1:1' }))).toEqual({
      model: 'wan2.7',
      prompt: 'a cat',
      resolution: '1080P',
      duration: 5,
      size: '1:1',
      prompt_extend: true,
      watermark: false,
    });
    const i2v = buildBody(form({ firstFrame: 'https://x/a.png', size: '1:1', seed: '7' }));
    expect(i2v).not.toHaveProperty('size');
    expect(i2v).toMatchObject({ image_with_roles: [{ url: 'https://x/a.png', role: 'first_frame' }], seed: 7 });
  });

  it('routes and refuses exactly as the server does', () => {
    expect(checkBody(buildBody(form({ prompt: 'x' })), model)).toMatchObject({ ok: true, modeName: 'text-to-video' });
    expect(checkBody(buildBody(form({ firstFrame: 'https://x/a.png', audio: 'https://x/a.mp3' })), model)).toMatchObject({ ok: true, modeName: 'first frame + audio' });
    expect(checkBody(buildBody(form({ lastFrame: 'https://x/b.png' })), model)).toMatchObject({ ok: false, param: 'image_with_roles' });
    expect(checkBody(buildBody(form({ video: 'https://x/c.mp4', audio: 'https://x/a.mp3' })), model)).toMatchObject({ ok: false, param: 'audio_url' });
    expect(checkBody(buildBody(form({ prompt: 'x', duration: '1' })), model)).toMatchObject({ ok: false, param: 'duration' });
    expect(checkBody(buildBody(form({})), model)).toMatchObject({ ok: false, param: 'prompt' });
  });

  it('quotes price per second x seconds in integer minor units', () => {
    expect(quote(model, '720P', 7)).toBe(7000);
    expect(quote(model, '1080P', 15)).toBe(22_500);
    expect(quote(model, '720P', 2.5)).toBeUndefined();
    expect(quote(undefined, '720P', 5)).toBeUndefined();
  });
});
