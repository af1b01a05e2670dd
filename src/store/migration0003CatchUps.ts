import { type Kysely, type Migration, sql } from 'kysely';
import type { Engine } from './Store.js';

// Written out rather than imported from `Database.ts`: a released migration
// must keep doing what it did when the types move on.
const statuses = ['due', 'sending', 'sent', 'failed'] as const;

/**
 * `catch_ups`: one row per confirmation, for the catch-up email ("the story
 * so far") sent exactly once. Unique per (subscriber, confirmed_at), so a
 * confirmation scheduled twice is one email; deleted with the subscriber, so
 * an erasure leaves nothing of them here.
 */
export function migration0003CatchUps(engine: Engine): Migration {
  const up = async (db: Kysely<unknown>): Promise<void> => {
    await db.schema
      .createTable('catch_ups')
      .addColumn('id', 'integer', (column) =>
        engine === 'sqlite'
          ? column.primaryKey().autoIncrement()
          : column.primaryKey().generatedAlwaysAsIdentity(),
      )
      .addColumn('subscriber_id', 'integer', (column) =>
        column.notNull().references('subscribers.id').onDelete('cascade'),
      )
      .addColumn('confirmed_at', 'text', (column) => column.notNull())
      .addColumn('status', 'text', (column) =>
        column
          .notNull()
          .check(sql`status in (${sql.join(statuses.map((status) => sql.lit(status)))})`),
      )
      .addColumn('message_id', 'text')
      .addColumn('created_at', 'text', (column) => column.notNull())
      .addColumn('claimed_at', 'text')
      .addColumn('sent_at', 'text')
      .addColumn('changed_at', 'text', (column) => column.notNull())
      .addColumn('attempt', 'integer', (column) => column.notNull().defaultTo(0))
      .addColumn('last_error', 'text')
      .addUniqueConstraint('catch_ups_subscriber_confirmed', ['subscriber_id', 'confirmed_at'])
      .execute();
    // Claims read `status in ('due', 'sending') and id > ?` in id order.
    await db.schema
      .createIndex('catch_ups_status_id')
      .on('catch_ups')
      .columns(['status', 'id'])
      .execute();
  };
  const down = async (db: Kysely<unknown>): Promise<void> => {
    await db.schema.dropTable('catch_ups').execute();
  };
  return { up, down };
}
