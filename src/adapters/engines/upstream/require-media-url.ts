/** The media URLs an upstream create needs: a job without one is a bug upstream of the engine, not a retry. */

export class MissingMediaUrlError extends Error {}

/** The URL a mode needs for one of its media; MissingMediaUrlError when the job lacks it. */
export function requireMediaUrl(mode: string, url: string | undefined, what: string): string {
  if (!url) throw new MissingMediaUrlError(`the ${mode} job has no URL for its ${what}`);
  return url;
}
