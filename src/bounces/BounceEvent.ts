/**
 * One report that a message did not reach, or was not wanted by, its
 * recipient, whatever carried it: a DSN or ARF report mailed back, or a
 * provider's webhook. Parsers produce these; one policy applies them
 * (`usecases/applyBounceEvents.ts`), so every source is treated alike.
 */
export type BounceKind =
  /** `5.x.x`, or `Action: failed`: the address does not take mail. */
  | 'hard'
  /** `4.x.x`, or `Action: delayed`: counted; k of the last n editions suppress. */
  | 'soft'
  /** A spam complaint (ARF `Feedback-Type: abuse`, a provider's complaint event). */
  | 'complaint';

export type BounceSource = 'dsn' | 'arf' | 'ses' | 'postmark' | 'mailgun' | 'sendgrid';

/**
 * Who it is about, as much as the report tells: the VERP id from the
 * envelope recipient of the bounce (`bounces+<verp>@<bounces.domain>`), the
 * original Message-ID (from a `text/rfc822-headers` or `message/rfc822` part,
 * or the provider's record), the failed recipient's address. At least one.
 */
export interface BounceRecipient {
  verp?: string | undefined;
  messageId?: string | undefined;
  address?: string | undefined;
}

export interface BounceEvent {
  kind: BounceKind;
  source: BounceSource;
  recipient: BounceRecipient;
  /**
   * The report's own id, for deduplication: a provider's event id (SES
   * feedback id, Postmark ID, Mailgun event id, SendGrid sg_event_id), or for
   * a mailed report its Message-ID and the recipient it is about.
   */
  eventId: string;
  /** When it happened (ISO 8601), as the report says, else when it arrived. */
  at: string;
  /** The enhanced status code (`5.1.1`), when there is one. */
  status?: string | undefined;
  /** The remote server's words (`Diagnostic-Code`), for the operator; may quote the address. */
  diagnostic?: string | undefined;
}

/** What the policy did with a batch of events. */
export interface AppliedBounces {
  /** Recorded for the first time. */
  applied: number;
  /** Seen before (same source and event id): changed nothing. */
  duplicates: number;
  /** Matched to no subscriber or delivery: kept nowhere, counted. */
  unmatched: number;
}

/** Where parsers hand their events: the policy, or a test's collector. */
export type ApplyBounceEvents = (events: readonly BounceEvent[]) => Promise<AppliedBounces>;
