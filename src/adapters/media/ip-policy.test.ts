import { describe, expect, it } from 'vitest';
import { describeBlock, isBlockedAddress } from './ip-policy.js';

const strict = { allowLoopback: false };
const loose = { allowLoopback: true };

describe('isBlockedAddress', () => {
  it.each([
    '0.0.0.0', '0.1.2.3', '10.0.0.1', '10.255.255.255', '100.64.0.1', '100.127.255.255', '127.0.0.1', '127.255.255.254',
    '169.254.0.1', '169.254.169.254', '172.16.0.1', '172.31.255.255', '192.0.0.8', '192.0.2.1', '192.88.99.1',
    '192.168.1.1', '198.18.0.1', '198.19.255.255', '198.51.100.7', '203.0.113.9', '224.0.0.1', '239.255.255.250',
    '240.0.0.1', '255.255.255.254', '255.255.255.255',
  ])('refuses the non-public IPv4 address %s', (ip) => {
    expect(isBlockedAddress(ip, strict)).toBe(true);
  });

  it.each(['8.8.8.8', '1.1.1.1', '93.184.216.34', '100.63.255.255', '100.128.0.0', '172.15.255.255', '172.32.0.0',
    '192.167.255.255', '192.169.0.0', '198.17.255.255', '198.20.0.0', '169.253.255.255', '223.255.255.255', '11.0.0.1',
  ])('allows the public IPv4 address %s (range edges included)', (ip) => {
    expect(isBlockedAddress(ip, strict)).toBe(false);
    expect(isBlockedAddress(ip, loose)).toBe(false);
  });

  it.each([
    '::', '::1', 'fc00::1', 'fd12:3456::1', 'fe80::1', 'fe80::1%eth0', 'febf::1', 'ff02::1', 'ff00::', '100::1',
    '2001:db8::1', '2001:db8:ffff::1', 'fd00:ec2::254', 'fec0::1', '2001::1', '64:ff9b:1::a00:1', '[::1]',
  ])('refuses the non-public IPv6 address %s', (ip) => {
    expect(isBlockedAddress(ip, strict)).toBe(true);
  });

  it.each(['2606:4700:4700::1111', '2001:4860:4860::8888', '2a00:1450:4001:80b::200e', '100:0:0:1::1', 'fbff::1', 'fe7f::1'])(
    'allows the public IPv6 address %s',
    (ip) => {
      expect(isBlockedAddress(ip, strict)).toBe(false);
    },
  );

  it.each([
    ['::ffff:10.0.0.1', 'IPv4-mapped, dotted'],
    ['::ffff:a00:1', 'IPv4-mapped, hex'],
    ['::ffff:169.254.169.254', 'IPv4-mapped metadata'],
    ['::ffff:7f00:1', 'IPv4-mapped loopback'],
    ['0:0:0:0:0:ffff:c0a8:0101', 'IPv4-mapped, long form'],
    ['::10.0.0.1', 'IPv4-compatible'],
    ['::a9fe:a9fe', 'IPv4-compatible metadata'],
    ['64:ff9b::10.0.0.1', 'NAT64'],
    ['64:ff9b::a9fe:a9fe', 'NAT64 metadata'],
    ['64:ff9b::7f00:1', 'NAT64 loopback'],
    ['2002:a00:1::1', '6to4 of 10.0.0.1'],
    ['2002:7f00:1::', '6to4 of 127.0.0.1'],
    ['2002:a9fe:a9fe::1', '6to4 of the metadata address'],
  ])('judges the IPv4 address inside %s (%s)', (ip) => {
    expect(isBlockedAddress(ip, strict)).toBe(true);
  });

  it.each(['::ffff:8.8.8.8', '::ffff:808:808', '64:ff9b::8.8.8.8', '2002:808:808::1'])(
    'allows an IPv6 form carrying a public IPv4 address (%s)',
    (ip) => {
      expect(isBlockedAddress(ip, strict)).toBe(false);
    },
  );

  it('allowLoopback opens 127.0.0.0/8, ::1 and ::ffff:127.x only', () => {
    for (const ip of ['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1', '::ffff:7f00:1', '0:0:0:0:0:0:0:1']) {
      expect(isBlockedAddress(ip, loose), ip).toBe(false);
    }
  });

  it('allowLoopback keeps private, link-local, metadata and unspecified addresses refused', () => {
    for (const ip of [
      '10.0.0.1', '172.16.0.1', '192.168.0.1', '169.254.169.254', '169.254.1.1', '0.0.0.0', '::', 'fe80::1',
      'fc00::1', 'fd00:ec2::254', '::ffff:10.0.0.1', '::ffff:169.254.169.254', '100.64.0.1', '224.0.0.1',
      '64:ff9b::7f00:1', '2002:7f00:1::', '::127.0.0.1',
    ]) {
      expect(isBlockedAddress(ip, loose), ip).toBe(true);
    }
  });

  it('refuses anything that is not a plain IP address', () => {
    for (const s of ['', 'localhost', '2130706433', '0x7f.1', '127.1', '0177.0.0.1', '1.2.3.4.5', '::g', '1:2:3:4:5:6:7:8:9']) {
      expect(isBlockedAddress(s, loose), s).toBe(true);
    }
  });
});

describe('describeBlock', () => {
  it('names the reason a refused address is refused', () => {
    expect(describeBlock('10.1.2.3')).toBe('a private address');
    expect(describeBlock('192.168.0.1')).toBe('a private address');
    expect(describeBlock('127.0.0.1')).toBe('a loopback address');
    expect(describeBlock('::1')).toBe('a loopback address');
    expect(describeBlock('169.254.169.254')).toBe('the cloud metadata address');
    expect(describeBlock('fd00:ec2::254')).toBe('the cloud metadata address');
    expect(describeBlock('169.254.3.4')).toBe('a link-local address');
    expect(describeBlock('::ffff:a00:1')).toBe('a private address (10.0.0.1 inside an IPv4-mapped IPv6 address)');
    expect(describeBlock('not-an-ip')).toBe('not an IP address');
  });

  it('returns null for an allowed address', () => {
    expect(describeBlock('8.8.8.8')).toBeNull();
    expect(describeBlock('127.0.0.1', { allowLoopback: true })).toBeNull();
  });
});
