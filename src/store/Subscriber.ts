import type { EventKind, EventSource, SubscriberSource, SubscriberStatus } from './Database.js';

/** One subscriber as the query layer returns it. */
export interface Subscriber {
  id: number;
  /** Normalised: trimmed and lowercased. */
  address: string;
  name: string | undefined;
  attributes: Record<string, string>;
  status: SubscriberStatus;
  source: SubscriberSource;
  createdAt: string;
  confirmedAt: string | undefined;
  changedAt: string;
  lastEdition: { id: string; at: string } | undefined;
}

/** One entry of the append-only event log. */
export interface SubscriberEvent {
  id: number;
  subscriberId: number | undefined;
  kind: EventKind;
  at: string;
  source: EventSource;
  consent: string | undefined;
}
