import { createHash } from 'node:crypto';
import type { ApiKey } from '../domain/account.js';
import { AppError } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import { quoteMinor, toMajor } from '../domain/pricing.js';
import { holdSecondsOf } from '../domain/model-registry.js';
import { parseCreateRequest } from '../domain/request.js';
import type { InsertTaskOutcome } from '../domain/ports.js';
import type { Task } from '../domain/task.js';
import type { AppDeps } from './deps.js';
import { discardFiles, rehostDataUris, type RehostDeps } from './rehost-data-uris.js';

export const idempotencyWindowMs = 24 * 3600 * 1000;

export type CreateTaskDeps = RehostDeps &
  Pick<AppDeps, 'tasks' | 'clock' | 'prices' | 'engine' | 'billing' | 'events' | 'randomSeed' | 'notifyWork' | 'metrics'>;

export interface CreateTaskInput {
  key: ApiKey;
  body: unknown;
  /** Already checked (1..255 characters) where it arrives: the HTTP edge's header schema. */
  idempotencyKey?: string;
}

/** Same body, same hash: keys sorted so field order does not matter. */
function hashBody(body: unknown): string {
  const canonical = JSON.stringify(body, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1))) : v,
  );
  return createHash('sha256').update(canonical).digest('hex');
}

/**
 * Validates, routes and quotes a create request, then in one transaction stores it as a pending task,
 * places the billing hold and records the idempotency key. Returns the existing task for a repeat.
 */
export async function createTask(deps: CreateTaskDeps, input: CreateTaskInput): Promise<{ task: Task; created: boolean }> {
  const parsed = parseCreateRequest(input.body, deps.randomSeed);
  // Inline media (data: URIs) become files of the key; the task keeps only their URLs.
  const { request, files } = await rehostDataUris(deps, input.key.id, parsed, input.body);
  const nowMs = deps.clock.nowMs();
  // The hold is the model's upper bound of what it may bill; completion captures what it really bills.
  const quote = quoteMinor(deps.prices, request.resolution, holdSecondsOf(request));
  const task: Task = {
    id: newId('task', nowMs),
    keyId: input.key.id,
    status: 'pending',
    mode: request.mode,
    engine: deps.engine.id,
    request,
    progress: 0,
    createdAtMs: nowMs,
    updatedAtMs: nowMs,
    startedAtMs: null,
    completedAtMs: null,
    leaseOwner: null,
    leaseExpiresAtMs: null,
    attempts: 0,
    availableAtMs: nowMs,
    quoteMinor: quote,
    costMinor: null,
    result: null,
    resultExpiredAtMs: null,
    error: null,
    actualPrompt: null,
    engineState: null,
    channelId: null,
    callbackUrl: request.callbackUrl ?? input.key.webhookUrl,
  };
  let outcome: InsertTaskOutcome;
  try {
    outcome = await deps.tasks.insertTask(task, {
      holdMinor: deps.billing ? quote : null,
      maxQueued: input.key.limits.maxQueued,
      ...(input.idempotencyKey !== undefined && {
        idempotency: { key: input.idempotencyKey, requestHash: hashBody(input.body), windowMs: idempotencyWindowMs },
      }),
    });
  } catch (e) {
    await discardFiles(deps, files);
    throw e;
  }
  // Refused, or a repeat whose task uses the first request's files: these inline media serve nothing.
  if (outcome.kind !== 'created') await discardFiles(deps, files);
  switch (outcome.kind) {
    case 'created':
      deps.events.publish({ taskId: task.id, status: 'pending', progress: 0 });
      deps.notifyWork();
      deps.metrics.taskCreated(task.engine, task.mode);
      return { task: outcome.task, created: true };
    case 'existing':
      return { task: outcome.task, created: false };
    case 'idempotency_conflict':
      throw new AppError('conflict', 'This Idempotency-Key was already used with a different request body', {
        param: 'Idempotency-Key',
        reason: 'idempotency_key_reused',
      });
    case 'insufficient_balance': {
      const fmt = (minor: number) => `${toMajor(deps.prices, minor)} ${deps.prices.currency}`;
      throw new AppError('payment_required', `This request costs ${fmt(outcome.neededMinor)}; the key's balance is ${fmt(outcome.balanceMinor)}`, {
        reason: 'insufficient_balance',
      });
    }
    case 'queue_full':
      throw new AppError('rate_limited', `This key already has ${outcome.queued} queued tasks (the limit is ${outcome.max})`, {
        reason: 'queue_full',
        retryAfterSeconds: 10,
      });
  }
}
