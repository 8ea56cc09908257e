import { refuseCredit, type ApiKey, type UsageTotals } from '../../domain/account.js';
import type { CreditOutcome, KeyStore, LedgerStore } from '../../domain/ports.js';
import { createAuthCache } from './auth-cache.js';
import { writeLedger } from './ledger.js';
import type { Plans } from './plans.js';
import { fromApiKey, keyPatchWrites, toApiKey, toLedgerEntry, toUsageTotals, valuesOf, apiKeyColumns } from './rows.js';
import { count, row, rows, type SqlExecutor, type Statement, type Steps } from './steps.js';

function* keyBy(stmt: Statement, value: string): Steps<ApiKey | undefined> {
  const found = yield* row(stmt, [value]);
  return found ? toApiKey(found) : undefined;
}

/** Keys, balances and the ledger over either engine. */
export function createKeyStore(exec: SqlExecutor, s: Plans): KeyStore & LedgerStore {
  const authCache = createAuthCache();
  /** A key write, then the cached authentications are forgotten. */
  const changing = async <T>(write: Promise<T>): Promise<T> => {
    try {
      return await write;
    } finally {
      authCache.clear();
    }
  };

  return {
    insertKey: (key, secretHash) => changing(exec.write(() => count(s.insertKey, valuesOf(fromApiKey(key, secretHash), apiKeyColumns)))).then(() => undefined),
    async findKeyByHash(secretHash) {
      const nowMs = Date.now();
      const hit = authCache.get(secretHash, nowMs);
      if (hit) return hit.key;
      const key = await exec.read(() => keyBy(s.keyByHash, secretHash));
      authCache.set(secretHash, key, nowMs);
      return key;
    },
    getKey: (id) => exec.read(() => keyBy(s.keyById, id)),
    listKeys: () => exec.read(function* () {
      return (yield* rows(s.listKeys)).map(toApiKey);
    }),
    updateKey: (id, patch, nowMs) =>
      changing(
        exec.transaction(function* () {
          const key = yield* keyBy(s.keyByIdLocked, id);
          if (!key) return undefined;
          const { sets, modeSwitch } = keyPatchWrites(patch, key, nowMs);
          const cols = Object.keys(sets);
          if (cols.length > 0) yield* count(s.updateKey(cols), [id, ...Object.values(sets)]);
          if (modeSwitch) yield* writeLedger(s, modeSwitch);
          return yield* keyBy(s.keyById, id);
        }),
      ),
    revokeKey: (id, nowMs) => changing(exec.write(() => count(s.revokeKey, [id, nowMs]))).then((n) => n === 1),
    creditKey: (id, amountMinor, nowMs, note) =>
      changing(
        exec.transaction(function* (): Steps<CreditOutcome> {
          const key = yield* keyBy(s.keyByIdLocked, id);
          if (!key) return { kind: 'not_found' };
          if (key.balanceMinor === null) return { kind: 'unlimited' };
          const held = amountMinor > 0 ? Number((yield* row<{ held: unknown }>(s.heldByKey, [id]))?.held ?? 0) : 0;
          const refused = refuseCredit(key.balanceMinor, amountMinor, held);
          if (refused) return refused;
          const balanceMinor = key.balanceMinor + amountMinor;
          yield* count(s.setBalance, [id, balanceMinor]);
          yield* writeLedger(s, { keyId: id, taskId: null, kind: 'credit', amountMinor, balanceAfterMinor: balanceMinor, nowMs, note });
          return { kind: 'ok', balanceMinor };
        }),
      ),
    listLedger: (q) =>
      exec.read(function* () {
        const { stmt, params } = s.listLedger(q);
        return (yield* rows(stmt, params)).map(toLedgerEntry);
      }),
    usageTotals: (q) =>
      exec.read(function* (): Steps<UsageTotals> {
        const { stmt, params } = s.usageTotals(q);
        // PostgreSQL returns SUM and COUNT as numeric/bigint strings; toUsageTotals reads either.
        return toUsageTotals(yield* rows<{ kind: string; total: unknown; tasks: unknown }>(stmt, params));
      }),
  };
}
