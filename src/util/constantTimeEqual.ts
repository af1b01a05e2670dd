import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Whether two secrets are equal, taking the same time wherever they differ
 * and whatever their lengths: both are hashed first, so neither the
 * position of the first difference nor the expected length leaks.
 */
export function constantTimeEqual(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}
