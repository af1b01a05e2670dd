import { describe, expect, it } from 'vitest';
import { beginEditionSend } from '../../src/store/beginEditionSend.js';
import { editionSendProgress } from '../../src/store/editionSendProgress.js';
import { openStore } from '../../src/store/openStore.js';
import { registerSendWorker } from '../../src/store/sendWorker.js';
import { findPostgresBin, usePostgresDatabases } from '../helpers/postgresCluster.js';

const postgres = findPostgresBin();
if ('missing' in postgres) console.log(postgres.missing);

const edition = '2014-02-10-second-round-geneva';
const now = new Date('2014-02-10T12:00:00.000Z');

describe.skipIf('missing' in postgres)(
  "an edition's live progress in the deliveries ledger",
  () => {
    const newDatabase =
      'bin' in postgres ? usePostgresDatabases(postgres.bin, 'progress') : undefined;

    it("counts the senders of this database only, not another database's on the same server", async () => {
      if (!newDatabase) throw new Error('no cluster');
      const staging = await openStore({
        engine: 'postgres',
        connectionString: await newDatabase(),
      });
      const production = await openStore({
        engine: 'postgres',
        connectionString: await newDatabase(),
      });
      for (const store of [staging, production])
        await beginEditionSend(store, { edition, key: 'k', activeAt: now, now });
      // The same edition being sent from staging, by a process whose id is 1 there.
      const live = await registerSendWorker(staging, { edition, now });
      // In production a sender with id 1 too, that stopped without finishing: its lock is free.
      const gone = await registerSendWorker(production, { edition, now });
      await gone.finish('stopped', now);
      await production.db
        .updateTable('send_workers')
        .set({ finished_at: null, outcome: null })
        .where('id', '=', gone.id)
        .execute();
      try {
        expect(live.id).toBe(gone.id);
        expect((await editionSendProgress(staging, edition))?.senders).toBe(1);
        expect((await editionSendProgress(production, edition))?.senders).toBe(0);
      } finally {
        await live.finish('finished', now);
        await staging.close();
        await production.close();
      }
    });
  },
);
