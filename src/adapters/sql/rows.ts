/** Row <-> domain mapping shared by the SQL stores (columns are the same in SQLite and PostgreSQL). */
import type { ApiKey, Scope } from '../../domain/account.js';
import type { LedgerEntry, LedgerKind, UsageTotals } from '../../domain/account.js';
import type { KeyPatch, StoredFile, WebhookDelivery } from '../../domain/ports.js';
import type { Task } from '../../domain/task.js';

type Row = Record<string, unknown>;

/**
 * The columns each insert writes, in parameter order. A mapper returns exactly these keys (the
 * compiler checks it), so an insert statement rendered from the list always matches its mapper.
 */
export const apiKeyColumns = ['id', 'name', 'prefix', 'secret_hash', 'scopes', 'created_at_ms', 'expires_at_ms', 'revoked_at_ms', 'balance_minor', 'rpm_limit', 'max_running', 'max_queued', 'webhook_url', 'webhook_secret'] as const;
export const taskColumns = ['id', 'key_id', 'status', 'mode', 'engine', 'request', 'progress', 'created_at_ms', 'updated_at_ms', 'started_at_ms', 'completed_at_ms', 'lease_owner', 'lease_expires_at_ms', 'attempts', 'available_at_ms', 'quote_minor', 'cost_minor', 'result', 'result_expired_at_ms', 'error', 'actual_prompt', 'engine_state', 'channel_id', 'callback_url'] as const;
export const fileColumns = ['id', 'key_id', 'blob_key', 'content_type', 'kind', 'bytes', 'created_at_ms', 'expires_at_ms'] as const;
export const deliveryColumns = ['id', 'task_id', 'key_id', 'url', 'event_type', 'status', 'attempts', 'next_attempt_at_ms', 'last_status_code', 'last_error', 'created_at_ms', 'delivered_at_ms'] as const;

type RowOf<C extends readonly string[]> = Record<C[number], unknown>;

/** A mapped row's values in its column order (the insert's positional parameters). */
export const valuesOf = <C extends readonly string[]>(row: RowOf<C>, columns: C): unknown[] => columns.map((c: C[number]) => row[c]);

const num = (v: unknown): number => Number(v);
export const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const strOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
const jsonOrNull = <T>(v: unknown): T | null => (v === null || v === undefined ? null : (JSON.parse(String(v)) as T));

export function toApiKey(r: Row): ApiKey {
  return {
    id: String(r.id),
    name: String(r.name),
    prefix: String(r.prefix),
    scopes: String(r.scopes).split(',').filter(Boolean) as Scope[],
    createdAtMs: num(r.created_at_ms),
    expiresAtMs: numOrNull(r.expires_at_ms),
    revokedAtMs: numOrNull(r.revoked_at_ms),
    balanceMinor: numOrNull(r.balance_minor),
    limits: { requestsPerMinute: numOrNull(r.rpm_limit), maxRunning: numOrNull(r.max_running), maxQueued: numOrNull(r.max_queued) },
    webhookUrl: strOrNull(r.webhook_url),
    webhookSecret: String(r.webhook_secret),
  };
}

export function fromApiKey(k: ApiKey, secretHash: string): RowOf<typeof apiKeyColumns> {
  return {
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    secret_hash: secretHash,
    scopes: k.scopes.join(','),
    created_at_ms: k.createdAtMs,
    expires_at_ms: k.expiresAtMs,
    revoked_at_ms: k.revokedAtMs,
    balance_minor: k.balanceMinor,
    rpm_limit: k.limits.requestsPerMinute,
    max_running: k.limits.maxRunning,
    max_queued: k.limits.maxQueued,
    webhook_url: k.webhookUrl,
    webhook_secret: k.webhookSecret,
  };
}

export function toTask(r: Row): Task {
  return {
    id: String(r.id),
    keyId: String(r.key_id),
    status: r.status as Task['status'],
    mode: r.mode as Task['mode'],
    engine: String(r.engine),
    request: JSON.parse(String(r.request)) as Task['request'],
    progress: num(r.progress),
    createdAtMs: num(r.created_at_ms),
    updatedAtMs: num(r.updated_at_ms),
    startedAtMs: numOrNull(r.started_at_ms),
    completedAtMs: numOrNull(r.completed_at_ms),
    leaseOwner: strOrNull(r.lease_owner),
    leaseExpiresAtMs: numOrNull(r.lease_expires_at_ms),
    attempts: num(r.attempts),
    availableAtMs: num(r.available_at_ms),
    quoteMinor: num(r.quote_minor),
    costMinor: numOrNull(r.cost_minor),
    result: jsonOrNull(r.result),
    resultExpiredAtMs: numOrNull(r.result_expired_at_ms),
    error: jsonOrNull(r.error),
    actualPrompt: strOrNull(r.actual_prompt),
    engineState: strOrNull(r.engine_state),
    channelId: strOrNull(r.channel_id),
    callbackUrl: strOrNull(r.callback_url),
  };
}

export function fromTask(t: Task): RowOf<typeof taskColumns> {
  return {
    id: t.id,
    key_id: t.keyId,
    status: t.status,
    mode: t.mode,
    engine: t.engine,
    request: JSON.stringify(t.request),
    progress: t.progress,
    created_at_ms: t.createdAtMs,
    updated_at_ms: t.updatedAtMs,
    started_at_ms: t.startedAtMs,
    completed_at_ms: t.completedAtMs,
    lease_owner: t.leaseOwner,
    lease_expires_at_ms: t.leaseExpiresAtMs,
    attempts: t.attempts,
    available_at_ms: t.availableAtMs,
    quote_minor: t.quoteMinor,
    cost_minor: t.costMinor,
    result: t.result === null ? null : JSON.stringify(t.result),
    result_expired_at_ms: t.resultExpiredAtMs,
    error: t.error === null ? null : JSON.stringify(t.error),
    actual_prompt: t.actualPrompt,
    engine_state: t.engineState,
    channel_id: t.channelId,
    callback_url: t.callbackUrl,
  };
}

export function toLedgerEntry(r: Row): LedgerEntry {
  return {
    id: String(r.id),
    keyId: String(r.key_id),
    taskId: strOrNull(r.task_id),
    kind: r.kind as LedgerEntry['kind'],
    amountMinor: num(r.amount_minor),
    balanceAfterMinor: numOrNull(r.balance_after_minor),
    createdAtMs: num(r.created_at_ms),
    note: strOrNull(r.note),
  };
}

export function toFile(r: Row): StoredFile {
  return {
    id: String(r.id),
    keyId: String(r.key_id),
    blobKey: String(r.blob_key),
    contentType: String(r.content_type),
    kind: r.kind as StoredFile['kind'],
    bytes: num(r.bytes),
    createdAtMs: num(r.created_at_ms),
    expiresAtMs: num(r.expires_at_ms),
  };
}

export function fromFile(f: StoredFile): RowOf<typeof fileColumns> {
  return {
    id: f.id,
    key_id: f.keyId,
    blob_key: f.blobKey,
    content_type: f.contentType,
    kind: f.kind,
    bytes: f.bytes,
    created_at_ms: f.createdAtMs,
    expires_at_ms: f.expiresAtMs,
  };
}

export function fromDelivery(d: WebhookDelivery): RowOf<typeof deliveryColumns> {
  return {
    id: d.id,
    task_id: d.taskId,
    key_id: d.keyId,
    url: d.url,
    event_type: d.eventType,
    status: d.status,
    attempts: d.attempts,
    next_attempt_at_ms: d.nextAttemptAtMs,
    last_status_code: d.lastStatusCode,
    last_error: d.lastError,
    created_at_ms: d.createdAtMs,
    delivered_at_ms: d.deliveredAtMs,
  };
}

/**
 * What a key patch writes: its column changes and, when it switches between unlimited and limited,
 * the ledger entry that records the switch (so usage reports explain the balance).
 */
export function keyPatchWrites(patch: KeyPatch, current: ApiKey, nowMs: number): { sets: Row; modeSwitch: LedgerWrite | null } {
  const switches = patch.unlimited !== undefined && (patch.unlimited ? current.balanceMinor !== null : current.balanceMinor === null);
  const modeSwitch: LedgerWrite | null = switches
    ? { keyId: current.id, taskId: null, kind: 'credit', amountMinor: 0, balanceAfterMinor: patch.unlimited ? null : 0, nowMs, note: patch.unlimited ? 'set unlimited' : 'set limited' }
    : null;
  return { sets: keyPatchColumns(patch, current), modeSwitch };
}

function keyPatchColumns(patch: KeyPatch, current: ApiKey): Row {
  const sets: Row = {};
  if (patch.name !== undefined) sets.name = patch.name;
  if (patch.scopes !== undefined) sets.scopes = patch.scopes.join(',');
  if (patch.expiresAtMs !== undefined) sets.expires_at_ms = patch.expiresAtMs;
  if (patch.webhookUrl !== undefined) sets.webhook_url = patch.webhookUrl;
  if (patch.limits?.requestsPerMinute !== undefined) sets.rpm_limit = patch.limits.requestsPerMinute;
  if (patch.limits?.maxRunning !== undefined) sets.max_running = patch.limits.maxRunning;
  if (patch.limits?.maxQueued !== undefined) sets.max_queued = patch.limits.maxQueued;
  if (patch.unlimited === true) sets.balance_minor = null;
  if (patch.unlimited === false && current.balanceMinor === null) sets.balance_minor = 0;
  return sets;
}

export function toDelivery(r: Row): WebhookDelivery {
  return {
    id: String(r.id),
    taskId: String(r.task_id),
    keyId: String(r.key_id),
    url: String(r.url),
    eventType: String(r.event_type),
    status: r.status as WebhookDelivery['status'],
    attempts: num(r.attempts),
    nextAttemptAtMs: num(r.next_attempt_at_ms),
    lastStatusCode: numOrNull(r.last_status_code),
    lastError: strOrNull(r.last_error),
    createdAtMs: num(r.created_at_ms),
    deliveredAtMs: numOrNull(r.delivered_at_ms),
  };
}

/** What is captured of a hold: the cost, never more than was held, never negative. */
export const capturable = (held: number, costMinor: number): number => Math.max(0, Math.min(costMinor, held));

/** One ledger entry to append (the stores add the id). */
export interface LedgerWrite {
  keyId: string;
  taskId: string | null;
  kind: LedgerKind;
  amountMinor: number;
  balanceAfterMinor: number | null;
  nowMs: number;
  note: string | null;
}

/** Usage totals from per-kind sums (`SELECT kind, SUM(amount_minor) total, COUNT(DISTINCT task_id) tasks ... GROUP BY kind`). */
export function toUsageTotals(rows: { kind: string; total: unknown; tasks: unknown }[]): UsageTotals {
  const sum = (kind: string) => Number(rows.find((r) => r.kind === kind)?.total ?? 0);
  const held = sum('hold');
  const captured = sum('capture');
  const released = sum('release');
  return {
    creditedMinor: sum('credit'),
    heldMinor: held,
    capturedMinor: captured,
    releasedMinor: released,
    outstandingMinor: held - captured - released,
    tasks: Number(rows.find((r) => r.kind === 'hold')?.tasks ?? 0),
  };
}
