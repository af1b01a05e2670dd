import { createHmac } from 'node:crypto';

/**
 * A short, public fingerprint of `STORYLINE_SECRET`, stored beside address
 * hashes so that hashes made with another key are recognised: after the key
 * changes, an old suppression no longer matches its address, and that must be
 * said out loud rather than silently mailing people who unsubscribed. 48 bits
 * of an HMAC of a fixed label reveal nothing usable about the key.
 */
export function secretId(secret: string): string {
  return createHmac('sha256', secret)
    .update('storyline secret id', 'utf8')
    .digest('base64url')
    .slice(0, 8);
}
