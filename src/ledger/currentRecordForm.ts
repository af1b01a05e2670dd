/**
 * A record or shard status as storyline writes it today: without the
 * `earlierUpdates` older versions kept (every earlier update's id, which made
 * the archive's records grow with the square of the story's length).
 */
export function currentRecordForm<T extends object>(record: T): Omit<T, 'earlierUpdates'> {
  const { earlierUpdates: _dropped, ...current } = record as T & { earlierUpdates?: unknown };
  return current;
}

/** The bytes of a record file: what `recordDelivery` writes and `publish` rewrites old records to. */
export function recordJson(record: object): string {
  return `${JSON.stringify(record, null, 2)}\n`;
}
