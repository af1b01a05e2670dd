import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Migrator } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import type { BounceEvent } from '../../src/bounces/BounceEvent.js';
import { encodeVerpId } from '../../src/bounces/verpId.js';
import { addressHash } from '../../src/ledger/addressHash.js';
import { journalPath } from '../../src/ledger/archivePaths.js';
import { compactedJournal } from '../../src/ledger/compactedJournal.js';
import { Journal } from '../../src/ledger/Journal.js';
import { secretId } from '../../src/ledger/secretId.js';
import type { StoreTarget } from '../../src/store/databaseUrl.js';
import { findSubscriber } from '../../src/store/findSubscriber.js';
import { openStore } from '../../src/store/openStore.js';
import type { Store } from '../../src/store/Store.js';
import { storeMigrationProvider } from '../../src/store/storeMigrations.js';
import { subscriberEvents } from '../../src/store/subscriberEvents.js';
import { upsertSubscriber } from '../../src/store/upsertSubscriber.js';
import { applyBounceEvents } from '../../src/usecases/applyBounceEvents.js';
import { writeFileAtomic } from '../../src/util/writeFileAtomic.js';
import { editionRecordJson, fixture } from '../helpers/fixture.js';
import { openUnmigrated } from '../helpers/openUnmigrated.js';
import { findPostgresBin, usePostgresDatabases } from '../helpers/postgresCluster.js';

const secret = 'bounce-test-secret-0123456789';
const config = { bounces: { soft: { count: 3, of: 5 } } };
const now = () => new Date('2014-03-01T12:00:00.000Z');
const editions = ['e1', 'e2', 'e3', 'e4', 'e5', 'e6'];
const addresses = ['ada@example.org', 'bea@example.org', 'cy@example.org', 'dee@example.org'];

const postgres = findPostgresBin();
if ('missing' in postgres) console.log(postgres.missing);

/** A root whose archive holds editions e1…e6, a day apart, each sent to 200. */
async function projectRoot(): Promise<string> {
  const files: Record<string, string> = {};
  editions.forEach((id, index) => {
    files[`archive/${id}/edition.json`] = editionRecordJson({
      id,
      updates: [id],
      complete: true,
      startedAt: `2014-02-${String(10 + index).padStart(2, '0')}T09:00:00.000Z`,
      counts: { sent: 200, failed: 0, suppressed: 0, deferred: 0 },
    });
  });
  return fixture(files);
}

let serial = 0;
function event(
  kind: BounceEvent['kind'],
  recipient: BounceEvent['recipient'],
  extra: Partial<BounceEvent> = {},
): BounceEvent {
  return {
    kind,
    source: 'dsn',
    recipient,
    eventId: `<report-${++serial}@mx.example.net>`,
    at: '2014-03-01T10:00:00.000Z',
    status: kind === 'hard' ? '5.1.1' : kind === 'soft' ? '4.2.2' : undefined,
    ...extra,
  };
}

const verp = (edition: string, address: string) =>
  `bounces+${encodeVerpId(edition, addressHash(address, secret))}@bounces.example.org`;

/** What the policy left, read the same way whether it kept it in a store or in archive/. */
interface Outcome {
  suppressed(address: string): Promise<string | undefined>;
  status(address: string): Promise<string | undefined>;
  events(address: string): Promise<{ kind: string; source: string }[]>;
}

function policySuite(newStore: (() => Promise<Store>) | undefined) {
  const open: Store[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((store) => store.close()));
  });

  async function setUp() {
    const root = await projectRoot();
    let store: Store | undefined;
    if (newStore) {
      store = await newStore();
      open.push(store);
      for (const address of addresses)
        await upsertSubscriber(store, { address, status: 'active', source: 'import', now: now() });
    }
    const apply = applyBounceEvents({ root, config, store, secret, now });
    const outcome: Outcome = store
      ? {
          suppressed: async (address) =>
            (
              await store.db
                .selectFrom('suppressions')
                .select('reason')
                .where('hash', '=', addressHash(address, secret))
                .where('key', '=', secretId(secret))
                .executeTakeFirst()
            )?.reason,
          status: async (address) => (await findSubscriber(store, address))?.status,
          events: async (address) => {
            const found = await findSubscriber(store, address);
            return found
              ? (await subscriberEvents(store, found.id))
                  .filter((e) => e.kind !== 'subscribed')
                  .map(({ kind, source }) => ({ kind, source }))
              : [];
          },
        }
      : {
          suppressed: async (address) => {
            const text = await readFile(
              path.join(root, 'archive/suppressions.jsonl'),
              'utf8',
            ).catch(() => '');
            const hash = addressHash(address, secret);
            return text
              .split('\n')
              .filter(Boolean)
              .map((line) => JSON.parse(line) as { hash: string; reason: string })
              .find((entry) => entry.hash === hash)?.reason;
          },
          status: async () => undefined,
          events: async () => [],
        };
    return { root, store, apply, outcome };
  }

  it('suppresses a hard bounce at once and marks the subscriber bounced', async () => {
    const { apply, outcome, store } = await setUp();
    expect(await apply([event('hard', { verp: verp('e6', 'ada@example.org') })])).toEqual({
      applied: 1,
      duplicates: 0,
      unmatched: 0,
    });
    expect(await outcome.suppressed('ada@example.org')).toBe('bounced');
    expect(await outcome.suppressed('bea@example.org')).toBeUndefined();
    if (store) {
      expect(await outcome.status('ada@example.org')).toBe('bounced');
      expect(await outcome.status('bea@example.org')).toBe('active');
      expect(await outcome.events('ada@example.org')).toEqual([{ kind: 'bounced', source: 'dsn' }]);
      const [row] = await store.db.selectFrom('bounce_events').selectAll().execute();
      expect(row).toMatchObject({ kind: 'hard', edition: 'e6', source: 'dsn', status: '5.1.1' });
    }
  });

  it('suppresses soft bounces only once 3 of the last 5 editions had one', async () => {
    const { apply, outcome, store } = await setUp();
    const soft = (edition: string) => event('soft', { verp: verp(edition, 'bea@example.org') });
    // e1 is older than the last five (e2…e6): it does not count.
    await apply([soft('e1'), soft('e3')]);
    // Two reports about one edition are one edition with a soft bounce.
    await apply([soft('e5'), soft('e5')]);
    expect(await outcome.suppressed('bea@example.org')).toBeUndefined();
    if (store) expect(await outcome.status('bea@example.org')).toBe('active');
    expect(await apply([soft('e6')])).toEqual({ applied: 1, duplicates: 0, unmatched: 0 });
    expect(await outcome.suppressed('bea@example.org')).toBe('bounced');
    if (store) {
      expect(await outcome.status('bea@example.org')).toBe('bounced');
      expect(await outcome.events('bea@example.org')).toEqual([
        ...Array.from({ length: 5 }, () => ({ kind: 'soft-bounced', source: 'dsn' })),
        { kind: 'bounced', source: 'dsn' },
      ]);
    }
  });

  it('marks a complaint complained and suppresses it', async () => {
    const { apply, outcome, store } = await setUp();
    const complaint = event(
      'complaint',
      { address: 'cy@example.org' },
      { source: 'ses', eventId: 'ses-feedback-1' },
    );
    expect(await apply([complaint])).toEqual({ applied: 1, duplicates: 0, unmatched: 0 });
    expect(await outcome.suppressed('cy@example.org')).toBe('complained');
    if (store) {
      expect(await outcome.status('cy@example.org')).toBe('complained');
      expect(await outcome.events('cy@example.org')).toEqual([
        { kind: 'complained', source: 'ses' },
      ]);
    }
  });

  it('changes nothing for a report it has seen, in the same batch or a later one', async () => {
    const { apply, outcome, root, store } = await setUp();
    const soft = event('soft', { verp: verp('e6', 'dee@example.org') }, { eventId: 'same-id' });
    expect(await apply([soft, soft])).toEqual({ applied: 1, duplicates: 1, unmatched: 0 });
    const logBefore = await readFile(path.join(root, 'archive/bounces.jsonl'), 'utf8').catch(
      () => '',
    );
    // The same id from another source is another report.
    expect(await apply([soft, { ...soft, source: 'postmark' }])).toEqual({
      applied: 1,
      duplicates: 1,
      unmatched: 0,
    });
    expect(await apply([soft])).toEqual({ applied: 0, duplicates: 1, unmatched: 0 });
    expect(await outcome.suppressed('dee@example.org')).toBeUndefined();
    if (store) {
      expect(await store.db.selectFrom('bounce_events').selectAll().execute()).toHaveLength(2);
      expect(await outcome.events('dee@example.org')).toHaveLength(2);
    } else {
      const log = await readFile(path.join(root, 'archive/bounces.jsonl'), 'utf8');
      expect(log.split('\n').filter(Boolean)).toHaveLength(2);
      expect(log.startsWith(logBefore)).toBe(true);
      // Committed: hashes only, neither the address nor the report's id.
      expect(log).not.toContain('dee@');
      expect(log).not.toContain('same-id');
    }
  });

  it('counts what it cannot match, and believes a bare address only from a signed webhook', async () => {
    const { apply, outcome } = await setUp();
    const result = await apply([
      event('hard', { verp: 'bounces+notanid@bounces.example.org' }),
      event('hard', { messageId: '<e6.AAAAAAAAAAAAAAAA@example.org>' }),
      event('hard', { messageId: '<elsewhere@example.net>' }),
      // A mailed DSN naming only an address could come from anyone.
      event('hard', { address: 'ada@example.org' }),
      event('hard', { address: 'bea@example.org' }, { source: 'postmark', eventId: 'pm-1' }),
    ]);
    expect(result).toEqual({ applied: 1, duplicates: 0, unmatched: 4 });
    expect(await outcome.suppressed('ada@example.org')).toBeUndefined();
    expect(await outcome.suppressed('bea@example.org')).toBe('bounced');
  });

  it('matches a bounce without its VERP address by the original Message-ID, through the journal', async () => {
    const { apply, outcome, root } = await setUp();
    const hash = addressHash('dee@example.org', secret);
    const journal = await Journal.open(journalPath(root, 'e4'), secretId(secret), {
      edition: 'e4',
      from: now().toISOString(),
    });
    journal.append({ at: now().toISOString(), hash, status: 'sent', attempt: 1 });
    journal.close();
    const messageId = `<e4.${hash.slice(0, 16)}@example.org>`;
    expect(await apply([event('hard', { messageId })])).toEqual({
      applied: 1,
      duplicates: 0,
      unmatched: 0,
    });
    expect(await outcome.suppressed('dee@example.org')).toBe('bounced');
  });

  it('completes the Message-ID prefix from a compacted journal', async () => {
    const { apply, outcome, root } = await setUp();
    const hash = addressHash('dee@example.org', secret);
    const file = journalPath(root, 'e4');
    const journal = await Journal.open(file, secretId(secret), {
      edition: 'e4',
      from: now().toISOString(),
    });
    journal.append({ at: now().toISOString(), hash, status: 'sending', attempt: 1 });
    journal.append({ at: now().toISOString(), hash, status: 'sent', attempt: 1 });
    journal.close();
    await writeFileAtomic(file, compactedJournal(file, { key: secretId(secret), edition: 'e4' }));
    expect((await readFile(file, 'utf8')).split('\n')[1]).toBe(`${hash}s`);
    const messageId = `<e4.${hash.slice(0, 16)}@example.org>`;
    expect(await apply([event('hard', { messageId })])).toEqual({
      applied: 1,
      duplicates: 0,
      unmatched: 0,
    });
    expect(await outcome.suppressed('dee@example.org')).toBe('bounced');
  });
}

describe('the bounce policy without a store (archive/)', () => {
  policySuite(undefined);
});

describe('the bounce policy on SQLite', () => {
  policySuite(async () => {
    const root = await fixture({});
    return openStore({ engine: 'sqlite', file: path.join(root, 'store.db') });
  });
});

describe.skipIf('missing' in postgres)('the bounce policy on PostgreSQL', () => {
  const databases = 'bin' in postgres ? usePostgresDatabases(postgres.bin, 'bounces') : undefined;
  policySuite(async () => {
    if (!databases) throw new Error('no cluster');
    return openStore({ engine: 'postgres', connectionString: await databases() });
  });
});

describe('migration 0005 on SQLite', () => {
  it('takes a version 4 store to bounce events, keeping its subscribers and events', async () => {
    const root = await fixture({});
    const target: StoreTarget = { engine: 'sqlite', file: path.join(root, 'v4.db') };
    const old = openUnmigrated(target);
    try {
      const migrator = new Migrator({ db: old, provider: storeMigrationProvider('sqlite') });
      expect((await migrator.migrateTo('0004_confirmations')).error).toBeUndefined();
      const at = now().toISOString();
      const row = await old
        .insertInto('subscribers')
        .values({
          address: 'ada@example.org',
          name: 'Ada',
          attributes: '{}',
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
        .values({
          subscriber_id: Number(row.id),
          kind: 'subscribed',
          at,
          source: 'send',
          consent: 'ok',
        })
        .execute();
    } finally {
      await old.destroy();
    }
    const store = await openStore(target);
    try {
      expect(store.migrated).toEqual([
        '0005_bounces',
        '0006_confirmation_mail_sent',
        '0007_deliveries',
      ]);
      const apply = applyBounceEvents({ root, config, store, secret, now });
      expect(
        await apply([event('complaint', { address: 'ada@example.org' }, { source: 'mailgun' })]),
      ).toEqual({
        applied: 1,
        duplicates: 0,
        unmatched: 0,
      });
      const ada = await findSubscriber(store, 'ada@example.org');
      expect(ada?.status).toBe('complained');
      expect(
        (await subscriberEvents(store, ada?.id ?? -1)).map(({ kind, source, consent }) => ({
          kind,
          source,
          consent,
        })),
      ).toEqual([
        { kind: 'subscribed', source: 'send', consent: 'ok' },
        { kind: 'complained', source: 'mailgun', consent: undefined },
      ]);
    } finally {
      await store.close();
    }
  });
});
