import type { SessionStore } from '../../domain/ports.js';
import type { Plans } from './plans.js';
import { valuesOf } from './rows.js';
import { fromSession, sessionColumns, toSession } from './session-rows.js';
import { count, row, type SqlExecutor } from './steps.js';

/** Console sign-ins over either engine. */
export function createSessionStore(exec: SqlExecutor, s: Plans): SessionStore {
  return {
    insertSession: async (session) => {
      await exec.write(() => count(s.insertSession, valuesOf(fromSession(session), sessionColumns)));
    },
    getSession: (id) =>
      exec.read(function* () {
        const found = yield* row(s.sessionById, [id]);
        return found ? toSession(found) : undefined;
      }),
    deleteSession: async (id) => (await exec.write(() => count(s.deleteSession, [id]))) > 0,
    deleteExpiredSessions: (nowMs) => exec.write(() => count(s.deleteExpiredSessions, [nowMs])),
  };
}
