import { BlockList, isIPv4, isIPv6 } from 'node:net';

// IPv4-mapped IPv6 addresses (`::ffff:127.0.0.1`) match the IPv4 subnet too.
const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');

/**
 * Whether a host name is this machine and nothing else: an IP literal in
 * 127.0.0.0/8, `::1` (bracketed as in a URL, or IPv4-mapped), or `localhost`.
 * Only literals count, never a name that merely starts like one:
 * `127.evil.example` is whatever its DNS says. Used where loopback is trusted
 * (mail without TLS, the preview's host check and test sends). Pure.
 */
export function isLoopback(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (host === 'localhost') return true;
  if (isIPv4(host)) return loopback.check(host, 'ipv4');
  if (isIPv6(host)) return loopback.check(host, 'ipv6');
  return false;
}
