import { afterEach, describe, expect, it } from 'vitest';
import { HttpClient } from './http-client.js';

describe('HttpClient retries', () => {
  const saved = process.env.WANGATE_MAX_RETRIES;
  afterEach(() => {
    if (saved === undefined) delete process.env.WANGATE_MAX_RETRIES;
    else process.env.WANGATE_MAX_RETRIES = saved;
  });

  it('takes WANGATE_MAX_RETRIES when no maxRetries is given; the option wins, and a value that is not a count is ignored', () => {
    const retries = (options: { maxRetries?: number } = {}) => new HttpClient({ apiKey: 'wg_k', ...options }).maxRetries;
    delete process.env.WANGATE_MAX_RETRIES;
    expect(retries()).toBe(2);
    process.env.WANGATE_MAX_RETRIES = '0';
    expect(retries()).toBe(0);
    expect(retries({ maxRetries: 4 })).toBe(4);
    for (const bad of ['-1', 'many', '1.5']) {
      process.env.WANGATE_MAX_RETRIES = bad;
      expect(retries(), bad).toBe(2);
    }
  });
});
