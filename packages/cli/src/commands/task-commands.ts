import { APIUserAbortError, type Task, type TaskStatus } from '@wangate/client';
import { parseCommand, parseInteger, parseTime, positionals } from '../args.js';
import { exitCodes } from '../exit-codes.js';
import { trapInterrupt } from '../interrupt.js';
import { formatMoney, formatTable, formatTime, Output, type Streams } from '../output.js';
import { connect } from '../profile.js';
import { followTask, saveWithProgress } from './follow-task.js';

export const waitUsage = 'wangate wait TASK_ID [-o FILE] [--no-download] [--timeout SECONDS] [--cancel-on-interrupt] [--json] [--quiet]';
export const getUsage = 'wangate get TASK_ID [--json]';
export const cancelUsage = 'wangate cancel TASK_ID [--json]';
export const tasksUsage = 'wangate tasks [--status STATUS[,STATUS]] [--from TIME] [--to TIME] [--limit N] [--all] [--json]';
export const downloadUsage = 'wangate download TASK_ID [-o FILE] [--json] [--quiet]';

/** A task for people: status line, then what matters of it. */
export function describeTask(t: Task): string {
  const lines = [`${t.id}  ${t.status}  ${t.progress}%`];
  const row = (k: string, v: string | undefined) => v !== undefined && lines.push(`  ${k.padEnd(10)} ${v}`);
  row('mode', `${t.mode} (engine ${t.engine.id})`);
  row('created', formatTime(t.created));
  if (t.queue_position !== undefined) row('queue', `${t.queue_position} ahead`);
  row('cost', formatMoney(t.cost, t.currency));
  const video = t.result?.videos[0];
  if (video) row('result', video.expired ? 'expired' : `${video.url[0]} (${video.width}x${video.height}, ${video.duration} s)`);
  if (t.error) row('error', `${t.error.message} (${t.error.reason})`);
  return lines.join('\n');
}

export async function runWait(args: string[], streams: Streams): Promise<number> {
  const { values, positionals: rest } = parseCommand(args, {
    output: { type: 'string', short: 'o' },
    'no-download': { type: 'boolean' },
    timeout: { type: 'string' },
    'cancel-on-interrupt': { type: 'boolean' },
  });
  const [taskId] = positionals(rest, ['TASK_ID'], waitUsage);
  const out = new Output(values, streams);
  const maxWaitSeconds = parseInteger(values.timeout, '--timeout');
  const client = await connect(values, streams.env, out);
  return followTask(client, taskId!, out, {
    output: values.output,
    download: !values['no-download'],
    maxWaitSeconds,
    cancelOnInterrupt: Boolean(values['cancel-on-interrupt']),
  });
}

export async function runGet(args: string[], streams: Streams): Promise<number> {
  const { values, positionals: rest } = parseCommand(args, {});
  const [taskId] = positionals(rest, ['TASK_ID'], getUsage);
  const out = new Output(values, streams);
  const task = await (await connect(values, streams.env, out)).tasks.retrieve(taskId!);
  out.result(task, () => describeTask(task));
  return exitCodes.done;
}

export async function runCancel(args: string[], streams: Streams): Promise<number> {
  const { values, positionals: rest } = parseCommand(args, {});
  const [taskId] = positionals(rest, ['TASK_ID'], cancelUsage);
  const out = new Output(values, streams);
  const task = await (await connect(values, streams.env, out)).tasks.cancel(taskId!);
  out.result(task, () => `${task.id} ${task.status}`);
  return exitCodes.done;
}

export async function runTasks(args: string[], streams: Streams): Promise<number> {
  const { values, positionals: rest } = parseCommand(args, {
    status: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    limit: { type: 'string' },
    all: { type: 'boolean' },
  });
  positionals(rest, [], tasksUsage);
  const out = new Output(values, streams);
  const client = await connect(values, streams.env, out);
  const params = {
    ...(values.status !== undefined && { status: values.status.split(',').map((s) => s.trim()) as TaskStatus[] }),
    ...(values.from !== undefined && { from: parseTime(values.from, '--from') }),
    ...(values.to !== undefined && { to: parseTime(values.to, '--to') }),
    ...(values.limit !== undefined && { limit: parseInteger(values.limit, '--limit') }),
  };
  let page;
  if (values.all) {
    const data: Task[] = [];
    for await (const t of client.tasks.list(params)) data.push(t);
    page = { data, has_more: false, next_cursor: null };
  } else {
    page = await client.tasks.listPage(params);
  }
  const rows = page.data.map((t) => [t.id, t.status, `${t.progress}%`, t.mode, formatTime(t.created), formatMoney(t.cost, t.currency)]);
  out.result(page, () => {
    const table = rows.length > 0 ? formatTable(['ID', 'STATUS', 'PROGRESS', 'MODE', 'CREATED (UTC)', 'COST'], rows) : 'no tasks';
    return page.has_more ? `${table}\nmore: wangate tasks --all, or --limit` : table;
  });
  return exitCodes.done;
}

export async function runDownload(args: string[], streams: Streams): Promise<number> {
  const { values, positionals: rest } = parseCommand(args, { output: { type: 'string', short: 'o' } });
  const [taskId] = positionals(rest, ['TASK_ID'], downloadUsage);
  const out = new Output(values, streams);
  const client = await connect(values, streams.env, out);
  const controller = new AbortController();
  const release = trapInterrupt(controller);
  const path = values.output ?? `${taskId}.mp4`;
  try {
    await saveWithProgress(client, taskId!, path, out, controller.signal);
  } catch (e) {
    if (!(e instanceof APIUserAbortError)) throw e;
    out.warn(`interrupted: resume the download with: wangate download ${taskId} -o ${path}`);
    return exitCodes.interrupted;
  } finally {
    release();
  }
  out.result({ path }, () => path);
  return exitCodes.done;
}
