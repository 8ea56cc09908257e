/**
 * Which IP addresses a server-side fetch may connect to (the SSRF guard's address rule). Pure: no I/O.
 *
 * Everything that is not plainly a public unicast address is refused: private, loopback, link-local,
 * cloud metadata, documentation, multicast and reserved ranges. IPv6 forms that carry an IPv4 address
 * (IPv4-mapped, IPv4-compatible, NAT64, 6to4) are judged by the IPv4 address inside them.
 * `allowLoopback` (tests, a gateway that fetches from its own host) opens 127.0.0.0/8, ::1 and
 * ::ffff:127.0.0.0/104 only; every other range stays refused.
 */
import { isIPv4, isIPv6 } from 'node:net';

export interface IpPolicyOptions {
  allowLoopback: boolean;
}

interface Range {
  base: bigint;
  prefix: number;
  reason: string;
}

type Verdict = { reason: string; loopback: boolean } | null;

const PRIVATE = 'a private address';
const LOOPBACK = 'a loopback address';
const METADATA = 'the cloud metadata address';
const DOCUMENTATION = 'a documentation address';

function v4(cidr: string, reason: string): Range {
  const [addr, bits] = cidr.split('/') as [string, string | undefined];
  return { base: BigInt(parseIPv4(addr)!), prefix: Number(bits ?? 32), reason };
}

function v6(cidr: string, reason: string): Range {
  const [addr, bits] = cidr.split('/') as [string, string | undefined];
  return { base: parseIPv6(addr)!, prefix: Number(bits ?? 128), reason };
}

/** Most specific first: the first match gives the reason. */
const v4Ranges: Range[] = [
  v4('169.254.169.254/32', METADATA),
  v4('255.255.255.255/32', 'the broadcast address'),
  v4('0.0.0.0/8', 'a "this network" address'),
  v4('10.0.0.0/8', PRIVATE),
  v4('100.64.0.0/10', 'a shared (carrier-grade NAT) address'),
  v4('127.0.0.0/8', LOOPBACK),
  v4('169.254.0.0/16', 'a link-local address'),
  v4('172.16.0.0/12', PRIVATE),
  v4('192.0.0.0/24', 'an IETF protocol assignment address'),
  v4('192.0.2.0/24', DOCUMENTATION),
  v4('192.88.99.0/24', 'a 6to4 relay anycast address'),
  v4('192.168.0.0/16', PRIVATE),
  v4('198.18.0.0/15', 'a benchmarking address'),
  v4('198.51.100.0/24', DOCUMENTATION),
  v4('203.0.113.0/24', DOCUMENTATION),
  v4('224.0.0.0/4', 'a multicast address'),
  v4('240.0.0.0/4', 'a reserved address'),
];

const v6Ranges: Range[] = [
  v6('fd00:ec2::254/128', METADATA),
  v6('64:ff9b:1::/48', 'a local-use NAT64 address'),
  v6('100::/64', 'a discard-only address'),
  v6('2001::/32', 'a Teredo tunnel address'),
  v6('2001:db8::/32', DOCUMENTATION),
  v6('fc00::/7', 'a private (unique local) address'),
  v6('fe80::/10', 'a link-local address'),
  v6('fec0::/10', 'a site-local address'),
  v6('ff00::/8', 'a multicast address'),
];

/** IPv6 prefixes whose address carries an IPv4 address; `shift` says where it sits. */
const v4Carriers: { range: Range; shift: bigint; keepsLoopback: boolean }[] = [
  { range: v6('::ffff:0:0/96', 'an IPv4-mapped IPv6 address'), shift: 0n, keepsLoopback: true },
  { range: v6('64:ff9b::/96', 'a NAT64 address'), shift: 0n, keepsLoopback: false },
  { range: v6('2002::/16', 'a 6to4 address'), shift: 80n, keepsLoopback: false },
  // IPv4-compatible (deprecated): ::a.b.c.d; :: and ::1 are judged before this.
  { range: v6('::/96', 'an IPv4-compatible IPv6 address'), shift: 0n, keepsLoopback: false },
];

function inRange(value: bigint, range: Range, width: number): boolean {
  const shift = BigInt(width - range.prefix);
  return value >> shift === range.base >> shift;
}

/** Strict dotted-quad only (what DNS answers and the WHATWG URL parser produce). */
function parseIPv4(s: string): number | null {
  if (!isIPv4(s)) return null;
  return s.split('.').reduce((acc, part) => acc * 256 + Number(part), 0);
}

function parseIPv6(input: string): bigint | null {
  let s = input.startsWith('[') && input.endsWith(']') ? input.slice(1, -1) : input;
  const zone = s.indexOf('%');
  if (zone >= 0) s = s.slice(0, zone);
  if (!isIPv6(s)) return null;
  const lastColon = s.lastIndexOf(':');
  const dotted = s.slice(lastColon + 1);
  if (dotted.includes('.')) {
    // a.b.c.d in the last 32 bits: rewrite as two hex groups.
    const n = parseIPv4(dotted);
    if (n === null) return null;
    s = `${s.slice(0, lastColon + 1)}${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const [head, rest] = s.includes('::') ? (s.split('::') as [string, string]) : [s, undefined];
  const groups = (part: string) => (part === '' ? [] : part.split(':').map((g) => parseInt(g, 16)));
  const left = groups(head);
  const right = rest === undefined ? [] : groups(rest);
  const missing = 8 - left.length - right.length;
  if (missing < 0 || (rest === undefined && missing !== 0)) return null;
  const all = [...left, ...Array<number>(rest === undefined ? 0 : missing).fill(0), ...right];
  if (all.length !== 8 || all.some((g) => !Number.isInteger(g) || g < 0 || g > 0xffff)) return null;
  return all.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n);
}

function judgeV4(n: number): Verdict {
  const value = BigInt(n);
  for (const r of v4Ranges) if (inRange(value, r, 32)) return { reason: r.reason, loopback: r.reason === LOOPBACK };
  return null;
}

function judgeV6(value: bigint): Verdict {
  if (value === 0n) return { reason: 'the unspecified address', loopback: false };
  if (value === 1n) return { reason: LOOPBACK, loopback: true };
  for (const r of v6Ranges) if (inRange(value, r, 128)) return { reason: r.reason, loopback: false };
  for (const c of v4Carriers) {
    if (!inRange(value, c.range, 128)) continue;
    const embedded = Number((value >> c.shift) & 0xffffffffn);
    const inner = judgeV4(embedded);
    if (!inner) return null;
    return { reason: `${inner.reason} (${formatV4(embedded)} inside ${c.range.reason})`, loopback: inner.loopback && c.keepsLoopback };
  }
  return null;
}

function formatV4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/**
 * Why the address may not be connected to (e.g. "a private address"), or null when it may.
 * Anything that is not an IP address is refused.
 */
export function describeBlock(ip: string, opts: IpPolicyOptions = { allowLoopback: false }): string | null {
  const n4 = parseIPv4(ip);
  let verdict: Verdict;
  if (n4 !== null) verdict = judgeV4(n4);
  else {
    const n6 = parseIPv6(ip);
    if (n6 === null) return 'not an IP address';
    verdict = judgeV6(n6);
  }
  if (!verdict) return null;
  if (verdict.loopback && opts.allowLoopback) return null;
  return verdict.reason;
}

export function isBlockedAddress(ip: string, opts: IpPolicyOptions): boolean {
  return describeBlock(ip, opts) !== null;
}
