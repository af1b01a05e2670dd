import { z } from 'zod';
import type { ShardStatus } from './EditionRecord.js';
import { deliveryCountsSchema, editionDescriptionSchema } from './editionRecordSchema.js';

/** `archive/<edition-id>/status.<i>-of-<n>.json` as storyline writes it; read through this, never trusted. */
export const shardStatusSchema = editionDescriptionSchema.extend({
  shard: z.number().int().positive(),
  of: z.number().int().positive(),
  startedAt: z.iso.datetime({ offset: true }),
  finishedAt: z.iso.datetime({ offset: true }).nullable(),
  counts: deliveryCountsSchema,
  complete: z.boolean(),
  key: z.string().optional(),
}) satisfies z.ZodType<ShardStatus>;
