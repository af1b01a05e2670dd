import type { Kysely } from 'kysely';
import { normalizeAddress } from '../util/normalizeAddress.js';
import type { Database, SubscriberSource } from './Database.js';
import { attributesToJson } from './rowMapping.js';
import type { Store } from './Store.js';

export interface SubscriberInput {
  address: string;
  name?: string | undefined;
  attributes?: Readonly<Record<string, string>>;
  /** The status of a new subscriber; an existing one keeps theirs (see `setStatus`). */
  status: 'pending' | 'active';
  source: SubscriberSource;
  /** The consent text shown, or the form's URL, recorded with the `subscribed` event. */
  consent?: string | undefined;
  now: Date;
}

export interface UpsertResult {
  id: number;
  /** A new subscriber (and a `subscribed` event). */
  created: boolean;
  /** An existing subscriber whose name or attributes changed. */
  updated: boolean;
}

/**
 * Adds a subscriber by normalised address, or updates an existing one's name
 * and attributes. Never changes an existing subscriber's status: importing a
 * list again must not reactivate someone who unsubscribed or bounced. The
 * insert is `on conflict do nothing`, so processes adding the same address
 * at once make one row (the unique index decides) and one `subscribed` event.
 */
export async function upsertSubscriber(
  store: Store,
  input: SubscriberInput,
): Promise<UpsertResult> {
  const address = normalizeAddress(input.address);
  const name = input.name?.trim() || null;
  const attributes = attributesToJson(input.attributes ?? {});
  const at = input.now.toISOString();
  // Inside a caller's transaction (an import's batch) it runs on that one:
  // Kysely cannot nest them, and the batch commits or rolls back as a whole.
  const inTransaction = <T>(body: (trx: Kysely<Database>) => Promise<T>) =>
    store.db.isTransaction ? body(store.db) : store.db.transaction().execute(body);
  return inTransaction(async (trx) => {
    const inserted = await trx
      .insertInto('subscribers')
      .values({
        address,
        name,
        attributes,
        status: input.status,
        source: input.source,
        created_at: at,
        confirmed_at: input.status === 'active' ? at : null,
        changed_at: at,
      })
      .onConflict((conflict) => conflict.column('address').doNothing())
      .returning('id')
      .executeTakeFirst();
    if (inserted) {
      const id = Number(inserted.id);
      await trx
        .insertInto('subscriber_events')
        .values({
          subscriber_id: id,
          kind: 'subscribed',
          at,
          source: input.source,
          consent: input.consent ?? null,
        })
        .execute();
      return { id, created: true, updated: false };
    }
    const existing = await trx
      .selectFrom('subscribers')
      .select(['id', 'name', 'attributes'])
      .where('address', '=', address)
      .executeTakeFirstOrThrow();
    const id = Number(existing.id);
    const newName = input.name === undefined ? existing.name : name;
    const newAttributes = input.attributes === undefined ? existing.attributes : attributes;
    if (newName === existing.name && newAttributes === existing.attributes) {
      return { id, created: false, updated: false };
    }
    await trx
      .updateTable('subscribers')
      .set({ name: newName, attributes: newAttributes, changed_at: at })
      .where('id', '=', id)
      .execute();
    return { id, created: false, updated: true };
  });
}
