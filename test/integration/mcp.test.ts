/**
 * `wangate mcp` as an agent's MCP client starts it: a subprocess speaking MCP over stdio, driven with
 * the official SDK's client against a real server on 127.0.0.1. It lists its tools with their JSON
 * Schemas, uploads a local image, generates a video (validated against the model schema first, with
 * an idempotency key), follows it until completed and downloads the MP4, which ffprobe checks.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sizeForInput } from '../../src/domain/output-size.js';
import { expectColourNear, expectMeetsOutputSpec, frameMeanRgb } from '../contract/engine-contract.js';
import { makeFixtures, type Fixtures } from '../helpers/make-fixtures.js';
import { createKey, startTestServer, type TestServer } from '../helpers/start-test-server.js';

const bin = fileURLToPath(new URL('../../bin/wangate.mjs', import.meta.url));

let server: TestServer;
let fx: Fixtures;
let scratch: string;
let user: { id: string; key: string };
let client: Client;
let stderr = '';

/** A tool's answer: the parsed JSON of its text, and whether it is a tool error. */
async function call(name: string, args: Record<string, unknown>): Promise<{ isError: boolean; value: any }> {
  const result = (await client.callTool({ name, arguments: args })) as { isError?: boolean; content: { type: string; text: string }[] };
  const text = result.content.map((c) => c.text).join('');
  let value: unknown = text;
  try {
    value = JSON.parse(text);
  } catch {
    // a plain-text error (the SDK's own argument validation)
  }
  return { isError: result.isError === true, value };
}

beforeAll(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), 'wangate-mcp-'));
  fx = await makeFixtures(path.join(scratch, 'fixtures'));
  server = await startTestServer({ WORKER_CONCURRENCY: '1' });
  user = await createKey(server, { name: 'agent', balance: 10 });
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [bin, 'mcp'],
    // Only what the server needs: the gateway and the key (and PATH for the runtime).
    env: { PATH: process.env.PATH ?? '', WANGATE_API_KEY: user.key, WANGATE_BASE_URL: server.url },
    cwd: scratch,
    stderr: 'pipe',
  });
  transport.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  client = new Client({ name: 'wangate-test-agent', version: '1.0.0' });
  await client.connect(transport);
}, 60_000);

afterAll(async () => {
  await client?.close();
  await server?.cleanup();
  await rm(scratch, { recursive: true, force: true });
});

describe('wangate mcp', () => {
  it('initializes as wangate and lists the tools, with JSON Schemas of their inputs', async () => {
    expect(client.getServerVersion()).toMatchObject({ name: 'wangate' });
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(['cancel_task', 'download_video', 'generate_video', 'get_model_schema', 'get_task', 'list_models', 'upload_image']);
    const generate = tools.find((t) => t.name === 'generate_video')!;
    expect(generate.inputSchema.type).toBe('object');
    expect(generate.inputSchema.required).toEqual(expect.arrayContaining(['idempotency_key', 'model']));
    // The create request's own field schemas, with their rules and descriptions.
    // duration differs by model (wan2.7 and wan2.7-r2v 2..15, wan2.7-videoedit 0..10): one schema per model.
    expect((generate.inputSchema.properties?.duration as { anyOf?: unknown[] } | undefined)?.anyOf).toContainEqual(
      expect.objectContaining({ type: 'integer', minimum: 2, maximum: 15, description: expect.stringContaining('Seconds') }),
    );
    expect(generate.inputSchema.properties?.idempotency_key).toMatchObject({ type: 'string', minLength: 1, maxLength: 191 });
    expect(stderr).toContain('serving over stdio');
  });

  it('lists the models and gives a model schema', async () => {
    const models = await call('list_models', {});
    expect(models.isError).toBe(false);
    expect(models.value.data.map((m: any) => m.id)).toContain('wan2.7');
    const schema = await call('get_model_schema', { model: 'wan2.7' });
    expect(schema.value).toMatchObject({ model: 'wan2.7', operation: 'video_generation', input_schema: { type: 'object' } });
    const unknown = await call('get_model_schema', { model: 'wan0' });
    expect(unknown).toMatchObject({ isError: true, value: { status: 404, error: { param: 'model', reason: 'model_not_found' } } });
  });

  it('refuses a generation without an idempotency key, or that the model schema refuses, creating nothing', async () => {
    const noKey = await call('generate_video', { model: 'wan2.7', prompt: 'a kite' });
    expect(noKey.isError).toBe(true);
    expect(JSON.stringify(noKey.value)).toContain('idempotency_key');
    const typo = await call('generate_video', { idempotency_key: 'typo-1', model: 'wan2.7', prompt: 'a kite', durattion: 5 });
    expect(typo.isError).toBe(true);
    expect(typo.value.error.message).toMatch(/nothing was created.*durattion/);
    const tasks = await server.api('GET', '/v1/tasks', undefined, user.key);
    expect(tasks.json.data).toEqual([]);
  });

  it('uploads a local image, generates a video from it, follows it to completed and downloads an MP4 ffprobe accepts', async () => {
    const uploaded = await call('upload_image', { path: path.relative(scratch, fx.redPng) });
    expect(uploaded.isError, JSON.stringify(uploaded.value)).toBe(false);
    expect(uploaded.value).toMatchObject({ url: expect.stringContaining('/v1/files/file_'), filename: 'red.png', content_type: 'image/png' });

    const request = { idempotency_key: 'agent-run-1', model: 'wan2.7', prompt: 'the red card glows', image_urls: [uploaded.value.url], resolution: '720P', duration: 2 };
    const started = await call('generate_video', request);
    expect(started.isError, JSON.stringify(started.value)).toBe(false);
    expect(started.value).toMatchObject({ task_id: expect.stringMatching(/^task_/), replayed: false, next_poll_after_seconds: expect.any(Number) });
    const again = await call('generate_video', request);
    expect(again.value).toMatchObject({ task_id: started.value.task_id, replayed: true });

    // The gateway holds each answer until the task ends (or 30 s): no sleeping here.
    let task = started.value;
    for (let i = 0; i < 20 && task.next_poll_after_seconds !== null; i++) {
      task = (await call('get_task', { task_id: started.value.task_id, wait_seconds: 30 })).value;
    }
    expect(task.status, JSON.stringify(task.task?.error)).toBe('completed');
    expect(task.task.result.videos[0].url[0]).toMatch(/^http/);

    const saved = await call('download_video', { task_id: task.task_id, path: 'out/agent.mp4' });
    expect(saved.isError, JSON.stringify(saved.value)).toBe(false);
    const file = path.join(scratch, 'out', 'agent.mp4');
    expect(saved.value).toEqual({ task_id: task.task_id, path: file, bytes: (await stat(file)).size, content_type: 'video/mp4' });
    await expectMeetsOutputSpec(file, sizeForInput('720P', { width: 800, height: 600 }), 2);
    expectColourNear(await frameMeanRgb(file, 'start', 'iw/4:ih/4:iw*3/8:ih*3/8'), [255, 0, 0]);

    // An existing file is kept unless overwrite is asked for; a completed task cannot be cancelled.
    const before = await readFile(file);
    const exists = await call('download_video', { task_id: task.task_id, path: file });
    expect(exists).toMatchObject({ isError: true, value: { error: { code: 'EEXIST' } } });
    expect((await readFile(file)).equals(before)).toBe(true);
    const cancel = await call('cancel_task', { task_id: task.task_id });
    expect(cancel).toMatchObject({ isError: true, value: { status: 409, error: { reason: 'task_already_finished' } } });
  }, 120_000);

  it('cancels a task that has not ended', async () => {
    const started = await call('generate_video', { idempotency_key: 'agent-cancel-1', model: 'wan2.7', prompt: 'a long calm sea', resolution: '1080P', duration: 15 });
    const cancelled = await call('cancel_task', { task_id: started.value.task_id });
    expect(cancelled.isError, JSON.stringify(cancelled.value)).toBe(false);
    expect(cancelled.value).toMatchObject({ task_id: started.value.task_id, status: 'cancelled' });
  });
});
