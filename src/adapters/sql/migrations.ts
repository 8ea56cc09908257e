/**
 * Numbered schema migrations. The SQL is kept portable (BIGINT, TEXT, partial indexes) so the
 * PostgreSQL store can apply the same statements; `WITHOUT ROWID` (SQLite: the ULID primary key is
 * the table's own order, one b-tree fewer per insert) is the one dialect word, dropped for PostgreSQL.
 */
export const migrations: readonly string[] = [
  `CREATE TABLE api_keys (
     id TEXT PRIMARY KEY,
     name TEXT NOT NULL,
     prefix TEXT NOT NULL,
     secret_hash TEXT NOT NULL UNIQUE,
     scopes TEXT NOT NULL,
     created_at_ms BIGINT NOT NULL,
     expires_at_ms BIGINT,
     revoked_at_ms BIGINT,
     balance_minor BIGINT CHECK (balance_minor IS NULL OR balance_minor >= 0),
     rpm_limit INTEGER,
     max_running INTEGER,
     max_queued INTEGER,
     webhook_url TEXT,
     webhook_secret TEXT NOT NULL,
     last_claimed_at_ms BIGINT
   );
   CREATE TABLE tasks (
     id TEXT PRIMARY KEY,
     key_id TEXT NOT NULL REFERENCES api_keys(id),
     status TEXT NOT NULL,
     mode TEXT NOT NULL,
     engine TEXT NOT NULL,
     request TEXT NOT NULL,
     progress INTEGER NOT NULL DEFAULT 0,
     created_at_ms BIGINT NOT NULL,
     updated_at_ms BIGINT NOT NULL,
     started_at_ms BIGINT,
     completed_at_ms BIGINT,
     lease_owner TEXT,
     lease_expires_at_ms BIGINT,
     attempts INTEGER NOT NULL DEFAULT 0,
     available_at_ms BIGINT NOT NULL,
     quote_minor BIGINT NOT NULL,
     cost_minor BIGINT,
     result TEXT,
     result_expired_at_ms BIGINT,
     error TEXT,
     actual_prompt TEXT,
     engine_state TEXT,
     channel_id TEXT,
     callback_url TEXT
   ) WITHOUT ROWID;
   -- Partial indexes: only rows in that state are indexed, so inserting a task maintains two.
   CREATE INDEX tasks_pending ON tasks (key_id, id) WHERE status = 'pending';
   CREATE INDEX tasks_lease ON tasks (lease_expires_at_ms) WHERE status = 'processing';
   CREATE INDEX tasks_key_list ON tasks (key_id, id);
   CREATE INDEX tasks_channel ON tasks (channel_id) WHERE status = 'processing' AND channel_id IS NOT NULL;
   CREATE INDEX tasks_results ON tasks (completed_at_ms) WHERE status = 'completed' AND result_expired_at_ms IS NULL;
   CREATE TABLE ledger (
     id TEXT PRIMARY KEY,
     key_id TEXT NOT NULL REFERENCES api_keys(id),
     task_id TEXT,
     kind TEXT NOT NULL,
     amount_minor BIGINT NOT NULL,
     balance_after_minor BIGINT,
     created_at_ms BIGINT NOT NULL,
     note TEXT
   ) WITHOUT ROWID;
   CREATE UNIQUE INDEX ledger_once_per_task ON ledger (task_id, kind) WHERE task_id IS NOT NULL;
   CREATE INDEX ledger_key_time ON ledger (key_id, created_at_ms);
   CREATE TABLE idempotency (
     key_id TEXT NOT NULL,
     idem_key TEXT NOT NULL,
     request_hash TEXT NOT NULL,
     task_id TEXT NOT NULL,
     created_at_ms BIGINT NOT NULL,
     PRIMARY KEY (key_id, idem_key)
   );
   CREATE TABLE files (
     id TEXT PRIMARY KEY,
     key_id TEXT NOT NULL,
     blob_key TEXT NOT NULL,
     content_type TEXT NOT NULL,
     kind TEXT NOT NULL,
     bytes BIGINT NOT NULL,
     created_at_ms BIGINT NOT NULL,
     expires_at_ms BIGINT NOT NULL
   );
   CREATE INDEX files_expiry ON files (expires_at_ms);
   CREATE TABLE webhook_deliveries (
     id TEXT PRIMARY KEY,
     task_id TEXT NOT NULL,
     key_id TEXT NOT NULL,
     url TEXT NOT NULL,
     event_type TEXT NOT NULL,
     status TEXT NOT NULL,
     attempts INTEGER NOT NULL DEFAULT 0,
     next_attempt_at_ms BIGINT NOT NULL,
     lease_owner TEXT,
     lease_expires_at_ms BIGINT,
     last_status_code INTEGER,
     last_error TEXT,
     created_at_ms BIGINT NOT NULL,
     delivered_at_ms BIGINT
   );
   CREATE INDEX webhook_due ON webhook_deliveries (status, next_attempt_at_ms);
   CREATE INDEX webhook_task ON webhook_deliveries (task_id);`,
  // Console sign-ins: the signed cookie names a row; logout deletes it.
  `CREATE TABLE sessions (
     id TEXT PRIMARY KEY,
     key_id TEXT NOT NULL REFERENCES api_keys(id),
     created_at_ms BIGINT NOT NULL,
     expires_at_ms BIGINT NOT NULL
   ) WITHOUT ROWID;
   CREATE INDEX sessions_expiry ON sessions (expires_at_ms);`,
];
