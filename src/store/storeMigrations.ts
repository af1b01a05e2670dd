import type { Migration, MigrationProvider } from 'kysely';
import { migration0001Initial } from './migration0001Initial.js';
import { migration0002SendEventSource } from './migration0002SendEventSource.js';
import { migration0003CatchUps } from './migration0003CatchUps.js';
import { migration0004Confirmations } from './migration0004Confirmations.js';
import { migration0005Bounces } from './migration0005Bounces.js';
import { migration0006ConfirmationMailSent } from './migration0006ConfirmationMailSent.js';
import { migration0007Deliveries } from './migration0007Deliveries.js';
import type { Engine } from './Store.js';

/**
 * Every version of the schema, in order; Kysely's `Migrator` applies those a
 * database has not recorded yet (in `kysely_migration`). Listed here rather
 * than found by scanning a folder at run time, so they run the same from
 * `src/` under the tests and from `dist/`. Names sort in order; a migration,
 * once released, is never edited: a change is a new one.
 */
export function storeMigrations(engine: Engine): Record<string, Migration> {
  return {
    '0001_initial': migration0001Initial(engine),
    '0002_send_event_source': migration0002SendEventSource(engine),
    '0003_catch_ups': migration0003CatchUps(engine),
    '0004_confirmations': migration0004Confirmations(engine),
    '0005_bounces': migration0005Bounces(engine),
    '0006_confirmation_mail_sent': migration0006ConfirmationMailSent(engine),
    '0007_deliveries': migration0007Deliveries(engine),
  };
}

export function storeMigrationProvider(engine: Engine): MigrationProvider {
  return { getMigrations: async () => storeMigrations(engine) };
}
