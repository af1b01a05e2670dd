import { mkdirSync } from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import type { Database } from '../../src/store/Database.js';
import type { StoreTarget } from '../../src/store/databaseUrl.js';

/** A connection to the target that runs no migration, to build a database of an earlier version. */
export function openUnmigrated(target: StoreTarget): Kysely<Database> {
  if (target.engine === 'sqlite') {
    mkdirSync(path.dirname(target.file), { recursive: true });
    return new Kysely<Database>({
      dialect: new SqliteDialect({ database: new BetterSqlite3(target.file) }),
    });
  }
  return new Kysely<Database>({
    dialect: new PostgresDialect({
      pool: new pg.Pool({ connectionString: target.connectionString, max: 2 }),
    }),
  });
}
