import { createHmac, timingSafeEqual } from 'node:crypto';
import { normalizeAddress } from '../util/normalizeAddress.js';

/** 128 bits: forging a token means guessing this many bits per attempt. */
const macBytes = 16;
const macLength = Math.ceil((macBytes * 4) / 3);
// An address is at most 254 characters, up to 4 UTF-8 bytes each.
const maxTokenLength = Math.ceil((254 * 4 * 4) / 3) + 1 + macLength;
const base64url = /^[A-Za-z0-9_-]+$/;

function mac(address: string, secret: string): Buffer {
  // The prefix keeps these MACs apart from the address hashes in `archive/`,
  // which use the same key: a hash never helps forge a token.
  return createHmac('sha256', secret)
    .update(`unsubscribe:${address}`, 'utf8')
    .digest()
    .subarray(0, macBytes);
}

/**
 * The token in a recipient's unsubscribe link: `base64url(address).base64url(MAC)`.
 * It carries the address so that `storyline unsubscribe <token>` (or a
 * one-click endpoint) knows whom to suppress without a database of tokens.
 * Carrying it leaks nothing new: the link only ever goes to that address's
 * own inbox, which knows the address already; whoever it is forwarded to
 * learns the address from the forwarded mail's To header anyway. The MAC
 * makes it unforgeable: nobody without `STORYLINE_SECRET` can unsubscribe
 * someone else. The address is lowercased first, as everywhere else.
 */
export function createUnsubscribeToken(email: string, secret: string): string {
  const address = normalizeAddress(email);
  return `${Buffer.from(address, 'utf8').toString('base64url')}.${mac(address, secret).toString('base64url')}`;
}

/**
 * The address a token was made for, or undefined when it was not made with
 * this secret (tampered, truncated, another key, garbage). Never throws: the
 * input comes from a URL or a mail anyone can send. The MACs are compared in
 * constant time, so response timing does not reveal how much of a guess was
 * right.
 */
export function verifyUnsubscribeToken(token: string, secret: string): string | undefined {
  if (typeof token !== 'string' || token.length > maxTokenLength) return undefined;
  const parts = token.trim().split('.');
  if (parts.length !== 2) return undefined;
  const [encodedAddress = '', encodedMac = ''] = parts;
  if (!base64url.test(encodedAddress) || encodedMac.length !== macLength) return undefined;
  if (!base64url.test(encodedMac)) return undefined;
  const address = Buffer.from(encodedAddress, 'base64url').toString('utf8');
  // Decoding is lenient (stray bits, invalid UTF-8 become U+FFFD); accept
  // only the exact encoding createUnsubscribeToken produces.
  if (Buffer.from(address, 'utf8').toString('base64url') !== encodedAddress) return undefined;
  const given = Buffer.from(encodedMac, 'base64url');
  // 22 characters hold 132 bits; the 4 spare ones must be zero, so that a
  // token has exactly one spelling.
  if (given.toString('base64url') !== encodedMac) return undefined;
  const expected = mac(address, secret);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  return address;
}
