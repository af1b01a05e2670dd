/**
 * A write (or a read of committed state) that would go through a symbolic
 * link: refused, never followed. The message names the path relative to the
 * content root and never where the link points, which may itself be a
 * secret path.
 */
export class UnsafePathError extends Error {
  override name = 'UnsafePathError';
  readonly code = 'EUNSAFEPATH';
}
