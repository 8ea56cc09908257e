/**
 * The fake's task records and how the DashScope task APIs show them: status by time, the single-task
 * query body, the batch-list item and the batch-list filters. Pure: no I/O.
 */
import { DecimalNumber } from './support.js';
import type { AcceptedCreate } from './validate-create.js';

export type TaskStatus = 'PENDING' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELED';

export interface FakeTask {
  taskId: string;
  account: string;
  apiKeyId: string;
  createRequestId: string;
  model: string;
  prompt: string | undefined;
  /** The valid request; null when the body failed the task's checks (see `rejection`). */
  accepted: AcceptedCreate | null;
  /** Why the task fails on its first poll (bad input the service accepts at create). */
  rejection: { code: string; message: string } | null;
  /** The create body as received (tests assert the exact native bodies). */
  body: unknown;
  createdAtMs: number;
  /** Decided at create (seeded PRNG): the task ends FAILED/InternalError instead of SUCCEEDED. */
  willFail: boolean;
  canceledAtMs: number | null;
  /** Set the first time the task is seen SUCCEEDED. */
  videoUrl: string | null;
  urlExpiresAtMs: number | null;
  /** When a query first answered with the task's end (how soon a client learnt of it). */
  endSeenAtMs?: number;
  /** This task's time in RUNNING, when it differs from the common one (FakeDashscopeOptions.runningMsFor). */
  runningMs?: number;
}

export interface Timing {
  pendingMs: number;
  runningMs: number;
  taskExpiryMs: number;
  /** From the create of a task with bad input to its FAILED (recorded: about 0.1 s). */
  invalidFailMs: number;
}

/** Where the recorded answers disagree, the simulator can answer either way. */
export interface WireVariants {
  /**
   * usage durations: `integer` (10, as recorded 2026-04-21 and in most pages), `float` (10.0, recorded
   * byte for byte 2026-08-27; input_video_duration stays 0) or `fractional` (measured lengths such as
   * 10.04 = 5.02 + 5.02, as the videoedit page prints them).
   */
  usageNumbers: 'integer' | 'float' | 'fractional';
  /** usage.fps (30), present in the 2026-08-27 capture, absent from the others. */
  usageFps: boolean;
  /** output.actual_prompt: only the wanx2.1/2.2 pages show it; no wan2.5+ answer has it. */
  actualPrompt: boolean;
}

export const INTERNAL_ERROR_MESSAGE = 'An internal error has occured, please try again later or contact service support.';
const UTC8_MS = 8 * 3600 * 1000;
/** Output frame rate reported in usage.fps (30, as recorded) and used by the default render. */
export const OUTPUT_FPS = 30;

/** "YYYY-MM-DD HH:mm:ss.SSS" in UTC+8 without an offset, as the task API prints times. */
export function formatUtc8(ms: number): string {
  const d = new Date(ms + UTC8_MS);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}.${p(d.getUTCMilliseconds(), 3)}`;
}

/** Parses a batch-list time bound: "YYYYMMDDhhmmss" (UTC+8, as in the SDK docs) or epoch milliseconds. */
export function parseListTime(value: string): number | undefined {
  if (/^\d{14}$/.test(value)) {
    const [y, mo, d, h, mi, s] = [0, 4, 6, 8, 10, 12].map((i, k) => Number(value.slice(i, i + (k === 0 ? 4 : 2))));
    const ms = Date.UTC(y!, mo! - 1, d!, h!, mi!, s!) - UTC8_MS;
    return Number.isFinite(ms) ? ms : undefined;
  }
  if (/^\d{13}$/.test(value)) return Number(value);
  return undefined;
}

export function isExpired(task: FakeTask, nowMs: number, t: Timing): boolean {
  return nowMs - task.createdAtMs >= t.taskExpiryMs;
}

export function scheduledAtMs(task: FakeTask, t: Timing): number {
  return task.createdAtMs + (task.rejection ? t.invalidFailMs : t.pendingMs);
}

export function endAtMs(task: FakeTask, t: Timing): number {
  return task.canceledAtMs ?? (task.rejection ? scheduledAtMs(task, t) : task.createdAtMs + t.pendingMs + (task.runningMs ?? t.runningMs));
}

export function statusAt(task: FakeTask, nowMs: number, t: Timing): TaskStatus {
  if (task.canceledAtMs !== null) return 'CANCELED';
  if (nowMs < scheduledAtMs(task, t)) return 'PENDING';
  if (task.rejection) return 'FAILED';
  if (nowMs < endAtMs(task, t)) return 'RUNNING';
  return task.willFail ? 'FAILED' : 'SUCCEEDED';
}

export function endedAtMs(task: FakeTask, nowMs: number, t: Timing): number | null {
  const s = statusAt(task, nowMs, t);
  return s === 'PENDING' || s === 'RUNNING' ? null : endAtMs(task, t);
}

/** Seconds of the output video of a valid task: a continuation is the input clip plus the generated part. */
export function outputSeconds(a: AcceptedCreate): number {
  return a.outputVideoSeconds;
}

/** A usage duration in the chosen form; `fractional` adds the 0.02 s a measured length carries. */
function usageNumber(seconds: number, v: WireVariants): number | DecimalNumber {
  if (v.usageNumbers === 'integer' || seconds === 0) return seconds;
  return new DecimalNumber(v.usageNumbers === 'fractional' ? Math.round((seconds + 0.02) * 100) / 100 : seconds);
}

/**
 * usage in the recorded key order. A continuation reports its clip as input and bills the whole output
 * (clip + generated part): documentation only, no recorded answer shows one.
 */
function usageOf(a: AcceptedCreate, v: WireVariants): Record<string, unknown> {
  // wan2.7-r2v and -videoedit bill measured lengths (input + output) and print them as measured: 10.04.
  const family = a.protocol === 'r2v-2.7' || a.protocol === 'videoedit-2.7';
  const number = (seconds: number) => (!family ? usageNumber(seconds, v) : v.usageNumbers === 'integer' && Number.isInteger(seconds) ? seconds : new DecimalNumber(seconds));
  const usage: Record<string, unknown> = {
    duration: number(a.billedSeconds),
    input_video_duration: number(a.inputVideoSeconds),
    output_video_duration: number(outputSeconds(a)),
  };
  if (v.usageFps) usage.fps = OUTPUT_FPS;
  usage.video_count = 1;
  usage.SR = a.sr;
  if (a.ratio !== undefined) usage.ratio = a.ratio;
  return usage;
}

function actualPrompt(a: AcceptedCreate): string | undefined {
  if (a.prompt === undefined || a.parameters.prompt_extend === false) return undefined;
  return `${a.prompt} Cinematic lighting, smooth camera motion, rich detail.`;
}

/** Whether the task ever left the queue: not while PENDING, nor when cancelled before its turn, nor when its input was bad. */
function wasScheduled(task: FakeTask, status: string, t: Timing): boolean {
  return status !== 'PENDING' && !task.rejection && !(status === 'CANCELED' && task.canceledAtMs! < scheduledAtMs(task, t));
}

/** Body of GET /api/v1/tasks/{task_id} for a live task (expired and unknown ones answer UNKNOWN elsewhere). */
export function queryBody(task: FakeTask, nowMs: number, t: Timing, v: WireVariants, requestId: string): Record<string, unknown> {
  const status = statusAt(task, nowMs, t);
  const output: Record<string, unknown> = { task_id: task.taskId, task_status: status, submit_time: formatUtc8(task.createdAtMs) };
  if (wasScheduled(task, status, t)) output.scheduled_time = formatUtc8(scheduledAtMs(task, t));
  if (status === 'SUCCEEDED' || status === 'FAILED' || status === 'CANCELED') output.end_time = formatUtc8(endAtMs(task, t));
  if (status === 'SUCCEEDED' && task.accepted) {
    if (task.prompt !== undefined) output.orig_prompt = task.prompt;
    const actual = v.actualPrompt ? actualPrompt(task.accepted) : undefined;
    if (actual !== undefined) output.actual_prompt = actual;
    output.video_url = task.videoUrl;
    return { request_id: requestId, output, usage: usageOf(task.accepted, v) };
  }
  if (status === 'FAILED') {
    output.code = task.rejection?.code ?? 'InternalError';
    output.message = task.rejection?.message ?? INTERNAL_ERROR_MESSAGE;
  }
  return { request_id: requestId, output };
}

/** One row of GET /api/v1/tasks, shaped like the recorded real answer (times in epoch ms, `status`). */
export function listItem(task: FakeTask, nowMs: number, t: Timing): Record<string, unknown> {
  const status = statusAt(task, nowMs, t);
  const ended = endedAtMs(task, nowMs, t);
  // As recorded, a time not reached yet is left out (a RUNNING row has no end_time), not null.
  return {
    api_key_id: task.apiKeyId,
    caller_parent_id: task.account,
    caller_uid: task.account,
    ...(ended !== null && { end_time: ended }),
    gmt_create: task.createdAtMs,
    model_name: task.model,
    region: 'cn-beijing',
    request_id: task.createRequestId,
    ...(wasScheduled(task, status, t) && { start_time: scheduledAtMs(task, t) }),
    status,
    task_id: task.taskId,
    user_api_unique_key: `apikey:v1:aigc:video-generation:video-synthesis:${task.model}`,
  };
}

export interface ListQuery {
  taskId?: string;
  modelName?: string;
  status?: string;
  apiKeyId?: string;
  startMs?: number;
  endMs?: number;
  pageNo: number;
  pageSize: number;
}

const LIST_STATUSES = ['PENDING', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELED'];
export const MAX_PAGE_SIZE = 100;

/** Parses the batch-list query string; a string answer is the InvalidParameter message. */
export function parseListQuery(q: URLSearchParams): ListQuery | string {
  const int = (name: string, dflt: number, max: number): number | string => {
    const raw = q.get(name);
    if (raw === null || raw === '') return dflt;
    const n = Number(raw);
    return Number.isInteger(n) && n >= 1 && n <= max ? n : `${name} must be an integer in [1, ${max}]`;
  };
  const pageNo = int('page_no', 1, Number.MAX_SAFE_INTEGER);
  const pageSize = int('page_size', 10, MAX_PAGE_SIZE);
  if (typeof pageNo === 'string') return pageNo;
  if (typeof pageSize === 'string') return pageSize;
  const out: ListQuery = { pageNo, pageSize };
  for (const [name, key] of [['start_time', 'startMs'], ['end_time', 'endMs']] as const) {
    const raw = q.get(name);
    if (raw === null || raw === '') continue;
    const ms = parseListTime(raw);
    if (ms === undefined) return `${name} must be formatted YYYYMMDDhhmmss (UTC+8) or epoch milliseconds`;
    out[key] = ms;
  }
  const status = q.get('status');
  if (status) {
    if (!LIST_STATUSES.includes(status)) return `status must be one of ${LIST_STATUSES.join(', ')}`;
    out.status = status;
  }
  const taskId = q.get('task_id');
  if (taskId) out.taskId = taskId;
  const modelName = q.get('model_name');
  if (modelName) out.modelName = modelName;
  const apiKeyId = q.get('api_key_id');
  if (apiKeyId) out.apiKeyId = apiKeyId;
  return out;
}

/** Filters one account's live tasks, newest first, and cuts the requested page. */
export function listPage(all: FakeTask[], query: ListQuery, nowMs: number, t: Timing): Record<string, unknown> {
  const matching = all
    .filter((task) => !isExpired(task, nowMs, t))
    .filter((task) => query.taskId === undefined || task.taskId === query.taskId)
    .filter((task) => query.modelName === undefined || task.model === query.modelName)
    .filter((task) => query.apiKeyId === undefined || task.apiKeyId === query.apiKeyId)
    .filter((task) => query.status === undefined || statusAt(task, nowMs, t) === query.status)
    .filter((task) => query.startMs === undefined || task.createdAtMs >= query.startMs)
    .filter((task) => query.endMs === undefined || task.createdAtMs <= query.endMs)
    .sort((a, b) => b.createdAtMs - a.createdAtMs);
  const from = (query.pageNo - 1) * query.pageSize;
  return {
    data: matching.slice(from, from + query.pageSize).map((task) => listItem(task, nowMs, t)),
    total: matching.length,
    total_page: Math.ceil(matching.length / query.pageSize),
    page_no: query.pageNo,
    page_size: query.pageSize,
  };
}
