import { createHash, randomBytes } from 'node:crypto';

/** 256 random bits, 43 base64url characters. */
const tokenPattern = /^[A-Za-z0-9_-]{43}$/;

/** A new confirmation link's token and the hash the store keeps of it (never the token). */
export function newConfirmationToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashOf(token) };
}

/** The stored hash of a token from a link, or undefined when it cannot be one of ours (truncated, garbage). */
export function hashConfirmationToken(token: unknown): string | undefined {
  if (typeof token !== 'string' || !tokenPattern.test(token)) return undefined;
  return hashOf(token);
}

function hashOf(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('base64url');
}
