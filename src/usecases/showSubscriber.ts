import type { SuppressionReason } from '../store/Database.js';
import { findSubscriber } from '../store/findSubscriber.js';
import { findSuppression } from '../store/findSuppression.js';
import type { Store } from '../store/Store.js';
import type { SubscriberEvent } from '../store/Subscriber.js';
import { subscriberEvents } from '../store/subscriberEvents.js';
import { type SubscriberRecords, subscriberRecords } from '../store/subscriberRecords.js';
import { subscriberJson } from './exportSubscribers.js';

export interface SubscriberRecord {
  subscriber: ReturnType<typeof subscriberJson> | null;
  events: Array<Omit<SubscriberEvent, 'id' | 'subscriberId'>>;
  suppression: { reason: SuppressionReason; at: string } | null;
  /** Catch-ups, confirmation links and bounces that name them (empty for an unknown address). */
  records: SubscriberRecords;
}

/**
 * `storyline subscribers show EMAIL`: everything the store holds about one
 * person, for an access request: their row with its attributes, their
 * events with the consent recorded, whether the address is suppressed, and
 * the catch-ups, confirmation links and bounces that name them.
 */
export async function showSubscriber(
  store: Store,
  options: { address: string; secret: string },
): Promise<SubscriberRecord> {
  const subscriber = await findSubscriber(store, options.address);
  const events = subscriber ? await subscriberEvents(store, subscriber.id) : [];
  const suppression = await findSuppression(store, options.address, options.secret);
  return {
    subscriber: subscriber ? subscriberJson(subscriber) : null,
    events: events.map(({ kind, at, source, consent }) => ({ kind, at, source, consent })),
    suppression: suppression ?? null,
    records: subscriber
      ? await subscriberRecords(store, subscriber.id)
      : { catchUps: [], confirmationLinks: [], bounces: [] },
  };
}
