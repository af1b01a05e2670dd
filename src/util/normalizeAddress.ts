/**
 * The form of an address that identity is decided on: trimmed and lowercased.
 * Strictly only the domain is case-insensitive, but no mail provider treats
 * `Ada@` and `ada@` as different people, and a subscriber who signs up twice
 * with different capitals must get one message and unsubscribe once. The
 * duplicate check, the archive's address hashes and unsubscribe tokens all
 * go through here, so they always agree.
 */
export function normalizeAddress(email: string): string {
  return email.trim().toLowerCase();
}
