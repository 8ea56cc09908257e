/** The media URLs an upstream create needs: a job without one is a bug before the engine, not a retry. */
import type { EngineStep } from '../../../domain/ports.js';
import { failedStep } from './step-helpers.js';

export class MissingMediaUrlError extends Error {}

/** The URL a mode needs for one of its media; MissingMediaUrlError when the job lacks it. */
export function requireMediaUrl(mode: string, url: string | undefined, what: string): string {
  if (!url) throw new MissingMediaUrlError(`the ${mode} job has no URL for its ${what}`);
  return url;
}

/** Builds a create body; a job that lacks a media URL its mode needs fails for good instead. */
export function buildCreateBody<T>(build: () => T): { body: T } | { failed: EngineStep } {
  try {
    return { body: build() };
  } catch (e) {
    if (e instanceof MissingMediaUrlError) return { failed: failedStep('internal', 'missing_input', e.message, false) };
    throw e;
  }
}
