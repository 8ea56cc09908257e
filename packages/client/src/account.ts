import type { HttpClient } from './http-client.js';
import type { OwnKey, RequestOptions, Usage, UsageListParams } from './types.js';

export class Me {
  constructor(private readonly http: HttpClient) {}

  /** GET /v1/me: the calling key, its balance and its webhook secret. */
  async retrieve(opts: RequestOptions = {}): Promise<OwnKey> {
    return this.http.data<OwnKey>({ method: 'GET', path: '/v1/me', idempotent: true }, opts);
  }
}

export class UsageResource {
  constructor(private readonly http: HttpClient) {}

  /** GET /v1/usage: totals and a page of the calling key's ledger (pass `next_cursor` as `after` for the next). */
  async list(params: UsageListParams = {}, opts: RequestOptions = {}): Promise<Usage> {
    return this.http.data<Usage>({ method: 'GET', path: '/v1/usage', query: params, idempotent: true }, opts);
  }
}
