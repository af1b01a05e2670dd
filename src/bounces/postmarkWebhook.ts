import { z } from 'zod';
import { constantTimeEqual } from '../util/constantTimeEqual.js';
import type { BounceEvent, BounceKind } from './BounceEvent.js';

/**
 * Whether an `Authorization` header carries the basic-auth credentials the
 * Postmark webhook's URL was given (`https://user:password@host/…`), the
 * way Postmark authenticates its webhooks. Both parts are compared in
 * constant time, and both always, so the time says nothing about either.
 */
export function postmarkAuthorized(
  header: string | undefined,
  credentials: { user: string; password: string },
): boolean {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  const decoded = match?.[1] ? Buffer.from(match[1], 'base64').toString('utf8') : '';
  const colon = decoded.indexOf(':');
  const user = colon < 0 ? '' : decoded.slice(0, colon);
  const password = colon < 0 ? '' : decoded.slice(colon + 1);
  const userOk = constantTimeEqual(user, credentials.user);
  const passwordOk = constantTimeEqual(password, credentials.password);
  return colon >= 0 && userOk && passwordOk;
}

/**
 * Postmark's bounce types (`Type`): https://postmarkapp.com/developer/api/bounce-api#bounce-types.
 * Hard: the address does not exist or Postmark deactivated it. Soft: worth
 * counting, since repeats mean the address is gone. Types not listed
 * (auto-replies, address changes, subscribe or unsubscribe requests sent
 * as mail, challenge-verifications, Postmark's own errors) are about no
 * failed delivery and make no event.
 */
const bounceKinds: Record<string, BounceKind> = {
  HardBounce: 'hard',
  BadEmailAddress: 'hard',
  ManuallyDeactivated: 'hard',
  SoftBounce: 'soft',
  Transient: 'soft',
  DnsError: 'soft',
  Blocked: 'soft',
  Unknown: 'soft',
  SpamComplaint: 'complaint',
};

const recordSchema = z.looseObject({
  RecordType: z.string(),
  // Made a string before parsing: Postmark's ids pass 2^53 (see `postmarkPayload`).
  ID: z.union([z.string(), z.number()]),
  Type: z.string().optional(),
  Email: z.string(),
  BouncedAt: z.string().optional(),
  Details: z.string().optional(),
  Description: z.string().optional(),
});

/**
 * Postmark's webhook body parsed as JSON, with the top-level `ID` kept as
 * text: it is a 64-bit integer (the docs' example is 4323372036854775807),
 * which a JavaScript number would round, merging distinct events.
 */
export function postmarkPayload(text: string): unknown {
  return JSON.parse(text.replace(/("ID"\s*:\s*)(-?\d+)(?=\s*[,}])/, '$1"$2"'));
}

/**
 * The event a Postmark Bounce or SpamComplaint webhook reports: none for
 * another record type (deliveries, opens, clicks) or a bounce type that is
 * not a failed delivery; undefined when the body is not a Postmark record.
 */
export function postmarkEvents(payload: unknown, arrivedAt: Date): BounceEvent[] | undefined {
  const parsed = recordSchema.safeParse(payload);
  if (!parsed.success) return undefined;
  const record = parsed.data;
  const kind =
    record.RecordType === 'SpamComplaint'
      ? 'complaint'
      : record.RecordType === 'Bounce'
        ? bounceKinds[record.Type ?? '']
        : undefined;
  if (!kind) return [];
  return [
    {
      kind,
      source: 'postmark',
      // Postmark's `MessageID` is its own id, not the Message-ID storyline sent.
      recipient: { address: record.Email },
      eventId: String(record.ID),
      at: record.BouncedAt ?? arrivedAt.toISOString(),
      diagnostic: record.Details || record.Description || undefined,
    },
  ];
}
