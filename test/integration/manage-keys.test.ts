/**
 * The admin key use cases (app/manage-keys.ts) on a real SQLite store, without HTTP: the not-found,
 * revoke and credit rules the admin routes answer with.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/adapters/store-sqlite/sqlite-store.js';
import { createApiKey } from '../../src/app/api-keys.js';
import { creditApiKey, getApiKey, listApiKeys, reloadApiKey, revokeApiKey, updateApiKey } from '../../src/app/manage-keys.js';
import { AppError } from '../../src/domain/errors.js';
import type { Stores } from '../../src/domain/ports.js';
import type { PriceTable } from '../../src/domain/pricing.js';

const prices: PriceTable = { currency: 'USD', minorPerMajor: 10_000, perSecondMinor: { '720P': 1000, '1080P': 1500 } };
let nowMs = 1_700_000_000_000;
let dir: string;
let store: Stores;
let deps: Pick<Stores, 'keys' | 'ledger'> & { clock: { nowMs(): number }; prices: PriceTable };

async function failure(promise: Promise<unknown>): Promise<AppError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'wangate-keys-'));
  store = openSqliteStore(path.join(dir, 'keys.db'));
  deps = { keys: store.keys, ledger: store.ledger, clock: { nowMs: () => nowMs }, prices };
});

afterAll(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

describe('admin key use cases', () => {
  it('an unknown key id is a 404 key_not_found naming key_id, for get, update, revoke and credit alike', async () => {
    // Each call starts only when awaited, so no rejection waits unhandled behind another.
    for (const attempt of [
      () => getApiKey(deps, 'key_unknown'),
      () => updateApiKey(deps, 'key_unknown', { name: 'x' }),
      () => revokeApiKey(deps, 'key_unknown'),
      () => creditApiKey(deps, 'key_unknown', { amountMinor: 100 }),
    ]) {
      expect(await failure(attempt())).toMatchObject({ code: 'not_found', param: 'key_id', reason: 'key_not_found' });
    }
  });

  it('revoking answers the key as stored, and revoking again keeps the first revocation time', async () => {
    const { key } = await createApiKey(deps, { name: 'to revoke', scopes: ['user'] });
    const first = await revokeApiKey(deps, key.id);
    expect(first.revokedAtMs).toBe(nowMs);
    nowMs += 60_000;
    expect((await revokeApiKey(deps, key.id)).revokedAtMs).toBe(first.revokedAtMs);
    expect((await listApiKeys(deps)).find((k) => k.id === key.id)?.revokedAtMs).toBe(first.revokedAtMs);
  });

  it('a credit and a debit write ledger entries noted credit and adjustment unless a note is given', async () => {
    const { key } = await createApiKey(deps, { name: 'funded', scopes: ['user'], balanceMinor: 10_000 });
    expect((await creditApiKey(deps, key.id, { amountMinor: 5_000 })).balanceMinor).toBe(15_000);
    expect((await creditApiKey(deps, key.id, { amountMinor: -2_000 })).balanceMinor).toBe(13_000);
    expect((await creditApiKey(deps, key.id, { amountMinor: 1, note: 'goodwill' })).balanceMinor).toBe(13_001);
    const entries = await deps.ledger.listLedger({ keyId: key.id, limit: 10 });
    expect(entries.map((e) => e.note).reverse()).toEqual(['initial balance', 'credit', 'adjustment', 'goodwill']);
  });

  it('a debit below zero is refused on the amount field with the balance in major units, and changes nothing', async () => {
    const { key } = await createApiKey(deps, { name: 'small', scopes: ['user'], balanceMinor: 5_000 });
    const err = await failure(creditApiKey(deps, key.id, { amountMinor: -20_000 }));
    expect(err).toMatchObject({ code: 'invalid_request', param: 'amount', reason: 'negative_balance' });
    expect(err.message).toContain('(0.5)');
    expect((await getApiKey(deps, key.id)).balanceMinor).toBe(5_000);
  });

  it('an unlimited key has no balance to credit until it is made limited', async () => {
    const { key } = await createApiKey(deps, { name: 'unlimited', scopes: ['user'] });
    expect(await failure(creditApiKey(deps, key.id, { amountMinor: 100 }))).toMatchObject({ code: 'conflict', param: 'key_id', reason: 'key_unlimited' });
    expect((await updateApiKey(deps, key.id, { unlimited: false })).balanceMinor).toBe(0);
    expect((await creditApiKey(deps, key.id, { amountMinor: 100 })).balanceMinor).toBe(100);
  });

  it('reloading a key reads its current balance, and keeps the given copy when the key is gone', async () => {
    const { key } = await createApiKey(deps, { name: 'stale', scopes: ['user'], balanceMinor: 100 });
    await creditApiKey(deps, key.id, { amountMinor: 50 });
    expect((await reloadApiKey(deps, key)).balanceMinor).toBe(150);
    const ghost = { ...key, id: 'key_gone' };
    expect(await reloadApiKey(deps, ghost)).toBe(ghost);
  });
});
