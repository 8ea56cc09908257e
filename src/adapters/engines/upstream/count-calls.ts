import type { UpstreamCallOutcome } from '../../../domain/ports.js';
import { UpstreamCallError, type UpstreamFailure } from './upstream-call-error.js';

/** Told of every upstream call: the account it counted against (an operator-given name) and how it went. */
export type UpstreamCallCounter = (account: string, outcome: UpstreamCallOutcome) => void;

export const outcomeOf = (failure: UpstreamFailure): UpstreamCallOutcome => (failure.kind === 'throttled' ? 'throttled' : 'error');

/** Runs one upstream call and counts it: ok, throttled (the upstream asked us to slow down) or error. */
export async function countCall<T>(count: UpstreamCallCounter | undefined, account: string, call: () => Promise<T>): Promise<T> {
  if (!count) return call();
  try {
    const result = await call();
    count(account, 'ok');
    return result;
  } catch (e) {
    count(account, e instanceof UpstreamCallError ? outcomeOf(e.failure) : 'error');
    throw e;
  }
}
