/**
 * The console's only way to the server: the public HTTP API, authenticated by the session cookie the
 * browser sends by itself (the key never reaches this page's script). Errors keep the server's
 * envelope: the message shown is the server's own.
 */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly reason: string,
    readonly param?: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

type Listener = (e: ApiError) => void;
const listeners = new Set<Listener>();

/** Called on every failed call: the shell uses it for "signed out" and "network lost" banners. */
export function onApiError(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The text a person should read for a failure, with what to do for the statuses that need it. */
export function describeError(e: unknown): string {
  if (!(e instanceof ApiError)) return e instanceof Error ? e.message : String(e);
  switch (e.status) {
    case 0:
      return 'The server cannot be reached (network lost or server stopped). Check the connection and try again.';
    case 401:
      return `Not signed in: ${e.message}`;
    case 402:
      return `Payment required: ${e.message}. Ask an administrator to credit this key.`;
    case 403:
      return `Not allowed: ${e.message}`;
    case 429:
      return `Too many requests: ${e.message}.${e.retryAfterSeconds ? ` Try again in ${e.retryAfterSeconds} s.` : ''}`;
    default:
      return e.param ? `${e.message} (field: ${e.param})` : e.message;
  }
}

export async function apiFetch(method: string, path: string, body?: unknown): Promise<Response> {
  const init: RequestInit = { method, credentials: 'same-origin', headers: {} };
  if (body instanceof FormData) init.body = body;
  else if (body !== undefined) {
    init.body = JSON.stringify(body);
    (init.headers as Record<string, string>)['content-type'] = 'application/json';
  }
  let res: Response;
  try {
    res = await fetch(path, init);
  } catch {
    const e = new ApiError(0, 'network error', 'network_error');
    listeners.forEach((l) => l(e));
    throw e;
  }
  if (!res.ok) {
    const json = (await res.json().catch(() => null)) as { error?: { message?: string; reason?: string; param?: string } } | null;
    const retry = Number(res.headers.get('retry-after')) || undefined;
    const err = json?.error;
    const e = new ApiError(res.status, err?.message ?? `HTTP ${res.status}`, err?.reason ?? 'http_error', err?.param, retry);
    listeners.forEach((l) => l(e));
    throw e;
  }
  return res;
}

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  return (await (await apiFetch(method, path, body)).json()) as T;
}

/** A query string from the defined values only. */
export function query(params: Record<string, string | number | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}
