import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  hkdfSync,
  timingSafeEqual,
} from 'node:crypto';
import { normalizeAddress } from '../util/normalizeAddress.js';

/** 128 bits: forging a token means guessing this many bits per attempt. */
const macBytes = 16;
const macLength = Math.ceil((macBytes * 4) / 3);
// An address is at most 254 characters, up to 4 UTF-8 bytes each.
const maxTokenLength = Math.ceil((254 * 4 * 4) / 3) + 1 + macLength;
const base64url = /^[A-Za-z0-9_-]+$/;

/** The first byte of an opaque token: a later format gets another. */
const opaqueVersion = 1;
const nonceBytes = 12;
const tagBytes = 16;
/** Addresses are padded to a multiple of this, so a token tells little of the address's length. */
const padTo = 16;
const maxOpaqueBytes = 1 + nonceBytes + Math.ceil((254 * 4) / padTo) * padTo + tagBytes;

function mac(address: string, secret: string): Buffer {
  // The prefix keeps these MACs apart from the address hashes in `archive/`,
  // which use the same key: a hash never helps forge a token.
  return createHmac('sha256', secret)
    .update(`unsubscribe:${address}`, 'utf8')
    .digest()
    .subarray(0, macBytes);
}

interface TokenKeys {
  encrypt: Buffer;
  nonce: Buffer;
}

// HKDF per token would cost more than the encryption; a process uses one secret.
const keyCache = new Map<string, TokenKeys>();

function keysFor(secret: string): TokenKeys {
  let keys = keyCache.get(secret);
  if (!keys) {
    const material = Buffer.from(hkdfSync('sha256', secret, '', 'unsubscribe-token', 64));
    keys = { encrypt: material.subarray(0, 32), nonce: material.subarray(32) };
    if (keyCache.size > 8) keyCache.clear();
    keyCache.set(secret, keys);
  }
  return keys;
}

function nonceFor(address: string, keys: TokenKeys): Buffer {
  return createHmac('sha256', keys.nonce).update(address, 'utf8').digest().subarray(0, nonceBytes);
}

/**
 * The token in a recipient's unsubscribe link: the address encrypted and
 * authenticated (AES-256-GCM) under a key derived from `STORYLINE_SECRET`,
 * `base64url(version | nonce | ciphertext | tag)`. It still needs no
 * database (CSV users have none), but no proxy, log or forwarded mail on
 * the way learns the address from it. The nonce is an HMAC of the address
 * (SIV-style), so one address always gets the same token: a send resumed
 * after a crash mails the same link, and nonces only repeat with the same
 * plaintext, which is what GCM needs. The address is padded to a multiple
 * of 16 bytes, so the token's length hides its exact length. Lowercased
 * first, as everywhere else.
 */
export function createUnsubscribeToken(email: string, secret: string): string {
  const address = normalizeAddress(email);
  const keys = keysFor(secret);
  const nonce = nonceFor(address, keys);
  const plain = Buffer.from(address, 'utf8');
  const padded = Buffer.alloc(Math.max(padTo, Math.ceil(plain.length / padTo) * padTo));
  plain.copy(padded);
  const cipher = createCipheriv('aes-256-gcm', keys.encrypt, nonce);
  const encrypted = Buffer.concat([cipher.update(padded), cipher.final()]);
  return Buffer.concat([Buffer.of(opaqueVersion), nonce, encrypted, cipher.getAuthTag()]).toString(
    'base64url',
  );
}

/**
 * The token links mailed before opaque tokens carried:
 * `base64url(address).base64url(MAC)`. Still verified (links already in
 * inboxes keep working), no longer made by a send; kept for tests and for
 * anyone who needs to make one to check an old link.
 */
export function createLegacyUnsubscribeToken(email: string, secret: string): string {
  const address = normalizeAddress(email);
  return `${Buffer.from(address, 'utf8').toString('base64url')}.${mac(address, secret).toString('base64url')}`;
}

/**
 * The address a token was made for, or undefined when it was not made with
 * this secret (tampered, truncated, another key, garbage). Takes both the
 * opaque tokens and the legacy ones. Never throws: the input comes from a
 * URL or a mail anyone can send. MACs are compared in constant time, so
 * response timing does not reveal how much of a guess was right.
 */
export function verifyUnsubscribeToken(token: string, secret: string): string | undefined {
  if (typeof token !== 'string' || token.length > maxTokenLength) return undefined;
  const trimmed = token.trim();
  return trimmed.includes('.')
    ? verifyLegacyToken(trimmed, secret)
    : verifyOpaqueToken(trimmed, secret);
}

function verifyOpaqueToken(token: string, secret: string): string | undefined {
  if (!base64url.test(token)) return undefined;
  const bytes = Buffer.from(token, 'base64url');
  // One spelling only: stray bits in the last character are refused.
  if (bytes.toString('base64url') !== token) return undefined;
  if (bytes.length > maxOpaqueBytes || bytes[0] !== opaqueVersion) return undefined;
  const encryptedLength = bytes.length - 1 - nonceBytes - tagBytes;
  if (encryptedLength < padTo || encryptedLength % padTo !== 0) return undefined;
  const keys = keysFor(secret);
  const nonce = bytes.subarray(1, 1 + nonceBytes);
  const encrypted = bytes.subarray(1 + nonceBytes, 1 + nonceBytes + encryptedLength);
  const tag = bytes.subarray(1 + nonceBytes + encryptedLength);
  let padded: Buffer;
  try {
    const decipher = createDecipheriv('aes-256-gcm', keys.encrypt, nonce);
    decipher.setAuthTag(tag);
    padded = Buffer.concat([decipher.update(encrypted), decipher.final()]);
  } catch {
    return undefined;
  }
  const end = padded.indexOf(0);
  const address = padded.subarray(0, end === -1 ? padded.length : end).toString('utf8');
  // Authentic, but only a token createUnsubscribeToken would make counts.
  const expected = nonceFor(address, keys);
  if (!timingSafeEqual(expected, nonce)) return undefined;
  if (padded.subarray(end === -1 ? padded.length : end).some((byte) => byte !== 0))
    return undefined;
  return address;
}

function verifyLegacyToken(token: string, secret: string): string | undefined {
  const parts = token.split('.');
  if (parts.length !== 2) return undefined;
  const [encodedAddress = '', encodedMac = ''] = parts;
  if (!base64url.test(encodedAddress) || encodedMac.length !== macLength) return undefined;
  if (!base64url.test(encodedMac)) return undefined;
  const address = Buffer.from(encodedAddress, 'base64url').toString('utf8');
  // Decoding is lenient (stray bits, invalid UTF-8 become U+FFFD); accept
  // only the exact encoding createLegacyUnsubscribeToken produces.
  if (Buffer.from(address, 'utf8').toString('base64url') !== encodedAddress) return undefined;
  const given = Buffer.from(encodedMac, 'base64url');
  // 22 characters hold 132 bits; the 4 spare ones must be zero, so that a
  // token has exactly one spelling.
  if (given.toString('base64url') !== encodedMac) return undefined;
  const expected = mac(address, secret);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  return address;
}
