import type { FastifyInstance, FastifyRequest } from 'fastify';

/**
 * Response versions, as the seed platform's current clients ask for them: `X-APIMart-Response-Version`.
 * A known version is answered in that version and echoed in the same header; without the header, or
 * with a version this server does not know, the answer is the seed page's first version (v1) and no
 * version header is sent: an unknown version is never an error, so old clients keep working.
 */
export const responseVersionHeader = 'X-APIMart-Response-Version';

/** Versions with shapes of their own (only create differs: `data` is one task object with `id`). */
export const responseVersions = ['2026-07-27'] as const;
export type ResponseVersion = (typeof responseVersions)[number];

/** The version a request asks for, when this server knows it. */
export function requestedResponseVersion(request: FastifyRequest): ResponseVersion | undefined {
  const value = request.headers[responseVersionHeader.toLowerCase()];
  const wanted = typeof value === 'string' ? value.trim() : undefined;
  return responseVersions.find((v) => v === wanted);
}

/** Every answer to a request that asked for a known version says it is in that version. */
export function echoResponseVersion(app: FastifyInstance): void {
  app.addHook('onSend', async (request, reply) => {
    const version = requestedResponseVersion(request);
    if (version) reply.header(responseVersionHeader, version);
  });
}
