/** Small pieces every upstream engine's create and follow steps use. */
import type { ErrorCode, Failure, ReasonOf } from '../../../domain/errors.js';
import type { Clock, EngineStep } from '../../../domain/ports.js';

export interface EngineLog {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export const systemClock: Clock = { nowMs: () => Date.now() };
export const quietLog: EngineLog = { info: () => undefined, warn: () => undefined };

/** A 'failed' step: the task error, and whether another attempt may help. */
export const failedStep = <C extends ErrorCode>(code: C, reason: ReasonOf<C>, message: string, retryable: boolean): EngineStep => ({ kind: 'failed', error: { code, message, reason } as Failure, retryable });
