/** Keys, limits and the ledger: the account side of the domain. Amounts are integer minor units. */
import type { CreditOutcome } from './ports.js';

export type Scope = 'admin' | 'user';

export interface KeyLimits {
  /** Requests per minute on /v1 routes; null = no limit. */
  requestsPerMinute: number | null;
  /** Tasks of this key processing at once; null = no limit. */
  maxRunning: number | null;
  /** Tasks of this key waiting in the queue; null = no limit. */
  maxQueued: number | null;
}

export const noLimits: KeyLimits = { requestsPerMinute: null, maxRunning: null, maxQueued: null };

export interface ApiKey {
  id: string;
  name: string;
  /** First characters of the secret, shown in lists so a key can be recognised. */
  prefix: string;
  scopes: Scope[];
  createdAtMs: number;
  expiresAtMs: number | null;
  revokedAtMs: number | null;
  /** Spendable balance; null = unlimited (no balance check). */
  balanceMinor: number | null;
  limits: KeyLimits;
  /** Default webhook for this key's tasks (a task's callback_url wins). */
  webhookUrl: string | null;
  /** Signs this key's webhooks (Standard Webhooks, "whsec_" + base64). */
  webhookSecret: string;
}

/**
 * Ledger entry kinds and their effect on the balance:
 * credit +amount (may be negative for an adjustment), hold -amount, release +amount, capture 0
 * (captured money was already taken by the hold). Per task: hold = capture + release, each at most once.
 */
export type LedgerKind = 'credit' | 'hold' | 'capture' | 'release';

export interface LedgerEntry {
  id: string;
  keyId: string;
  taskId: string | null;
  kind: LedgerKind;
  amountMinor: number;
  /** Balance after this entry; null for unlimited keys. */
  balanceAfterMinor: number | null;
  createdAtMs: number;
  note: string | null;
}

export interface UsageTotals {
  creditedMinor: number;
  heldMinor: number;
  capturedMinor: number;
  releasedMinor: number;
  /** Holds not yet captured or released. */
  outstandingMinor: number;
  tasks: number;
}

export function balanceEffect(kind: LedgerKind, amountMinor: number): number {
  switch (kind) {
    case 'credit':
    case 'release':
      return amountMinor;
    case 'hold':
      return -amountMinor;
    case 'capture':
      return 0;
  }
}

/**
 * The most a key may own, in minor units: its balance plus the holds of its unfinished tasks (which a
 * release gives back). 10^15 is 100 billion at 4 decimals, far under 2^53, so every sum stays exact.
 */
export const maxBalanceMinor = 1_000_000_000_000_000;

/**
 * Why a credit (negative: an adjustment) of a key with a balance is refused, or null when it may be
 * written. heldMinor is the key's outstanding holds; only a positive credit needs it.
 */
export function refuseCredit(balanceMinor: number, amountMinor: number, heldMinor: number): CreditOutcome | null {
  const after = balanceMinor + amountMinor;
  if (after < 0) return { kind: 'negative_balance', balanceMinor };
  if (amountMinor > 0 && after + heldMinor > maxBalanceMinor) return { kind: 'balance_too_large', balanceMinor, heldMinor };
  return null;
}
