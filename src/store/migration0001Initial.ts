import { type Kysely, type Migration, sql } from 'kysely';
import {
  eventKinds,
  subscriberSources,
  subscriberStatuses,
  suppressionReasons,
} from './Database.js';
import type { Engine } from './Store.js';

/** `column in ('a', 'b')`, so neither engine stores a value the types do not know. */
function oneOf(column: string, values: readonly string[]) {
  return sql`${sql.ref(column)} in (${sql.join(values.map((value) => sql.lit(value)))})`;
}

/**
 * The first schema: subscribers, their event log, suppressions. Ids are
 * integers that only grow (SQLite's AUTOINCREMENT, PostgreSQL's identity),
 * which keyset pagination relies on.
 */
export function migration0001Initial(engine: Engine): Migration {
  // Migrations see the database as it was when they were written, not as the
  // current types say, hence `unknown`.
  const up = async (db: Kysely<unknown>): Promise<void> => {
    await db.schema
      .createTable('subscribers')
      .addColumn('id', 'integer', (column) =>
        engine === 'sqlite'
          ? column.primaryKey().autoIncrement()
          : column.primaryKey().generatedAlwaysAsIdentity(),
      )
      .addColumn('address', 'text', (column) => column.notNull().unique())
      .addColumn('name', 'text')
      .addColumn('attributes', 'text', (column) => column.notNull().defaultTo('{}'))
      .addColumn('status', 'text', (column) =>
        column.notNull().check(oneOf('status', subscriberStatuses)),
      )
      .addColumn('source', 'text', (column) =>
        column.notNull().check(oneOf('source', subscriberSources)),
      )
      .addColumn('created_at', 'text', (column) => column.notNull())
      .addColumn('confirmed_at', 'text')
      .addColumn('changed_at', 'text', (column) => column.notNull())
      .addColumn('last_edition', 'text')
      .addColumn('last_edition_at', 'text')
      .execute();
    // streamActive reads `status = 'active' and id > ?` in id order.
    await db.schema
      .createIndex('subscribers_status_id')
      .on('subscribers')
      .columns(['status', 'id'])
      .execute();

    await db.schema
      .createTable('subscriber_events')
      .addColumn('id', 'integer', (column) =>
        engine === 'sqlite'
          ? column.primaryKey().autoIncrement()
          : column.primaryKey().generatedAlwaysAsIdentity(),
      )
      .addColumn('subscriber_id', 'integer', (column) =>
        column.references('subscribers.id').onDelete('restrict'),
      )
      .addColumn('kind', 'text', (column) => column.notNull().check(oneOf('kind', eventKinds)))
      .addColumn('at', 'text', (column) => column.notNull())
      .addColumn('source', 'text', (column) =>
        column.notNull().check(oneOf('source', subscriberSources)),
      )
      .addColumn('consent', 'text')
      .execute();
    await db.schema
      .createIndex('subscriber_events_subscriber')
      .on('subscriber_events')
      .columns(['subscriber_id', 'id'])
      .execute();

    await db.schema
      .createTable('suppressions')
      .addColumn('hash', 'text', (column) => column.notNull())
      .addColumn('key', 'text', (column) => column.notNull())
      .addColumn('reason', 'text', (column) =>
        column.notNull().check(oneOf('reason', suppressionReasons)),
      )
      .addColumn('at', 'text', (column) => column.notNull())
      .addPrimaryKeyConstraint('suppressions_pkey', ['hash', 'key'])
      .execute();
  };
  const down = async (db: Kysely<unknown>): Promise<void> => {
    await db.schema.dropTable('suppressions').execute();
    await db.schema.dropTable('subscriber_events').execute();
    await db.schema.dropTable('subscribers').execute();
  };
  return { up, down };
}
