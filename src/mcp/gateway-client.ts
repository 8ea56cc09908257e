import { openAsBlob } from 'node:fs';
import { mkdir, open, rm } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream } from 'node:stream/web';

/**
 * What the MCP server needs of a gateway speaking this API (a wangate or the seed platform), over
 * fetch: the discovery routes, the image upload, create (response version 2026-07-27, with an
 * Idempotency-Key), task reads, cancel and the result download.
 */

type Json = Record<string, unknown>;

/** An answer other than 2xx, with the error envelope's fields when the gateway sent one. */
export class GatewayError extends Error {
  constructor(
    readonly status: number,
    readonly error: { type?: string; param?: string; reason?: string; message?: string },
  ) {
    super(`${status} ${error.type ?? 'error'}${error.reason ? ` (${error.reason})` : ''}: ${error.message ?? 'no message'}`);
    this.name = 'GatewayError';
  }
}

export interface Created {
  task: Json;
  /** The answer is the task of an earlier create with the same Idempotency-Key. */
  replayed: boolean;
}

const requestTimeoutMs = 60_000;
const downloadTimeoutMs = 15 * 60_000;

export class GatewayClient {
  constructor(
    readonly baseUrl: string,
    private readonly apiKey: string,
  ) {}

  private async call(method: string, route: string, init: { body?: BodyInit; headers?: Record<string, string>; timeoutMs?: number } = {}): Promise<Response> {
    const res = await fetch(`${this.baseUrl}${route}`, {
      method,
      headers: { authorization: `Bearer ${this.apiKey}`, ...init.headers },
      ...(init.body !== undefined && { body: init.body }),
      signal: AbortSignal.timeout(init.timeoutMs ?? requestTimeoutMs),
    });
    if (res.ok) return res;
    const text = await res.text();
    let error: GatewayError['error'] = { message: text.slice(0, 500) || res.statusText };
    try {
      const body = JSON.parse(text) as { error?: GatewayError['error'] };
      if (body.error && typeof body.error === 'object') error = body.error;
    } catch {
      // Not the envelope (a proxy's page): keep the start of the text.
    }
    throw new GatewayError(res.status, error);
  }

  private async json(method: string, route: string, init?: Parameters<GatewayClient['call']>[2]): Promise<Json> {
    return (await (await this.call(method, route, init)).json()) as Json;
  }

  listModels(): Promise<Json> {
    return this.json('GET', '/v1/models');
  }

  modelSchema(model: string, operation?: string): Promise<Json> {
    const query = new URLSearchParams({ model, ...(operation !== undefined && { operation }) });
    return this.json('GET', `/v1/model-schema?${query}`);
  }

  /** POST /v1/uploads/images with the file as the multipart field `file`, streamed from disk. */
  async uploadImage(file: string): Promise<Json> {
    const form = new FormData();
    form.append('file', await openAsBlob(file), path.basename(file));
    return this.json('POST', '/v1/uploads/images', { body: form, timeoutMs: downloadTimeoutMs });
  }

  /** A create in response version 2026-07-27: `data` is the task itself. */
  async createGeneration(body: Json, idempotencyKey: string): Promise<Created> {
    const res = await this.call('POST', '/v1/videos/generations', {
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json', 'idempotency-key': idempotencyKey, 'x-apimart-response-version': '2026-07-27' },
    });
    const answer = (await res.json()) as { data?: unknown };
    // A gateway that ignores the version answers the first one: [{status, task_id}].
    const data = Array.isArray(answer.data) ? { id: (answer.data[0] as Json | undefined)?.task_id, status: 'pending' } : answer.data;
    return { task: data as Json, replayed: res.headers.get('idempotency-replayed') === 'true' };
  }

  /** GET /v1/tasks/{id}; with `waitSeconds`, answered when the task ends or after that long. */
  async getTask(taskId: string, opts: { waitSeconds?: number; language?: string } = {}): Promise<Json> {
    const query = opts.language ? `?${new URLSearchParams({ language: opts.language })}` : '';
    const wait = opts.waitSeconds ?? 0;
    const answer = await this.json('GET', `/v1/tasks/${encodeURIComponent(taskId)}${query}`, {
      ...(wait > 0 && { headers: { prefer: `wait=${wait}` } }),
      timeoutMs: requestTimeoutMs + wait * 1000,
    });
    return answer.data as Json;
  }

  async cancelTask(taskId: string): Promise<Json> {
    return (await this.json('POST', `/v1/tasks/${encodeURIComponent(taskId)}/cancel`)).data as Json;
  }

  /**
   * Writes the task's MP4 to `file` (its folder is created). Without `overwrite` an existing file is
   * refused before anything is downloaded; a failed download leaves no partial file.
   */
  async downloadVideo(taskId: string, file: string, overwrite: boolean): Promise<{ bytes: number; contentType: string }> {
    await mkdir(path.dirname(file), { recursive: true });
    const handle = await open(file, overwrite ? 'w' : 'wx');
    const out = handle.createWriteStream();
    try {
      const res = await this.call('GET', `/v1/tasks/${encodeURIComponent(taskId)}/content`, { timeoutMs: downloadTimeoutMs });
      await pipeline(Readable.fromWeb(res.body as ReadableStream), out);
      return { bytes: out.bytesWritten, contentType: res.headers.get('content-type') ?? 'video/mp4' };
    } catch (e) {
      out.destroy();
      await rm(file, { force: true });
      throw e;
    }
  }
}
