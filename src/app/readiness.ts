import type { AppDeps, ReadinessCheck } from './deps.js';

export type ReadinessDeps = Pick<AppDeps, 'lifecycle'>;

export interface ReadinessReport {
  ready: boolean;
  draining: boolean;
  /** Each dependency: 'ok', 'unreachable' or 'timeout' (no addresses or messages: the endpoint is public). */
  checks: Record<string, 'ok' | 'unreachable' | 'timeout'>;
}

const checkTimeoutMs = 2000;

async function runCheck(c: ReadinessCheck): Promise<'ok' | 'unreachable' | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), checkTimeoutMs)));
  try {
    return await Promise.race([c.check().then(() => 'ok' as const, () => 'unreachable' as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Whether this process should get traffic: not draining, and every required dependency answering
 * (checked in parallel, each within 2 s). Optional ones (Redis: the limiter fails open) are reported only.
 */
export async function checkReadiness(deps: ReadinessDeps): Promise<ReadinessReport> {
  const { lifecycle } = deps;
  const results = await Promise.all(lifecycle.readinessChecks.map(async (c) => [c, await runCheck(c)] as const));
  const ready = !lifecycle.draining && results.every(([c, r]) => r === 'ok' || !c.required);
  return { ready, draining: lifecycle.draining, checks: Object.fromEntries(results.map(([c, r]) => [c.name, r])) };
}
