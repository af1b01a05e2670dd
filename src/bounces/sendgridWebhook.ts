import { createPublicKey, type KeyObject, verify } from 'node:crypto';
import { z } from 'zod';
import type { BounceEvent, BounceKind } from './BounceEvent.js';
import { bracketMessageId } from './bracketMessageId.js';

/**
 * SendGrid's Signed Event Webhook: an ECDSA (P-256, SHA-256) signature over
 * the `X-Twilio-Email-Event-Webhook-Timestamp` header followed by the body
 * exactly as sent, under the verification key SendGrid shows (base64 DER).
 * https://www.twilio.com/docs/sendgrid/for-developers/tracking-events/getting-started-event-webhook-security-features
 */
export function sendgridVerificationKey(base64: string): KeyObject {
  const key = createPublicKey({
    key: Buffer.from(base64.trim(), 'base64'),
    format: 'der',
    type: 'spki',
  });
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1')
    throw new Error('not an ECDSA P-256 public key');
  return key;
}

/** Whether the raw body and timestamp carry SendGrid's signature (base64 DER). */
export function sendgridSignatureValid(
  key: KeyObject,
  timestamp: string | undefined,
  signature: string | undefined,
  body: Buffer,
): boolean {
  if (!timestamp || !signature) return false;
  try {
    return verify(
      'sha256',
      Buffer.concat([Buffer.from(timestamp, 'utf8'), body]),
      key,
      Buffer.from(signature, 'base64'),
    );
  } catch {
    return false;
  }
}

const eventSchema = z.looseObject({
  event: z.string(),
  email: z.string().optional(),
  sg_event_id: z.string().optional(),
  timestamp: z.number().optional(),
  type: z.string().optional(),
  reason: z.string().optional(),
  status: z.string().optional(),
  'smtp-id': z.string().optional(),
});

/**
 * `dropped` means SendGrid did not even try: its own suppression lists. Two
 * of its reasons say what a bounce or complaint would have said; the others
 * (unsubscribed, invalid headers) are not about the address's mailbox.
 */
const droppedKinds: Record<string, BounceKind> = {
  'Bounced Address': 'hard',
  Invalid: 'hard',
  'Spam Reporting Address': 'complaint',
};

function kindOf(event: z.output<typeof eventSchema>): BounceKind | undefined {
  if (event.event === 'bounce') return event.type === 'blocked' ? 'soft' : 'hard';
  if (event.event === 'spamreport') return 'complaint';
  if (event.event === 'dropped') return droppedKinds[event.reason ?? ''];
  return undefined;
}

/**
 * The bounces and complaints in a batch of SendGrid events (an array):
 * `bounce` hard (`type: blocked` soft: the receiver refused for now,
 * not the address), `spamreport` a complaint, `dropped` as above; deliveries,
 * opens, clicks, deferrals none. Undefined when the body is not an array of
 * events, or an event it reports lacks its id or address.
 */
export function sendgridEvents(payload: unknown, arrivedAt: Date): BounceEvent[] | undefined {
  const parsed = z.array(eventSchema).safeParse(payload);
  if (!parsed.success) return undefined;
  const events: BounceEvent[] = [];
  for (const event of parsed.data) {
    const kind = kindOf(event);
    if (!kind) continue;
    if (!event.sg_event_id || !event.email) return undefined;
    const at = new Date((event.timestamp ?? Number.NaN) * 1000);
    events.push({
      kind,
      source: 'sendgrid',
      recipient: { address: event.email, messageId: bracketMessageId(event['smtp-id']) },
      eventId: event.sg_event_id,
      at: Number.isNaN(at.getTime()) ? arrivedAt.toISOString() : at.toISOString(),
      status: event.status || undefined,
      diagnostic: event.reason || undefined,
    });
  }
  return events;
}
