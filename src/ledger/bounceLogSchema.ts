import { z } from 'zod';

const hash22 = /^[A-Za-z0-9_-]{22}$/;

/**
 * One line of `archive/bounces.jsonl`, the bounce log of a project without a
 * store, read back through this schema, never trusted. Committed, so it
 * holds HMACs only: of the address, and of the report's own id (which may
 * quote an address).
 */
export const bounceLogSchema = z.object(
  {
    /** HMAC of the source and the report's id: the same report twice is one event. */
    event: z.string().regex(hash22, {
      error: 'Unexpected `event`, expected the 22-character event hash',
    }),
    source: z.enum(['dsn', 'arf', 'ses', 'postmark', 'mailgun', 'sendgrid'], {
      error: 'Unexpected `source`, expected dsn, arf, ses, postmark, mailgun or sendgrid',
    }),
    kind: z.enum(['hard', 'soft', 'complaint'], {
      error: 'Unexpected `kind`, expected `hard`, `soft` or `complaint`',
    }),
    /** The edition it is about, when known. */
    edition: z
      .string({ error: 'Unexpected `edition`, expected an edition id' })
      .max(200)
      .optional(),
    /** `addressHash(address, secret)`. */
    hash: z.string().regex(hash22, {
      error: 'Unexpected `hash`, expected the 22-character address hash',
    }),
    status: z
      .string({ error: 'Unexpected `status`, expected an enhanced status code' })
      .regex(/^[245]\.\d{1,3}\.\d{1,3}$/, {
        error: 'Unexpected `status`, expected an enhanced status code such as `5.1.1`',
      })
      .optional(),
    at: z
      .string({ error: 'Unexpected `at`, expected an ISO date-time' })
      .refine((at) => !Number.isNaN(Date.parse(at)), {
        error: 'Unexpected `at`, expected an ISO date-time',
      }),
    /** `secretId` of the key both HMACs were made with. */
    key: z.string({ error: 'Unexpected `key`, expected the secret fingerprint' }),
  },
  { error: 'Unexpected JSON that is not an object, expected one bounce event' },
);

export type BounceLogEntry = z.infer<typeof bounceLogSchema>;
