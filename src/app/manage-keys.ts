import { maxBalanceMinor, type ApiKey } from '../domain/account.js';
import { clipEcho } from '../domain/clip-echo.js';
import { AppError, invalidField } from '../domain/errors.js';
import type { KeyPatch } from '../domain/ports.js';
import { toMajor } from '../domain/pricing.js';
import type { AppDeps } from './deps.js';

// What an admin does to keys after creating them (createApiKey, in api-keys.ts, is shared with first start).

const keyNotFound = (id: string) => new AppError('not_found', `No key with id '${clipEcho(id)}'`, { param: 'key_id', reason: 'key_not_found' });

export async function listApiKeys(deps: Pick<AppDeps, 'keys'>): Promise<ApiKey[]> {
  return deps.keys.listKeys();
}

export async function getApiKey(deps: Pick<AppDeps, 'keys'>, keyId: string): Promise<ApiKey> {
  const key = await deps.keys.getKey(keyId);
  if (!key) throw keyNotFound(keyId);
  return key;
}

/** The key as stored now (the authenticated copy may be a moment old, e.g. its balance). */
export async function reloadApiKey(deps: Pick<AppDeps, 'keys'>, key: ApiKey): Promise<ApiKey> {
  return (await deps.keys.getKey(key.id)) ?? key;
}

export async function updateApiKey(deps: Pick<AppDeps, 'keys' | 'clock'>, keyId: string, patch: KeyPatch): Promise<ApiKey> {
  const key = await deps.keys.updateKey(keyId, patch, deps.clock.nowMs());
  if (!key) throw keyNotFound(keyId);
  return key;
}

/** Revokes a key (again: no change) and returns it as stored. */
export async function revokeApiKey(deps: Pick<AppDeps, 'keys' | 'clock'>, keyId: string): Promise<ApiKey> {
  await getApiKey(deps, keyId);
  await deps.keys.revokeKey(keyId, deps.clock.nowMs());
  return (await deps.keys.getKey(keyId))!;
}

export interface CreditInput {
  /** Negative removes balance (an adjustment); the balance never goes below zero. */
  amountMinor: number;
  note?: string | undefined;
}

/**
 * Credits (or debits) a key with a balance, one ledger entry; an unlimited key has no balance to change,
 * and no key may own more than maxBalanceMinor (holds of unfinished tasks included).
 */
export async function creditApiKey(deps: Pick<AppDeps, 'keys' | 'clock' | 'prices'>, keyId: string, input: CreditInput): Promise<ApiKey> {
  const { amountMinor } = input;
  const outcome = await deps.keys.creditKey(keyId, amountMinor, deps.clock.nowMs(), input.note ?? (amountMinor >= 0 ? 'credit' : 'adjustment'));
  switch (outcome.kind) {
    case 'not_found':
      throw keyNotFound(keyId);
    case 'unlimited':
      throw new AppError('conflict', 'This key is unlimited; set "unlimited": false first to give it a balance', { param: 'key_id', reason: 'key_unlimited' });
    case 'negative_balance':
      throw invalidField('amount', 'negative_balance', `The balance (${toMajor(deps.prices, outcome.balanceMinor)}) cannot go below zero`);
    case 'balance_too_large': {
      const owned = toMajor(deps.prices, outcome.balanceMinor + outcome.heldMinor);
      throw invalidField('amount', 'balance_too_large', `A key may own at most ${toMajor(deps.prices, maxBalanceMinor)} ${deps.prices.currency} (balance plus holds of unfinished tasks); this key owns ${owned}`);
    }
    case 'ok':
      return (await deps.keys.getKey(keyId))!;
  }
}
