/**
 * The opaque id in a VERP address, `bounces+<id>@<bounce domain>` (the
 * envelope sender storyline mails from, which is where reports come back
 * to). Undefined for any other address, or for another domain when
 * `bounceDomain` is given.
 */
export function verpFromAddress(address: string, bounceDomain?: string): string | undefined {
  const bare = address.trim().replace(/^<|>$/g, '');
  const at = bare.lastIndexOf('@');
  if (at === -1) return undefined;
  const local = bare.slice(0, at);
  const domain = bare.slice(at + 1).toLowerCase();
  if (bounceDomain !== undefined && domain !== bounceDomain.toLowerCase()) return undefined;
  const match = /^bounces\+(.+)$/i.exec(local);
  return match?.[1];
}
