/** A mistake in how a command was called: exit code 2 and the usage line. */
export class UsageError extends Error {
  override name = 'UsageError';
}
