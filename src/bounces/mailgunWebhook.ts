import { createHmac } from 'node:crypto';
import { z } from 'zod';
import { constantTimeEqual } from '../util/constantTimeEqual.js';
import type { BounceEvent, BounceKind } from './BounceEvent.js';
import { bracketMessageId } from './bracketMessageId.js';

/**
 * A Mailgun webhook body: the signature block and the event.
 * https://documentation.mailgun.com/docs/mailgun/user-manual/events/webhooks/#securing-webhooks
 */
export const mailgunPayloadSchema = z.looseObject({
  signature: z.looseObject({
    timestamp: z.union([z.string(), z.number()]).transform(String),
    token: z.string().min(1),
    signature: z.string(),
  }),
  'event-data': z.looseObject({
    event: z.string(),
    id: z.string().optional(),
    severity: z.string().optional(),
    recipient: z.string().optional(),
    timestamp: z.number().optional(),
    reason: z.string().optional(),
    message: z
      .looseObject({
        headers: z.looseObject({ 'message-id': z.string().optional() }).optional(),
      })
      .optional(),
    'delivery-status': z
      .looseObject({
        message: z.string().optional(),
        description: z.string().optional(),
        'enhanced-code': z.string().optional(),
      })
      .optional(),
  }),
});

export type MailgunPayload = z.output<typeof mailgunPayloadSchema>;

export type MailgunVerdict = 'ok' | 'bad-signature' | 'stale' | 'replayed';

/**
 * Mailgun signs `timestamp + token` with HMAC-SHA256 under the domain's
 * webhook signing key. A signature is taken once (the token is remembered
 * until its timestamp is too old to pass anyway) and only within
 * `toleranceSeconds` of now, so a captured request cannot be replayed.
 */
export class MailgunVerifier {
  /** Tokens taken, by the time (ms) after which they would be refused as stale anyway. */
  readonly #seen = new Map<string, number>();

  constructor(
    private readonly signingKey: string,
    private readonly now: () => Date,
    private readonly toleranceSeconds = 300,
  ) {}

  verify(signature: MailgunPayload['signature']): MailgunVerdict {
    const expected = createHmac('sha256', this.signingKey)
      .update(signature.timestamp + signature.token)
      .digest('hex');
    if (!constantTimeEqual(signature.signature.toLowerCase(), expected)) return 'bad-signature';
    const now = this.now().getTime();
    const timestamp = Number(signature.timestamp) * 1000;
    if (!Number.isFinite(timestamp) || Math.abs(now - timestamp) > this.toleranceSeconds * 1000)
      return 'stale';
    this.#forgetExpired(now);
    if (this.#seen.has(signature.token)) return 'replayed';
    this.#seen.set(signature.token, timestamp + this.toleranceSeconds * 1000);
    return 'ok';
  }

  /** Takes back a token whose event could not be recorded, so Mailgun's retry is not a replay. */
  release(token: string): void {
    this.#seen.delete(token);
  }

  #forgetExpired(now: number): void {
    // Insertion order is roughly expiry order: stop at the first still live.
    for (const [token, expires] of this.#seen) {
      if (expires >= now) break;
      this.#seen.delete(token);
    }
  }
}

/**
 * The event a Mailgun webhook reports: `failed` with `severity: permanent`
 * hard, `temporary` soft; `complained` a complaint; none for other events.
 * Undefined when an event it reports lacks its id or recipient.
 */
export function mailgunEvents(payload: MailgunPayload, arrivedAt: Date): BounceEvent[] | undefined {
  const data = payload['event-data'];
  let kind: BounceKind | undefined;
  if (data.event === 'complained') kind = 'complaint';
  else if (data.event === 'failed')
    kind =
      data.severity === 'permanent' ? 'hard' : data.severity === 'temporary' ? 'soft' : undefined;
  if (!kind) return [];
  if (!data.id || !data.recipient) return undefined;
  const status = data['delivery-status'];
  return [
    {
      kind,
      source: 'mailgun',
      recipient: {
        address: data.recipient,
        messageId: bracketMessageId(data.message?.headers?.['message-id']),
      },
      eventId: data.id,
      at: isoTime(data.timestamp, arrivedAt),
      status: status?.['enhanced-code'] || undefined,
      diagnostic: status?.message || status?.description || undefined,
    },
  ];
}

/** Mailgun's seconds since the epoch as ISO 8601; when it arrived if absent or out of range. */
function isoTime(seconds: number | undefined, arrivedAt: Date): string {
  const date = new Date((seconds ?? Number.NaN) * 1000);
  return Number.isNaN(date.getTime()) ? arrivedAt.toISOString() : date.toISOString();
}
