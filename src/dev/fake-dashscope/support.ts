/**
 * Helpers of the fake DashScope: the seeded PRNG behind the faults, the per-account sliding one-second
 * window, the signed OSS-style result URLs and the default MP4 renderer (bundled ffmpeg).
 */
import { execFile } from 'node:child_process';
import { createHash, createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ffmpegPath } from '../../adapters/media/ffmpeg-paths.js';
import { OUTPUT_FPS } from './task-view.js';

const MAX_BODY_BYTES = 10 * 1024 * 1024;

/** Recorded content types: the create gateway's, and the task endpoints' (query, list, cancel). */
export const CREATE_CONTENT_TYPE = 'application/json';
export const TASKS_CONTENT_TYPE = 'application/json;charset=UTF-8';

/** A number written with a decimal point even when whole (`10.0`), as some recorded answers have it. */
export class DecimalNumber {
  constructor(readonly value: number) {}
}

const DECIMAL_MARK = '\u0000decimal:';

/** JSON text of a body; DecimalNumber values come out as `10.0` / `10.04`. */
export function toWireJson(body: unknown): string {
  const text = JSON.stringify(body, (_key, v: unknown) =>
    v instanceof DecimalNumber ? DECIMAL_MARK + (Number.isInteger(v.value) ? v.value.toFixed(1) : String(v.value)) : v,
  );
  return text.replace(/"\\u0000decimal:([-+.\deE]+)"/g, '$1');
}

/** Request ids as recorded: 8-4-4-4-12 hex with the third group starting with 9 (not a v4 UUID). */
export function requestId(): string {
  const id = randomUUID();
  return `${id.slice(0, 14)}9${id.slice(15)}`;
}

export function sendJson(res: ServerResponse, status: number, body: unknown, contentType = TASKS_CONTENT_TYPE): void {
  const text = toWireJson(body);
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export function sendError(res: ServerResponse, status: number, code: string, message: string, contentType = TASKS_CONTENT_TYPE): void {
  sendJson(res, status, { code, message, request_id: requestId() }, contentType);
}

/** The body as text, or null when it is larger than 10 MB. */
export function readBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY_BYTES) chunks.push(c);
    });
    req.on('end', () => resolve(size > MAX_BODY_BYTES ? null : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export { seededRandom } from '../../domain/seeded-random.js';

/**
 * Per-account sliding one-second windows. `admitted` holds the requests let through (the limit counts
 * these); `attempts` holds every request, so maxInOneSecond shows how hard a client really pushed.
 */
export class SlidingWindows {
  private readonly admitted = new Map<string, number[]>();
  private readonly attempts = new Map<string, number[]>();
  readonly maxInOneSecond: Record<string, number> = {};

  constructor(private readonly windowMs = 1000) {}

  private prune(map: Map<string, number[]>, key: string, nowMs: number): number[] {
    const list = (map.get(key) ?? []).filter((t) => nowMs - t < this.windowMs);
    map.set(key, list);
    return list;
  }

  /** Records an attempt; true when it fits under `limit` admitted requests in the last window. */
  tryAdmit(key: string, limit: number, nowMs: number): boolean {
    const tries = this.prune(this.attempts, key, nowMs);
    tries.push(nowMs);
    this.maxInOneSecond[key] = Math.max(this.maxInOneSecond[key] ?? 0, tries.length);
    const ok = this.prune(this.admitted, key, nowMs);
    if (ok.length >= limit) return false;
    ok.push(nowMs);
    return true;
  }
}

/** Signs and checks result URLs the way OSS presigned URLs look: Expires (unix s) + OSSAccessKeyId + Signature. */
export class UrlSigner {
  constructor(private readonly secret: string) {}

  private sign(taskId: string, expires: string): string {
    return createHmac('sha1', this.secret).update(`GET\n${taskId}\n${expires}`).digest('base64');
  }

  url(base: string, taskId: string, expiresAtMs: number): string {
    const expires = String(Math.floor(expiresAtMs / 1000));
    const q = new URLSearchParams({ Expires: expires, OSSAccessKeyId: 'LTAIfakeDashScope', Signature: this.sign(taskId, expires) });
    return `${base}/oss/${taskId}.mp4?${q.toString()}`;
  }

  verify(taskId: string, expires: string | null, signature: string | null): boolean {
    if (!expires || !signature) return false;
    const want = Buffer.from(this.sign(taskId, expires));
    const got = Buffer.from(signature);
    return want.length === got.length && timingSafeEqual(want, got);
  }
}

/** OSS answers presigned-URL problems with an XML body. */
export function ossError(code: string, message: string, requestId: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error>\n  <Code>${code}</Code>\n  <Message>${message}</Message>\n  <RequestId>${requestId}</RequestId>\n  <HostId>fake-dashscope-result.oss</HostId>\n</Error>\n`;
}

/** A stable colour per task so different tasks give visibly different videos. */
function colourFor(seed: string): string {
  return `0x${createHash('sha1').update(seed).digest('hex').slice(0, 6)}`;
}

/** Default render: a real 320x180 H.264 + silent AAC MP4 lasting `seconds`, made with the bundled ffmpeg. */
export function renderColourMp4(seconds: number, seed: string, outPath: string): Promise<void> {
  const args = [
    '-hide_banner', '-loglevel', 'error', '-y',
    '-f', 'lavfi', '-i', `color=c=${colourFor(seed)}:s=320x180:r=${OUTPUT_FPS}:d=${seconds}`,
    '-f', 'lavfi', '-i', 'anullsrc=r=44100:cl=mono',
    '-t', String(seconds),
    '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p',
    '-c:a', 'aac', '-b:a', '32k', '-shortest', '-movflags', '+faststart',
    outPath,
  ];
  return new Promise((resolve, reject) => {
    execFile(ffmpegPath, args, { timeout: 60_000, windowsHide: true }, (err, _stdout, stderr) => {
      if (err) reject(new Error(`fake-dashscope render failed: ${String(stderr).trim() || err.message}`, { cause: err }));
      else resolve();
    });
  });
}
