import { z } from 'zod';

/**
 * One line of `archive/suppressions.jsonl`, read back through this schema,
 * never trusted. Each field carries its own message, so a damaged line says
 * which field to repair (the first in this order).
 */
export const suppressionSchema = z.object(
  {
    /** `addressHash(address, secret)`. */
    hash: z
      .string({ error: 'Unexpected `hash`, expected the 22-character address hash' })
      .regex(/^[A-Za-z0-9_-]{22}$/, {
        error: 'Unexpected `hash`, expected the 22-character address hash',
      }),
    reason: z.enum(['unsubscribed', 'bounced', 'complained'], {
      error: 'Unexpected `reason`, expected `unsubscribed`, `bounced` or `complained`',
    }),
    /** When the suppression was recorded; hand-written lines may give any date form `Date` reads. */
    at: z
      .string({ error: 'Unexpected `at`, expected an ISO date-time' })
      .refine((at) => !Number.isNaN(Date.parse(at)), {
        error: 'Unexpected `at`, expected an ISO date-time',
      }),
    /**
     * `secretId(secret)` of the key the hash was made with. Entries without
     * one were written by hand or by an older version; their hash is trusted.
     */
    key: z.string({ error: 'Unexpected `key`, expected the secret fingerprint' }).optional(),
  },
  { error: 'Unexpected JSON that is not an object, expected `{"hash", "reason", "at"}`' },
);

export type SuppressionEntry = z.infer<typeof suppressionSchema>;
