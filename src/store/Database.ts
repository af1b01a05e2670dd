import type { Generated } from 'kysely';

/** A subscriber's standing: only `active` ones are mailed. */
export const subscriberStatuses = [
  'pending',
  'active',
  'unsubscribed',
  'bounced',
  'complained',
] as const;
export type SubscriberStatus = (typeof subscriberStatuses)[number];

/** How a subscriber or an event came in. */
export const subscriberSources = ['import', 'cli', 'form'] as const;
export type SubscriberSource = (typeof subscriberSources)[number];

/** Where bounces and complaints come from (since 0005): mailed reports and providers' webhooks. */
export const bounceSources = ['dsn', 'arf', 'ses', 'postmark', 'mailgun', 'sendgrid'] as const;

/**
 * How an event came in: a subscriber's sources, `send` for a bounce met
 * while sending (since 0002), and a bounce source (since 0005).
 */
export const eventSources = [...subscriberSources, 'send', ...bounceSources] as const;
export type EventSource = (typeof eventSources)[number];

export const eventKinds = [
  'subscribed',
  'confirmed',
  'unsubscribed',
  'bounced',
  'complained',
  'erased',
  /** A temporary bounce (since 0005): counted, and suppresses only when repeated. */
  'soft-bounced',
] as const;
export type EventKind = (typeof eventKinds)[number];

/**
 * The tables as Kysely sees them, the same in both engines. Times are ISO
 * 8601 strings in UTC (`toISOString()`), which sort as text in both; JSON is
 * text, so SQLite and PostgreSQL read back the same values.
 */
export interface Database {
  subscribers: SubscribersTable;
  subscriber_events: SubscriberEventsTable;
  suppressions: SuppressionsTable;
  catch_ups: CatchUpsTable;
  confirmations: ConfirmationsTable;
  bounce_events: BounceEventsTable;
  edition_sends: EditionSendsTable;
  deliveries: DeliveriesTable;
  send_workers: SendWorkersTable;
}

export interface SubscribersTable {
  id: Generated<number>;
  /** Normalised (`normalizeAddress`): unique. */
  address: string;
  name: string | null;
  /** The other columns of an imported row, a JSON object of strings. */
  attributes: string;
  status: SubscriberStatus;
  source: SubscriberSource;
  created_at: string;
  confirmed_at: string | null;
  changed_at: string;
  /** The last edition delivered to them, for catch-up and digests. */
  last_edition: string | null;
  last_edition_at: string | null;
  /** When `serve` last mailed them a confirmation link (since 0004): at most one an hour. */
  confirmation_mailed_at: string | null;
  /**
   * `addressHash(address)` under the key `address_hash_key` (`secretId`),
   * since 0005: how a bounce, which names a hash, finds its subscriber. The
   * schema cannot compute it (it has no secret): the bounce policy fills in
   * rows that lack it or were hashed under another key before it looks.
   */
  address_hash: string | null;
  address_hash_key: string | null;
}

/**
 * Append-only. `subscriber_id` is null only for `erased`: erasure deletes
 * the person's earlier events with their row and leaves this one, which
 * says when an erasure happened without saying whose.
 */
export interface SubscriberEventsTable {
  id: Generated<number>;
  subscriber_id: number | null;
  kind: EventKind;
  at: string;
  source: EventSource;
  /** The consent text shown, or the form's URL: the proof audits ask for. */
  consent: string | null;
}

/** By address HMAC (`addressHash`) under the key `key` (`secretId`): no address, so they outlive erasure. */
export interface SuppressionsTable {
  hash: string;
  key: string;
  reason: SuppressionReason;
  at: string;
}

export const suppressionReasons = ['unsubscribed', 'bounced', 'complained', 'erased'] as const;
export type SuppressionReason = (typeof suppressionReasons)[number];

/**
 * Where a catch-up stands: `due` (to send, or to try again after a temporary
 * failure), `sending` (claimed, possibly in flight: a process that dies here
 * leaves it so), `sent`, `failed` (refused for good, or nobody to send to).
 */
export const catchUpStatuses = ['due', 'sending', 'sent', 'failed'] as const;
export type CatchUpStatus = (typeof catchUpStatuses)[number];

/**
 * One catch-up email ("the story so far") per confirmation (since 0003).
 * Unique per subscriber and `confirmed_at`, so scheduling it twice in the
 * same confirmation makes one row; erasing the subscriber deletes their rows.
 */
export interface CatchUpsTable {
  id: Generated<number>;
  subscriber_id: number;
  /** The confirmation it welcomes: it holds the updates of editions that started before this. */
  confirmed_at: string;
  status: CatchUpStatus;
  /** Set when it is first claimed, before the SMTP transaction, and kept for every resend. */
  message_id: string | null;
  created_at: string;
  /** When the current (or last) claim took it: a `sending` row older than a lease was left by a dead process. */
  claimed_at: string | null;
  sent_at: string | null;
  changed_at: string;
  /** Claims so far; also the version a claim and a settlement compare against. */
  attempt: number;
  /** Why the last try failed (a relay's reply, never an address). */
  last_error: string | null;
}

/**
 * Double opt-in links (since 0004): only the SHA-256 of the random token, so
 * a copy of the database confirms nobody. Deleted with their subscriber.
 */
export interface ConfirmationsTable {
  token_hash: string;
  subscriber_id: number;
  created_at: string;
  expires_at: string;
  /** When the link was used: a second press of Confirm says "already". */
  used_at: string | null;
  /** When the transport accepted its mail (since 0006); null while it may not have gone out. */
  sent_at: string | null;
}

/**
 * Every bounce and complaint applied (since 0005), once: `event_key` is an
 * HMAC of the report's own id (which may quote an address), unique per
 * source, so a report seen again changes nothing. Deleted with their
 * subscriber on erasure; ones matched only by hash keep only the hash.
 */
export interface BounceEventsTable {
  id: Generated<number>;
  source: (typeof bounceSources)[number];
  event_key: string;
  kind: 'hard' | 'soft' | 'complaint';
  /** The edition (or `catch-up`) it is about, when known. */
  edition: string | null;
  subscriber_id: number | null;
  address_hash: string;
  /** The enhanced status code (`5.1.1`), when there is one. */
  status: string | null;
  /** When it happened, as the report says. */
  at: string;
  /** When it was applied. */
  received_at: string;
}

/**
 * Where one recipient of an edition stands in the deliveries ledger (since
 * 0007, PostgreSQL only): `pending` (nobody has it), `claimed` (a send
 * process holds it, not yet tried), `sending` (tried, the relay's answer not
 * yet recorded: what a crash leaves), `retrying` (a temporary failure, to be
 * tried again by the same process), `deferred` (temporary failures for this
 * run; a later run tries again), and the final ones: `sent`, `failed`,
 * `suppressed`.
 */
export const deliveryStatuses = [
  'pending',
  'claimed',
  'sending',
  'retrying',
  'deferred',
  'sent',
  'failed',
  'suppressed',
] as const;
export type DeliveryStatus = (typeof deliveryStatuses)[number];

/**
 * One row per edition sent from the deliveries ledger (since 0007): made,
 * with the edition's rows, by the first send process, in one transaction.
 */
export interface EditionSendsTable {
  edition: string;
  /** The cut-off: subscribers active (confirmed) by then are the edition's recipients. */
  active_at: string;
  started_at: string;
  /** `secretId` of the secret the first process ran with: another one is refused, as the journal does. */
  key: string;
  /** Rows made for it: the recipients at `active_at`. */
  total: number;
}

/**
 * The deliveries ledger (since 0007): one row per edition and subscriber,
 * instead of a journal file, so that any number of send processes share an
 * edition by claiming rows (`FOR UPDATE SKIP LOCKED`). `subscriber_id` is
 * set to null when the person is erased; their row then only counts.
 */
export interface DeliveriesTable {
  id: Generated<number>;
  edition: string;
  subscriber_id: number | null;
  /** `addressHash` under the edition's key, once a process has held the row. */
  address_hash: string | null;
  status: DeliveryStatus;
  /** Tries over every run (the journal's `attempt`). */
  attempt: number;
  /** The `send_workers` row that holds it (claimed, sending, retrying). */
  worker: number | null;
  /** 1 when a process stopped with it `sending`: it is sent again and may arrive twice. */
  in_doubt: number;
  /** The relay's reply code for the last try. */
  code: number | null;
  /** 1 when it failed after temporary failures over too many runs. */
  gave_up: number;
  claimed_at: string | null;
  settled_at: string | null;
}

/**
 * Each send process working on an edition from the deliveries ledger (since
 * 0007). While it runs it holds a session advisory lock keyed by its id, so
 * the lock being free means the process is gone, however it ended.
 */
export interface SendWorkersTable {
  id: Generated<number>;
  edition: string;
  host: string;
  pid: number;
  started_at: string;
  finished_at: string | null;
  /** How it ended: `finished`, `stopped` (a signal or an error), or `died` (found gone by another). */
  outcome: string | null;
}
