import type pg from 'pg';
import type { ApiKey, LedgerEntry, UsageTotals } from '../../domain/account.js';
import type { CreditOutcome, KeyStore, LedgerQuery, LedgerStore } from '../../domain/ports.js';
import { fromApiKey, keyPatchWrites, toApiKey, toLedgerEntry, toUsageTotals } from '../sql/rows.js';
import { createAuthCache } from '../sql/auth-cache.js';
import { insertRow, one, run, tx, type Queryable } from './pg-db.js';
import { writeLedger } from './pg-ledger.js';

async function getKey(db: Queryable, id: string, lock = false): Promise<ApiKey | undefined> {
  const row = await one(db, `SELECT * FROM api_keys WHERE id = $1${lock ? ' FOR NO KEY UPDATE' : ''}`, [id]);
  return row ? toApiKey(row) : undefined;
}

export function createPgKeyStore(pool: pg.Pool): KeyStore & LedgerStore {
  const authCache = createAuthCache();

  return {
    async insertKey(key, secretHash) {
      const { text, values } = insertRow('api_keys', fromApiKey(key, secretHash));
      await run(pool, text, values);
      authCache.clear();
    },
    async findKeyByHash(secretHash) {
      const nowMs = Date.now();
      const hit = authCache.get(secretHash, nowMs);
      if (hit) return hit.key;
      const row = await one(pool, 'SELECT * FROM api_keys WHERE secret_hash = $1', [secretHash]);
      const key = row ? toApiKey(row) : undefined;
      authCache.set(secretHash, key, nowMs);
      return key;
    },
    getKey: (id) => getKey(pool, id),
    async listKeys() {
      return (await run(pool, 'SELECT * FROM api_keys ORDER BY id')).map(toApiKey);
    },
    async updateKey(id, patch, nowMs) {
      authCache.clear();
      return tx(pool, async (c) => {
        // The row lock orders this against holds, settlements and credits of the same key.
        const key = await getKey(c, id, true);
        if (!key) return undefined;
        const { sets, modeSwitch } = keyPatchWrites(patch, key, nowMs);
        const cols = Object.keys(sets);
        if (cols.length > 0) {
          await run(c, `UPDATE api_keys SET ${cols.map((col, i) => `${col} = $${i + 2}`).join(', ')} WHERE id = $1`, [id, ...Object.values(sets)]);
        }
        if (modeSwitch) await writeLedger(c, modeSwitch);
        return getKey(c, id);
      });
    },
    async revokeKey(id, nowMs) {
      authCache.clear();
      return (await run(pool, 'UPDATE api_keys SET revoked_at_ms = $2 WHERE id = $1 AND revoked_at_ms IS NULL RETURNING id', [id, nowMs])).length === 1;
    },
    async creditKey(id, amountMinor, nowMs, note) {
      authCache.clear();
      return tx<CreditOutcome>(pool, async (c) => {
        const key = await getKey(c, id, true);
        if (!key) return { kind: 'not_found' };
        if (key.balanceMinor === null) return { kind: 'unlimited' };
        const balanceMinor = key.balanceMinor + amountMinor;
        if (balanceMinor < 0) return { kind: 'negative_balance', balanceMinor: key.balanceMinor };
        await run(c, 'UPDATE api_keys SET balance_minor = $2 WHERE id = $1', [id, balanceMinor]);
        await writeLedger(c, { keyId: id, taskId: null, kind: 'credit', amountMinor, balanceAfterMinor: balanceMinor, nowMs, note });
        return { kind: 'ok', balanceMinor };
      });
    },
    async listLedger(q: LedgerQuery): Promise<LedgerEntry[]> {
      const { where, values } = ledgerWhere(q);
      if (q.beforeId) {
        values.push(q.beforeId);
        where.push(`id < $${values.length}`);
      }
      values.push(q.limit);
      const text = `SELECT * FROM ledger ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT $${values.length}`;
      return (await run(pool, text, values)).map(toLedgerEntry);
    },
    async usageTotals(q): Promise<UsageTotals> {
      const { where, values } = ledgerWhere(q);
      const text = `SELECT kind, COALESCE(SUM(amount_minor), 0) AS total, COUNT(DISTINCT task_id) AS tasks
                   FROM ledger ${where.length ? `WHERE ${where.join(' AND ')}` : ''} GROUP BY kind`;
      // SUM and COUNT come back as numeric/bigint strings.
      const rows = await run<{ kind: string; total: string; tasks: string }>(pool, text, values);
      return toUsageTotals(rows);
    },
  };
}

function ledgerWhere(q: Omit<LedgerQuery, 'limit' | 'beforeId'>): { where: string[]; values: unknown[] } {
  const where: string[] = [];
  const values: unknown[] = [];
  if (q.keyId) {
    values.push(q.keyId);
    where.push(`key_id = $${values.length}`);
  }
  if (q.fromMs !== undefined) {
    values.push(q.fromMs);
    where.push(`created_at_ms >= $${values.length}`);
  }
  if (q.toMs !== undefined) {
    values.push(q.toMs);
    where.push(`created_at_ms < $${values.length}`);
  }
  return { where, values };
}
