/**
 * wan2.7-r2v and wan2.7-videoedit through the DashScope engine: the real server (WANGATE_ENGINE=dashscope)
 * against the simulator on 127.0.0.1. The simulator records the exact native bodies; billing follows the
 * upstream's usage; a region without the model fails the task clearly, once, for that model only.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeDashscope, type FakeDashscope, type FakeDashscopeOptions } from '../../src/dev/fake-dashscope/fake-dashscope.js';
import { fastDashscopeEnv } from '../helpers/fast-dashscope-env.js';
import { createKey, startTestServer, submitTask, waitForTask, type TestServer } from '../helpers/start-test-server.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
});

async function fakeDashscope(opts: Partial<FakeDashscopeOptions> = {}): Promise<FakeDashscope> {
  const fake = await startFakeDashscope({
    keys: [{ key: 'sk-bj', account: 'bj' }, { key: 'sk-intl', account: 'intl', missingModels: ['wan2.7-r2v', 'wan2.7-videoedit'] }],
    pendingMs: 100,
    runningMs: 300,
    ...opts,
  });
  cleanups.push(() => fake.close());
  return fake;
}

async function server(env: Record<string, string>): Promise<{ s: TestServer; key: string }> {
  const s = await startTestServer({ WANGATE_ENGINE: 'dashscope', WORKER_POLL_INTERVAL_MS: '100', LOG_LEVEL: 'silent', ...fastDashscopeEnv, ...env });
  cleanups.push(() => s.cleanup());
  return { s, key: (await createKey(s, { name: 'app', balance: 1000 })).key };
}

const channel = (id: string, fake: FakeDashscope, apiKey: string, priority: number) => ({ id, baseUrl: fake.url, apiKey, priority, maxConcurrent: 5 });

/** The task's hold, capture and release, in major units. */
async function ledgerOf(s: TestServer, key: string, taskId: string): Promise<Record<string, number>> {
  const { json } = await s.api('GET', '/v1/usage?limit=500', undefined, key);
  return Object.fromEntries(json.data.entries.filter((e: any) => e.task_id === taskId).map((e: any) => [e.kind, e.amount]));
}

// The simulator never downloads media: `fake_duration` stands for a medium's length.
const IMG = 'https://cdn.example.com/girl.png';
const VOICE = 'https://cdn.example.com/girl.mp3?fake_duration=4';
const VIDEO = 'https://cdn.example.com/boy.mp4?fake_duration=3';
const SOURCE = 'https://cdn.example.com/dance.mp4?fake_duration=5.02';

const r2vBody = {
  model: 'wan2.7-r2v',
  prompt: 'Image 1 hands Video 1 a guitar',
  negative_prompt: 'blur',
  image_with_roles: [{ url: IMG, reference_voice: VOICE }],
  video_urls: [VIDEO],
  resolution: '720P',
  duration: 2,
  seed: 7,
};
const editBody = {
  model: 'wan2.7-videoedit',
  video_urls: [SOURCE],
  image_urls: [IMG],
  prompt: 'Replace her jacket with the one in the image',
  audio_setting: 'origin',
  resolution: '720P',
  seed: 8,
};

describe('the family through the DashScope engine', () => {
  it('r2v: sends the native media in order and bills usage.duration (output + reference-video seconds)', async () => {
    const fake = await fakeDashscope();
    const { s, key } = await server({ DASHSCOPE_BASE_URL: fake.url, DASHSCOPE_API_KEY: 'sk-bj' });
    const id = await submitTask(s, r2vBody, key);
    const task = await waitForTask(s, id, key);
    expect(task.status, JSON.stringify(task.error)).toBe('completed');
    expect(task).toMatchObject({ model: 'wan2.7-r2v', mode: 'r2v', engine: { id: 'dashscope' } });
    const [up] = fake.tasks();
    expect(fake.createBody(up!.taskId)).toEqual({
      model: 'wan2.7-r2v',
      input: {
        prompt: 'Image 1 hands Video 1 a guitar',
        negative_prompt: 'blur',
        media: [
          { type: 'reference_image', url: IMG, reference_voice: VOICE },
          { type: 'reference_video', url: VIDEO },
        ],
      },
      parameters: { resolution: '720P', ratio: '16:9', duration: 2, prompt_extend: true, watermark: false, seed: 7 },
    });
    // Held: 2 s + the 5 s cap; billed by the upstream: 2 + 3 = 5 s at 0.10.
    const ledger = await ledgerOf(s, key, id);
    expect(ledger.hold).toBeCloseTo(0.7);
    expect(ledger.capture).toBeCloseTo(0.5);
    expect(ledger.release).toBeCloseTo(0.2);
  });

  it("r2v with a first frame: the first frame first, no ratio (it follows the frame's aspect)", async () => {
    const fake = await fakeDashscope();
    const { s, key } = await server({ DASHSCOPE_BASE_URL: fake.url, DASHSCOPE_API_KEY: 'sk-bj' });
    const body = { model: 'wan2.7-r2v', prompt: 'Image 1 walks in', image_with_roles: [{ url: IMG }, { url: 'https://cdn.example.com/room.png', role: 'first_frame' }], size: '9:16', resolution: '720P', duration: 3, seed: 1 };
    const task = await waitForTask(s, await submitTask(s, body, key), key);
    expect(task.status, JSON.stringify(task.error)).toBe('completed');
    expect(fake.createBody(fake.tasks()[0]!.taskId)).toMatchObject({
      input: { media: [{ type: 'first_frame', url: 'https://cdn.example.com/room.png' }, { type: 'reference_image', url: IMG }] },
      parameters: { resolution: '720P', duration: 3 },
    });
    expect((fake.createBody(fake.tasks()[0]!.taskId) as any).parameters).not.toHaveProperty('ratio');
  });

  it('videoedit: sends the source then the references, duration 0 and audio_setting; bills 10.04 s as 11', async () => {
    const fake = await fakeDashscope();
    const { s, key } = await server({ DASHSCOPE_BASE_URL: fake.url, DASHSCOPE_API_KEY: 'sk-bj' });
    const id = await submitTask(s, editBody, key);
    const task = await waitForTask(s, id, key);
    expect(task.status, JSON.stringify(task.error)).toBe('completed');
    expect(fake.createBody(fake.tasks()[0]!.taskId)).toEqual({
      model: 'wan2.7-videoedit',
      input: {
        prompt: 'Replace her jacket with the one in the image',
        media: [
          { type: 'video', url: SOURCE },
          { type: 'reference_image', url: IMG },
        ],
      },
      parameters: { resolution: '720P', duration: 0, audio_setting: 'origin', prompt_extend: true, watermark: false, seed: 8 },
    });
    // Held: 10 s + 10 s; the upstream bills 5.02 + 5.02 = 10.04 s, rounded up to 11 s at 0.10.
    const ledger = await ledgerOf(s, key, id);
    expect(ledger.hold).toBeCloseTo(2);
    expect(ledger.capture).toBeCloseTo(1.1);
    expect(task.cost).toBeCloseTo(1.1);
  });

  it('upstream model ids are configurable per route, to pin a dated snapshot', async () => {
    const fake = await fakeDashscope();
    const { s, key } = await server({ DASHSCOPE_BASE_URL: fake.url, DASHSCOPE_API_KEY: 'sk-bj', DASHSCOPE_MODEL_R2V: 'wan2.7-r2v-2026-06-12', DASHSCOPE_MODEL_T2V: 'wan2.7-t2v-2026-06-12' });
    const a = await submitTask(s, r2vBody, key);
    const b = await submitTask(s, { model: 'wan2.7', prompt: 'a lighthouse', resolution: '720P', duration: 2 }, key);
    for (const id of [a, b]) expect((await waitForTask(s, id, key)).status).toBe('completed');
    expect(fake.tasks().map((t) => t.model).sort()).toEqual(['wan2.7-r2v-2026-06-12', 'wan2.7-t2v-2026-06-12']);
  });
});

describe('a region without the model', () => {
  it('moves the task to a channel that has the model; the other channel keeps serving its models', async () => {
    const fake = await fakeDashscope();
    const { s, key } = await server({ DASHSCOPE_CHANNELS: JSON.stringify([channel('intl', fake, 'sk-intl', 10), channel('bj', fake, 'sk-bj', 0)]) });
    const r2v = await submitTask(s, r2vBody, key);
    expect((await waitForTask(s, r2v, key)).status).toBe('completed');
    const t2v = await submitTask(s, { model: 'wan2.7', prompt: 'a lighthouse', resolution: '720P', duration: 2 }, key);
    expect((await waitForTask(s, t2v, key)).status).toBe('completed');
    // The r2v task ran in Beijing; text-to-video still went to the preferred channel, not set aside.
    expect(fake.tasks().map((t) => [t.model, t.account])).toEqual([
      ['wan2.7-r2v', 'bj'],
      ['wan2.7-t2v', 'intl'],
    ]);
  });

  it('fails the task at once with model_not_available when no channel serves the model, and releases its hold', async () => {
    const fake = await fakeDashscope();
    const { s, key } = await server({ DASHSCOPE_CHANNELS: JSON.stringify([channel('intl', fake, 'sk-intl', 0)]) });
    const id = await submitTask(s, editBody, key);
    const task = await waitForTask(s, id, key);
    expect(task.status).toBe('failed');
    expect(task.error).toMatchObject({ type: 'service_unavailable', reason: 'model_not_available' });
    expect(task.error.message).toContain('wan2.7-videoedit');
    expect(fake.stats().createCalls).toBe(1);
    const ledger = await ledgerOf(s, key, id);
    expect(ledger.release).toBeCloseTo(ledger.hold!);
    // The channel was set aside for that model only.
    const t2v = await submitTask(s, { model: 'wan2.7', prompt: 'a lighthouse', resolution: '720P', duration: 2 }, key);
    expect((await waitForTask(s, t2v, key)).status).toBe('completed');
  });
});

describe('the simulator catches a mapping mistake', () => {
  it.each(['first_poll', 'create'] as const)('a body of the wrong model fails the task as the upstream refuses it (%s), without a retry', async (mediaErrorsAt) => {
    const fake = await fakeDashscope({ variants: { mediaErrorsAt } });
    // A misconfigured id sends the videoedit body to r2v, whose media types differ.
    const { s, key } = await server({ DASHSCOPE_BASE_URL: fake.url, DASHSCOPE_API_KEY: 'sk-bj', DASHSCOPE_MODEL_VIDEOEDIT: 'wan2.7-r2v' });
    const id = await submitTask(s, editBody, key);
    const task = await waitForTask(s, id, key);
    expect(task.status).toBe('failed');
    expect(task.error).toMatchObject({ code: 400, reason: 'upstream_invalid_parameter' });
    expect(task.error.message).toContain('input.media');
    expect(fake.stats().createCalls).toBe(1);
    const ledger = await ledgerOf(s, key, id);
    expect(ledger.release).toBeCloseTo(ledger.hold!);
  });
});
