import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../app/deps.js';
import { endSession, startSession } from '../../app/sessions.js';
import { api } from '../openapi/api-catalogue.js';
import { parseInput } from '../query-schemas.js';
import { clearSessionCookie, readSessionToken, requireSameOrigin, setSessionCookie } from '../session-cookie.js';
import { presentKey } from './admin-key-routes.js';

/** Console sign-in and sign-out: an API key in the body is exchanged for a session cookie. */
export function registerSessionRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.post(api.createSession.url, async (request, reply) => {
    requireSameOrigin(request, deps, { strict: false });
    const body = parseInput(api.createSession.request.body.content['application/json'], request.body);
    const session = await startSession(deps, body.key);
    setSessionCookie(reply, request, deps, session.token, session.expiresAtMs);
    reply.header('cache-control', 'no-store');
    return { code: 200, data: { expires_at: Math.floor(session.expiresAtMs / 1000), key: presentKey(session.key, deps.prices) } };
  });

  app.delete(api.deleteSession.url, async (request, reply) => {
    const token = readSessionToken(request);
    if (token !== undefined) requireSameOrigin(request, deps, { strict: true });
    const ended = token !== undefined && (await endSession(deps, token));
    clearSessionCookie(reply, request, deps);
    return { code: 200, data: { ended } };
  });
}
