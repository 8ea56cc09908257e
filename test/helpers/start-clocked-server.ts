import type { Clock } from '../../src/domain/ports.js';
import { startTestServer, type TestServer } from './start-test-server.js';

/** Real time plus an offset the test moves forward (so leases and renders still see time pass). */
export interface FakeClock extends Clock {
  advance(ms: number): void;
}

export function fakeClock(startMs: number = Date.now()): FakeClock {
  let offsetMs = startMs - Date.now();
  return {
    nowMs: () => Date.now() + offsetMs,
    advance(ms) {
      offsetMs += ms;
    },
  };
}

export interface ClockedServer extends TestServer {
  clock: FakeClock;
}

/**
 * Like startTestServer, with an injected clock and without the maintenance loop: tests call the
 * single-step functions (sweepRetention) themselves, through `deps`.
 */
export async function startClockedServer(env: Record<string, string> = {}, clock: FakeClock = fakeClock()): Promise<ClockedServer> {
  const server = await startTestServer(env, { clock, maintenance: false });
  return { ...server, clock };
}
