import { parseCookie, stringifySetCookie } from 'cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppDeps } from '../app/deps.js';
import { AppError } from '../domain/errors.js';

/** The console's session cookie: HttpOnly (no script reads it), SameSite=Strict, Secure over HTTPS. */
export const sessionCookieName = 'wangate_session';

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

export function readSessionToken(request: FastifyRequest): string | undefined {
  const header = request.headers.cookie;
  return header ? parseCookie(header)[sessionCookieName] || undefined : undefined;
}

/** HTTPS as the browser sees it: this connection, or the configured public URL of a TLS-terminating proxy. */
function servedOverHttps(request: FastifyRequest, deps: Pick<AppDeps, 'publicBaseUrl'>): boolean {
  return request.protocol === 'https' || deps.publicBaseUrl?.startsWith('https://') === true;
}

export function setSessionCookie(reply: FastifyReply, request: FastifyRequest, deps: Pick<AppDeps, 'publicBaseUrl'>, token: string, expiresAtMs: number): void {
  reply.header(
    'set-cookie',
    stringifySetCookie({
      name: sessionCookieName,
      value: token,
      httpOnly: true,
      sameSite: 'strict',
      secure: servedOverHttps(request, deps),
      path: '/',
      expires: new Date(expiresAtMs),
    }),
  );
}

export function clearSessionCookie(reply: FastifyReply, request: FastifyRequest, deps: Pick<AppDeps, 'publicBaseUrl'>): void {
  reply.header(
    'set-cookie',
    stringifySetCookie({ name: sessionCookieName, value: '', httpOnly: true, sameSite: 'strict', secure: servedOverHttps(request, deps), path: '/', maxAge: 0 }),
  );
}

function sameOrigin(origin: string, request: FastifyRequest, deps: Pick<AppDeps, 'publicBaseUrl'>): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (url.host === request.headers.host) return true;
  return deps.publicBaseUrl !== undefined && url.origin === new URL(deps.publicBaseUrl).origin;
}

const crossSite = () =>
  new AppError('forbidden', 'Cross-site request refused: a console session only acts for pages of this server', { param: 'Origin', reason: 'cross_site_request' });

/**
 * CSRF guard for requests a browser's cookie authenticates. SameSite=Strict already keeps the cookie
 * off other sites' requests; the Origin check is the second lock. A state-changing request must show
 * it comes from this server's own pages (Origin, or Sec-Fetch-Site: same-origin); `strict: false`
 * (the login form) lets non-browser clients, which send neither, through.
 */
export function requireSameOrigin(request: FastifyRequest, deps: Pick<AppDeps, 'publicBaseUrl'>, opts: { strict: boolean }): void {
  if (safeMethods.has(request.method)) return;
  const origin = request.headers.origin;
  if (typeof origin === 'string') {
    if (!sameOrigin(origin, request, deps)) throw crossSite();
    return;
  }
  const fetchSite = request.headers['sec-fetch-site'];
  if (fetchSite === 'same-origin' || (fetchSite === undefined && !opts.strict)) return;
  throw crossSite();
}
