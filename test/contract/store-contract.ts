import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { maxBalanceMinor, noLimits, type ApiKey } from '../../src/domain/account.js';
import { newId } from '../../src/domain/ids.js';
import type { Stores } from '../../src/domain/ports.js';
import type { Task } from '../../src/domain/task.js';
import { pendingDelivery } from '../../src/domain/webhook-delivery.js';

export type StoreUnderTest = Stores;

const t0 = 1_700_000_000_000;
const leaseMs = 30_000;

export function makeKey(over: Partial<ApiKey> = {}): ApiKey {
  return {
    id: newId('key', t0),
    name: 'k',
    prefix: 'wg_xxxxxxx',
    scopes: ['user'],
    createdAtMs: t0,
    expiresAtMs: null,
    revokedAtMs: null,
    balanceMinor: null,
    limits: { ...noLimits },
    webhookUrl: null,
    webhookSecret: 'whsec_test',
    ...over,
  };
}

export function makeTask(keyId: string, createdAtMs: number, over: Partial<Task> = {}): Task {
  return {
    id: newId('task', createdAtMs),
    keyId,
    status: 'pending',
    mode: 't2v',
    engine: 'local',
    request: {
      model: 'wan2.7',
      mode: 't2v',
      prompt: 'a cat',
      resolution: '720P',
      durationSeconds: 5,
      size: '16:9',
      sizeIgnored: false,
      promptExtend: true,
      watermark: false,
      seed: 1,
    },
    progress: 0,
    createdAtMs,
    updatedAtMs: createdAtMs,
    startedAtMs: null,
    completedAtMs: null,
    leaseOwner: null,
    leaseExpiresAtMs: null,
    attempts: 0,
    availableAtMs: createdAtMs,
    quoteMinor: 5000,
    costMinor: null,
    result: null,
    resultExpiredAtMs: null,
    error: null,
    actualPrompt: null,
    engineState: null,
    channelId: null,
    callbackUrl: null,
    ...over,
  };
}

const result = { blobKey: 'results/x.mp4', width: 1280, height: 720, durationSeconds: 5, fps: 30, bytes: 1000 };
const noOpts = { holdMinor: null, maxQueued: null };

/** One suite every store implementation must pass (SQLite now, PostgreSQL with the same tests). */
export function runStoreContract(name: string, open: () => Promise<StoreUnderTest>): void {
  describe(`store contract: ${name}`, () => {
    let s: StoreUnderTest;
    beforeEach(async () => {
      s = await open();
    });
    afterEach(async () => {
      await s.close();
    });

    async function keyWith(over: Partial<ApiKey> = {}, balanceMinor?: number): Promise<ApiKey> {
      const key = makeKey({ ...over, balanceMinor: balanceMinor === undefined ? null : 0 });
      await s.keys.insertKey(key, `hash-${key.id}`);
      if (balanceMinor) await s.keys.creditKey(key.id, balanceMinor, t0, 'top-up');
      return (await s.keys.getKey(key.id))!;
    }
    const claim = (workerId: string, nowMs = t0 + 1000) => s.tasks.claimTask({ workerId, nowMs, leaseMs, engines: ['local'] });

    it('stores a task and reads it back unchanged', async () => {
      const key = await keyWith();
      const task = makeTask(key.id, t0);
      expect((await s.tasks.insertTask(task, noOpts)).kind).toBe('created');
      expect(await s.tasks.getTask(task.id)).toEqual(task);
    });

    it('finds a key by its secret hash and never by anything else', async () => {
      const key = await keyWith();
      expect((await s.keys.findKeyByHash(`hash-${key.id}`))?.id).toBe(key.id);
      expect(await s.keys.findKeyByHash('nope')).toBeUndefined();
    });

    it('a claimed task is leased to one worker until the lease expires, then taken over', async () => {
      const key = await keyWith();
      const task = makeTask(key.id, t0);
      await s.tasks.insertTask(task, noOpts);
      const first = await claim('wrk_a');
      expect(first).toMatchObject({ id: task.id, status: 'processing', leaseOwner: 'wrk_a', attempts: 1, startedAtMs: t0 + 1000 });
      expect(await claim('wrk_b', t0 + 2000)).toBeUndefined();
      const taken = await claim('wrk_b', t0 + 1000 + leaseMs + 1);
      expect(taken).toMatchObject({ id: task.id, leaseOwner: 'wrk_b', attempts: 2, startedAtMs: t0 + 1000 });
      expect(await s.tasks.heartbeat(task.id, 'wrk_a', t0 + 40_000, leaseMs, 50)).toBe(false);
      expect(await s.tasks.completeTask(task.id, 'wrk_a', t0 + 40_000, result, 5000, null)).toBe(false);
      expect(await s.tasks.completeTask(task.id, 'wrk_b', t0 + 40_000, result, 5000, 'rewritten')).toBe(true);
      expect(await s.tasks.getTask(task.id)).toMatchObject({ status: 'completed', progress: 100, costMinor: 5000, actualPrompt: 'rewritten', result });
    });

    it('heartbeats keep the lease, raise progress only, and save engine state', async () => {
      const key = await keyWith();
      await s.tasks.insertTask(makeTask(key.id, t0), noOpts);
      const task = (await claim('wrk_a'))!;
      expect(await s.tasks.heartbeat(task.id, 'wrk_a', t0 + 20_000, leaseMs, 40, '{"upstream":"u1"}')).toBe(true);
      expect(await s.tasks.heartbeat(task.id, 'wrk_a', t0 + 25_000, leaseMs, 30)).toBe(true);
      expect(await claim('wrk_b', t0 + 40_000)).toBeUndefined();
      expect(await s.tasks.getTask(task.id)).toMatchObject({ progress: 40, engineState: '{"upstream":"u1"}', leaseExpiresAtMs: t0 + 25_000 + leaseMs });
    });

    it('serves keys fairly: a key with many queued tasks does not hold back another key', async () => {
      const busy = await keyWith();
      const quiet = await keyWith();
      for (let i = 0; i < 20; i++) await s.tasks.insertTask(makeTask(busy.id, t0 + i), noOpts);
      const lone = makeTask(quiet.id, t0 + 100);
      await s.tasks.insertTask(lone, noOpts);
      expect((await claim('w1'))!.keyId).toBe(busy.id);
      expect((await claim('w2'))!.id).toBe(lone.id);
    });

    it('serves keys in turn when slots free up one at a time (round robin, not FIFO)', async () => {
      const busy = await keyWith();
      const quiet = await keyWith();
      for (let i = 0; i < 5; i++) await s.tasks.insertTask(makeTask(busy.id, t0 + i), noOpts);
      const first = (await claim('w1', t0 + 100))!;
      await s.tasks.completeTask(first.id, 'w1', t0 + 200, result, 0, null);
      const lone = makeTask(quiet.id, t0 + 300);
      await s.tasks.insertTask(lone, noOpts);
      expect((await claim('w1', t0 + 400))!.id).toBe(lone.id);
    });

    it('never starts more of a key\'s tasks than its maxRunning', async () => {
      const key = await keyWith({ limits: { ...noLimits, maxRunning: 1 } });
      await s.tasks.insertTask(makeTask(key.id, t0), noOpts);
      await s.tasks.insertTask(makeTask(key.id, t0 + 1), noOpts);
      expect(await claim('w1')).toBeDefined();
      expect(await claim('w2')).toBeUndefined();
    });

    it('counts queued and running tasks per engine, leaving out ended ones', async () => {
      const key = await keyWith();
      for (let i = 0; i < 3; i++) await s.tasks.insertTask(makeTask(key.id, t0 + i), noOpts);
      await s.tasks.insertTask(makeTask(key.id, t0 + 3, { engine: 'dashscope' }), noOpts);
      const done = (await claim('w1'))!;
      await s.tasks.completeTask(done.id, 'w1', t0 + 2000, result, 0, null);
      await claim('w2');
      const counts = await s.tasks.countActive();
      expect(counts.sort((a, b) => a.engine.localeCompare(b.engine))).toEqual([
        { engine: 'dashscope', pending: 1, running: 0 },
        { engine: 'local', pending: 1, running: 1 },
      ]);
    });

    it('refuses a hold larger than the balance and stores nothing', async () => {
      const key = await keyWith({}, 4000);
      const outcome = await s.tasks.insertTask(makeTask(key.id, t0), { holdMinor: 5000, maxQueued: null });
      expect(outcome).toEqual({ kind: 'insufficient_balance', balanceMinor: 4000, neededMinor: 5000 });
      expect(await s.tasks.listTasks({ keyId: key.id, limit: 10 })).toHaveLength(0);
      expect((await s.keys.getKey(key.id))!.balanceMinor).toBe(4000);
    });

    it('settles each hold exactly once: capture on completion, release on failure and cancel', async () => {
      const key = await keyWith({}, 20_000);
      const [a, b, c] = [makeTask(key.id, t0), makeTask(key.id, t0 + 1), makeTask(key.id, t0 + 2)];
      for (const t of [a, b, c]) await s.tasks.insertTask(t, { holdMinor: 5000, maxQueued: null });
      expect((await s.keys.getKey(key.id))!.balanceMinor).toBe(5000);
      await claim('w1');
      await claim('w2');
      expect(await s.tasks.completeTask(a.id, 'w1', t0 + 5000, result, 4000, null)).toBe(true);
      expect(await s.tasks.completeTask(a.id, 'w1', t0 + 5000, result, 4000, null)).toBe(false);
      expect(await s.tasks.failTask(b.id, ['processing'], 'w2', t0 + 5000, { code: 'internal', message: 'x', reason: 'y' })).toBe(true);
      expect(await s.tasks.cancelTask(c.id, ['pending'], t0 + 5000)).toBe(true);
      expect(await s.tasks.cancelTask(c.id, ['pending', 'processing'], t0 + 5000)).toBe(false);
      expect(await s.tasks.failTask(a.id, ['pending', 'processing'], null, t0 + 5000, { code: 'x', message: 'x', reason: 'x' })).toBe(false);
      // 20000 - 4000 captured.
      expect((await s.keys.getKey(key.id))!.balanceMinor).toBe(16_000);
      const totals = await s.ledger.usageTotals({ keyId: key.id });
      expect(totals).toMatchObject({ creditedMinor: 20_000, heldMinor: 15_000, capturedMinor: 4000, releasedMinor: 11_000, outstandingMinor: 0, tasks: 3 });
      const entries = await s.ledger.listLedger({ keyId: key.id, limit: 100 });
      expect(entries.filter((e) => e.kind === 'capture')).toHaveLength(3);
      expect(entries.filter((e) => e.kind === 'release')).toHaveLength(3);
    });

    it('refuses a transition the task state machine does not allow, and changes nothing', async () => {
      const key = await keyWith();
      const task = makeTask(key.id, t0, { callbackUrl: 'https://hooks.example.com/x' });
      await s.tasks.insertTask(task, noOpts);
      await claim('w1');
      expect(await s.tasks.completeTask(task.id, 'w1', t0 + 5000, result, 0, null)).toBe(true);
      await expect(s.tasks.cancelTask(task.id, ['completed'], t0 + 6000)).rejects.toThrow(/completed to cancelled/);
      await expect(s.tasks.failTask(task.id, ['processing', 'failed'], null, t0 + 6000, { code: 'x', message: 'x', reason: 'x' })).rejects.toThrow(/failed to failed/);
      expect(await s.tasks.getTask(task.id)).toMatchObject({ status: 'completed', completedAtMs: t0 + 5000 });
      expect(await s.webhooks.listDeliveries(task.id)).toHaveLength(1);
    });

    it('returns the same task for a repeated idempotency key and refuses a different body', async () => {
      const key = await keyWith();
      const idem = { key: 'idem-1', requestHash: 'h1', windowMs: 86_400_000 };
      const first = makeTask(key.id, t0);
      expect((await s.tasks.insertTask(first, { ...noOpts, idempotency: idem })).kind).toBe('created');
      const again = await s.tasks.insertTask(makeTask(key.id, t0 + 10), { ...noOpts, idempotency: idem });
      expect(again).toMatchObject({ kind: 'existing', task: { id: first.id } });
      expect((await s.tasks.insertTask(makeTask(key.id, t0 + 20), { ...noOpts, idempotency: { ...idem, requestHash: 'h2' } })).kind).toBe('idempotency_conflict');
      const later = await s.tasks.insertTask(makeTask(key.id, t0 + 86_400_001), { ...noOpts, idempotency: { ...idem, requestHash: 'h2' } });
      expect(later.kind).toBe('created');
    });

    it('refuses a task beyond the key\'s queue limit', async () => {
      const key = await keyWith();
      await s.tasks.insertTask(makeTask(key.id, t0), { holdMinor: null, maxQueued: 1 });
      expect(await s.tasks.insertTask(makeTask(key.id, t0 + 1), { holdMinor: null, maxQueued: 1 })).toEqual({ kind: 'queue_full', queued: 1, max: 1 });
    });

    it('gives a task back to the queue, not before its available time, counting the attempt only for retries', async () => {
      const key = await keyWith();
      const task = makeTask(key.id, t0);
      await s.tasks.insertTask(task, noOpts);
      await claim('w1');
      expect(await s.tasks.releaseTask(task.id, 'w1', t0 + 1000, t0 + 10_000, { countAttempt: false })).toBe(true);
      expect(await claim('w2', t0 + 5000)).toBeUndefined();
      expect(await claim('w2', t0 + 10_000)).toMatchObject({ id: task.id, attempts: 1 });
      expect(await s.tasks.releaseTask(task.id, 'w2', t0 + 10_000, t0 + 20_000, { countAttempt: true })).toBe(true);
      expect(await claim('w3', t0 + 20_000)).toMatchObject({ id: task.id, attempts: 2 });
    });

    it('stamps a released task with the time of the release, not with when it may run again', async () => {
      const key = await keyWith();
      const task = makeTask(key.id, t0);
      await s.tasks.insertTask(task, noOpts);
      await claim('w1');
      expect(await s.tasks.releaseTask(task.id, 'w1', t0 + 2000, t0 + 60_000, { countAttempt: false })).toBe(true);
      expect(await s.tasks.getTask(task.id)).toMatchObject({ status: 'pending', leaseOwner: null, updatedAtMs: t0 + 2000, availableAtMs: t0 + 60_000 });
    });

    it('hands out channel slots only up to each channel\'s maximum', async () => {
      const key = await keyWith();
      const tasks = [makeTask(key.id, t0), makeTask(key.id, t0 + 1), makeTask(key.id, t0 + 2)];
      for (const t of tasks) await s.tasks.insertTask(t, noOpts);
      const channels = [
        { id: 'ch_a', max: 1 },
        { id: 'ch_b', max: 1 },
      ];
      const got: (string | null)[] = [];
      for (const w of ['w1', 'w2', 'w3']) {
        const t = (await claim(w))!;
        got.push(await s.tasks.acquireChannel(t.id, w, channels));
      }
      expect(got).toEqual(['ch_a', 'ch_b', null]);
      expect(await s.tasks.acquireChannel(tasks[0]!.id, 'w1', channels)).toBe('ch_a');
      // ch_a refused the first task: offered only ch_c, it moves there, and ch_a has a free slot again.
      expect(await s.tasks.acquireChannel(tasks[0]!.id, 'w1', [{ id: 'ch_c', max: 1 }])).toBe('ch_c');
      expect(await s.tasks.acquireChannel(tasks[2]!.id, 'w3', channels)).toBe('ch_a');
    });

    it('writes a webhook delivery with the terminal transition, leased to one sender at a time', async () => {
      const key = await keyWith();
      const task = makeTask(key.id, t0, { callbackUrl: 'https://hooks.example.com/x' });
      await s.tasks.insertTask(task, noOpts);
      await claim('w1');
      await s.tasks.completeTask(task.id, 'w1', t0 + 5000, result, 5000, null);
      const due = await s.webhooks.claimDueDeliveries('sender1', t0 + 6000, 30_000, 10);
      expect(due).toHaveLength(1);
      expect(due[0]).toMatchObject({ taskId: task.id, url: 'https://hooks.example.com/x', eventType: 'task.completed', attempts: 0 });
      expect(await s.webhooks.claimDueDeliveries('sender2', t0 + 6000, 30_000, 10)).toHaveLength(0);
      await s.webhooks.recordAttempt(due[0]!.id, 'sender1', { ok: false, statusCode: 500, error: 'HTTP 500', nextAttemptAtMs: t0 + 60_000 }, t0 + 6000);
      expect(await s.webhooks.claimDueDeliveries('sender2', t0 + 7000, 30_000, 10)).toHaveLength(0);
      const retry = await s.webhooks.claimDueDeliveries('sender2', t0 + 60_000, 30_000, 10);
      expect(retry[0]).toMatchObject({ attempts: 1, lastStatusCode: 500 });
      await s.webhooks.recordAttempt(retry[0]!.id, 'sender2', { ok: true, statusCode: 204, error: null, nextAttemptAtMs: null }, t0 + 60_000);
      expect((await s.webhooks.listDeliveries(task.id))[0]).toMatchObject({ status: 'delivered', attempts: 2, deliveredAtMs: t0 + 60_000 });
    });

    it('queues at most one pending redelivery per task, also when asked concurrently', async () => {
      const key = await keyWith();
      const task = makeTask(key.id, t0, { callbackUrl: 'https://hooks.example.com/x' });
      await s.tasks.insertTask(task, noOpts);
      await s.tasks.cancelTask(task.id, ['pending'], t0 + 10);
      const redelivery = (nowMs: number) => pendingDelivery({ taskId: task.id, keyId: key.id, url: 'https://hooks.example.com/x', eventType: 'task.cancelled' }, nowMs);
      const queued = await Promise.all([1, 2, 3, 4, 5].map((i) => s.webhooks.enqueueDelivery(redelivery(t0 + 100 + i))));
      expect(new Set(queued.map((d) => d.id)).size).toBe(1);
      // The terminal transition's own delivery is still pending too: it does not count as a redelivery.
      expect((await s.webhooks.listDeliveries(task.id)).map((d) => d.status)).toEqual(['pending', 'pending']);

      const due = await s.webhooks.claimDueDeliveries('sender', t0 + 200, 30_000, 10);
      for (const d of due) await s.webhooks.recordAttempt(d.id, 'sender', { ok: true, statusCode: 204, error: null, nextAttemptAtMs: null }, t0 + 200);
      const next = await s.webhooks.enqueueDelivery(redelivery(t0 + 300));
      expect(next.id).not.toBe(queued[0]!.id);
      expect((await s.webhooks.listDeliveries(task.id)).map((d) => d.status)).toEqual(['delivered', 'delivered', 'pending']);
    });

    it('keeps files until they expire', async () => {
      const key = await keyWith();
      const file = { id: newId('file', t0), keyId: key.id, blobKey: 'uploads/a', contentType: 'image/png', kind: 'image' as const, bytes: 10, createdAtMs: t0, expiresAtMs: t0 + 1000 };
      await s.files.insertFile(file);
      expect(await s.files.getFile(file.id)).toEqual(file);
      expect(await s.files.listExpiredFiles(t0 + 999, 10)).toHaveLength(0);
      expect(await s.files.listExpiredFiles(t0 + 1000, 10)).toEqual([file]);
      await s.files.deleteFile(file.id);
      expect(await s.files.getFile(file.id)).toBeUndefined();
    });

    it('keeps console sessions until logout deletes them or they expire', async () => {
      const key = await keyWith();
      const a = { id: newId('ses', t0), keyId: key.id, createdAtMs: t0, expiresAtMs: t0 + 1000 };
      const b = { id: newId('ses', t0), keyId: key.id, createdAtMs: t0, expiresAtMs: t0 + 5000 };
      await s.sessions.insertSession(a);
      await s.sessions.insertSession(b);
      expect(await s.sessions.getSession(a.id)).toEqual(a);
      expect(await s.sessions.getSession('ses_unknown')).toBeUndefined();
      expect(await s.sessions.deleteExpiredSessions(t0 + 999)).toBe(0);
      expect(await s.sessions.deleteExpiredSessions(t0 + 1000)).toBe(1);
      expect(await s.sessions.getSession(a.id)).toBeUndefined();
      expect(await s.sessions.deleteSession(b.id)).toBe(true);
      expect(await s.sessions.deleteSession(b.id)).toBe(false);
      expect(await s.sessions.getSession(b.id)).toBeUndefined();
    });

    it('lists a key\'s tasks newest first with status filter and cursor', async () => {
      const key = await keyWith();
      const other = await keyWith();
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        const t = makeTask(key.id, t0 + i);
        ids.push(t.id);
        await s.tasks.insertTask(t, noOpts);
      }
      await s.tasks.insertTask(makeTask(other.id, t0 + 3), noOpts);
      await s.tasks.cancelTask(ids[1]!, ['pending'], t0 + 10);
      const page1 = await s.tasks.listTasks({ keyId: key.id, limit: 2 });
      expect(page1.map((t) => t.id)).toEqual([ids[4], ids[3]]);
      const page2 = await s.tasks.listTasks({ keyId: key.id, limit: 2, beforeId: page1[1]!.id });
      expect(page2.map((t) => t.id)).toEqual([ids[2], ids[1]]);
      expect((await s.tasks.listTasks({ keyId: key.id, limit: 10, statuses: ['cancelled'] })).map((t) => t.id)).toEqual([ids[1]]);
      expect((await s.tasks.listTasks({ keyId: key.id, limit: 10, createdFromMs: t0 + 1, createdToMs: t0 + 3 })).map((t) => t.id)).toEqual([ids[2], ids[1]]);
    });

    it('credits and debits a balance but never below zero, and not on unlimited keys', async () => {
      const key = await keyWith({}, 1000);
      expect(await s.keys.creditKey(key.id, -400, t0, 'adjust')).toEqual({ kind: 'ok', balanceMinor: 600 });
      expect(await s.keys.creditKey(key.id, -601, t0, 'adjust')).toEqual({ kind: 'negative_balance', balanceMinor: 600 });
      const unlimited = await keyWith();
      expect(await s.keys.creditKey(unlimited.id, 100, t0, 'x')).toEqual({ kind: 'unlimited' });
      expect(await s.keys.creditKey('key_missing', 100, t0, 'x')).toEqual({ kind: 'not_found' });
      const updated = await s.keys.updateKey(unlimited.id, { unlimited: false, limits: { maxRunning: 2 }, name: 'renamed' }, t0);
      expect(updated).toMatchObject({ balanceMinor: 0, name: 'renamed', limits: { maxRunning: 2, maxQueued: null } });
    });

    it('refuses a credit that would let a key own more than the maximum (holds included) and writes nothing', async () => {
      const key = await keyWith({}, maxBalanceMinor - 1000);
      expect(await s.keys.creditKey(key.id, 1000, t0, 'top-up')).toEqual({ kind: 'ok', balanceMinor: maxBalanceMinor });
      expect(await s.keys.creditKey(key.id, 1, t0, 'top-up')).toEqual({ kind: 'balance_too_large', balanceMinor: maxBalanceMinor, heldMinor: 0 });
      // A hold moves money out of the balance, but a release brings it back: it still counts.
      const task = makeTask(key.id, t0);
      await s.tasks.insertTask(task, { holdMinor: 5000, maxQueued: null });
      expect(await s.keys.creditKey(key.id, 1, t0, 'top-up')).toEqual({ kind: 'balance_too_large', balanceMinor: maxBalanceMinor - 5000, heldMinor: 5000 });
      expect(await s.keys.creditKey(key.id, -10, t0, 'adjust')).toEqual({ kind: 'ok', balanceMinor: maxBalanceMinor - 5010 });
      await s.tasks.cancelTask(task.id, ['pending'], t0 + 1);
      expect((await s.keys.getKey(key.id))!.balanceMinor).toBe(maxBalanceMinor - 10);
      const credits = (await s.ledger.listLedger({ keyId: key.id, limit: 100 })).filter((e) => e.kind === 'credit');
      expect(credits.map((e) => e.amountMinor).sort((a, b) => a - b)).toEqual([-10, 1000, maxBalanceMinor - 1000]);
    });

    it('lists completed results past retention once, then marks them expired', async () => {
      const key = await keyWith();
      const task = makeTask(key.id, t0);
      await s.tasks.insertTask(task, noOpts);
      await claim('w1');
      await s.tasks.completeTask(task.id, 'w1', t0 + 5000, result, 5000, null);
      expect(await s.tasks.listResultsToExpire(t0 + 5000, 10)).toHaveLength(0);
      expect((await s.tasks.listResultsToExpire(t0 + 5001, 10)).map((t) => t.id)).toEqual([task.id]);
      expect(await s.tasks.markResultExpired(task.id, t0 + 6000)).toBe(true);
      expect(await s.tasks.listResultsToExpire(t0 + 9000, 10)).toHaveLength(0);
    });
  });
}
