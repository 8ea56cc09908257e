import { createHash, randomBytes } from 'node:crypto';
import pg from 'pg';
import type { TaskEvent, TaskEvents, TaskStatus } from '../../domain/ports.js';
import { createMemoryTaskEvents } from './memory-task-events.js';

/** Task events shared by every process on one PostgreSQL schema, and the "new work" announcement. */
export interface SharedTaskEvents extends TaskEvents {
  /** Tells every other process that a task was created (their idle workers wake up). */
  announceWork(): void;
  /** Another process announced work, or the connection came back (anything may have been missed). */
  onWork(listener: () => void): void;
  close(): Promise<void>;
}

export interface PgTaskEventsOptions {
  log: { warn(obj: object, msg?: string): void; info(obj: object, msg?: string): void };
  /** First wait before reconnecting a lost listening connection (doubles up to 5 s). */
  reconnectDelayMs?: number;
}

/** [taskId, status, progress]: one event in a notification. */
type WireEvent = [string, TaskStatus, number];
interface Payload {
  /** The sending process: it delivered its own events in-process already. */
  o: string;
  e: WireEvent[];
  /** Tasks created. */
  w: number;
}

/** NOTIFY payloads must stay under 8000 bytes: an event is at most ~70 bytes. */
const eventsPerNotify = 100;

/** One channel per schema: deployments sharing a database never hear each other. */
export function channelFor(schema: string): string {
  const name = `wangate_${schema}`;
  return name.length <= 63 ? name : `wangate_${createHash('sha256').update(schema).digest('hex').slice(0, 32)}`;
}

/** The listening connection's application_name (at most 63 characters). */
export const applicationNameFor = (schema: string): string => `wangate-events:${schema}`.slice(0, 63);

/**
 * Task events through PostgreSQL LISTEN/NOTIFY. A process delivers its own events in-process at once
 * and sends them, batched, to the others over one dedicated connection (events that pile up while a
 * NOTIFY is in flight go together in the next). A notification is sent after the store's commit, so a
 * process that reads the store on hearing it sees the change. Lost connections reconnect with backoff;
 * what was said meanwhile is missed, and the watchers' store polling (the slow safety net) finds it.
 */
export async function createPgTaskEvents(connectionString: string, opts: PgTaskEventsOptions): Promise<SharedTaskEvents> {
  const local = createMemoryTaskEvents();
  const origin = randomBytes(8).toString('hex');
  const workListeners: (() => void)[] = [];
  const firstDelayMs = opts.reconnectDelayMs ?? 250;
  let client: pg.Client | undefined;
  let channel = '';
  let closed = false;
  let delayMs = firstDelayMs;
  let reconnectTimer: NodeJS.Timeout | undefined;
  let pending: WireEvent[] = [];
  let pendingWork = 0;
  let flushing = false;

  const wakeWorkers = (times: number) => {
    for (let i = 0; i < Math.min(times, 64); i++) for (const l of workListeners) l();
  };

  const receive = (msg: pg.Notification) => {
    if (msg.channel !== channel || !msg.payload) return;
    let payload: Payload;
    try {
      payload = JSON.parse(msg.payload) as Payload;
    } catch {
      return;
    }
    if (payload.o === origin) return;
    for (const [taskId, status, progress] of payload.e) local.publish({ taskId, status, progress });
    if (payload.w > 0) wakeWorkers(payload.w);
  };

  async function connect(): Promise<void> {
    const c = new pg.Client({ connectionString, keepAlive: true });
    c.on('error', () => lost(c));
    c.on('end', () => lost(c));
    c.on('notification', receive);
    await c.connect();
    const schema = (await c.query<{ s: string }>('SELECT current_schema() AS s')).rows[0]?.s ?? 'public';
    channel = channelFor(schema);
    // Named, so an operator sees the listeners in pg_stat_activity.
    await c.query('SELECT set_config($1, $2, false)', ['application_name', applicationNameFor(schema)]);
    await c.query(`LISTEN ${c.escapeIdentifier(channel)}`);
    client = c;
    delayMs = firstDelayMs;
  }

  function lost(c: pg.Client): void {
    if (client !== c && client !== undefined) return;
    client = undefined;
    c.removeAllListeners('notification');
    void c.end().catch(() => undefined);
    if (!closed) scheduleReconnect();
  }

  function scheduleReconnect(): void {
    if (reconnectTimer || closed) return;
    reconnectTimer = setTimeout(() => {
      reconnectTimer = undefined;
      connect().then(
        () => {
          opts.log.info({ channel }, 'task events: listening again');
          // Creates announced while we were away were not heard: let idle workers look.
          wakeWorkers(1);
        },
        (err: unknown) => {
          opts.log.warn({ err: String(err), retryInMs: delayMs }, 'task events: cannot listen; store polling covers until it can');
          delayMs = Math.min(delayMs * 2, 5000);
          scheduleReconnect();
        },
      );
    }, delayMs);
  }

  async function flush(): Promise<void> {
    if (flushing) return;
    flushing = true;
    try {
      while ((pending.length > 0 || pendingWork > 0) && client) {
        const events = pending.slice(0, eventsPerNotify);
        pending = pending.slice(events.length);
        const payload: Payload = { o: origin, e: events, w: pendingWork };
        pendingWork = 0;
        await client.query('SELECT pg_notify($1, $2)', [channel, JSON.stringify(payload)]);
      }
    } catch (err) {
      // Dropped: the connection is being re-made; other processes' polling finds these changes.
      opts.log.warn({ err: String(err) }, 'task events: could not notify other processes');
    } finally {
      if (!client) (pending = []), (pendingWork = 0);
      flushing = false;
    }
  }

  try {
    await connect();
  } catch (err) {
    closed = true;
    clearTimeout(reconnectTimer);
    throw err;
  }

  return {
    publish(event: TaskEvent) {
      local.publish(event);
      if (!client) return;
      pending.push([event.taskId, event.status, event.progress]);
      void flush();
    },
    subscribe: (taskId, listener) => local.subscribe(taskId, listener),
    announceWork() {
      if (!client) return;
      pendingWork++;
      void flush();
    },
    onWork(listener) {
      workListeners.push(listener);
    },
    async close() {
      closed = true;
      clearTimeout(reconnectTimer);
      const c = client;
      client = undefined;
      await c?.end().catch(() => undefined);
    },
  };
}
