import type { KeyStore, LedgerQuery, LedgerStore } from '../../domain/ports.js';
import type { LedgerEntry, UsageTotals } from '../../domain/account.js';
import { fromApiKey, insertSql, toApiKey, toLedgerEntry } from '../sql/rows.js';
import { tx, type Db } from './sqlite-db.js';
import { writeLedger } from './sqlite-ledger.js';

type Row = Record<string, unknown>;

export function createSqliteKeyStore(db: Db): KeyStore & LedgerStore {
  const byId = db.prepare('SELECT * FROM api_keys WHERE id = ?');
  const byHash = db.prepare('SELECT * FROM api_keys WHERE secret_hash = ?');
  const getKey = (id: string) => {
    const row = byId.get(id) as Row | undefined;
    return row ? toApiKey(row) : undefined;
  };

  return {
    async insertKey(key, secretHash) {
      const row = fromApiKey(key, secretHash);
      db.prepare(insertSql('api_keys', row)).run(row);
    },
    async findKeyByHash(secretHash) {
      const row = byHash.get(secretHash) as Row | undefined;
      return row ? toApiKey(row) : undefined;
    },
    async getKey(id) {
      return getKey(id);
    },
    async listKeys() {
      return (db.prepare('SELECT * FROM api_keys ORDER BY id').all() as Row[]).map(toApiKey);
    },
    async updateKey(id, patch, nowMs) {
      return tx(db, () => {
        const key = getKey(id);
        if (!key) return undefined;
        const sets: Record<string, unknown> = {};
        if (patch.name !== undefined) sets.name = patch.name;
        if (patch.scopes !== undefined) sets.scopes = patch.scopes.join(',');
        if (patch.expiresAtMs !== undefined) sets.expires_at_ms = patch.expiresAtMs;
        if (patch.webhookUrl !== undefined) sets.webhook_url = patch.webhookUrl;
        if (patch.limits?.requestsPerMinute !== undefined) sets.rpm_limit = patch.limits.requestsPerMinute;
        if (patch.limits?.maxRunning !== undefined) sets.max_running = patch.limits.maxRunning;
        if (patch.limits?.maxQueued !== undefined) sets.max_queued = patch.limits.maxQueued;
        if (patch.unlimited === true) sets.balance_minor = null;
        if (patch.unlimited === false && key.balanceMinor === null) sets.balance_minor = 0;
        const cols = Object.keys(sets);
        if (cols.length > 0) {
          db.prepare(`UPDATE api_keys SET ${cols.map((c) => `${c} = @${c}`).join(', ')} WHERE id = @id`).run({ ...sets, id });
        }
        if (patch.unlimited !== undefined && (patch.unlimited ? key.balanceMinor !== null : key.balanceMinor === null)) {
          // Switching modes is itself a ledger fact, so usage reports explain the balance.
          writeLedger(db, { keyId: id, taskId: null, kind: 'credit', amountMinor: 0, balanceAfterMinor: patch.unlimited ? null : 0, nowMs, note: patch.unlimited ? 'set unlimited' : 'set limited' });
        }
        return getKey(id);
      });
    },
    async revokeKey(id, nowMs) {
      return db.prepare('UPDATE api_keys SET revoked_at_ms = ? WHERE id = ? AND revoked_at_ms IS NULL').run(nowMs, id).changes === 1;
    },
    async creditKey(id, amountMinor, nowMs, note) {
      return tx(db, () => {
        const key = getKey(id);
        if (!key) return { kind: 'not_found' as const };
        if (key.balanceMinor === null) return { kind: 'unlimited' as const };
        const balanceMinor = key.balanceMinor + amountMinor;
        if (balanceMinor < 0) return { kind: 'negative_balance' as const, balanceMinor: key.balanceMinor };
        db.prepare('UPDATE api_keys SET balance_minor = ? WHERE id = ?').run(balanceMinor, id);
        writeLedger(db, { keyId: id, taskId: null, kind: 'credit', amountMinor, balanceAfterMinor: balanceMinor, nowMs, note });
        return { kind: 'ok' as const, balanceMinor };
      });
    },
    async listLedger(q: LedgerQuery): Promise<LedgerEntry[]> {
      const { where, params } = ledgerWhere(q);
      if (q.beforeId) {
        where.push('id < @beforeId');
        params.beforeId = q.beforeId;
      }
      const sql = `SELECT * FROM ledger ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT @limit`;
      return (db.prepare(sql).all({ ...params, limit: q.limit }) as Row[]).map(toLedgerEntry);
    },
    async usageTotals(q): Promise<UsageTotals> {
      const { where, params } = ledgerWhere(q);
      const sql = `SELECT kind, COALESCE(SUM(amount_minor), 0) AS total, COUNT(DISTINCT task_id) AS tasks
                   FROM ledger ${where.length ? `WHERE ${where.join(' AND ')}` : ''} GROUP BY kind`;
      const rows = db.prepare(sql).all(params) as { kind: string; total: number; tasks: number }[];
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
    },
  };
}

function ledgerWhere(q: Omit<LedgerQuery, 'limit' | 'beforeId'>): { where: string[]; params: Record<string, unknown> } {
  const where: string[] = [];
  const params: Record<string, unknown> = {};
  if (q.keyId) {
    where.push('key_id = @keyId');
    params.keyId = q.keyId;
  }
  if (q.fromMs !== undefined) {
    where.push('created_at_ms >= @fromMs');
    params.fromMs = q.fromMs;
  }
  if (q.toMs !== undefined) {
    where.push('created_at_ms < @toMs');
    params.toMs = q.toMs;
  }
  return { where, params };
}
