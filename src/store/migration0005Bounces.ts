import { type Kysely, type Migration, sql } from 'kysely';
import type { Engine } from './Store.js';

// Written out rather than imported from `Database.ts`: a released migration
// must keep doing what it did when the types move on.
const sourcesBefore = ['import', 'cli', 'form', 'send'] as const;
const bounceSources = ['dsn', 'arf', 'ses', 'postmark', 'mailgun', 'sendgrid'] as const;
const sourcesAfter = [...sourcesBefore, ...bounceSources] as const;
const kindsBefore = [
  'subscribed',
  'confirmed',
  'unsubscribed',
  'bounced',
  'complained',
  'erased',
] as const;
const kindsAfter = [...kindsBefore, 'soft-bounced'] as const;

function oneOf(column: string, values: readonly string[]) {
  return sql`${sql.ref(column)} in (${sql.join(values.map((value) => sql.lit(value)))})`;
}

/**
 * Bounces and complaints: the `bounce_events` table (each report once, by
 * source and event id), subscriber events from bounce sources and a
 * `soft-bounced` kind, and each subscriber's address hash, indexed, so a
 * bounce naming a hash finds its subscriber without hashing the whole list.
 */
export function migration0005Bounces(engine: Engine): Migration {
  return {
    up: async (db) => {
      await db.schema.alterTable('subscribers').addColumn('address_hash', 'text').execute();
      await db.schema.alterTable('subscribers').addColumn('address_hash_key', 'text').execute();
      await db.schema
        .createIndex('subscribers_address_hash')
        .on('subscribers')
        .column('address_hash')
        .execute();
      await replaceEventChecks(db, engine, sourcesAfter, kindsAfter);
      await db.schema
        .createTable('bounce_events')
        .addColumn('id', 'integer', (column) =>
          engine === 'sqlite'
            ? column.primaryKey().autoIncrement()
            : column.primaryKey().generatedAlwaysAsIdentity(),
        )
        .addColumn('source', 'text', (column) =>
          column.notNull().check(oneOf('source', bounceSources)),
        )
        .addColumn('event_key', 'text', (column) => column.notNull())
        .addColumn('kind', 'text', (column) =>
          column.notNull().check(oneOf('kind', ['hard', 'soft', 'complaint'])),
        )
        .addColumn('edition', 'text')
        .addColumn('subscriber_id', 'integer', (column) =>
          column.references('subscribers.id').onDelete('cascade'),
        )
        .addColumn('address_hash', 'text', (column) => column.notNull())
        .addColumn('status', 'text')
        .addColumn('at', 'text', (column) => column.notNull())
        .addColumn('received_at', 'text', (column) => column.notNull())
        .addUniqueConstraint('bounce_events_source_event', ['source', 'event_key'])
        .execute();
      await db.schema
        .createIndex('bounce_events_edition')
        .on('bounce_events')
        .columns(['edition', 'kind'])
        .execute();
      await db.schema
        .createIndex('bounce_events_subscriber')
        .on('bounce_events')
        .column('subscriber_id')
        .execute();
      await db.schema
        .createIndex('bounce_events_hash')
        .on('bounce_events')
        .column('address_hash')
        .execute();
    },
    down: async (db) => {
      await db.schema.dropTable('bounce_events').execute();
      // Events the older checks do not allow have no older equivalent: dropped.
      await sql`delete from subscriber_events where kind = 'soft-bounced'`.execute(db);
      await sql`update subscriber_events set source = 'send' where ${oneOf('source', bounceSources)}`.execute(
        db,
      );
      await replaceEventChecks(db, engine, sourcesBefore, kindsBefore);
      await db.schema.dropIndex('subscribers_address_hash').execute();
      await db.schema.alterTable('subscribers').dropColumn('address_hash_key').execute();
      await db.schema.alterTable('subscribers').dropColumn('address_hash').execute();
    },
  };
}

async function replaceEventChecks(
  db: Kysely<unknown>,
  engine: Engine,
  sources: readonly string[],
  kinds: readonly string[],
): Promise<void> {
  if (engine === 'postgres') {
    // PostgreSQL's names for the unnamed column checks 0001 and 0002 created.
    for (const [name, column, values] of [
      ['subscriber_events_source_check', 'source', sources],
      ['subscriber_events_kind_check', 'kind', kinds],
    ] as const) {
      await sql`alter table subscriber_events drop constraint ${sql.ref(name)}`.execute(db);
      await sql`alter table subscriber_events add constraint ${sql.ref(name)} check (${oneOf(column, values)})`.execute(
        db,
      );
    }
    return;
  }
  // SQLite cannot alter a check constraint: rebuilt as 0002 does, ids kept.
  await db.schema
    .createTable('subscriber_events_next')
    .addColumn('id', 'integer', (column) => column.primaryKey().autoIncrement())
    .addColumn('subscriber_id', 'integer', (column) =>
      column.references('subscribers.id').onDelete('restrict'),
    )
    .addColumn('kind', 'text', (column) => column.notNull().check(oneOf('kind', kinds)))
    .addColumn('at', 'text', (column) => column.notNull())
    .addColumn('source', 'text', (column) => column.notNull().check(oneOf('source', sources)))
    .addColumn('consent', 'text')
    .execute();
  await sql`insert into subscriber_events_next (id, subscriber_id, kind, at, source, consent)
    select id, subscriber_id, kind, at, source, consent from subscriber_events order by id`.execute(
    db,
  );
  await db.schema.dropTable('subscriber_events').execute();
  await sql`alter table subscriber_events_next rename to subscriber_events`.execute(db);
  await db.schema
    .createIndex('subscriber_events_subscriber')
    .on('subscriber_events')
    .columns(['subscriber_id', 'id'])
    .execute();
}
