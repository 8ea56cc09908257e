/**
 * Retention: sweepRetention, stepped with a fake clock, deletes old result videos (the task keeps its
 * metadata and says the video expired), expired uploads, and leftover scratch folders of ended tasks.
 */
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import { Readable } from 'node:stream';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTaskStep } from '../../src/app/run-task-step.js';
import { sweepRetention } from '../../src/app/sweep-retention.js';
import { makeFixtures, type Fixtures } from '../helpers/make-fixtures.js';
import { startClockedServer, type ClockedServer } from '../helpers/start-clocked-server.js';

const hourMs = 3600_000;
let server: ClockedServer;
let fx: Fixtures;
let scratch: string;
let key = '';

beforeAll(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), 'wangate-retention-'));
  fx = await makeFixtures(path.join(scratch, 'fixtures'));
  // No worker pool: the test runs each task step itself, so nothing happens behind its back.
  server = await startClockedServer({ WORKER_CONCURRENCY: '0', RESULT_RETENTION_HOURS: '72', UPLOAD_RETENTION_HOURS: '24' });
  key = (await server.api('POST', '/admin/keys', { name: 'retention' })).json.data.key;
});
afterAll(async () => {
  await server?.cleanup();
  await rm(scratch, { recursive: true, force: true });
});

const blobPath = (blobKey: string) => path.join(server.dataDir, 'blobs', blobKey);
const exists = (p: string) => stat(p).then(() => true, () => false);

async function render(body: object): Promise<string> {
  const created = await server.api('POST', '/v1/videos/generations', body, key);
  expect(created.status, JSON.stringify(created.json)).toBe(200);
  const id = created.json.data[0].task_id;
  expect(await runTaskStep(server.deps, server.deps.engine, 'wrk_retention_test', { pollIntervalMs: 50 })).toBe('completed');
  return id;
}

describe('sweepRetention', () => {
  it('deletes results and uploads only after their retention, and the API says the video expired', async () => {
    const upload = await fetch(`${server.url}/v1/files`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'image/png' },
      body: await readFile(fx.redPng),
    });
    const file = ((await upload.json()) as any).data;
    const taskId = await render({ model: 'wan2.7', image_urls: [file.url], resolution: '720P', duration: 2 });
    const done = await server.api('GET', `/v1/tasks/${taskId}`, undefined, key);
    expect(done.json.data.status).toBe('completed');
    const blobKey = (await server.deps.tasks.getTask(taskId))!.result!.blobKey;
    expect(await exists(blobPath(blobKey))).toBe(true);
    // The worker removed its scratch folder itself: nothing is left for the sweep to look up.
    expect(await exists(blobPath(`work/${taskId}`))).toBe(false);

    // Nothing is due yet: a sweep deletes nothing.
    expect(await sweepRetention(server.deps)).toBe(0);
    // A day later still nothing: the upload (24 h) and the video (72 h) stay.
    server.clock.advance(23 * hourMs);
    expect(await sweepRetention(server.deps)).toBe(0);
    expect(await exists(blobPath(blobKey))).toBe(true);
    expect((await server.api('GET', `/v1/files/${file.id}`, undefined, key)).status).toBe(200);

    // Past the upload retention (24 h): the upload goes, blob and record; the result stays.
    server.clock.advance(2 * hourMs);
    expect(await sweepRetention(server.deps)).toBeGreaterThanOrEqual(1);
    expect(await exists(blobPath(`uploads/${file.id}`))).toBe(false);
    expect(await server.deps.files.getFile(file.id)).toBeUndefined();
    expect((await server.api('GET', `/v1/files/${file.id}`, undefined, key)).json.error.reason).toBe('file_not_found');
    expect((await server.api('GET', `/v1/tasks/${taskId}/content`, undefined, key)).status).toBe(200);

    // Past the result retention (72 h): the video goes, the task stays and says so.
    server.clock.advance(48 * hourMs);
    const sweptAtSeconds = Math.floor(server.clock.nowMs() / 1000);
    expect(await sweepRetention(server.deps)).toBeGreaterThanOrEqual(1);
    expect(await sweepRetention(server.deps)).toBe(0);
    expect(await exists(blobPath(blobKey))).toBe(false);

    const expired = await server.api('GET', `/v1/tasks/${taskId}`, undefined, key);
    expect(expired.status).toBe(200);
    expect(expired.json.data).toMatchObject({
      id: taskId,
      status: 'completed',
      progress: 100,
      result: { videos: [{ url: [], expired: true, width: done.json.data.result.videos[0].width }] },
    });
    expect(Math.abs(expired.json.data.result_expired_at - sweptAtSeconds)).toBeLessThanOrEqual(1);

    const content = await server.api('GET', `/v1/tasks/${taskId}/content`, undefined, key);
    expect(content.status).toBe(410);
    expect(content.json.error).toMatchObject({ code: 410, type: 'not_found_error', param: 'task_id', reason: 'result_expired' });
    // The old signed URL no longer serves it either.
    expect((await fetch(done.json.data.result.videos[0].url[0])).status).not.toBe(200);
    // The list shows the same expired task.
    const listed = await server.api('GET', '/v1/tasks', undefined, key);
    expect(listed.json.data[0]).toMatchObject({ id: taskId, result_expired_at: expired.json.data.result_expired_at });
  });

  it('removes scratch folders of ended or unknown tasks after a grace period, and keeps those of live tasks', async () => {
    const finished = await render({ model: 'wan2.7', prompt: 'scratch', resolution: '720P', duration: 2 });
    const pending = (await server.api('POST', '/v1/videos/generations', { model: 'wan2.7', prompt: 'waiting', resolution: '720P', duration: 2 }, key)).json.data[0].task_id;
    const ghost = 'task_01ARZ3NDEKTSV4RRFFQ69G5FAV';
    for (const id of [finished, pending, ghost]) {
      await mkdir(blobPath(`inputs/${id}`), { recursive: true });
      await writeFile(blobPath(`inputs/${id}/firstFrame`), 'x');
      await mkdir(blobPath(`work/${id}`), { recursive: true });
      // Storage has objects, not folders: a folder is kept by what it holds.
      await writeFile(blobPath(`work/${id}/wrk-1.mp4`), 'x');
    }
    // The ghost (no such task) goes at once; the finished task's folders wait out the grace period.
    await sweepRetention(server.deps);
    expect(await exists(blobPath(`inputs/${ghost}`))).toBe(false);
    expect(await exists(blobPath(`work/${ghost}`))).toBe(false);
    expect(await exists(blobPath(`work/${finished}`))).toBe(true);

    server.clock.advance(hourMs);
    await sweepRetention(server.deps);
    expect(await exists(blobPath(`inputs/${finished}`))).toBe(false);
    expect(await exists(blobPath(`work/${finished}`))).toBe(false);
    expect(await exists(blobPath(`inputs/${pending}`))).toBe(true);
    expect(await exists(blobPath(`work/${pending}`))).toBe(true);
  });
});

describe('results of attempts that died', () => {
  it('a task claimed again after its worker died between storing the result and completing keeps one result file', async () => {
    // Its own server: a task left pending by another test would be claimed first.
    const s = await startClockedServer({ WORKER_CONCURRENCY: '0' });
    try {
      const id = (await s.api('POST', '/v1/videos/generations', { model: 'wan2.7', prompt: 'died before the commit', resolution: '720P', duration: 2 })).json.data[0].task_id;
      // The first attempt's worker stores its result, then dies before the completing commit.
      const claimed = await s.deps.tasks.claimTask({ workerId: 'wrk_died', nowMs: s.clock.nowMs(), leaseMs: s.deps.leaseMs, engines: ['local'] });
      expect(claimed?.id).toBe(id);
      const dead = `results/${id}-1.mp4`;
      await s.deps.blobs.putStream(dead, Readable.from([Buffer.from('the dead attempt')]));
      s.clock.advance(s.deps.leaseMs + 1);

      expect(await runTaskStep(s.deps, s.deps.engine, 'wrk_retention_test', { pollIntervalMs: 50 })).toBe('completed');
      const task = (await s.deps.tasks.getTask(id))!;
      expect(task.attempts).toBe(2);
      expect(await s.deps.blobs.stat(task.result!.blobKey)).toBeDefined();
      expect(await s.deps.blobs.stat(dead)).toBeUndefined();
    } finally {
      await s.cleanup();
    }
  });
});
