import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Migrator, sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { addressHash } from '../../src/ledger/addressHash.js';
import { addSuppression } from '../../src/store/addSuppression.js';
import { countActive } from '../../src/store/countActive.js';
import { countByStatus } from '../../src/store/countByStatus.js';
import type { SubscriberStatus } from '../../src/store/Database.js';
import type { StoreTarget } from '../../src/store/databaseUrl.js';
import { eraseSubscriber } from '../../src/store/eraseSubscriber.js';
import { findSubscriber } from '../../src/store/findSubscriber.js';
import { isSuppressed } from '../../src/store/isSuppressed.js';
import { markDelivered } from '../../src/store/markDelivered.js';
import { migrateStore } from '../../src/store/migrateStore.js';
import { openStore } from '../../src/store/openStore.js';
import type { Store } from '../../src/store/Store.js';
import { setStatus } from '../../src/store/setStatus.js';
import { storeMigrationProvider, storeMigrations } from '../../src/store/storeMigrations.js';
import { streamActive } from '../../src/store/streamActive.js';
import { subscriberEvents } from '../../src/store/subscriberEvents.js';
import { suppressedHashes } from '../../src/store/suppressedHashes.js';
import { upsertSubscriber } from '../../src/store/upsertSubscriber.js';
import { openTracked } from '../helpers/openTracked.js';
import { openUnmigrated } from '../helpers/openUnmigrated.js';
import { findPostgresBin, usePostgresDatabases } from '../helpers/postgresCluster.js';

const secret = 'store-test-secret-0123456789';
const t0 = new Date('2026-03-01T09:00:00.000Z');
const later = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);

const postgres = findPostgresBin();
if ('missing' in postgres) console.log(postgres.missing);

/** Every row of every table as JSON text: what a search for personal data would read. */
async function dumpAllTables(store: Store): Promise<string> {
  const subscribers = await store.db.selectFrom('subscribers').selectAll().execute();
  const events = await store.db.selectFrom('subscriber_events').selectAll().execute();
  const suppressions = await store.db.selectFrom('suppressions').selectAll().execute();
  return JSON.stringify({ subscribers, events, suppressions });
}

/** Rows straight into the table, many at a time: the streaming tests need thousands. */
async function insertMany(store: Store, statuses: readonly SubscriberStatus[]): Promise<void> {
  const at = t0.toISOString();
  const rows = statuses.map((status, index) => ({
    address: `reader${index}@example.org`,
    name: null,
    attributes: '{}',
    status,
    source: 'import' as const,
    created_at: at,
    confirmed_at: status === 'active' ? at : null,
    changed_at: at,
  }));
  for (let start = 0; start < rows.length; start += 500)
    await store.db
      .insertInto('subscribers')
      .values(rows.slice(start, start + 500))
      .execute();
}

/** The same behaviour asked of both engines. */
function storeSuite(newTarget: () => Promise<StoreTarget>) {
  it('creates the schema in an empty database and records its version', async () => {
    const store = await openTracked(await newTarget());
    expect(store.migrated).toEqual([
      '0001_initial',
      '0002_send_event_source',
      '0003_catch_ups',
      '0004_confirmations',
      '0005_bounces',
      '0006_confirmation_mail_sent',
      '0007_deliveries',
    ]);
    // The migrator's own table, outside the typed schema.
    const recorded = await sql<{ name: string }>`select name from kysely_migration`.execute(
      store.db,
    );
    expect(recorded.rows.map((row) => row.name)).toEqual([
      '0001_initial',
      '0002_send_event_source',
      '0003_catch_ups',
      '0004_confirmations',
      '0005_bounces',
      '0006_confirmation_mail_sent',
      '0007_deliveries',
    ]);
    expect(await countByStatus(store)).toEqual({
      pending: 0,
      active: 0,
      unsubscribed: 0,
      bounced: 0,
      complained: 0,
    });
  });

  it('runs no migration when opened again, and keeps what it holds', async () => {
    const target = await newTarget();
    // Closed here, not when the test ends: the second open must find it closed.
    const first = await openStore(target);
    try {
      await upsertSubscriber(first, {
        address: 'ada@example.org',
        status: 'active',
        source: 'cli',
        now: t0,
      });
    } finally {
      await first.close();
    }
    const again = await openTracked(target);
    expect(again.migrated).toEqual([]);
    expect(await migrateStore(again.db, again.engine)).toEqual([]);
    expect((await findSubscriber(again, 'ada@example.org'))?.status).toBe('active');
  });

  it('migrates from every earlier version, keeping its rows, and then accepts send as an event source', async () => {
    const names = Object.keys(storeMigrations('sqlite'));
    for (const earlier of names.slice(0, -1)) {
      const target = await newTarget();
      const old = openUnmigrated(target);
      try {
        const migrator = new Migrator({
          db: old,
          provider: storeMigrationProvider(target.engine),
        });
        const { error } = await migrator.migrateTo(earlier);
        expect(error).toBeUndefined();
        // Rows as a store of that version held them, written through the old schema.
        const at = t0.toISOString();
        const ada = await old
          .insertInto('subscribers')
          .values({
            address: 'ada@example.org',
            name: 'Ada',
            attributes: '{"city":"London"}',
            status: 'active',
            source: 'import',
            created_at: at,
            confirmed_at: at,
            changed_at: at,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        await old
          .insertInto('subscriber_events')
          .values([
            {
              subscriber_id: Number(ada.id),
              kind: 'subscribed',
              at,
              source: 'import',
              consent: 'form text',
            },
            { subscriber_id: null, kind: 'erased', at, source: 'cli', consent: null },
          ])
          .execute();
        await old
          .insertInto('suppressions')
          .values({ hash: 'h1', key: 'k1', reason: 'erased', at })
          .execute();
      } finally {
        await old.destroy();
      }

      const store = await openTracked(target);
      expect(store.migrated).toEqual(names.slice(names.indexOf(earlier) + 1));
      expect(await findSubscriber(store, 'ada@example.org')).toMatchObject({
        name: 'Ada',
        attributes: { city: 'London' },
        status: 'active',
      });
      const eventsBefore = await store.db
        .selectFrom('subscriber_events')
        .select(['id', 'kind', 'source', 'consent'])
        .orderBy('id')
        .execute();
      expect(eventsBefore.map(({ kind, source, consent }) => ({ kind, source, consent }))).toEqual([
        { kind: 'subscribed', source: 'import', consent: 'form text' },
        { kind: 'erased', source: 'cli', consent: null },
      ]);
      expect(await store.db.selectFrom('suppressions').selectAll().execute()).toHaveLength(1);

      expect(
        await setStatus(store, 'ada@example.org', 'bounced', { source: 'send', now: later(1) }),
      ).toBe('changed');
      const adaNow = await findSubscriber(store, 'ada@example.org');
      const events = await subscriberEvents(store, adaNow?.id ?? -1);
      expect(events.at(-1)).toMatchObject({ kind: 'bounced', source: 'send' });
      // Ids carry on past the copied rows rather than starting again.
      expect(events.at(-1)?.id).toBeGreaterThan(Math.max(...eventsBefore.map((e) => Number(e.id))));
      // The check is still there: an unknown source is refused.
      await expect(
        sql`insert into subscriber_events (subscriber_id, kind, at, source)
          values (null, 'erased', ${later(2).toISOString()}, 'web')`.execute(store.db),
      ).rejects.toThrow(/check/i);
    }
  });

  it('upserts idempotently: one row and one event per address, whatever its case', async () => {
    const store = await openTracked(await newTarget());
    const input = {
      address: ' Ada@Example.ORG ',
      name: 'Ada',
      attributes: { city: 'Geneva', lang: 'en' },
      status: 'active' as const,
      source: 'import' as const,
      consent: 'Imported from the 2025 list',
      now: t0,
    };
    const first = await upsertSubscriber(store, input);
    const second = await upsertSubscriber(store, {
      ...input,
      address: 'ada@example.org',
      attributes: { lang: 'en', city: 'Geneva' },
      now: later(5),
    });
    expect(first).toEqual({ id: first.id, created: true, updated: false });
    expect(second).toEqual({ id: first.id, created: false, updated: false });
    const ada = await findSubscriber(store, 'ADA@example.org');
    expect(ada).toEqual({
      id: first.id,
      address: 'ada@example.org',
      name: 'Ada',
      attributes: { city: 'Geneva', lang: 'en' },
      status: 'active',
      source: 'import',
      createdAt: t0.toISOString(),
      confirmedAt: t0.toISOString(),
      changedAt: t0.toISOString(),
      lastEdition: undefined,
    });
    const events = await subscriberEvents(store, first.id);
    expect(events.map((event) => [event.kind, event.source, event.consent])).toEqual([
      ['subscribed', 'import', 'Imported from the 2025 list'],
    ]);
    expect((await countByStatus(store)).active).toBe(1);
  });

  it('updates name and attributes on upsert but never the status', async () => {
    const store = await openTracked(await newTarget());
    const { id } = await upsertSubscriber(store, {
      address: 'bo@example.org',
      status: 'active',
      source: 'import',
      now: t0,
    });
    await setStatus(store, 'bo@example.org', 'unsubscribed', { source: 'cli', now: later(1) });
    const result = await upsertSubscriber(store, {
      address: 'bo@example.org',
      name: 'Bo',
      attributes: { city: 'Oslo' },
      status: 'active',
      source: 'import',
      now: later(2),
    });
    expect(result).toEqual({ id, created: false, updated: true });
    const bo = await findSubscriber(store, 'bo@example.org');
    expect(bo?.status).toBe('unsubscribed');
    expect(bo?.name).toBe('Bo');
    expect(bo?.attributes).toEqual({ city: 'Oslo' });
    expect(bo?.changedAt).toBe(later(2).toISOString());
  });

  it('appends an event for every status change, none for a status already held', async () => {
    const store = await openTracked(await newTarget());
    const { id } = await upsertSubscriber(store, {
      address: 'cy@example.org',
      status: 'pending',
      source: 'form',
      consent: 'https://news.example.org/subscribe',
      now: t0,
    });
    expect(
      await setStatus(store, 'cy@example.org', 'active', { source: 'form', now: later(1) }),
    ).toBe('changed');
    expect(
      await setStatus(store, 'CY@example.org', 'active', { source: 'cli', now: later(2) }),
    ).toBe('unchanged');
    expect(
      await setStatus(store, 'cy@example.org', 'unsubscribed', { source: 'cli', now: later(3) }),
    ).toBe('changed');
    expect(
      await setStatus(store, 'cy@example.org', 'active', { source: 'cli', now: later(4) }),
    ).toBe('changed');
    expect(
      await setStatus(store, 'nobody@example.org', 'bounced', { source: 'cli', now: later(5) }),
    ).toBe('not-found');

    const events = await subscriberEvents(store, id);
    expect(events.map((event) => [event.kind, event.at, event.source])).toEqual([
      ['subscribed', t0.toISOString(), 'form'],
      ['confirmed', later(1).toISOString(), 'form'],
      ['unsubscribed', later(3).toISOString(), 'cli'],
      ['confirmed', later(4).toISOString(), 'cli'],
    ]);
    expect(events[0]?.consent).toBe('https://news.example.org/subscribe');
    const cy = await findSubscriber(store, 'cy@example.org');
    // Consent is dated from the first confirmation, not the latest.
    expect(cy?.confirmedAt).toBe(later(1).toISOString());
    expect(cy?.changedAt).toBe(later(4).toISOString());
  });

  it('erases every trace of the address from every table and keeps a suppression', async () => {
    const store = await openTracked(await newTarget());
    const { id } = await upsertSubscriber(store, {
      address: 'Dora.Private@Example.org',
      name: 'Dora Privatperson',
      attributes: { phone: '+41-555-0199' },
      status: 'pending',
      source: 'form',
      consent: 'I, Dora Privatperson, agree',
      now: t0,
    });
    await setStatus(store, 'dora.private@example.org', 'active', { source: 'form', now: later(1) });
    await markDelivered(store, id, '2026-03-01', later(2));
    await upsertSubscriber(store, {
      address: 'keep@example.org',
      status: 'active',
      source: 'cli',
      now: t0,
    });

    expect(
      await eraseSubscriber(store, 'DORA.PRIVATE@example.org', {
        secret,
        source: 'cli',
        now: later(3),
      }),
    ).toBe('erased');

    const everything = (await dumpAllTables(store)).toLowerCase();
    for (const trace of ['dora.private', 'privatperson', '555-0199', 'i, dora'])
      expect(everything).not.toContain(trace);
    expect(await findSubscriber(store, 'dora.private@example.org')).toBeUndefined();
    expect(await isSuppressed(store, 'dora.private@example.org', secret)).toBe(true);
    expect(await findSubscriber(store, 'keep@example.org')).toBeDefined();
    const erased = await store.db
      .selectFrom('subscriber_events')
      .selectAll()
      .where('kind', '=', 'erased')
      .execute();
    expect(erased).toEqual([
      expect.objectContaining({ subscriber_id: null, at: later(3).toISOString(), consent: null }),
    ]);
    expect(
      await eraseSubscriber(store, 'dora.private@example.org', {
        secret,
        source: 'cli',
        now: later(4),
      }),
    ).toBe('not-found');
  });

  it('keeps suppressions through erasure and a re-import, under the same secret only', async () => {
    const store = await openTracked(await newTarget());
    await upsertSubscriber(store, {
      address: 'eve@example.org',
      status: 'active',
      source: 'import',
      now: t0,
    });
    await addSuppression(store, {
      address: 'EVE@example.org',
      reason: 'unsubscribed',
      secret,
      now: later(1),
    });
    await eraseSubscriber(store, 'eve@example.org', { secret, source: 'cli', now: later(2) });
    // The old list imported again: the row comes back, the suppression never left.
    const reimported = await upsertSubscriber(store, {
      address: 'eve@example.org',
      status: 'active',
      source: 'import',
      now: later(3),
    });
    expect(reimported.created).toBe(true);
    expect(await isSuppressed(store, 'eve@example.org', secret)).toBe(true);
    expect(await isSuppressed(store, 'eve@example.org', 'another-secret-0123456789')).toBe(false);
    expect(await isSuppressed(store, 'frank@example.org', secret)).toBe(false);
    const rows = await store.db.selectFrom('suppressions').selectAll().execute();
    // One suppression, with the first reason.
    expect(rows.map((row) => row.reason)).toEqual(['unsubscribed']);
  });

  it('streams every active subscriber exactly once, in id order, across page boundaries', async () => {
    const store = await openTracked(await newTarget());
    // 2,503 active among 3,000, the others spread between them.
    const others: SubscriberStatus[] = ['pending', 'unsubscribed', 'bounced', 'complained'];
    const statuses = Array.from(
      { length: 3000 },
      (_, index): SubscriberStatus =>
        index % 6 === 5 && index < 2982 ? (others[index % 4] ?? 'pending') : 'active',
    );
    expect(statuses.filter((status) => status === 'active')).toHaveLength(2503);
    await insertMany(store, statuses);

    const seen: number[] = [];
    for await (const subscriber of streamActive(store, 500)) {
      expect(subscriber.status).toBe('active');
      seen.push(subscriber.id);
    }
    const active = await store.db
      .selectFrom('subscribers')
      .select('id')
      .where('status', '=', 'active')
      .orderBy('id')
      .execute();
    expect(seen).toHaveLength(2503);
    expect(seen).toEqual(active.map((row) => Number(row.id)));
    expect(new Set(seen).size).toBe(2503);
  });

  it('counts exactly whom streamActive yields at a cut-off, without reading them', async () => {
    const store = await openTracked(await newTarget());
    await insertMany(store, ['active', 'pending', 'active', 'unsubscribed', 'active']);
    // Confirmed after the cut-off: not counted, as not streamed.
    await store.db
      .insertInto('subscribers')
      .values({
        address: 'late@example.org',
        name: null,
        attributes: '{}',
        status: 'active',
        source: 'form',
        created_at: t0.toISOString(),
        confirmed_at: later(10).toISOString(),
        changed_at: later(10).toISOString(),
      })
      .execute();
    for (const cutOff of [later(5), later(20)]) {
      let streamed = 0;
      for await (const _ of streamActive(store, 2, cutOff)) streamed++;
      expect(await countActive(store, cutOff)).toBe(streamed);
    }
    expect(await countActive(store, later(5))).toBe(3);
    expect(await countActive(store, later(20))).toBe(4);
  });

  it('reads every suppression under this secret a page at a time into a compact set', async () => {
    const store = await openTracked(await newTarget());
    const addresses = Array.from({ length: 7 }, (_, i) => `gone${i}@example.org`);
    for (const address of addresses)
      await addSuppression(store, { address, reason: 'unsubscribed', secret, now: t0 });
    await addSuppression(store, {
      address: 'other@example.org',
      reason: 'bounced',
      secret: `${secret}-old`,
      now: t0,
    });
    const hashes = await suppressedHashes(store, secret, 2);
    expect(hashes.size).toBe(7);
    for (const address of addresses) expect(hashes.has(addressHash(address, secret))).toBe(true);
    expect(hashes.has(addressHash('other@example.org', secret))).toBe(false);
  });

  it('streams a list that fills its last page exactly, and an empty one', async () => {
    const store = await openTracked(await newTarget());
    const none: number[] = [];
    for await (const subscriber of streamActive(store, 500)) none.push(subscriber.id);
    expect(none).toEqual([]);
    await insertMany(
      store,
      Array.from({ length: 1000 }, (): SubscriberStatus => 'active'),
    );
    let count = 0;
    for await (const _ of streamActive(store, 500)) count++;
    expect(count).toBe(1000);
  });

  it('counts subscribers by status', async () => {
    const store = await openTracked(await newTarget());
    await insertMany(store, [
      'active',
      'active',
      'pending',
      'bounced',
      'active',
      'complained',
      'unsubscribed',
      'unsubscribed',
    ]);
    expect(await countByStatus(store)).toEqual({
      pending: 1,
      active: 3,
      unsubscribed: 2,
      bounced: 1,
      complained: 1,
    });
  });
}

describe('the subscriber store on SQLite', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });
  storeSuite(async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'storyline-store-'));
    dirs.push(dir);
    return { engine: 'sqlite', file: path.join(dir, '.storyline', 'storyline.db') };
  });

  it('runs in WAL mode with a busy timeout', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'storyline-store-'));
    dirs.push(dir);
    const file = path.join(dir, 'wal.db');
    const store = await openStore({ engine: 'sqlite', file });
    try {
      const { default: BetterSqlite3 } = await import('better-sqlite3');
      const reader = new BetterSqlite3(file, { readonly: true });
      expect(reader.pragma('journal_mode', { simple: true })).toBe('wal');
      reader.close();
      const timeout = await sql<{ timeout: number }>`pragma busy_timeout`.execute(store.db);
      expect(timeout.rows[0]?.timeout).toBe(5000);
    } finally {
      await store.close();
    }
  });
});

describe.skipIf('missing' in postgres)('the subscriber store on PostgreSQL', () => {
  const databases = 'bin' in postgres ? usePostgresDatabases(postgres.bin, 'store') : undefined;
  const newDatabase = async () => {
    if (!databases) throw new Error('no cluster');
    return databases();
  };
  storeSuite(async () => ({ engine: 'postgres', connectionString: await newDatabase() }));

  it('two pools opening and upserting the same addresses at once make one row and one event each', async () => {
    const target = { engine: 'postgres', connectionString: await newDatabase() } as const;
    // Both migrate on first use at the same moment: the migrator's lock lets one do it.
    const [a, b] = await Promise.all([
      openStore(target, { poolSize: 8 }),
      openStore(target, { poolSize: 8 }),
    ]);
    try {
      expect([...a.migrated, ...b.migrated]).toEqual([
        '0001_initial',
        '0002_send_event_source',
        '0003_catch_ups',
        '0004_confirmations',
        '0005_bounces',
        '0006_confirmation_mail_sent',
        '0007_deliveries',
      ]);
      const addresses = Array.from({ length: 200 }, (_, index) => `same${index}@example.org`);
      const writes = (store: Store, offset: number) =>
        addresses.map((address) =>
          upsertSubscriber(store, {
            address,
            status: 'active',
            source: 'import',
            now: later(offset),
          }),
        );
      const results = await Promise.all([...writes(a, 0), ...writes(b, 1)]);
      expect(results.filter((result) => result.created)).toHaveLength(200);
      const unsubscribes = (store: Store) =>
        addresses.map((address) =>
          setStatus(store, address, 'unsubscribed', { source: 'cli', now: later(2) }),
        );
      const outcomes = await Promise.all([...unsubscribes(a), ...unsubscribes(b)]);
      expect(outcomes.filter((outcome) => outcome === 'changed')).toHaveLength(200);

      expect((await countByStatus(a)).unsubscribed).toBe(200);
      const rows = await a.db.selectFrom('subscribers').select('address').execute();
      expect(new Set(rows.map((row) => row.address)).size).toBe(rows.length);
      expect(rows).toHaveLength(200);
      const kinds = await a.db
        .selectFrom('subscriber_events')
        .select((eb) => ['kind', eb.fn.countAll().as('count')])
        .groupBy('kind')
        .orderBy('kind')
        .execute();
      expect(kinds.map((row) => [row.kind, Number(row.count)])).toEqual([
        ['subscribed', 200],
        ['unsubscribed', 200],
      ]);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});
