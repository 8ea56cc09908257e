import type { ApiKey } from '../domain/account.js';
import { AppError } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import type { AppDeps } from './deps.js';
import { authenticate } from './api-keys.js';

type SessionDeps = Pick<AppDeps, 'keys' | 'clock' | 'sessions'>;

/**
 * Console sign-ins. A session token is `<session id>.<expiry, unix s>.<signature>`: the signature
 * (HMAC under the server's secret) makes it unforgeable and lets a forged or tampered token be
 * refused without a store read; the row makes it revocable (logout deletes it); and the key behind
 * it is read afresh on every request, so revoking or expiring the key ends its sessions at once.
 */

export interface StartedSession {
  token: string;
  expiresAtMs: number;
  key: ApiKey;
}

const invalidSession = () =>
  new AppError('unauthorized', 'The console session has ended or expired: sign in again', { reason: 'invalid_session' });

/** Exchanges an API key's secret for a session token (401 for a bad, revoked or expired key). */
export async function startSession(deps: SessionDeps, secret: string): Promise<StartedSession> {
  const key = await authenticate(deps, secret);
  const nowMs = deps.clock.nowMs();
  // Each sign-in sweeps the expired rows: the table stays as small as the number of live sessions.
  await deps.sessions.store.deleteExpiredSessions(nowMs);
  const expiresAtMs = Math.min(nowMs + deps.sessions.ttlMs, key.expiresAtMs ?? Number.POSITIVE_INFINITY);
  const id = newId('ses', nowMs);
  await deps.sessions.store.insertSession({ id, keyId: key.id, createdAtMs: nowMs, expiresAtMs });
  const payload = `${id}.${Math.floor(expiresAtMs / 1000)}`;
  return { token: `${payload}.${deps.sessions.signer.sign(payload)}`, expiresAtMs, key };
}

/** The session id of a well-signed, unexpired token; undefined for anything else. */
function verifiedSessionId(deps: SessionDeps, token: string): string | undefined {
  const [id, expires, signature, ...rest] = token.split('.');
  if (!id || !expires || !signature || rest.length > 0) return undefined;
  if (!deps.sessions.signer.verify(`${id}.${expires}`, signature)) return undefined;
  if (Number(expires) * 1000 <= deps.clock.nowMs()) return undefined;
  return id;
}

/** The live key behind a session token, or 401. */
export async function authenticateSession(deps: SessionDeps, token: string): Promise<ApiKey> {
  const id = verifiedSessionId(deps, token);
  const session = id === undefined ? undefined : await deps.sessions.store.getSession(id);
  const nowMs = deps.clock.nowMs();
  if (!session || session.expiresAtMs <= nowMs) throw invalidSession();
  const key = await deps.keys.getKey(session.keyId);
  if (!key || key.revokedAtMs !== null || (key.expiresAtMs !== null && key.expiresAtMs <= nowMs)) throw invalidSession();
  return key;
}

/** Logout: the session's row is deleted, so the token (and every copy of it) stops working. */
export async function endSession(deps: SessionDeps, token: string): Promise<boolean> {
  const id = verifiedSessionId(deps, token);
  return id !== undefined && (await deps.sessions.store.deleteSession(id));
}
