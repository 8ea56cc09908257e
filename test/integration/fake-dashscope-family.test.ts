/**
 * The DashScope simulator speaks wan2.7-r2v and wan2.7-videoedit as the family spec (section 3) documents
 * them: the documented bodies are accepted and billed by the documented rules (fractional seconds for
 * videoedit), anything else is refused like the service refuses it, and a region without the model
 * answers "Model not exist.".
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type FakeDashscope, type FakeDashscopeOptions, startFakeDashscope } from '../../src/dev/fake-dashscope/fake-dashscope.js';

const CREATE = '/api/v1/services/aigc/video-generation/video-synthesis';
const T0 = Date.UTC(2026, 0, 1, 4, 0, 0, 0);
let clock = T0;
const running: FakeDashscope[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((f) => f.close()));
});

async function start(extra: Partial<FakeDashscopeOptions> = {}): Promise<FakeDashscope> {
  clock = T0;
  const fake = await startFakeDashscope({
    keys: [{ key: 'sk-bj', account: 'bj' }, { key: 'sk-intl', account: 'intl', missingModels: ['wan2.7-r2v', 'wan2.7-videoedit'] }],
    pendingMs: 1000,
    runningMs: 3000,
    nowMs: () => clock,
    ...extra,
  });
  running.push(fake);
  return fake;
}

async function call(fake: FakeDashscope, method: string, url: string, key: string, body?: unknown) {
  const res = await fetch(`${fake.url}${url}`, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}`, 'x-dashscope-async': 'enable' },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  return { status: res.status, text: await res.clone().text(), body: (await res.json()) as Record<string, any> };
}

/** Creates, then reads the task once it ended (the clock moved past its render). */
async function run(fake: FakeDashscope, body: unknown, key = 'sk-bj') {
  const created = await call(fake, 'POST', CREATE, key, body);
  if (created.status !== 200) return { created, ended: undefined };
  clock += 10_000;
  return { created, ended: await call(fake, 'GET', `/api/v1/tasks/${created.body.output.task_id}`, key) };
}

const img = (n: number) => `https://cdn.example.com/img${n}.png`;
const vid = (n: number, seconds?: number) => `https://cdn.example.com/vid${n}.mp4${seconds === undefined ? '' : `?fake_duration=${seconds}`}`;
const r2v = (media: unknown[], parameters: Record<string, unknown> = {}) => ({
  model: 'wan2.7-r2v',
  input: { prompt: 'Image 1 hands Video 1 a guitar', media },
  parameters: { resolution: '720P', ratio: '16:9', duration: 5, prompt_extend: false, watermark: false, seed: 1, ...parameters },
});
const edit = (media: unknown[], parameters: Record<string, unknown> = {}) => ({
  model: 'wan2.7-videoedit',
  input: { prompt: 'Replace the jacket', media },
  parameters: { resolution: '720P', duration: 0, audio_setting: 'origin', prompt_extend: true, watermark: false, seed: 2, ...parameters },
});

describe('simulator: wan2.7-r2v', () => {
  it('accepts the documented body and bills output + reference-video seconds, 5 s at most for the videos', async () => {
    const fake = await start();
    const media = [
      { type: 'reference_image', url: img(1), reference_voice: 'https://cdn.example.com/v.mp3?fake_duration=4' },
      { type: 'reference_video', url: vid(1, 4) },
      { type: 'reference_video', url: vid(2, 1.5) },
    ];
    const { ended } = await run(fake, r2v(media));
    expect(ended!.body.output.task_status).toBe('SUCCEEDED');
    // Two videos count min(length, 2.5) each: 2.5 + 1.5 = 4 s of input, 5 s of output.
    expect(ended!.body.usage).toMatchObject({ duration: 9, input_video_duration: 4, output_video_duration: 5, SR: 720, ratio: '16:9', video_count: 1 });
    expect(fake.createBody(fake.tasks()[0]!.taskId)).toEqual(r2v(media));
  });

  it('reports the output of a first-frame task without a ratio, and accepts a dated snapshot', async () => {
    const fake = await start();
    const { ended } = await run(fake, { ...r2v([{ type: 'first_frame', url: img(9) }, { type: 'reference_image', url: img(1) }], { ratio: undefined }), model: 'wan2.7-r2v-2026-06-12' });
    expect(ended!.body.output.task_status).toBe('SUCCEEDED');
    expect(ended!.body.usage.ratio).toBeUndefined();
    expect(fake.tasks()[0]!.model).toBe('wan2.7-r2v-2026-06-12');
  });

  it.each([
    ['no media', { model: 'wan2.7-r2v', input: { prompt: 'x' } }, 'Field required: input.media'],
    ['a first frame alone', r2v([{ type: 'first_frame', url: img(1) }]), 'at least one reference'],
    ['six references', r2v([1, 2, 3, 4, 5, 6].map((n) => ({ type: 'reference_image', url: img(n) }))), 'at most 5'],
    ['two first frames', r2v([{ type: 'first_frame', url: img(1) }, { type: 'first_frame', url: img(2) }, { type: 'reference_image', url: img(3) }]), 'more than one first_frame'],
    ['a voice on the first frame', r2v([{ type: 'first_frame', url: img(1), reference_voice: 'https://x/v.mp3' }, { type: 'reference_image', url: img(2) }]), 'reference_voice is only allowed'],
    ['an i2v media type', r2v([{ type: 'first_clip', url: vid(1) }]), 'type must be one of'],
    ['an unknown media field', r2v([{ type: 'reference_image', url: img(1), role: 'x' }]), 'role is not a valid field'],
    ['11 s with a reference video', r2v([{ type: 'reference_video', url: vid(1) }], { duration: 11 }), 'duration must be an integer in [2, 10]'],
    ['a reference video over 30 s', r2v([{ type: 'reference_video', url: vid(1, 31) }]), 'must last 1 to 30 seconds'],
    ['a voice over 10 s', r2v([{ type: 'reference_image', url: img(1), reference_voice: 'https://x/v.mp3?fake_duration=11' }]), 'must last 1 to 10 seconds'],
    ['input.audio_url', { ...r2v([{ type: 'reference_image', url: img(1) }]), input: { prompt: 'x', media: [{ type: 'reference_image', url: img(1) }], audio_url: 'https://x/a.mp3' } }, 'audio_url is not supported'],
    ['parameters.size', r2v([{ type: 'reference_image', url: img(1) }], { size: '1280*720' }), 'parameters.size is not supported'],
    ['no prompt', { model: 'wan2.7-r2v', input: { media: [{ type: 'reference_image', url: img(1) }] } }, 'Field required: input.prompt'],
  ])('refuses %s with InvalidParameter on the first poll', async (_what, body, message) => {
    const fake = await start();
    const { created, ended } = await run(fake, body);
    expect(created.status).toBe(200);
    expect(ended!.body.output).toMatchObject({ task_status: 'FAILED', code: 'InvalidParameter' });
    expect(ended!.body.output.message).toContain(message);
  });

  it('as a variant, refuses wrong media at create with 400', async () => {
    const fake = await start({ variants: { mediaErrorsAt: 'create' } });
    const { created } = await run(fake, { model: 'wan2.7-r2v', input: { prompt: 'x' } });
    expect(created).toMatchObject({ status: 400, body: { code: 'InvalidParameter', message: 'Field required: input.media' } });
  });
});

describe('simulator: wan2.7-videoedit', () => {
  it('bills input + output seconds as measured, fractional: 5.02 + 5.02 = 10.04', async () => {
    const fake = await start();
    const media = [{ type: 'video', url: vid(1, 5.02) }, { type: 'reference_image', url: img(1) }];
    const { ended } = await run(fake, edit(media));
    expect(ended!.body.output.task_status).toBe('SUCCEEDED');
    expect(ended!.text).toContain('"duration":10.04,"input_video_duration":5.02,"output_video_duration":5.02');
    expect(fake.createBody(fake.tasks()[0]!.taskId)).toEqual(edit(media));
  });

  it('a cut bills the source plus the cut; an integer length prints as the recorded form (10.0)', async () => {
    const fake = await start();
    const { ended } = await run(fake, edit([{ type: 'video', url: vid(1, 6) }], { duration: 4, ratio: '9:16' }));
    expect(ended!.text).toContain('"duration":10.0,"input_video_duration":6.0,"output_video_duration":4.0');
    expect(ended!.body.usage.ratio).toBe('9:16');
  });

  it.each([
    ['no video', edit([{ type: 'reference_image', url: img(1) }]), 'exactly one item of type video'],
    ['two videos', edit([{ type: 'video', url: vid(1) }, { type: 'video', url: vid(2) }]), 'exactly one item of type video'],
    ['five reference images', edit([{ type: 'video', url: vid(1) }, ...[1, 2, 3, 4, 5].map((n) => ({ type: 'reference_image', url: img(n) }))]), 'at most 4'],
    ['a cut longer than the source', edit([{ type: 'video', url: vid(1, 3) }], { duration: 5 }), 'exceeds the input video'],
    ['duration 1', edit([{ type: 'video', url: vid(1) }], { duration: 1 }), 'duration must be 0 or an integer in [2, 10]'],
    ['a source over 10 s', edit([{ type: 'video', url: vid(1, 12) }]), 'must last 2 to 10 seconds'],
    ['a voice', edit([{ type: 'video', url: vid(1), reference_voice: 'https://x/v.mp3' }]), 'reference_voice is only allowed on no item'],
    ['an unknown audio_setting', edit([{ type: 'video', url: vid(1) }], { audio_setting: 'mute' }), 'audio_setting must be'],
    ['an r2v media type', edit([{ type: 'reference_video', url: vid(1) }]), 'type must be one of video, reference_image'],
  ])('refuses %s with InvalidParameter on the first poll', async (_what, body, message) => {
    const fake = await start();
    const { ended } = await run(fake, body);
    expect(ended!.body.output).toMatchObject({ task_status: 'FAILED', code: 'InvalidParameter' });
    expect(ended!.body.output.message).toContain(message);
  });
});

describe('simulator: regions', () => {
  it('answers "Model not exist." for a model the key\'s region lacks, and serves its other models', async () => {
    const fake = await start();
    const { created } = await run(fake, edit([{ type: 'video', url: vid(1) }]), 'sk-intl');
    expect(created).toMatchObject({ status: 404, body: { code: 'InvalidParameter', message: 'Model not exist.' } });
    const t2v = await run(fake, { model: 'wan2.7-t2v', input: { prompt: 'a lighthouse' }, parameters: { resolution: '720P', duration: 2 } }, 'sk-intl');
    expect(t2v.ended!.body.output.task_status).toBe('SUCCEEDED');
  });
});
