import Database from 'better-sqlite3';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Stores } from '../../domain/ports.js';
import type { Task } from '../../domain/task.js';
import { makeKey, makeTask } from '../../../test/contract/store-contract.js';
import { openSqliteStore } from './sqlite-store.js';

let dir: string;
let file: string;
let store: Stores;

let keyId: string;
let taskA: Task;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'wangate-cache-'));
  file = path.join(dir, 'cache.db');
  store = openSqliteStore(file);
  const key = makeKey();
  keyId = key.id;
  await store.keys.insertKey(key, 'hash');
  taskA = makeTask(keyId, 1);
  await store.tasks.insertTask(taskA, { holdMinor: null, maxQueued: null });
});

afterEach(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

describe('task read cache (SQLite)', () => {
  it('a read after another connection (another process) commits sees the new row', async () => {
    expect((await store.tasks.getTask(taskA.id))?.progress).toBe(0);
    const other = new Database(file);
    other.prepare("UPDATE tasks SET progress = 40 WHERE id = ?").run(taskA.id);
    other.close();
    expect((await store.tasks.getTask(taskA.id))?.progress).toBe(40);
  });

  it("a read after this connection's own write sees the new row", async () => {
    expect((await store.tasks.getTask(taskA.id))?.status).toBe('pending');
    expect(await store.tasks.cancelTask(taskA.id, ['pending'], 2)).toBe(true);
    expect((await store.tasks.getTask(taskA.id))?.status).toBe('cancelled');
  });

  it('an unchanged task is decoded once and shared frozen, so no caller can alter what others read', async () => {
    const first = await store.tasks.getTask(taskA.id);
    const second = await store.tasks.getTask(taskA.id);
    expect(second).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(Object.isFrozen(first?.request)).toBe(true);
  });

  it('an unknown id is not cached: a task inserted later is found', async () => {
    const later = makeTask(keyId, 2);
    expect(await store.tasks.getTask(later.id)).toBeUndefined();
    await store.tasks.insertTask(later, { holdMinor: null, maxQueued: null });
    expect((await store.tasks.getTask(later.id))?.id).toBe(later.id);
  });
});
