/**
 * DashScope replies -> our view of an upstream task. Pure; tolerant of missing fields (the upstream
 * adds fields over time), strict about what we rely on (the status and, when done, the video URL).
 *
 * Sources (read 2026-06):
 * - task query, batch list, cancel: https://www.alibabacloud.com/help/en/model-studio/manage-asynchronous-tasks
 *   (query: 20 QPS per Alibaba Cloud account, shared by all its keys; finished tasks kept 24 h)
 * - list reply fields as the official SDKs model them (AsyncTaskListResult / AsyncTaskInfo in
 *   github.com/dashscope/dashscope-sdk-java; BaseAsyncApi.list in github.com/dashscope/dashscope-sdk-python):
 *   {data: [{task_id, status, model_name, gmt_create, start_time, end_time, request_id, api_key_id, ...}],
 *    total, total_page, page_no, page_size}. The list carries NO prompt, video URL or usage: a finished
 *   task found by the list still needs one detail query.
 * Times in query replies are "YYYY-MM-DD HH:mm:ss.SSS" in UTC+8 without an offset; the list's times are
 * epoch milliseconds. Both are accepted. `usage` numbers come as 10, 10.0 or 10.04 (and as strings through
 * some SDKs): all read as whole milliseconds. The recorded answers these rules were checked against are in
 * test/fixtures/dashscope.
 */
import { upstreamStatuses, type UpstreamListEntry, type UpstreamListPage, type UpstreamStatus, type UpstreamTaskView } from '../upstream/upstream-task.js';

export class UpstreamReplyError extends Error {}

const utc8OffsetMs = 8 * 3600_000;

/**
 * "2023-12-20 21:36:31.896" (UTC+8, no offset) -> epoch ms. Also accepts an ISO string with an explicit
 * offset, and epoch numbers (seconds or milliseconds). Undefined when absent or unreadable.
 */
export function parseUpstreamTime(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) return value < 1e11 ? value * 1000 : value;
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const s = value.trim();
  if (/^\d+$/.test(s)) return parseUpstreamTime(Number(s));
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?$/.exec(s);
  if (m) {
    const [, y, mo, d, h, mi, se, frac] = m;
    const ms = frac ? Math.round(Number(`0.${frac}`) * 1000) : 0;
    return Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(se), ms) - utc8OffsetMs;
  }
  const t = Date.parse(s);
  return Number.isFinite(t) ? t : undefined;
}

/** Epoch ms -> "YYYYMMDDhhmmss" in UTC+8, the list filter's format. */
export function formatListTime(ms: number): string {
  const d = new Date(ms + utc8OffsetMs);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getUTCFullYear(), 4)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}`;
}

function obj(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function num(v: unknown): number | undefined {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
}

/** A usage duration (10, 10.0, 10.04, "10") -> seconds in whole milliseconds, so float noise never reaches billing. */
function usageSeconds(v: unknown): number | undefined {
  const n = num(v);
  return n !== undefined && n > 0 ? Math.round(n * 1000) / 1000 : undefined;
}

/** Unknown or missing statuses read as UNKNOWN only when the upstream says so; anything else is an error. */
export function parseStatus(v: unknown): UpstreamStatus | undefined {
  const s = typeof v === 'string' ? v.toUpperCase() : '';
  if (s === 'CANCELLED') return 'CANCELED';
  return (upstreamStatuses as readonly string[]).includes(s) ? (s as UpstreamStatus) : undefined;
}

/** The error code a view carries when the upstream's answers about a task could not be read (never an upstream code). */
export const unreadableReplyCode = 'bad_reply';

/** What is said in place of a task the upstream's answers did not describe: it ends FAILED with the reason. */
export function unreadableTaskView(taskId: string, why: string): UpstreamTaskView {
  return { taskId, status: 'FAILED', errorCode: unreadableReplyCode, errorMessage: why };
}

function describeError(body: unknown): string {
  const { code, message } = fromErrorReply(body);
  return code || message ? ` (it says ${[code, message].filter(Boolean).join(': ')})` : '';
}

/**
 * GET /api/v1/tasks/{id} reply -> view. Throws UpstreamReplyError when the reply is not a video task: no
 * output.task_id, a status outside the documented six, or SUCCEEDED without a video_url.
 */
export function fromQueryReply(body: unknown): UpstreamTaskView {
  const output = obj(obj(body)?.output);
  const taskId = str(output?.task_id);
  const rawStatus = output?.task_status;
  const status = parseStatus(rawStatus);
  if (!output || !taskId) throw new UpstreamReplyError(`the task query reply has no output.task_id${describeError(body)}`);
  if (!status) throw new UpstreamReplyError(`the task query reply has an unknown output.task_status ${JSON.stringify(rawStatus) ?? 'undefined'}`);
  if (status === 'SUCCEEDED' && !str(output.video_url)) throw new UpstreamReplyError('the task query reply is SUCCEEDED but has no output.video_url');
  const usage = obj(obj(body)?.usage);
  // duration = input + output seconds; the legacy models name it video_duration.
  const billed = usageSeconds(usage?.duration) ?? usageSeconds(usage?.output_video_duration) ?? usageSeconds(usage?.video_duration);
  const view: UpstreamTaskView = { taskId, status };
  const set = <K extends keyof UpstreamTaskView>(k: K, v: UpstreamTaskView[K] | undefined) => {
    if (v !== undefined) view[k] = v;
  };
  set('videoUrl', str(output.video_url));
  set('billedSeconds', billed);
  set('actualPrompt', str(output.actual_prompt));
  set('origPrompt', typeof output.orig_prompt === 'string' ? output.orig_prompt : undefined);
  set('errorCode', str(output.code));
  set('errorMessage', str(output.message));
  set('submittedAtMs', parseUpstreamTime(output.submit_time));
  set('scheduledAtMs', parseUpstreamTime(output.scheduled_time));
  set('endedAtMs', parseUpstreamTime(output.end_time));
  return view;
}

/** POST .../video-synthesis reply -> the upstream task id. */
export function fromCreateReply(body: unknown): { taskId: string; status: UpstreamStatus } {
  const output = obj(obj(body)?.output);
  const taskId = str(output?.task_id);
  if (!taskId) throw new UpstreamReplyError('the create reply has no output.task_id');
  return { taskId, status: parseStatus(output?.task_status) ?? 'PENDING' };
}

/** GET /api/v1/tasks (batch list) reply -> one page. Rows without an id or a known status are skipped. */
export function fromListReply(body: unknown): UpstreamListPage {
  const b = obj(body);
  // The SDKs read the page at the top level; accept it under `output` too.
  const root = Array.isArray(b?.data) ? b : (obj(b?.output) ?? b);
  const rows = Array.isArray(root?.data) ? root.data : undefined;
  if (!root || !rows) throw new UpstreamReplyError('the task list reply has no data array');
  const entries: UpstreamListEntry[] = [];
  for (const raw of rows) {
    const r = obj(raw);
    const taskId = str(r?.task_id);
    const status = parseStatus(r?.status ?? r?.task_status);
    if (!r || !taskId || !status) continue;
    const e: UpstreamListEntry = { taskId, status };
    const model = str(r.model_name) ?? str(r.model);
    if (model) e.model = model;
    const created = parseUpstreamTime(r.gmt_create ?? r.submit_time);
    if (created !== undefined) e.createdAtMs = created;
    const started = parseUpstreamTime(r.start_time ?? r.scheduled_time);
    if (started !== undefined) e.startedAtMs = started;
    const ended = parseUpstreamTime(r.end_time);
    if (ended !== undefined) e.endedAtMs = ended;
    entries.push(e);
  }
  const pageSize = num(root.page_size) ?? rows.length;
  const total = num(root.total) ?? entries.length;
  const totalPages = num(root.total_page) ?? (pageSize > 0 ? Math.ceil(total / pageSize) : 1);
  return { entries, total, pageNo: num(root.page_no) ?? 1, pageSize, totalPages };
}

/** An error body {code, message, request_id} -> its parts (either may be missing). */
export function fromErrorReply(body: unknown): { code?: string; message?: string } {
  const b = obj(body);
  const out: { code?: string; message?: string } = {};
  const code = str(b?.code) ?? str(obj(b?.output)?.code);
  const message = str(b?.message) ?? str(obj(b?.output)?.message);
  if (code) out.code = code;
  if (message) out.message = message;
  return out;
}
