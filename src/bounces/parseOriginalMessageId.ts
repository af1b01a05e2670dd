/** What a storyline Message-ID says about the message it names. */
export type OriginalMessage =
  /** An edition's copy: `<editionId.hash16@domain>` (see `sendEdition`). */
  | { kind: 'edition'; editionId: string; hashPrefix: string }
  /** A catch-up: `<catch-up.row.time@domain>`, looked up whole in the store. */
  | { kind: 'catch-up'; messageId: string };

/**
 * Reads the Message-ID of the message a bounce is about, for a bounce that
 * lost its VERP address (forwarded, rewritten). Undefined for one storyline
 * did not make.
 */
export function parseOriginalMessageId(
  value: string,
  catchUpEditionId: string,
): OriginalMessage | undefined {
  const match = /^\s*<?([^<>@\s]+)@([^<>@\s]+?)>?\s*$/.exec(value);
  if (!match) return undefined;
  const local = match[1] ?? '';
  if (local.startsWith(`${catchUpEditionId}.`)) {
    return { kind: 'catch-up', messageId: `<${local}@${match[2]}>` };
  }
  const dot = local.lastIndexOf('.');
  const hashPrefix = local.slice(dot + 1);
  const editionId = local.slice(0, dot);
  if (dot < 1 || !/^[A-Za-z0-9_-]{16}$/.test(hashPrefix)) return undefined;
  return { kind: 'edition', editionId, hashPrefix };
}
