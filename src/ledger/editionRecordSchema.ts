import { z } from 'zod';
import type { DeliveryCounts, EditionDescription, EditionRecord } from './EditionRecord.js';

const count = z.number().int().nonnegative();

export const deliveryCountsSchema = z.object({
  sent: count,
  failed: count,
  suppressed: count,
  deferred: count,
}) satisfies z.ZodType<DeliveryCounts>;

/** The part of a record that says what an edition holds; shared with shard status files. */
export const editionDescriptionSchema = z.object({
  id: z.string().min(1),
  headline: z.string(),
  subject: z.string(),
  preheader: z.string(),
  updates: z.array(z.string()),
  /**
   * Every earlier update's id, in records older versions wrote: read (and
   * ignored: the ledger derives it), never written. `publish` rewrites such a
   * record without it (`currentRecordForm`).
   */
  earlierUpdates: z.array(z.string()).optional(),
}) satisfies z.ZodType<EditionDescription>;

/**
 * `archive/<edition-id>/edition.json` as storyline writes it. The archive is
 * committed and can be edited or damaged by hand, so it is read through this
 * schema, never trusted.
 */
export const editionRecordSchema = editionDescriptionSchema.extend({
  shards: z.number().int().positive(),
  startedAt: z.iso.datetime({ offset: true }),
  finishedAt: z.iso.datetime({ offset: true }).nullable(),
  counts: deliveryCountsSchema,
  complete: z.boolean(),
  key: z.string().optional(),
}) satisfies z.ZodType<EditionRecord>;
