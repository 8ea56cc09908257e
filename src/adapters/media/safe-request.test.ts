import type { LookupAddress } from 'node:dns';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../domain/errors.js';
import { checkUrl, guardedLookup, hostForMessage } from './safe-request.js';

function fakeResolver(addresses: LookupAddress[] | Error) {
  return (_host: string, _opts: unknown, cb: (err: NodeJS.ErrnoException | null, a: LookupAddress[]) => void) => {
    if (addresses instanceof Error) cb(addresses, []);
    else cb(null, addresses);
  };
}

function runLookup(resolved: LookupAddress[] | Error, opts: { all: boolean; allowLoopback?: boolean }) {
  const lookup = guardedLookup(opts.allowLoopback ?? false, fakeResolver(resolved));
  return new Promise<{ err: Error | null; address: unknown; family: unknown }>((resolve) => {
    lookup('media.example', { all: opts.all }, (err, address, family) => resolve({ err, address, family }));
  });
}

describe('guardedLookup', () => {
  it('refuses the whole answer when any resolved address is blocked (no rebinding through a second record)', async () => {
    const { err } = await runLookup([{ address: '93.184.216.34', family: 4 }, { address: '10.0.0.7', family: 4 }], { all: true });
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).reason).toBe('url_not_allowed');
    expect(err!.message).toContain('resolves to a private address');
    expect(err!.message).toContain('media.example');
  });

  it('refuses a name that resolves to the metadata address or an IPv4-mapped private address', async () => {
    for (const address of ['169.254.169.254', '::ffff:192.168.0.1', 'fd00:ec2::254']) {
      const { err } = await runLookup([{ address, family: address.includes(':') ? 6 : 4 }], { all: false, allowLoopback: true });
      expect((err as AppError).reason, address).toBe('url_not_allowed');
    }
  });

  it('passes public addresses through, in the shape the caller asked for', async () => {
    const answer = [{ address: '93.184.216.34', family: 4 }, { address: '2606:2800:220:1::1', family: 6 }];
    expect(await runLookup(answer, { all: true })).toEqual({ err: null, address: answer, family: undefined });
    expect(await runLookup(answer, { all: false })).toEqual({ err: null, address: '93.184.216.34', family: 4 });
  });

  it('allows loopback answers only when allowLoopback is set', async () => {
    const answer = [{ address: '127.0.0.1', family: 4 }, { address: '::1', family: 6 }];
    expect((await runLookup(answer, { all: true })).err).toBeInstanceOf(AppError);
    expect((await runLookup(answer, { all: true, allowLoopback: true })).err).toBeNull();
  });

  it('hands DNS failures through unchanged', async () => {
    const failure = Object.assign(new Error('getaddrinfo ENOTFOUND media.example'), { code: 'ENOTFOUND' });
    expect((await runLookup(failure, { all: true })).err).toBe(failure);
  });
});

describe('checkUrl', () => {
  const refused = (url: string, allowLoopback = false) => {
    try {
      checkUrl(url, allowLoopback);
    } catch (err) {
      return err as AppError;
    }
    throw new Error(`${url} was accepted`);
  };

  it.each(['ftp://example.com/a.png', 'file:///etc/passwd', 'data:image/png;base64,AAAA', 'gopher://example.com/', 'javascript:alert(1)'])(
    'refuses the non-HTTP scheme of %s',
    (url) => {
      expect(refused(url).reason).toBe('url_not_allowed');
    },
  );

  it('refuses URLs with credentials', () => {
    expect(refused('https://user:pass@example.com/a.png').message).toContain('credentials');
    expect(refused('https://user@example.com/a.png').reason).toBe('url_not_allowed');
  });

  it.each([
    'http://10.0.0.1/', 'http://169.254.169.254/latest/meta-data', 'http://[::ffff:a00:1]/', 'http://2130706433/',
    'http://0x7f.1/', 'http://0177.0.0.1/', 'http://127.1/', 'http://[::1]/', 'http://[fd00:ec2::254]/', 'http://0/',
    'http://[::ffff:169.254.169.254]/', 'http://3232235521/', 'http://0xa9.0xfe.0xa9.0xfe/',
  ])('refuses %s, a literal address the URL parser normalises to a blocked one', (url) => {
    expect(refused(url).reason).toBe('url_not_allowed');
  });

  it('lets loopback literals through only with allowLoopback', () => {
    expect(checkUrl('http://2130706433:8080/x', true).hostname).toBe('127.0.0.1');
    expect(checkUrl('http://[::ffff:7f00:1]/x', true).hostname).toBe('[::ffff:7f00:1]');
    expect(refused('http://0x7f.1/', false).message).toContain('loopback');
    expect(refused('http://10.0.0.1/', true).message).toContain('private address');
  });

  it('accepts public http and https URLs, names included (names are judged at lookup)', () => {
    expect(checkUrl('https://cdn.example.com/a.png?sig=abc', false).host).toBe('cdn.example.com');
    expect(checkUrl('http://93.184.216.34/a.png', false).host).toBe('93.184.216.34');
  });

  it('never puts the path or query in a message', () => {
    expect(hostForMessage('https://cdn.example.com:8443/private/a.png?token=secret')).toBe('cdn.example.com:8443');
    expect(refused('https://user:secret@cdn.example.com/a.png?token=secret').message).not.toContain('secret');
    expect(refused('http://10.0.0.1/a.png?token=secret').message).not.toContain('secret');
  });
});
