import { type Kysely, Migrator } from 'kysely';
import type { Engine } from './Store.js';
import { storeMigrationProvider } from './storeMigrations.js';

/** A migration that failed: the schema stays at the last one that succeeded. */
export class MigrationError extends Error {
  override name = 'MigrationError';
}

/**
 * Brings the schema to the latest version and returns the names of the
 * migrations it applied (none when it was already there). On PostgreSQL
 * Kysely holds an advisory lock meanwhile, so processes starting together
 * migrate once.
 */
export async function migrateStore<T>(db: Kysely<T>, engine: Engine): Promise<string[]> {
  const migrator = new Migrator({ db, provider: storeMigrationProvider(engine) });
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
