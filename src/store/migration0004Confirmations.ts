import type { Migration } from 'kysely';
import type { Engine } from './Store.js';

/**
 * Double opt-in for `storyline serve`: the hashed confirmation links, and
 * on each subscriber when a link was last mailed, so that one address gets
 * at most one confirmation mail an hour across processes and restarts.
 */
export function migration0004Confirmations(_engine: Engine): Migration {
  return {
    up: async (db) => {
      await db.schema
        .alterTable('subscribers')
        .addColumn('confirmation_mailed_at', 'text')
        .execute();
      await db.schema
        .createTable('confirmations')
        .addColumn('token_hash', 'text', (column) => column.primaryKey())
        .addColumn('subscriber_id', 'integer', (column) =>
          column.notNull().references('subscribers.id').onDelete('cascade'),
        )
        .addColumn('created_at', 'text', (column) => column.notNull())
        .addColumn('expires_at', 'text', (column) => column.notNull())
        .addColumn('used_at', 'text')
        .execute();
      await db.schema
        .createIndex('confirmations_subscriber')
        .on('confirmations')
        .column('subscriber_id')
        .execute();
    },
    down: async (db) => {
      await db.schema.dropTable('confirmations').execute();
      await db.schema.alterTable('subscribers').dropColumn('confirmation_mailed_at').execute();
    },
  };
}
