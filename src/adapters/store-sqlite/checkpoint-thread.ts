import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Db } from './sqlite-db.js';

const require = createRequire(import.meta.url);

/** What one checkpoint did: WAL frames in the log, and how many of them are now in the database file. */
export interface CheckpointResult {
  busy: boolean;
  logFrames: number;
  checkpointedFrames: number;
}

export interface CheckpointThread {
  /** Runs one checkpoint on the thread now (the timer runs them anyway) and reports it. */
  checkpointNow(): Promise<CheckpointResult>;
  close(): Promise<void>;
}

/** Pages the event loop's own connection lets the WAL reach before it checkpoints itself. */
export const fallbackCheckpointPages = 10_000;

// Plain CommonJS evaluated as the thread's script, so the thread needs no TypeScript loader.
const threadSource = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driverPath);
const db = new Database(workerData.file);
const checkpoint = () => {
  try {
    const [r] = db.pragma('wal_checkpoint(PASSIVE)');
    return { busy: r.busy === 1, logFrames: r.log, checkpointedFrames: r.checkpointed };
  } catch (err) {
    return { busy: true, logFrames: -1, checkpointedFrames: -1 };
  }
};
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on('message', (m) => {
  if (m === 'now') return parentPort.postMessage(checkpoint());
  clearInterval(timer);
  checkpoint();
  db.close();
  parentPort.close();
});
`;

/**
 * Copies the WAL back into the database file on a thread of its own. By default SQLite does this on
 * the committing connection every 1,000 pages, with an fsync, inside whichever request's commit
 * crossed the line; measured, that was about an eighth of a create's database time. The event
 * loop's connection keeps a far larger limit as a fallback, so the WAL stays bounded even when this
 * thread falls behind or stops; should the thread fail, the default limit comes back.
 */
export function startCheckpointThread(db: Db, file: string, intervalMs: number): CheckpointThread {
  db.pragma(`wal_autocheckpoint = ${fallbackCheckpointPages}`);
  const worker = new Worker(threadSource, { eval: true, workerData: { file, intervalMs, driverPath: require.resolve('better-sqlite3') } });
  worker.unref();
  let alive = true;
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  void exited.then(() => {
    alive = false;
    if (db.open) db.pragma('wal_autocheckpoint = 1000');
  });
  worker.on('error', () => {
    // The exit handler restores the default; the error itself needs no further action here.
  });
  return {
    checkpointNow() {
      if (!alive) return Promise.reject(new Error('the checkpoint thread has stopped'));
      // Referenced while a caller waits on it, so the process stays up for the answer.
      worker.ref();
      return new Promise((resolve) => {
        worker.once('message', (result: CheckpointResult) => {
          worker.unref();
          resolve(result);
        });
        worker.postMessage('now');
      });
    },
    async close() {
      if (!alive) return;
      worker.ref();
      worker.postMessage('close');
      await exited;
    },
  };
}
