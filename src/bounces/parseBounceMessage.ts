import { createHash } from 'node:crypto';
import type { BounceEvent, BounceKind, BounceRecipient } from './BounceEvent.js';
import { isAutoReply } from './isAutoReply.js';
import {
  decodeTransferEncoding,
  headerValue,
  type MimeEntity,
  readContentType,
  readHeaderFields,
  readMimeEntity,
  splitMultipart,
} from './readMimeEntity.js';
import { verpFromAddress } from './verpFromAddress.js';

export interface ParseBounceOptions {
  /** The envelope recipients the report was delivered to (SMTP RCPT TO), when known. */
  envelopeTo?: readonly string[] | undefined;
  /** `bounces.domain`: only `bounces+<id>@` this domain is taken as a VERP address. */
  bounceDomain?: string | undefined;
  /** When it arrived; the event's time when the report gives none. */
  receivedAt: Date;
}

/** Why a message gave no events; the caller counts these. */
export type IgnoredReason =
  /** An RFC 3834 auto-reply (vacation, out of office). */
  | 'auto-reply'
  /** Ordinary mail, or a report of another kind (a read receipt). */
  | 'not-a-report'
  /** A report whose parts could not be read, or that names nobody. */
  | 'malformed'
  /** A DSN saying only `delivered`, `relayed` or `expanded`. */
  | 'nothing-failed'
  /** An ARF report that is not a complaint (`not-spam`, `virus`, `auth-failure`, `other`). */
  | 'not-a-complaint';

export interface ParsedBounceMessage {
  events: BounceEvent[];
  /** Set when `events` is empty. */
  ignored?: IgnoredReason | undefined;
}

/**
 * ARF feedback types taken as the recipient not wanting the mail: `abuse`
 * (spam) and `fraud` (phishing). `virus`, `auth-failure`, `not-spam` and
 * `other` say nothing about the recipient's wishes.
 */
const COMPLAINT_TYPES = new Set(['abuse', 'fraud']);

const ORIGINAL_TYPES = new Set([
  'message/rfc822',
  'text/rfc822-headers',
  'message/rfc822-headers',
  'message/global',
  'message/global-headers',
]);

/**
 * One mailed message → the bounce or complaint events it reports: RFC 3464
 * DSNs (one event per failed or delayed recipient) and RFC 5965 ARF
 * complaints. Anything else (auto-replies, ordinary mail, broken reports)
 * gives no events and a reason. Never throws: the input is whatever the
 * internet mailed us.
 */
export function parseBounceMessage(raw: Buffer, options: ParseBounceOptions): ParsedBounceMessage {
  try {
    return parse(raw, options);
  } catch {
    // A defect in the reader, not in the message: still nothing to apply.
    return { events: [], ignored: 'malformed' };
  }
}

function parse(raw: Buffer, options: ParseBounceOptions): ParsedBounceMessage {
  const top = readMimeEntity(raw);
  const report = findReport(top, 0);
  if (!report)
    return { events: [], ignored: isAutoReply(top.headers) ? 'auto-reply' : 'not-a-report' };
  const reportType = report.type.params.get('report-type')?.toLowerCase();
  if (reportType !== 'delivery-status' && reportType !== 'feedback-report')
    return { events: [], ignored: 'not-a-report' };
  const boundary = report.type.params.get('boundary');
  if (!boundary) return { events: [], ignored: 'malformed' };
  const parts = splitMultipart(report.entity.body, boundary).map(readMimeEntity);

  const originalPart = parts.find((part) =>
    ORIGINAL_TYPES.has(readContentType(part.headers).mediaType),
  );
  const original = originalPart
    ? readMimeEntity(decodeTransferEncoding(originalPart.headers, originalPart.body)).headers
    : undefined;
  const context: Context = {
    reportId: reportIdOf(top.headers, raw),
    at: dateOf(headerValue(top.headers, 'date')) ?? options.receivedAt.toISOString(),
    messageId: messageIdOf(original && headerValue(original, 'message-id')),
    verp: verpOf(top.headers, original, options),
  };

  if (reportType === 'delivery-status') {
    const statusPart = parts.find((part) =>
      ['message/delivery-status', 'message/global-delivery-status'].includes(
        readContentType(part.headers).mediaType,
      ),
    );
    if (!statusPart) return { events: [], ignored: 'malformed' };
    return deliveryStatusEvents(statusPart, context);
  }

  const feedbackPart = parts.find(
    (part) => readContentType(part.headers).mediaType === 'message/feedback-report',
  );
  if (!feedbackPart) return { events: [], ignored: 'malformed' };
  return feedbackEvents(feedbackPart, original, context, options);
}

interface Context {
  reportId: string;
  at: string;
  messageId: string | undefined;
  verp: string | undefined;
}

/** The `multipart/report` itself, or one a forwarder wrapped in a `multipart/mixed`. */
function findReport(
  entity: MimeEntity,
  depth: number,
): { entity: MimeEntity; type: ReturnType<typeof readContentType> } | undefined {
  const type = readContentType(entity.headers);
  if (type.mediaType === 'multipart/report') return { entity, type };
  if (depth >= 2 || !type.mediaType.startsWith('multipart/')) return undefined;
  const boundary = type.params.get('boundary');
  if (!boundary) return undefined;
  for (const part of splitMultipart(entity.body, boundary, 16)) {
    const found = findReport(readMimeEntity(part), depth + 1);
    if (found) return found;
  }
  return undefined;
}

function deliveryStatusEvents(part: MimeEntity, context: Context): ParsedBounceMessage {
  const text = decodeTransferEncoding(part.headers, part.body).toString('utf8');
  // Per-message fields, then one block per recipient, separated by empty lines.
  const blocks = text
    .split(/\r?\n[ \t]*\r?\n/)
    .map((block) => readHeaderFields(block))
    .filter((fields) => fields.size > 0);
  const recipients = blocks
    .slice(1)
    .filter((fields) => fields.has('action') || fields.has('final-recipient'));
  if (recipients.length === 0) return { events: [], ignored: 'malformed' };
  const events: BounceEvent[] = [];
  let named = false;
  for (const fields of recipients) {
    const status = statusOf(headerValue(fields, 'status'));
    const kind = kindOf(headerValue(fields, 'action'), status);
    const address =
      addressOfTyped(headerValue(fields, 'original-recipient')) ??
      addressOfTyped(headerValue(fields, 'final-recipient'));
    const recipient = recipientOf(context, address);
    if (recipient) named = true;
    if (!kind || !recipient) continue;
    const diagnostic = headerValue(fields, 'diagnostic-code');
    events.push({
      kind,
      source: 'dsn',
      recipient,
      eventId: eventIdOf(context, recipient),
      at: dateOf(headerValue(fields, 'last-attempt-date')) ?? context.at,
      ...(status ? { status } : {}),
      ...(diagnostic ? { diagnostic } : {}),
    });
  }
  if (events.length > 0) return { events };
  return { events: [], ignored: named ? 'nothing-failed' : 'malformed' };
}

function feedbackEvents(
  part: MimeEntity,
  original: Map<string, string[]> | undefined,
  context: Context,
  options: ParseBounceOptions,
): ParsedBounceMessage {
  const fields = readHeaderFields(decodeTransferEncoding(part.headers, part.body).toString('utf8'));
  const feedbackType = headerValue(fields, 'feedback-type')?.trim().toLowerCase();
  if (!feedbackType) return { events: [], ignored: 'malformed' };
  if (!COMPLAINT_TYPES.has(feedbackType)) return { events: [], ignored: 'not-a-complaint' };
  const address =
    addressOfTyped(headerValue(fields, 'original-rcpt-to')) ??
    firstAddress(original && headerValue(original, 'to'));
  const mailFrom = headerValue(fields, 'original-mail-from');
  const withVerp: Context = {
    ...context,
    verp: context.verp ?? (mailFrom ? verpFromAddress(mailFrom, options.bounceDomain) : undefined),
  };
  const recipient = recipientOf(withVerp, address);
  if (!recipient) return { events: [], ignored: 'malformed' };
  return {
    events: [
      {
        kind: 'complaint',
        source: 'arf',
        recipient,
        eventId: eventIdOf(withVerp, recipient),
        at: context.at,
        diagnostic: `Feedback-Type: ${feedbackType}`,
      },
    ],
  };
}

/**
 * `Action` decides (RFC 3464 §2.3.3), as the policy says: `failed`
 * is hard even with a 4.x.x status (Postfix gives up on an unreachable host
 * with `failed` and 4.4.1). Without an Action, the status class.
 */
function kindOf(action: string | undefined, status: string | undefined): BounceKind | undefined {
  const word = action?.split(/[\s(;]/)[0]?.toLowerCase();
  if (word === 'failed') return 'hard';
  if (word === 'delayed') return 'soft';
  if (word === 'delivered' || word === 'relayed' || word === 'expanded') return undefined;
  if (status?.startsWith('5.')) return 'hard';
  if (status?.startsWith('4.')) return 'soft';
  return undefined;
}

/** `5.1.1`, from `Status: 5.1.1 (bad destination mailbox)`. */
function statusOf(value: string | undefined): string | undefined {
  return value ? /\b([245]\.\d{1,3}\.\d{1,3})\b/.exec(value)?.[1] : undefined;
}

/** `rfc822; a@b` (or `utf-8; …`) → `a@b`; other address types say nothing we can match. */
function addressOfTyped(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const semicolon = value.indexOf(';');
  const type = semicolon === -1 ? 'rfc822' : value.slice(0, semicolon).trim().toLowerCase();
  if (type !== 'rfc822' && type !== 'utf-8') return undefined;
  const address = value
    .slice(semicolon + 1)
    .trim()
    .replace(/^<|>$/g, '');
  return address.includes('@') ? address : undefined;
}

/** The first address of a To field: `Name <a@b>, c@d` → `a@b`. */
function firstAddress(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const angled = /<([^<>\s]+@[^<>\s]+)>/.exec(value)?.[1];
  if (angled) return angled;
  return /([^\s,;<>"]+@[^\s,;<>"]+)/.exec(value)?.[1];
}

function messageIdOf(value: string | undefined): string | undefined {
  const id = value ? (/<([^<>\s]+)>/.exec(value)?.[1] ?? value.trim().split(/\s/)[0]) : undefined;
  return id ? `<${id}>` : undefined;
}

/**
 * The VERP id: from the envelope the report came to, else from where the
 * receiving MTA wrote it down (`X-Original-To`, `Delivered-To`, as in a
 * mailbox), the report's To, or the original's Return-Path.
 */
function verpOf(
  top: Map<string, string[]>,
  original: Map<string, string[]> | undefined,
  options: ParseBounceOptions,
): string | undefined {
  const candidates = [
    ...(options.envelopeTo ?? []),
    ...(top.get('x-original-to') ?? []),
    ...(top.get('delivered-to') ?? []),
    ...(top.get('to') ?? []).map((to) => firstAddress(to) ?? ''),
    ...(original?.get('return-path') ?? []),
  ];
  for (const candidate of candidates) {
    const verp = verpFromAddress(candidate, options.bounceDomain);
    if (verp) return verp;
  }
  return undefined;
}

function recipientOf(context: Context, address: string | undefined): BounceRecipient | undefined {
  if (!context.verp && !context.messageId && !address) return undefined;
  return {
    ...(context.verp ? { verp: context.verp } : {}),
    ...(context.messageId ? { messageId: context.messageId } : {}),
    ...(address ? { address } : {}),
  };
}

/** The report's Message-ID, or a digest of its bytes when it has none: the same report gives the same id. */
function reportIdOf(headers: Map<string, string[]>, raw: Buffer): string {
  return (
    messageIdOf(headerValue(headers, 'message-id')) ??
    `sha256:${createHash('sha256').update(raw).digest('hex')}`
  );
}

function eventIdOf(context: Context, recipient: BounceRecipient): string {
  const who = recipient.address?.toLowerCase() ?? recipient.verp ?? recipient.messageId ?? '';
  return `${context.reportId} ${who}`;
}

function dateOf(value: string | undefined): string | undefined {
  if (!value) return undefined;
  // `Mon, 30 Nov 2026 23:23:07 +0000 (UTC)`: Date.parse does not take the comment.
  const ms = Date.parse(value.replace(/\([^)]*\)/g, '').trim());
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}
