import { type Migration, sql } from 'kysely';
import type { Engine } from './Store.js';

/**
 * When the transport accepted each confirmation link's mail: null from the
 * claim until then, so a link whose process died before sending it is
 * found and mailed again (`replaceUnsentConfirmation`). Links already in
 * the store were claimed by a version that sent them right after: they are
 * taken as sent (their creation time), rather than mailing every pending
 * reader a second link on upgrade.
 */
export function migration0006ConfirmationMailSent(_engine: Engine): Migration {
  return {
    up: async (db) => {
      await db.schema.alterTable('confirmations').addColumn('sent_at', 'text').execute();
      await sql`update confirmations set sent_at = created_at`.execute(db);
    },
    down: async (db) => {
      await db.schema.alterTable('confirmations').dropColumn('sent_at').execute();
    },
  };
}
