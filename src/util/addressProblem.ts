/** RFC 5321 caps a forward path at 256 octets, two of them the angle brackets. */
export const maxAddressLength = 254;

// Characters that are only legal inside a quoted local part, which real
// subscribers never have; here they mean a pasted `Name <address>` or a list.
const special = /[<>()[\]\\,;:"]/;
// Whitespace and control characters would break the To header.
const spaceOrControl = /[\s\p{Cc}]/u;

/**
 * What is wrong with an address, as the "X" of "Unexpected X", or undefined
 * when it looks deliverable. A practical check, not RFC 5322: it rejects the
 * mistakes found in real lists (typos, pasted names, two addresses in one
 * cell) and never describes the address itself, so a message about a
 * subscriber list can be printed in a public CI log.
 */
export function addressProblem(email: string): string | undefined {
  if (email === '') return 'empty address';
  if (email.length > maxAddressLength) {
    return `address of ${email.length} characters (at most ${maxAddressLength} are allowed)`;
  }
  if (spaceOrControl.test(email)) return 'space in an address';
  const specialCharacter = special.exec(email)?.[0];
  if (specialCharacter) return `\`${specialCharacter}\` in an address`;
  const parts = email.split('@');
  if (parts.length === 1) return 'address without `@`';
  if (parts.length > 2) return `address with ${parts.length - 1} \`@\``;
  const [local = '', domain = ''] = parts;
  if (local === '') return 'address with nothing before `@`';
  if (domain === '') return 'address with nothing after `@`';
  if (!domain.includes('.')) return 'domain without a dot in an address';
  if (domain.startsWith('.') || domain.endsWith('.') || domain.includes('..')) {
    return 'misplaced dot in the domain of an address';
  }
  return undefined;
}
