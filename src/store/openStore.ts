import { mkdirSync } from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './Database.js';
import type { StoreTarget } from './databaseUrl.js';
import { migrateStore } from './migrateStore.js';
import type { Store } from './Store.js';

export interface OpenStoreOptions {
  /** Connections in the PostgreSQL pool (10 by default). */
  poolSize?: number;
  /** How long SQLite waits for another process's write lock, in milliseconds (5 s by default). */
  busyTimeoutMs?: number;
}

/**
 * Opens the store and migrates it to the latest schema (first use creates
 * it). SQLite runs in WAL mode, so readers never block the writer, with a
 * busy timeout, so two processes writing take turns instead of failing.
 */
export async function openStore(
  target: StoreTarget,
  options: OpenStoreOptions = {},
): Promise<Store> {
  const db =
    target.engine === 'sqlite' ? openSqlite(target.file, options) : openPostgres(target, options);
  let migrated: string[];
  try {
    migrated = await migrateStore(db, target.engine);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return { engine: target.engine, db, migrated, close: () => db.destroy() };
}

function openSqlite(file: string, options: OpenStoreOptions): Kysely<Database> {
  if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
  const database = new BetterSqlite3(file);
  database.pragma('journal_mode = WAL');
  database.pragma(`busy_timeout = ${Math.trunc(options.busyTimeoutMs ?? 5000)}`);
  database.pragma('foreign_keys = ON');
  database.pragma('synchronous = NORMAL');
  return new Kysely<Database>({ dialect: new SqliteDialect({ database }) });
}

function openPostgres(
  target: { connectionString: string },
  options: OpenStoreOptions,
): Kysely<Database> {
  const pool = new pg.Pool({
    connectionString: target.connectionString,
    max: options.poolSize ?? 10,
  });
  // An idle connection dropped by the server emits `error` on the pool, which
  // would end the process unhandled; the next query reports the problem.
  pool.on('error', () => {});
  // The same for a connection in use (a send process's lock, held for the
  // whole run): its session ending must not end the process; whoever uses it
  // next gets the error, and a sender whose rows were taken over stops at
  // its next write (`LostClaimError`).
  pool.on('connect', (client) => client.on('error', () => {}));
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}
