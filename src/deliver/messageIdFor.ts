/** A Message-ID on the sender's domain: `<local@domain-of-from>`. */
export function messageIdFor(from: string, local: string): string {
  const domain = /@([^>\s]+)>?\s*$/.exec(from)?.[1] ?? 'localhost';
  return `<${local}@${domain}>`;
}
