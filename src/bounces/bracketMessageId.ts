/**
 * A Message-ID as the header writes it, `<local@domain>`: providers report
 * it with or without the angle brackets (Mailgun without), and matching
 * compares it with the one an edition was sent with.
 */
export function bracketMessageId(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const bare = value.trim().replace(/^<|>$/g, '');
  return bare && !/[<>\s]/.test(bare) ? `<${bare}>` : undefined;
}
