import { createHmac } from 'node:crypto';

/**
 * What a report is deduplicated by: an HMAC of its source and its own id,
 * keyed with `STORYLINE_SECRET`, 22 base64url characters. A mailed report's
 * id holds the address it is about, and the log is committed or kept after
 * erasure, so the id itself is never stored.
 */
export function bounceEventKey(source: string, eventId: string, secret: string): string {
  return createHmac('sha256', secret)
    .update(`bounce-event\u0000${source}\u0000${eventId}`, 'utf8')
    .digest('base64url')
    .slice(0, 22);
}
