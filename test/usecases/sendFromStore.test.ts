import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { send } from '../../src/commands/sendCommand.js';
import { run as runStatus } from '../../src/commands/statusCommand.js';
import { addSuppression } from '../../src/store/addSuppression.js';
import { defaultDatabaseFile } from '../../src/store/databaseUrl.js';
import { findSubscriber } from '../../src/store/findSubscriber.js';
import { openStore } from '../../src/store/openStore.js';
import type { Store } from '../../src/store/Store.js';
import { setStatus } from '../../src/store/setStatus.js';
import { subscriberEvents } from '../../src/store/subscriberEvents.js';
import { upsertSubscriber } from '../../src/store/upsertSubscriber.js';
import { storeFlag } from '../../src/usecases/storeFlag.js';
import { captureIo } from '../helpers/captureIo.js';
import { findPostgresBin, usePostgresDatabases } from '../helpers/postgresCluster.js';
import { dryRunCount, secret, sendFixture, sendInProcess } from '../helpers/sendFixture.js';
import { type RcptAnswer, startSmtpSink } from '../helpers/smtpSink.js';

const postgres = findPostgresBin();
if ('missing' in postgres) console.log(postgres.missing);

/** Addresses unlike the fixture's CSV (`readerNNNNN@…`), so a message to one proves the store was read. */
const members = (count: number, from = 0) =>
  Array.from({ length: count }, (_, i) => `member${from + i}@example.net`);

async function addActive(store: Store, addresses: readonly string[], now = new Date(0)) {
  for (const address of addresses)
    await upsertSubscriber(store, { address, status: 'active', source: 'import', now });
}

/**
 * The send from the store, asked of both engines. `newDatabaseUrl` gives a
 * fresh, empty store for a content root as `STORYLINE_DATABASE_URL`.
 */
function sendFromStoreSuite(newDatabaseUrl: (root: string) => Promise<string>) {
  /** A fixture whose CSV is empty, a store, and the env that picks the store. */
  async function storeFixture() {
    const { root } = await sendFixture(0);
    const url = await newDatabaseUrl(root);
    const store = await openStore(
      url.startsWith('postgres')
        ? { engine: 'postgres', connectionString: url }
        : { engine: 'sqlite', file: url },
    );
    return { root, url, store };
  }

  it('mails each of 300 active subscribers exactly once, and the dry run counted exactly them', async () => {
    const { root, url, store } = await storeFixture();
    const sink = await startSmtpSink();
    try {
      const active = members(300);
      await addActive(store, active);
      // Not active: never mailed.
      await upsertSubscriber(store, {
        address: 'pending@example.net',
        status: 'pending',
        source: 'form',
        now: new Date(0),
      });
      await addActive(store, ['left@example.net']);
      await setStatus(store, 'left@example.net', 'unsubscribed', {
        source: 'cli',
        now: new Date(0),
      });
      const env = { SMTP_URL: sink.url, STORYLINE_SECRET: secret, STORYLINE_DATABASE_URL: url };

      const count = await dryRunCount(root, env);
      expect(count).toMatchObject({ status: 'counted', total: 300, toSend: 300, suppressed: 0 });

      const result = await sendInProcess(root, env);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toContain('subscriber store');
      const byAddress = sink.countByAddress();
      expect([...byAddress.keys()].sort()).toEqual([...active].sort());
      expect([...byAddress.values()].every((n) => n === 1)).toBe(true);
      // The last edition delivered, noted per subscriber.
      expect((await findSubscriber(store, 'member7@example.net'))?.lastEdition?.id).toBe(
        '2014-02-10-second-round-geneva',
      );
    } finally {
      await sink.close();
      await store.close();
    }
  });

  it('does not add someone activated after the edition began to its resumed run', async () => {
    const { root, url, store } = await storeFixture();
    const early = members(40);
    // The first run: half the list answers 451 until it is deferred.
    let firstRun = true;
    const deferredHalf = new Set(early.slice(0, 20));
    const sink = await startSmtpSink({
      onRcpt: (address): RcptAnswer =>
        firstRun && deferredHalf.has(address)
          ? { code: 451, message: '4.3.0 Try again later' }
          : undefined,
    });
    try {
      await addActive(store, early);
      await upsertSubscriber(store, {
        address: 'confirms-later@example.net',
        status: 'pending',
        source: 'form',
        now: new Date(0),
      });
      const env = { SMTP_URL: sink.url, STORYLINE_SECRET: secret, STORYLINE_DATABASE_URL: url };
      const first = await sendInProcess(root, env);
      expect(first.code, first.stderr).toBe(1);
      expect(sink.messages).toHaveLength(20);

      // After the edition began: a new active subscriber, and a pending one confirming.
      await addActive(store, ['joined-later@example.net'], new Date());
      await setStatus(store, 'confirms-later@example.net', 'active', {
        source: 'form',
        now: new Date(),
      });
      firstRun = false;
      expect(await dryRunCount(root, env)).toMatchObject({ total: 40, toSend: 20 });
      const resumed = await sendInProcess(root, env);
      expect(resumed.code, resumed.stderr).toBe(0);

      const byAddress = sink.countByAddress();
      expect([...byAddress.keys()].sort()).toEqual([...early].sort());
      expect([...byAddress.values()].every((n) => n === 1)).toBe(true);
    } finally {
      await sink.close();
      await store.close();
    }
  });

  it('marks a subscriber refused with 550 at RCPT as bounced in the store, by the send, and skips a store suppression', async () => {
    const { root, url, store } = await storeFixture();
    const sink = await startSmtpSink({
      onRcpt: (address): RcptAnswer =>
        address === 'member3@example.net'
          ? { code: 550, message: '5.1.1 No such user' }
          : undefined,
    });
    try {
      const list = members(10);
      await addActive(store, list);
      // Active in the store but suppressed (say, erased and imported again).
      await addSuppression(store, {
        address: 'member5@example.net',
        reason: 'erased',
        secret,
        now: new Date(0),
      });
      const env = { SMTP_URL: sink.url, STORYLINE_SECRET: secret, STORYLINE_DATABASE_URL: url };
      expect(await dryRunCount(root, env)).toMatchObject({ total: 10, suppressed: 1, toSend: 9 });

      const result = await sendInProcess(root, env);
      expect(result.stderr).not.toContain('storyline:');
      const mailed = [...sink.countByAddress().keys()].sort();
      expect(mailed).toEqual(
        list.filter((a) => a !== 'member3@example.net' && a !== 'member5@example.net').sort(),
      );
      const bounced = await findSubscriber(store, 'member3@example.net');
      expect(bounced?.status).toBe('bounced');
      const events = await subscriberEvents(store, Number(bounced?.id));
      expect(events.map((event) => [event.kind, event.source])).toEqual([
        ['subscribed', 'import'],
        ['bounced', 'send'],
      ]);
      expect(sink.rcptAttempts.get('member5@example.net')).toBeUndefined();
    } finally {
      await sink.close();
      await store.close();
    }
  });

  it('status prints subscriber counts by status', async () => {
    const { root, url, store } = await storeFixture();
    try {
      await addActive(store, members(3));
      await upsertSubscriber(store, {
        address: 'pending@example.net',
        status: 'pending',
        source: 'form',
        now: new Date(0),
      });
      await addActive(store, ['gone@example.net']);
      await setStatus(store, 'gone@example.net', 'bounced', { source: 'cli', now: new Date(0) });
      const captured = captureIo(root, { STORYLINE_DATABASE_URL: url }, () => new Date());
      const code = await runStatus({ values: { root }, positionals: [], io: captured.io });
      expect(code).toBe(0);
      expect(captured.stdout()).toContain(
        'Subscribers: 1 pending, 3 active, 0 unsubscribed, 1 bounced, 0 complained',
      );
    } finally {
      await store.close();
    }
  });
}

describe('send from the store on SQLite', () => {
  sendFromStoreSuite(async (root) => path.join(root, '.storyline', 'store.db'));

  it('reads the embedded store with --subscribers db when no STORYLINE_DATABASE_URL is set', async () => {
    const { root } = await sendFixture(5);
    const store = await openStore({ engine: 'sqlite', file: path.join(root, defaultDatabaseFile) });
    try {
      await addActive(store, members(7));
      const captured = captureIo(
        root,
        { STORYLINE_SECRET: secret, SMTP_URL: '' },
        () => new Date(),
      );
      const code = await send({ root, io: captured.io, dryRun: true, subscribers: storeFlag });
      expect(code, captured.stderr()).toBe(0);
      expect(captured.stdout()).toContain(
        'would go to 7 of 7 subscribers in subscriber store (SQLite .storyline/storyline.db)',
      );
    } finally {
      await store.close();
    }
  });
});

describe.skipIf('missing' in postgres)('send from the store on PostgreSQL', () => {
  const newDatabase = 'bin' in postgres ? usePostgresDatabases(postgres.bin, 'send') : undefined;
  sendFromStoreSuite(async () => {
    if (!newDatabase) throw new Error('no cluster');
    return newDatabase();
  });
});
