import { APIConnectionError, APIError, APIUserAbortError, WangateError } from './errors.js';
import type { HttpClient } from './http-client.js';
import { nodeFs, writeAll } from './node-platform.js';
import { taskPath } from './paths.js';
import { isMissingRoute } from './task-wait.js';
import type { RequestOptions, Task } from './types.js';

export interface DownloadOptions extends RequestOptions {
  /** A byte range: `{ start, end? }` (end inclusive) or a Range header value (`bytes=0-1023`). */
  range?: { start: number; end?: number } | string;
  /** Send the range only if the file still has this ETag (else the whole file comes, 200). */
  ifRange?: string;
}

export interface SaveOptions extends RequestOptions {
  /** Called as bytes arrive: bytes on disk so far and the file's size when known. */
  onProgress?: (receivedBytes: number, totalBytes: number | undefined) => void;
}

export interface SavedContent {
  path: string;
  bytes: number;
}

type Retrieve = (opts: RequestOptions) => Promise<Task>;

/**
 * GET /v1/tasks/{id}/content. A gateway without that route (the seed's platform) is answered from the
 * task's signed result URL instead, with the same Range headers.
 */
export async function downloadContent(http: HttpClient, retrieve: Retrieve, taskId: string, opts: DownloadOptions): Promise<Response> {
  const { range, ifRange, ...call } = opts;
  const headers: Record<string, string> = { accept: '*/*' };
  if (range !== undefined) headers.range = typeof range === 'string' ? range : `bytes=${range.start}-${range.end ?? ''}`;
  if (ifRange) headers['if-range'] = ifRange;
  try {
    return await http.response({ method: 'GET', path: taskPath(taskId, '/content'), idempotent: true, headers }, call);
  } catch (e) {
    if (!isMissingRoute(e)) throw e;
    const url = (await retrieve(call)).result?.videos[0]?.url[0];
    if (!url) throw e;
    return http.response({ method: 'GET', path: url, idempotent: true, headers }, call);
  }
}

/** The whole file's size: from Content-Range on a 206, else Content-Length. */
function totalBytesOf(res: Response, offset: number): number | undefined {
  const range = /\/(\d+)\s*$/.exec(res.headers.get('content-range') ?? '');
  if (range) return Number(range[1]);
  const length = Number(res.headers.get('content-length') ?? Number.NaN);
  return Number.isFinite(length) ? offset + length : undefined;
}

type Download = (opts: DownloadOptions) => Promise<Response>;

/**
 * Streams a task's MP4 to `path`. Bytes go to `path.part`, which is renamed to `path` only once the
 * whole file is there: a cut connection resumes with Range (If-Range on the ETag), and so does a later
 * call after a crash (a result never changes once written).
 */
export async function saveContent(download: Download, path: string, opts: SaveOptions): Promise<SavedContent> {
  const fs = await nodeFs('saveContent');
  const { onProgress, ...call } = opts;
  const part = `${path}.part`;
  let offset = await fs.promises.stat(part).then((s) => s.size, () => 0);
  let etag: string | undefined;
  const maxRetries = opts.maxRetries ?? 2;
  for (let attempt = 0; ; attempt++) {
    let res: Response;
    try {
      res = await download({ ...call, ...(offset > 0 && { range: { start: offset }, ...(etag && { ifRange: etag }) }) });
    } catch (e) {
      // 416 at a resume: the part file already holds the whole file (or is longer than it: start over).
      if (e instanceof APIError && e.status === 416 && offset > 0) {
        const size = Number(/\/(\d+)\s*$/.exec(e.headers.get('content-range') ?? '')?.[1]);
        if (size === offset) break;
        offset = 0;
        await fs.promises.rm(part, { force: true });
        continue;
      }
      throw e;
    }
    if (res.status !== 206) offset = 0;
    const total = totalBytesOf(res, offset);
    etag = res.headers.get('etag') ?? undefined;
    onProgress?.(offset, total);
    const file = await fs.promises.open(part, offset === 0 ? 'w' : 'a', 0o644);
    let cut: unknown;
    try {
      const reader = res.body!.getReader();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        await writeAll(file, value);
        offset += value.length;
        onProgress?.(offset, total);
      }
    } catch (e) {
      if (call.signal?.aborted) throw new APIUserAbortError();
      cut = e;
    } finally {
      await file.close();
    }
    if (cut === undefined && (total === undefined || offset === total)) break;
    if (cut === undefined && offset > (total ?? 0)) throw new WangateError(`The download of ${path} is longer than announced (${offset} > ${total} bytes)`);
    if (attempt >= maxRetries) {
      throw new APIConnectionError(`The download stopped at ${offset} of ${total ?? '?'} bytes (kept in ${part}; call again to resume)`, { cause: cut });
    }
  }
  await fs.promises.rename(part, path);
  return { path, bytes: offset };
}
