import type { SubscriberStatus } from '../store/Database.js';
import type { Store } from '../store/Store.js';
import type { Subscriber } from '../store/Subscriber.js';
import { streamSubscribers } from '../store/streamSubscribers.js';
import { csvRecord } from '../util/csvRecord.js';

export type ExportFormat = 'csv' | 'json';

/**
 * `storyline subscribers export`: the store as text, a chunk at a time.
 * CSV is the list format `import` reads (`email`, `name`, then every other
 * column any subscriber has, in name order), so an export imports back into
 * another store; JSON is one object per line with everything held (status,
 * source, times, last edition). Streamed by keyset: CSV reads the store
 * twice, first for the column names, so neither holds the list in memory.
 */
export async function* exportSubscribers(
  store: Store,
  options: { format: ExportFormat; status?: SubscriberStatus | undefined },
): AsyncGenerator<string> {
  if (options.format === 'json') {
    for await (const subscriber of streamSubscribers(store, { status: options.status }))
      yield `${JSON.stringify(subscriberJson(subscriber))}\n`;
    return;
  }
  const names = new Set<string>();
  for await (const subscriber of streamSubscribers(store, { status: options.status }))
    for (const key of Object.keys(subscriber.attributes)) names.add(key);
  // `email` and `name` are the list's own columns; an attribute of that name
  // (only a hand-edited database has one) would make a second column import rejects.
  const columns = [...names].filter((name) => !/^(email|name)$/i.test(name)).sort();
  yield csvRecord(['email', 'name', ...columns]);
  for await (const subscriber of streamSubscribers(store, { status: options.status }))
    yield csvRecord([
      subscriber.address,
      subscriber.name ?? '',
      ...columns.map((column) => subscriber.attributes[column] ?? ''),
    ]);
}

/** A subscriber as exported and shown: the stored field names, nothing left out. */
export function subscriberJson(subscriber: Subscriber) {
  return {
    email: subscriber.address,
    name: subscriber.name ?? null,
    status: subscriber.status,
    source: subscriber.source,
    attributes: subscriber.attributes,
    createdAt: subscriber.createdAt,
    confirmedAt: subscriber.confirmedAt ?? null,
    changedAt: subscriber.changedAt,
    lastEdition: subscriber.lastEdition ?? null,
  };
}
