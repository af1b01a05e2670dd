import path from 'node:path';

/**
 * A delivery journal written under another `STORYLINE_SECRET`. Its address
 * hashes cannot match the list any more, so resuming would mail again
 * everyone it records: the send refuses instead (exit 1, nothing sent).
 */
export class OtherSecretError extends Error {
  override name = 'OtherSecretError';

  constructor(
    readonly journal: string,
    readonly entries: number,
  ) {
    super(
      `Nothing was sent: ${path.posix.join('archive', path.basename(path.dirname(journal)), path.basename(journal))} was written under a different STORYLINE_SECRET (${entries} ${entries === 1 ? 'entry' : 'entries'}), expected the current one; resuming would mail everyone it records again. Set STORYLINE_SECRET to the secret this edition was started with, then run the send again`,
    );
  }
}
