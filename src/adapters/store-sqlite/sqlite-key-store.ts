import type { KeyStore, LedgerQuery, LedgerStore } from '../../domain/ports.js';
import type { LedgerEntry, UsageTotals } from '../../domain/account.js';
import { fromApiKey, keyPatchWrites, toApiKey, toLedgerEntry, toUsageTotals } from '../sql/rows.js';
import { createAuthCache } from '../sql/auth-cache.js';
import { insertRow, sql, tx, type Db } from './sqlite-db.js';
import { writeLedger } from './sqlite-ledger.js';

type Row = Record<string, unknown>;

export function createSqliteKeyStore(db: Db): KeyStore & LedgerStore {
  const byId = sql(db, 'SELECT * FROM api_keys WHERE id = ?');
  const byHash = sql(db, 'SELECT * FROM api_keys WHERE secret_hash = ?');
  const getKey = (id: string) => {
    const row = byId.get(id) as Row | undefined;
    return row ? toApiKey(row) : undefined;
  };
  const authCache = createAuthCache();

  return {
    async insertKey(key, secretHash) {
      const row = fromApiKey(key, secretHash);
      insertRow(db, 'api_keys', row);
      authCache.clear();
    },
    async findKeyByHash(secretHash) {
      const nowMs = Date.now();
      const hit = authCache.get(secretHash, nowMs);
      if (hit) return hit.key;
      const row = byHash.get(secretHash) as Row | undefined;
      const key = row ? toApiKey(row) : undefined;
      authCache.set(secretHash, key, nowMs);
      return key;
    },
    async getKey(id) {
      return getKey(id);
    },
    async listKeys() {
      return (sql(db, 'SELECT * FROM api_keys ORDER BY id').all() as Row[]).map(toApiKey);
    },
    async updateKey(id, patch, nowMs) {
      authCache.clear();
      return tx(db, () => {
        const key = getKey(id);
        if (!key) return undefined;
        const { sets, modeSwitch } = keyPatchWrites(patch, key, nowMs);
        const cols = Object.keys(sets);
        if (cols.length > 0) {
          sql(db, `UPDATE api_keys SET ${cols.map((c) => `${c} = @${c}`).join(', ')} WHERE id = @id`).run({ ...sets, id });
        }
        if (modeSwitch) writeLedger(db, modeSwitch);
        return getKey(id);
      });
    },
    async revokeKey(id, nowMs) {
      const revoked = sql(db, 'UPDATE api_keys SET revoked_at_ms = ? WHERE id = ? AND revoked_at_ms IS NULL').run(nowMs, id).changes === 1;
      authCache.clear();
      return revoked;
    },
    async creditKey(id, amountMinor, nowMs, note) {
      authCache.clear();
      return tx(db, () => {
        const key = getKey(id);
        if (!key) return { kind: 'not_found' as const };
        if (key.balanceMinor === null) return { kind: 'unlimited' as const };
        const balanceMinor = key.balanceMinor + amountMinor;
        if (balanceMinor < 0) return { kind: 'negative_balance' as const, balanceMinor: key.balanceMinor };
        sql(db, 'UPDATE api_keys SET balance_minor = ? WHERE id = ?').run(balanceMinor, id);
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
      const text = `SELECT * FROM ledger ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT @limit`;
      return (sql(db, text).all({ ...params, limit: q.limit }) as Row[]).map(toLedgerEntry);
    },
    async usageTotals(q): Promise<UsageTotals> {
      const { where, params } = ledgerWhere(q);
      const text = `SELECT kind, COALESCE(SUM(amount_minor), 0) AS total, COUNT(DISTINCT task_id) AS tasks
                   FROM ledger ${where.length ? `WHERE ${where.join(' AND ')}` : ''} GROUP BY kind`;
      const rows = sql(db, text).all(params) as { kind: string; total: number; tasks: number }[];
      return toUsageTotals(rows);
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
