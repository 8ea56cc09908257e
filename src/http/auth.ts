import type { FastifyRequest } from 'fastify';
import { authenticate, enforceRateLimit, requireScope } from '../app/api-keys.js';
import type { AppDeps } from '../app/deps.js';
import { authenticateSession } from '../app/sessions.js';
import type { ApiKey } from '../domain/ports.js';
import { readSessionToken, requireSameOrigin } from './session-cookie.js';

/** What authenticating a request reads: keys, and for the console's cookie its sessions and public URL. */
export type AuthDeps = Pick<AppDeps, 'keys' | 'clock' | 'rateLimiter' | 'sessions' | 'publicBaseUrl'>;

function bearer(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

/**
 * The caller's key: from the Authorization header, else from a console session cookie (which must
 * also pass the CSRF check). 401 when missing or bad; then its scope (403) and rate limit (429).
 */
export async function requireKey(deps: AuthDeps, request: FastifyRequest, scope: 'admin' | 'user'): Promise<ApiKey> {
  const token = request.headers.authorization === undefined ? readSessionToken(request) : undefined;
  let key: ApiKey;
  if (token === undefined) {
    key = await authenticate(deps, bearer(request));
  } else {
    key = await authenticateSession(deps, token);
    requireSameOrigin(request, deps, { strict: true });
  }
  requireScope(key, scope);
  await enforceRateLimit(deps, key);
  return key;
}
