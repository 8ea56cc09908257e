import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fallbackCheckpointPages, startCheckpointThread } from './checkpoint-thread.js';
import { openDb, type Db } from './sqlite-db.js';

let dir: string;
let file: string;
let db: Db;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'wangate-checkpoint-'));
  file = path.join(dir, 'ck.db');
  db = openDb(file);
});

afterEach(async () => {
  if (db.open) db.close();
  await rm(dir, { recursive: true, force: true });
});

const hourMs = 3_600_000;

describe('WAL checkpoint thread', () => {
  it('copies every committed WAL frame into the database file, off the event loop', async () => {
    const thread = startCheckpointThread(db, file, hourMs);
    try {
      db.exec('CREATE TABLE t (v TEXT)');
      const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
      for (let i = 0; i < 200; i++) insert.run('x'.repeat(500));
      const result = await thread.checkpointNow();
      expect(result.busy).toBe(false);
      expect(result.logFrames).toBeGreaterThan(0);
      expect(result.checkpointedFrames).toBe(result.logFrames);
    } finally {
      await thread.close();
    }
  });

  it("leaves the event loop's connection only a fallback limit while it runs, and restores the default when it stops", async () => {
    const thread = startCheckpointThread(db, file, hourMs);
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(fallbackCheckpointPages);
    await thread.close();
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    await expect(thread.checkpointNow()).rejects.toThrow(/stopped/);
  });
});
