import type { FastifyRequest } from 'fastify';
import { authenticate, enforceRateLimit, requireScope } from '../app/api-keys.js';
import type { AppDeps } from '../app/deps.js';
import type { ApiKey } from '../domain/ports.js';

export type AuthDeps = Pick<AppDeps, 'keys' | 'clock' | 'rateLimiter'>;

function bearer(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

/** Resolves the caller's key (401 when missing or bad), checks its scope (403) and rate limit (429). */
export async function requireKey(deps: AuthDeps, request: FastifyRequest, scope: 'admin' | 'user'): Promise<ApiKey> {
  const key = await authenticate(deps, bearer(request));
  requireScope(key, scope);
  enforceRateLimit(deps, key);
  return key;
}
