/**
 * The first key of the two-key PostgreSQL advisory locks storyline takes
 * (`pg_advisory_lock(space, id)`), one space per use. Kysely's migration
 * lock takes a one-key lock, a key space that never overlaps these.
 */
export const advisoryLockSpaces = {
  /** Held by one transaction while it makes an edition's delivery rows (the id: `hashtext(edition)`). */
  editionRows: 0x53_4c_01,
  /** Held by a send process for as long as it runs (the id: its `send_workers.id`): free means gone. */
  sendWorker: 0x53_4c_02,
  /**
   * Held while a finishing send process reads an edition's counts and writes
   * its record to `archive/` (the id: `hashtext(edition)`).
   */
  editionRecord: 0x53_4c_03,
} as const;
