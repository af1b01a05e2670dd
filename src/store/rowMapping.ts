import type { Selectable } from 'kysely';
import type {
  EventKind,
  SubscriberEventsTable,
  SubscriberStatus,
  SubscribersTable,
} from './Database.js';
import type { Subscriber, SubscriberEvent } from './Subscriber.js';

/** A `subscribers` row as a `Subscriber`. */
export function subscriberFromRow(row: Selectable<SubscribersTable>): Subscriber {
  return {
    id: Number(row.id),
    address: row.address,
    name: row.name ?? undefined,
    attributes: attributesFromJson(row.attributes),
    status: row.status,
    source: row.source,
    createdAt: row.created_at,
    confirmedAt: row.confirmed_at ?? undefined,
    changedAt: row.changed_at,
    lastEdition:
      row.last_edition !== null && row.last_edition_at !== null
        ? { id: row.last_edition, at: row.last_edition_at }
        : undefined,
  };
}

export function eventFromRow(row: Selectable<SubscriberEventsTable>): SubscriberEvent {
  return {
    id: Number(row.id),
    subscriberId: row.subscriber_id === null ? undefined : Number(row.subscriber_id),
    kind: row.kind,
    at: row.at,
    source: row.source,
    consent: row.consent ?? undefined,
  };
}

/**
 * The attributes column back as an object of strings. Only storyline writes
 * it, but a hand-edited database must not crash a send: anything that is
 * not an object of strings reads as no attributes.
 */
export function attributesFromJson(text: string): Record<string, string> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return {};
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
  const attributes: Record<string, string> = {};
  for (const [key, item] of Object.entries(value))
    if (typeof item === 'string') attributes[key] = item;
  return attributes;
}

/** Attributes as stored: keys sorted, so equal attributes are equal text and an upsert can compare them. */
export function attributesToJson(attributes: Readonly<Record<string, string>>): string {
  const sorted = Object.keys(attributes)
    .sort()
    .map((key) => [key, attributes[key]]);
  return JSON.stringify(Object.fromEntries(sorted));
}

/** The event a change to `status` appends. */
export function eventForStatus(status: SubscriberStatus): EventKind {
  switch (status) {
    case 'pending':
      return 'subscribed';
    case 'active':
      return 'confirmed';
    default:
      return status;
  }
}
