import type { HttpClient } from './http-client.js';
import type { CreatedKey, CreateKeyParams, CreditParams, Key, RequestOptions, UpdateKeyParams } from './types.js';

const keyPath = (keyId: string, rest = '') => `/admin/keys/${encodeURIComponent(keyId)}${rest}`;

/** API keys (admin keys only). Creating a key and crediting are not resent after a connection error: they are not idempotent. */
export class Keys {
  constructor(private readonly http: HttpClient) {}

  /** POST /admin/keys: the new key with its secret (`key`), shown this once. */
  async create(params: CreateKeyParams, opts: RequestOptions = {}): Promise<CreatedKey> {
    return this.http.data<CreatedKey>({ method: 'POST', path: '/admin/keys', json: params, idempotent: false }, opts);
  }

  async list(opts: RequestOptions = {}): Promise<Key[]> {
    return this.http.data<Key[]>({ method: 'GET', path: '/admin/keys', idempotent: true }, opts);
  }

  async retrieve(keyId: string, opts: RequestOptions = {}): Promise<Key> {
    return this.http.data<Key>({ method: 'GET', path: keyPath(keyId), idempotent: true }, opts);
  }

  async update(keyId: string, params: UpdateKeyParams, opts: RequestOptions = {}): Promise<Key> {
    return this.http.data<Key>({ method: 'PATCH', path: keyPath(keyId), json: params, idempotent: true }, opts);
  }

  async revoke(keyId: string, opts: RequestOptions = {}): Promise<Key> {
    return this.http.data<Key>({ method: 'POST', path: keyPath(keyId, '/revoke'), idempotent: true }, opts);
  }

  /** Adds `amount` (major units; negative to adjust) to the key's balance. */
  async credit(keyId: string, params: CreditParams, opts: RequestOptions = {}): Promise<Key> {
    return this.http.data<Key>({ method: 'POST', path: keyPath(keyId, '/credit'), json: params, idempotent: false }, opts);
  }
}
