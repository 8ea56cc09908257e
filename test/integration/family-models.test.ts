/**
 * wan2.7-r2v and wan2.7-videoedit end to end over real HTTP on 127.0.0.1 with the local preview engine:
 * GET /v1/models, validation answers, tasks with fixture media checked with ffprobe, and the money:
 * the hold at the model's upper bound, the capture of the billed seconds, the release of the rest.
 */
import { writeFile } from 'node:fs/promises';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFfprobeProber } from '../../src/adapters/media/probe.js';
import { sizeForInput, sizeForRatio } from '../../src/domain/output-size.js';
import { billableSeconds } from '../../src/domain/pricing.js';
import { modelListSchema } from '../../src/present/model-schemas.js';
import { taskSchema } from '../../src/present/response-schemas.js';
import { expectMeetsOutputSpec } from '../contract/engine-contract.js';
import { startFixtureServer, type FixtureServer } from '../helpers/fixture-server.js';
import { makeFixtures, type Fixtures } from '../helpers/make-fixtures.js';
import { toneFrequencyHz } from '../helpers/media-checks.js';
import { createKey, startTestServer, submitTask, waitForTask, type TestServer } from '../helpers/start-test-server.js';

let server: TestServer;
let media: FixtureServer;
let fx: Fixtures;
let scratch: string;
let key: string;
/** The fixture clip's probed length, which the model's billing counts. */
let clipSeconds: number;

beforeAll(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), 'wangate-family-'));
  fx = await makeFixtures(path.join(scratch, 'fixtures'));
  media = await startFixtureServer(fx.dir);
  server = await startTestServer({ WORKER_CONCURRENCY: '2' });
  key = (await createKey(server, { name: 'family', balance: 100 })).key;
  clipSeconds = (await createFfprobeProber().probe(fx.clipMp4)).durationSeconds!;
});
afterAll(async () => {
  await server?.cleanup();
  await media?.close();
  await rm(scratch, { recursive: true, force: true });
});

const create = (body: object) => server.api('POST', '/v1/videos/generations', body, key);

/** The task's hold, capture and release, in major units. */
async function ledgerOf(taskId: string): Promise<Record<string, number>> {
  const { json } = await server.api('GET', '/v1/usage?limit=500', undefined, key);
  return Object.fromEntries(json.data.entries.filter((e: any) => e.task_id === taskId).map((e: any) => [e.kind, e.amount]));
}

/** Waits for the task, checks its shape, downloads its video without a key. */
async function finished(taskId: string): Promise<{ task: any; file: string }> {
  const task = await waitForTask(server, taskId, key);
  expect(taskSchema.safeParse(task).success, JSON.stringify(task)).toBe(true);
  expect(task.status, JSON.stringify(task.error)).toBe('completed');
  const res = await fetch(task.result.videos[0].url[0]);
  expect(res.status).toBe(200);
  const file = path.join(scratch, `${taskId}.mp4`);
  await writeFile(file, Buffer.from(await res.arrayBuffer()));
  return { task, file };
}

describe('GET /v1/models', () => {
  it('lists the three models with their modes, fields, limits, prices, billing rule and engine', async () => {
    const res = await server.api('GET', '/v1/models', undefined, null);
    expect(res.status).toBe(200);
    expect(modelListSchema.safeParse(res.json).success).toBe(true);
    const byId = Object.fromEntries(res.json.data.map((m: any) => [m.id, m]));
    expect(Object.keys(byId)).toEqual(['wan2.7', 'wan2.7-r2v', 'wan2.7-videoedit']);
    expect(byId['wan2.7-r2v']).toMatchObject({
      object: 'model',
      modes: [{ id: 'r2v' }, { id: 'r2v_first_frame' }],
      default_resolution: '1080P',
      defaults: { duration: 5, size: '16:9' },
      limits: { duration: { min: 2, max: 15 }, duration_with_reference_video: { min: 2, max: 10 }, references: { min: 1, max: 5 } },
      pricing: { currency: 'USD', unit: 'second', per_second: { '720P': { amount: '0.10', amount_minor: 1000 }, '1080P': { amount: '0.15', amount_minor: 1500 } } },
      engine: { id: 'local' },
    });
    expect(byId['wan2.7-r2v'].pricing.billing).toContain('reference-video seconds');
    expect(Object.keys(byId['wan2.7-r2v'].limits.media)).toEqual(['image', 'reference_video', 'reference_voice']);
    expect(byId['wan2.7-r2v'].fields).toEqual(expect.arrayContaining(['image_with_roles', 'video_urls', 'video_with_roles']));
    expect(byId['wan2.7-videoedit']).toMatchObject({ modes: [{ id: 'video_edit' }], defaults: { duration: 0, size: null }, limits: { reference_images: { min: 0, max: 4 } } });
    expect(byId['wan2.7-videoedit'].fields).toContain('audio_setting');
  });

  it('answers the JSON Schema and the reference of each model of the family', async () => {
    for (const model of ['wan2.7-r2v', 'wan2.7-videoedit']) {
      const schema = await server.api('GET', `/v1/model-schema?model=${model}`, undefined, null);
      expect(schema.status, model).toBe(200);
      expect(Object.keys(schema.json.input_schema.properties)).toContain('video_urls');
      const docs = await server.api('GET', `/v1/model-docs?model=${model}`, undefined, null);
      expect(docs.status, model).toBe(200);
      expect(docs.json.markdown).toContain(`# ${model}`);
    }
  });
});

describe('validation of the family over HTTP', () => {
  it.each([
    [{ model: 'wan2.8', prompt: 'x' }, 'model', 'invalid_value'],
    [{ model: 'wan2.7-r2v', prompt: 'x', image_urls: ['https://e.com/a.png'], audio_url: 'https://e.com/a.mp3' }, 'audio_url', 'unsupported_for_model'],
    [{ model: 'wan2.7-r2v', prompt: 'x', image_with_roles: [{ url: 'https://e.com/a.png', role: 'first_frame' }] }, 'image_with_roles', 'reference_required'],
    [{ model: 'wan2.7-r2v', prompt: 'x', video_urls: ['https://e.com/v.mp4'], duration: 12 }, 'duration', 'out_of_range'],
    [{ model: 'wan2.7-videoedit', prompt: 'x' }, 'video_urls', 'required'],
    [{ model: 'wan2.7-videoedit', video_urls: ['https://e.com/v.mp4'], image_with_roles: [{ url: 'https://e.com/a.png', role: 'first_frame' }] }, 'image_with_roles[0].role', 'unsupported_for_model'],
  ])('%j -> 400 naming %s (%s)', async (body, param, reason) => {
    const res = await create(body);
    expect(res.status).toBe(400);
    expect(res.json.error).toMatchObject({ code: 400, type: 'invalid_request_error', param, reason });
  });

  it('an unknown model is refused naming the models this server offers', async () => {
    const res = await create({ model: 'wan2.7-i2v', prompt: 'x' });
    expect(res.json.error.message).toContain('wan2.7, wan2.7-r2v, wan2.7-videoedit');
  });

  it('a bad inline voice is refused naming its exact field', async () => {
    const voice = `data:audio/wav;base64,${Buffer.from('not audio at all').toString('base64')}`;
    const res = await create({ model: 'wan2.7-r2v', prompt: 'x', image_with_roles: [{ url: media.url('red.png'), reference_voice: voice }] });
    expect(res.status).toBe(400);
    expect(res.json.error.param).toBe('image_with_roles[0].reference_voice');
  });
});

describe('wan2.7-r2v through the local engine', () => {
  it('completes with an MP4 of the exact spec, holding duration + 5 s and capturing output + reference-video seconds', async () => {
    const id = await submitTask(
      server,
      {
        model: 'wan2.7-r2v',
        prompt: 'Image 1 hands Video 1 a guitar',
        image_with_roles: [{ url: media.url('red.png'), reference_voice: media.url('tone.wav') }],
        video_urls: [media.url('clip.mp4')],
        resolution: '720P',
        duration: 2,
      },
      key,
    );
    const { task, file } = await finished(id);
    expect(task).toMatchObject({ model: 'wan2.7-r2v', mode: 'r2v', parameters: { duration: 2, size: '16:9', resolution: '720P' } });
    await expectMeetsOutputSpec(file, sizeForRatio('720P', '16:9'), 2);
    expect(await toneFrequencyHz(file, 0.3, 1.7)).toBeCloseTo(440, -1);
    const ledger = await ledgerOf(id);
    expect(ledger.hold).toBeCloseTo(0.1 * (2 + 5));
    expect(ledger.capture).toBeCloseTo(0.1 * billableSeconds(2 + clipSeconds));
    expect(ledger.capture! + ledger.release!).toBeCloseTo(ledger.hold!);
    expect(task.cost).toBeCloseTo(ledger.capture!);
  });

  it("with a first frame: the first frame's aspect, size ignored and said so", async () => {
    const id = await submitTask(
      server,
      { model: 'wan2.7-r2v', prompt: 'Image 1 arrives', image_with_roles: [{ url: media.url('blue.jpg'), role: 'first_frame' }, { url: media.url('red.png') }], size: '1:1', resolution: '720P', duration: 2 },
      key,
    );
    const { task, file } = await finished(id);
    expect(task.mode).toBe('r2v_first_frame');
    expect(task.parameters.size).toBeUndefined();
    expect(task.warnings).toEqual([expect.stringContaining('first frame')]);
    await expectMeetsOutputSpec(file, sizeForInput('720P', { width: 640, height: 480 }, 16), 2);
    // No reference video: images are free, only the output is billed.
    expect((await ledgerOf(id)).capture).toBeCloseTo(0.2);
  });
});

describe('wan2.7-videoedit through the local engine', () => {
  it("keeps the source's length, aspect and sound (origin); holds 20 s, captures source + output seconds", async () => {
    const id = await submitTask(
      server,
      { model: 'wan2.7-videoedit', video_urls: [media.url('clip.mp4')], image_urls: [media.url('red.png')], prompt: 'Replace the jacket', audio_setting: 'origin', resolution: '720P' },
      key,
    );
    const { task, file } = await finished(id);
    expect(task).toMatchObject({ model: 'wan2.7-videoedit', mode: 'video_edit', parameters: { duration: 0, audio_setting: 'origin' } });
    const outputSeconds = Math.round(clipSeconds * 30) / 30;
    await expectMeetsOutputSpec(file, sizeForInput('720P', { width: 640, height: 360 }), outputSeconds);
    expect(await toneFrequencyHz(file, 0.5, 2.5)).toBeCloseTo(330, -1);
    const ledger = await ledgerOf(id);
    expect(ledger.hold).toBeCloseTo(0.1 * 20);
    // Fractional seconds (the probed lengths) are rounded up to the whole second.
    expect(ledger.capture).toBeCloseTo(0.1 * billableSeconds(clipSeconds + outputSeconds));
    expect(ledger.capture! + ledger.release!).toBeCloseTo(ledger.hold!);
  });

  it('a cut longer than the source fails the task with duration_too_long and releases the whole hold', async () => {
    const id = await submitTask(server, { model: 'wan2.7-videoedit', video_urls: [media.url('clip.mp4')], duration: 6, resolution: '720P' }, key);
    const task = await waitForTask(server, id, key);
    expect(task.status).toBe('failed');
    expect(task.error).toMatchObject({ code: 400, reason: 'duration_too_long' });
    const ledger = await ledgerOf(id);
    expect(ledger.capture).toBe(0);
    expect(ledger.release).toBeCloseTo(ledger.hold!);
  });

});

describe('wan2.7-r2v reference video lengths', () => {
  it('takes a 12 s reference video (1..30 s, unlike a 2..10 s clip) and bills at most 5 s of it', async () => {
    const id = await submitTask(server, { model: 'wan2.7-r2v', prompt: 'Video 1 waves', video_urls: [media.url('long.mp4')], resolution: '720P', duration: 2 }, key);
    await finished(id);
    const ledger = await ledgerOf(id);
    expect(ledger.capture).toBeCloseTo(0.1 * (2 + 5));
    expect(ledger.release).toBeCloseTo(0);
  });
});
