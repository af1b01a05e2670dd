import { type Kysely, type Migration, sql } from 'kysely';
import type { Engine } from './Store.js';

// Written out rather than imported from `Database.ts`: a released migration
// must keep doing what it did when the types move on.
const sourcesBefore = ['import', 'cli', 'form'] as const;
const sourcesAfter = ['import', 'cli', 'form', 'send'] as const;

function sourceIn(values: readonly string[]) {
  return sql`source in (${sql.join(values.map((value) => sql.lit(value)))})`;
}

/**
 * Events may come from `send`: a bounce met while sending was recorded as
 * `cli` before, because the check on `subscriber_events.source` allowed only
 * import, cli and form.
 */
export function migration0002SendEventSource(engine: Engine): Migration {
  return {
    up: (db) => replaceSourceCheck(db, engine, sourcesAfter),
    down: async (db) => {
      // `send` rows cannot satisfy the older check: the nearest older source is `cli`.
      await sql`update subscriber_events set source = 'cli' where source = 'send'`.execute(db);
      await replaceSourceCheck(db, engine, sourcesBefore);
    },
  };
}

async function replaceSourceCheck(
  db: Kysely<unknown>,
  engine: Engine,
  sources: readonly string[],
): Promise<void> {
  if (engine === 'postgres') {
    // PostgreSQL's name for the unnamed column check 0001 created.
    await sql`alter table subscriber_events drop constraint subscriber_events_source_check`.execute(
      db,
    );
    await sql`alter table subscriber_events add constraint subscriber_events_source_check check (${sourceIn(sources)})`.execute(
      db,
    );
    return;
  }
  // SQLite cannot alter a check constraint: the table is rebuilt under a new
  // name, filled with the same rows (ids kept, so AUTOINCREMENT carries on
  // past them), and renamed over the old one. Kysely runs the migration in a
  // transaction, so a failure leaves the old table as it was. Nothing
  // references subscriber_events, so dropping it breaks no foreign key.
  await db.schema
    .createTable('subscriber_events_next')
    .addColumn('id', 'integer', (column) => column.primaryKey().autoIncrement())
    .addColumn('subscriber_id', 'integer', (column) =>
      column.references('subscribers.id').onDelete('restrict'),
    )
    .addColumn('kind', 'text', (column) =>
      column
        .notNull()
        .check(
          sql`kind in ('subscribed', 'confirmed', 'unsubscribed', 'bounced', 'complained', 'erased')`,
        ),
    )
    .addColumn('at', 'text', (column) => column.notNull())
    .addColumn('source', 'text', (column) => column.notNull().check(sourceIn(sources)))
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
