import { z } from 'zod';

/** How an address hash looks (`addressHash`): 22 base64url characters. */
const hashPattern = /^[A-Za-z0-9_-]{22}$/;

/**
 * One outcome a send appends to `deliveries.jsonl`, and a JSON line of it as
 * journals begun by earlier versions hold it (one begun now holds the
 * compact line, `journalLine.ts`). Lines are read back through this schema,
 * never trusted: a line that does not match is reported and its recipient
 * is sent again.
 */
export const journalEntrySchema = z.object({
  at: z.iso.datetime({ offset: true }),
  hash: z.string().regex(hashPattern, 'the 22-character address hash'),
  /**
   * `sending` is written before a message is handed to the transport; the
   * outcome after. `retrying` is a temporary failure that this run will try
   * again; `deferred` one this run gave up on (the next run retries it).
   */
  status: z.enum(['sending', 'sent', 'failed', 'suppressed', 'retrying', 'deferred']),
  /** The SMTP reply code, when there was one. */
  code: z.number().int().optional(),
  messageId: z.string().optional(),
  /** Which try this was, from 1. */
  attempt: z.number().int().nonnegative().optional(),
  /** Recorded as failed after temporary failures on every try of three runs. */
  gaveUp: z.boolean().optional(),
  /**
   * `secretId` of the STORYLINE_SECRET that made `hash`. Absent in journals
   * written before it was recorded: those are taken to match.
   */
  key: z.string().optional(),
});

/** One line of `deliveries.jsonl`. Holds no address: `hash` is its HMAC. */
export type JournalEntry = z.infer<typeof journalEntrySchema>;

export type JournalStatus = JournalEntry['status'];
