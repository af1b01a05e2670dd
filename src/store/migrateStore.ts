import { type Kysely, Migrator, sql } from 'kysely';
import type { Engine } from './Store.js';
import { storeMigrationProvider } from './storeMigrations.js';

/** A migration that failed: the schema stays at the last one that succeeded. */
export class MigrationError extends Error {
  override name = 'MigrationError';
}

/**
 * Brings the schema to the latest version and returns the names of the
 * migrations it applied (none when it was already there). Processes starting
 * together migrate once: on PostgreSQL Kysely holds an advisory lock
 * meanwhile; on SQLite, which has no such lock, the whole run is one
 * `BEGIN IMMEDIATE` transaction, so a second process waits for the first
 * (the busy timeout) and then finds the schema current. (With Kysely's own
 * deferred transaction, two processes both read "nothing applied" and the
 * second failed on a duplicate column.)
 */
export async function migrateStore<T>(db: Kysely<T>, engine: Engine): Promise<string[]> {
  if (engine === 'postgres') return migrate(db, engine, false);
  await sql`begin immediate`.execute(db);
  try {
    const applied = await migrate(db, engine, true);
    await sql`commit`.execute(db);
    return applied;
  } catch (error) {
    await sql`rollback`.execute(db);
    throw error;
  }
}

async function migrate<T>(db: Kysely<T>, engine: Engine, inOuterTransaction: boolean) {
  const migrator = new Migrator({
    db,
    provider: storeMigrationProvider(engine),
    disableTransactions: inOuterTransaction,
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((result) => result.status === 'Error')?.migrationName;
    const reason = error instanceof Error ? error.message : String(error);
    throw new MigrationError(
      `Unexpected failure of the subscriber store's migration ${failed ?? '(before any ran)'}: ${reason}`,
      { cause: error },
    );
  }
  return (results ?? [])
    .filter((result) => result.status === 'Success')
    .map((result) => result.migrationName);
}
