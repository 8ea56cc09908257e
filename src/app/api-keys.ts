import { hash, randomBytes } from 'node:crypto';
import { noLimits, type ApiKey, type KeyLimits, type Scope } from '../domain/account.js';
import { AppError } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import type { AppDeps } from './deps.js';

const secretPrefix = 'wg_';

/** Secrets carry 190+ bits of randomness, so a fast hash is enough (no password stretching needed). */
export function hashSecret(secret: string): string {
  // One-shot hashing: a third of createHash's cost, and it runs on every authenticated request.
  return hash('sha256', secret, 'hex');
}

export function generateSecret(): string {
  return secretPrefix + randomBytes(24).toString('base64url');
}

export interface NewKeyInput {
  name: string;
  scopes: Scope[];
  expiresAtMs?: number | null;
  /** Starting balance; null or absent = unlimited. */
  balanceMinor?: number | null;
  limits?: Partial<KeyLimits>;
  webhookUrl?: string | null;
  /** Use this secret instead of a random one (the operator's configured admin key). */
  secret?: string;
}

type KeyDeps = Pick<AppDeps, 'keys' | 'clock'>;

/** Creates a key; the secret is returned this once and only its hash is stored. */
export async function createApiKey(deps: KeyDeps, input: NewKeyInput): Promise<{ key: ApiKey; secret: string }> {
  const secret = input.secret ?? generateSecret();
  const nowMs = deps.clock.nowMs();
  const key: ApiKey = {
    id: newId('key', nowMs),
    name: input.name,
    prefix: secret.slice(0, 10),
    scopes: input.scopes,
    createdAtMs: nowMs,
    expiresAtMs: input.expiresAtMs ?? null,
    revokedAtMs: null,
    // The starting balance is written as a credit entry below, so the ledger explains every cent.
    balanceMinor: input.balanceMinor === undefined || input.balanceMinor === null ? null : 0,
    limits: { ...noLimits, ...input.limits },
    webhookUrl: input.webhookUrl ?? null,
    webhookSecret: 'whsec_' + randomBytes(24).toString('base64'),
  };
  await deps.keys.insertKey(key, hashSecret(secret));
  if (input.balanceMinor) {
    const credited = await deps.keys.creditKey(key.id, input.balanceMinor, nowMs, 'initial balance');
    if (credited.kind === 'ok') key.balanceMinor = credited.balanceMinor;
  }
  return { key, secret };
}

/** Resolves a bearer secret to a live key, or throws 401 without saying which check failed. */
export async function authenticate(deps: KeyDeps, secret: string | undefined): Promise<ApiKey> {
  if (!secret) throw new AppError('unauthorized', 'Missing API key: send Authorization: Bearer <key>', { reason: 'missing_api_key' });
  const key = await deps.keys.findKeyByHash(hashSecret(secret));
  const nowMs = deps.clock.nowMs();
  if (!key || key.revokedAtMs !== null || (key.expiresAtMs !== null && key.expiresAtMs <= nowMs)) {
    throw new AppError('unauthorized', 'Invalid, revoked or expired API key', { reason: 'invalid_api_key' });
  }
  return key;
}

export function requireScope(key: ApiKey, scope: Scope): void {
  if (!key.scopes.includes(scope) && !key.scopes.includes('admin')) {
    throw new AppError('forbidden', `This key lacks the '${scope}' scope`, { reason: 'insufficient_scope' });
  }
}

/** Per-key requests per minute; 429 with Retry-After when the budget is spent. */
export async function enforceRateLimit(deps: Pick<AppDeps, 'rateLimiter' | 'clock'>, key: ApiKey): Promise<void> {
  const perMinute = key.limits.requestsPerMinute;
  if (perMinute === null) return;
  const taken = await deps.rateLimiter.take(key.id, perMinute, deps.clock.nowMs());
  if (!taken.ok) {
    throw new AppError('rate_limited', `Rate limit of ${perMinute} requests per minute exceeded`, {
      reason: 'rate_limit_exceeded',
      retryAfterSeconds: Math.max(1, Math.ceil(taken.retryAfterMs / 1000)),
    });
  }
}

/**
 * First start: make sure an admin key exists. Uses WANGATE_ADMIN_KEY when set; otherwise creates one
 * and returns its secret so the caller can print it once.
 */
export async function ensureAdminKey(deps: KeyDeps, configured: string | undefined): Promise<string | null> {
  if (configured) {
    if (await deps.keys.findKeyByHash(hashSecret(configured))) return null;
    try {
      await createApiKey(deps, { name: 'admin (configured)', scopes: ['admin'], secret: configured });
    } catch (err) {
      // Processes of one deployment starting together: another one stored it first (secret hashes are unique).
      if (!(await deps.keys.findKeyByHash(hashSecret(configured)))) throw err;
    }
    return null;
  }
  const existing = await deps.keys.listKeys();
  if (existing.some((k) => k.scopes.includes('admin') && k.revokedAtMs === null)) return null;
  const { secret } = await createApiKey(deps, { name: 'admin', scopes: ['admin'] });
  return secret;
}
