import type {
  AppliedBounces,
  ApplyBounceEvents,
  BounceEvent,
} from '../../src/bounces/BounceEvent.js';

/**
 * A stand-in for the bounce policy: keeps every batch it is handed and
 * reports each event id new the first time, a duplicate after (as the
 * policy's deduplication does), and events naming no VERP id or Message-ID
 * unmatched. `failNext` makes the next call throw, as a crashed store would.
 */
export interface BounceCollector {
  apply: ApplyBounceEvents;
  batches: BounceEvent[][];
  /** Every event received, in order. */
  events(): BounceEvent[];
  failNext: number;
}

export function bounceCollector(): BounceCollector {
  const seen = new Set<string>();
  const collector: BounceCollector = {
    batches: [],
    failNext: 0,
    events: () => collector.batches.flat(),
    async apply(events) {
      if (collector.failNext > 0) {
        collector.failNext--;
        throw new Error('the store is down');
      }
      collector.batches.push([...events]);
      const outcome: AppliedBounces = { applied: 0, duplicates: 0, unmatched: 0 };
      for (const event of events) {
        const key = `${event.source} ${event.eventId}`;
        if (seen.has(key)) outcome.duplicates++;
        else if (!event.recipient.verp && !event.recipient.messageId) outcome.unmatched++;
        else {
          seen.add(key);
          outcome.applied++;
        }
      }
      return outcome;
    },
  };
  return collector;
}
