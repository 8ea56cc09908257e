import type { Session } from '../../domain/ports.js';

/** The columns a session insert writes, in parameter order (fromSession returns exactly these). */
export const sessionColumns = ['id', 'key_id', 'created_at_ms', 'expires_at_ms'] as const;

type Row = Record<string, unknown>;

export function toSession(r: Row): Session {
  return { id: String(r.id), keyId: String(r.key_id), createdAtMs: Number(r.created_at_ms), expiresAtMs: Number(r.expires_at_ms) };
}

export function fromSession(s: Session): Record<(typeof sessionColumns)[number], unknown> {
  return { id: s.id, key_id: s.keyId, created_at_ms: s.createdAtMs, expires_at_ms: s.expiresAtMs };
}
