import type { Kysely } from 'kysely';
import type { Database } from './Database.js';

export type Engine = 'sqlite' | 'postgres';

/** An open subscriber store: one query builder over either engine. */
export interface Store {
  readonly engine: Engine;
  readonly db: Kysely<Database>;
  /** The migrations opening it applied, oldest first (none when the schema was current). */
  readonly migrated: readonly string[];
  /** Ends the connection (SQLite) or the pool (PostgreSQL); the store is unusable after. */
  close(): Promise<void>;
}
