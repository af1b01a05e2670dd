import { type Kysely, type Migration, sql } from 'kysely';
import type { Engine } from './Store.js';

// Written out rather than imported from `Database.ts`: a released migration
// must keep doing what it did when the types move on.
const statuses = [
  'pending',
  'claimed',
  'sending',
  'retrying',
  'deferred',
  'sent',
  'failed',
  'suppressed',
] as const;

/**
 * The deliveries ledger: `edition_sends`, `deliveries` and `send_workers`.
 * Only a PostgreSQL store sends from it (several processes claim rows with
 * `FOR UPDATE SKIP LOCKED`, which SQLite lacks); the tables are made in
 * both engines so the schema is one, and stay empty in SQLite, whose sends
 * keep the journal in git.
 */
export function migration0007Deliveries(engine: Engine): Migration {
  const up = async (db: Kysely<unknown>): Promise<void> => {
    await db.schema
      .createTable('edition_sends')
      .addColumn('edition', 'text', (column) => column.primaryKey())
      .addColumn('active_at', 'text', (column) => column.notNull())
      .addColumn('started_at', 'text', (column) => column.notNull())
      .addColumn('key', 'text', (column) => column.notNull())
      .addColumn('total', 'integer', (column) => column.notNull())
      .execute();
    await db.schema
      .createTable('send_workers')
      .addColumn('id', 'integer', (column) =>
        engine === 'sqlite'
          ? column.primaryKey().autoIncrement()
          : column.primaryKey().generatedAlwaysAsIdentity(),
      )
      .addColumn('edition', 'text', (column) => column.notNull())
      .addColumn('host', 'text', (column) => column.notNull())
      .addColumn('pid', 'integer', (column) => column.notNull())
      .addColumn('started_at', 'text', (column) => column.notNull())
      .addColumn('finished_at', 'text')
      .addColumn('outcome', 'text')
      .execute();
    await db.schema
      .createTable('deliveries')
      .addColumn('id', 'integer', (column) =>
        engine === 'sqlite'
          ? column.primaryKey().autoIncrement()
          : column.primaryKey().generatedAlwaysAsIdentity(),
      )
      .addColumn('edition', 'text', (column) => column.notNull())
      .addColumn('subscriber_id', 'integer', (column) =>
        column.references('subscribers.id').onDelete('set null'),
      )
      .addColumn('address_hash', 'text')
      .addColumn('status', 'text', (column) =>
        column
          .notNull()
          .check(sql`status in (${sql.join(statuses.map((status) => sql.lit(status)))})`),
      )
      .addColumn('attempt', 'integer', (column) => column.notNull().defaultTo(0))
      .addColumn('worker', 'integer')
      .addColumn('in_doubt', 'integer', (column) => column.notNull().defaultTo(0))
      .addColumn('code', 'integer')
      .addColumn('gave_up', 'integer', (column) => column.notNull().defaultTo(0))
      .addColumn('claimed_at', 'text')
      .addColumn('settled_at', 'text')
      .addUniqueConstraint('deliveries_edition_subscriber', ['edition', 'subscriber_id'])
      .execute();
    // Claims walk the rows nobody holds in id order; a partial index keeps
    // that walk to those rows, not the edition's million settled ones. No
    // index on status or worker: every claim, mark and outcome changes both,
    // and each index is one more write per change (three per recipient),
    // while the queries that filter on them (counts every few seconds, a
    // stopped process's rows) are rare and read most of the table anyway.
    await sql`create index deliveries_open on deliveries (edition, id) where status in ('pending', 'deferred')`.execute(
      db,
    );
    // Erasing a subscriber sets their rows' subscriber_id to null: without
    // this, every erasure would read the whole table.
    await db.schema
      .createIndex('deliveries_subscriber')
      .on('deliveries')
      .column('subscriber_id')
      .execute();
  };
  const down = async (db: Kysely<unknown>): Promise<void> => {
    await db.schema.dropTable('deliveries').execute();
    await db.schema.dropTable('send_workers').execute();
    await db.schema.dropTable('edition_sends').execute();
  };
  return { up, down };
}
