import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/configSchema.js';
import { loadConfig } from '../../src/config/loadConfig.js';
import { outboxTransport } from '../../src/deliver/transports/outboxTransport.js';
import { hashConfirmationToken, newConfirmationToken } from '../../src/serve/confirmationToken.js';
import { resendUnsentConfirmations } from '../../src/serve/resendUnsentConfirmations.js';
import type { ServeContext } from '../../src/serve/ServeContext.js';
import { confirmationValidMs } from '../../src/serve/signUp.js';
import {
  claimConfirmationMail,
  markConfirmationSent,
} from '../../src/store/claimConfirmationMail.js';
import { confirmSubscriber } from '../../src/store/confirmSubscriber.js';
import type { Database } from '../../src/store/Database.js';
import type { StoreTarget } from '../../src/store/databaseUrl.js';
import { openStore } from '../../src/store/openStore.js';
import type { Store } from '../../src/store/Store.js';
import { storeMigrationProvider } from '../../src/store/storeMigrations.js';
import { upsertSubscriber } from '../../src/store/upsertSubscriber.js';
import { fixture, storyMd } from '../helpers/fixture.js';
import { findPostgresBin, usePostgresDatabases } from '../helpers/postgresCluster.js';
import { confirmTokenIn, serveSecret } from '../helpers/serveFixture.js';

const postgres = findPostgresBin();
if ('missing' in postgres) console.log(postgres.missing);

const t0 = new Date('2026-03-01T12:00:00.000Z');
const at = (ms: number) => new Date(t0.getTime() + ms);
const leaseMs = 120_000;
const hourMs = 60 * 60 * 1000;
const consent = 'Email me each update.';

/** One serve process's view: its own store connection, clock and outbox. */
interface Sweeper {
  context: ServeContext;
  clock: { now: Date };
  mails(): Promise<string[]>;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function sweeper(
  root: string,
  config: Config,
  target: StoreTarget,
  shared?: Store,
): Promise<Sweeper> {
  const store = shared ?? (await openStore(target));
  const outbox = path.join(root, '.storyline', 'outbox', `sweeper-${cleanups.length}`);
  let count = 0;
  const transport = outboxTransport(outbox, {
    root,
    fileName: () => `${String(++count).padStart(5, '0')}.eml`,
  });
  cleanups.push(async () => {
    await transport.close();
    if (!shared) await store.close();
  });
  const clock = { now: t0 };
  const context: ServeContext = {
    root,
    config,
    store,
    secret: serveSecret,
    transport,
    now: () => clock.now,
    publicUrl: () => 'https://news.example.org/brief/',
    suppressionsFile: false,
    onConfirmed: undefined,
    track: () => {},
    log: () => {},
  };
  return {
    context,
    clock,
    async mails() {
      const names = await readdir(outbox).catch(() => [] as string[]);
      return Promise.all(names.sort().map((name) => readFile(path.join(outbox, name), 'utf8')));
    },
  };
}

async function contentRoot(): Promise<{ root: string; config: Config }> {
  const root = await fixture({
    'story.md': storyMd,
    'storyline.config.json': JSON.stringify({
      publication: 'The Syria Brief',
      from: 'The Syria Brief <brief@example.org>',
      siteUrl: 'https://example.org/syria-talks/',
      serve: { publicUrl: 'https://news.example.org/brief/' },
    }),
  });
  const { config } = await loadConfig(root);
  return { root, config };
}

/** What a process killed between the claim and the SMTP exchange leaves: a claimed link, never sent. */
async function claimWithoutSending(store: Store, address: string, now: Date): Promise<number> {
  const { id } = await upsertSubscriber(store, { address, status: 'pending', source: 'form', now });
  const claimed = await claimConfirmationMail(store, {
    subscriberId: id,
    tokenHash: newConfirmationToken().hash,
    now,
    intervalMs: hourMs,
    validMs: confirmationValidMs,
  });
  expect(claimed).toBe(true);
  return id;
}

const recipientOf = (mail: string) => /^To: (.*)$/m.exec(mail)?.[1]?.trim();

function sweepSuite(newTarget: (root: string) => Promise<StoreTarget>) {
  it('mails a link left unsent once its lease ran out, once, with a new token that confirms', async () => {
    const { root, config } = await contentRoot();
    const target = await newTarget(root);
    const a = await sweeper(root, config, target);
    const { store } = a.context;
    const id = await claimWithoutSending(store, 'ada@example.org', t0);
    const [old] = await store.db.selectFrom('confirmations').select('token_hash').execute();

    // Within the lease the claiming process may still be sending it.
    a.clock.now = at(leaseMs - 1);
    expect(await resendUnsentConfirmations(a.context, { leaseMs })).toBe(0);
    expect(await a.mails()).toEqual([]);

    a.clock.now = at(leaseMs);
    expect(await resendUnsentConfirmations(a.context, { leaseMs })).toBe(1);
    a.clock.now = at(leaseMs + 60_000);
    expect(await resendUnsentConfirmations(a.context, { leaseMs })).toBe(0);
    const mails = await a.mails();
    expect(mails).toHaveLength(1);
    expect(recipientOf(mails[0] as string)).toContain('ada@example.org');

    const rows = await store.db
      .selectFrom('confirmations')
      .select(['token_hash', 'sent_at', 'created_at'])
      .execute();
    // The unsent link is gone (its token was never mailed); the new one is recorded as sent.
    expect(rows).toEqual([
      {
        token_hash: hashConfirmationToken(confirmTokenIn(mails[0] as string)),
        created_at: at(leaseMs).toISOString(),
        sent_at: at(leaseMs).toISOString(),
      },
    ]);
    expect(rows[0]?.token_hash).not.toBe(old?.token_hash);
    const result = await confirmSubscriber(store, {
      tokenHash: rows[0]?.token_hash as string,
      now: at(leaseMs + 120_000),
      secret: serveSecret,
      consent,
    });
    expect(result).toMatchObject({ kind: 'confirmed', subscriberId: id });
  });

  it('mails each of 30 unsent links once when two sweepers run at once', async () => {
    const { root, config } = await contentRoot();
    const target = await newTarget(root);
    const a = await sweeper(root, config, target);
    // better-sqlite3 is synchronous: a second connection in this process waiting on the
    // first's write lock would block the thread the first needs to commit. Two processes
    // on SQLite take turns; here the two sweepers share a connection, still racing for each
    // link between reading the candidates and taking them.
    const b = await sweeper(
      root,
      config,
      target,
      target.engine === 'sqlite' ? a.context.store : undefined,
    );
    const addresses = Array.from({ length: 30 }, (_, i) => `reader${i}@example.org`);
    for (const address of addresses) await claimWithoutSending(a.context.store, address, t0);
    a.clock.now = at(leaseMs + 1);
    b.clock.now = at(leaseMs + 1);
    const [byA, byB] = await Promise.all([
      resendUnsentConfirmations(a.context, { leaseMs }),
      resendUnsentConfirmations(b.context, { leaseMs }),
    ]);
    expect(byA + byB).toBe(30);
    const mails = [...(await a.mails()), ...(await b.mails())];
    expect(mails.map(recipientOf).sort()).toEqual(
      [...addresses].sort().map((address) => expect.stringContaining(address)),
    );
    const unsent = await a.context.store.db
      .selectFrom('confirmations')
      .select('token_hash')
      .where('sent_at', 'is', null)
      .execute();
    expect(unsent).toEqual([]);
  });

  it('leaves alone links that were sent, used or have expired, and subscribers no longer pending', async () => {
    const { root, config } = await contentRoot();
    const target = await newTarget(root);
    const a = await sweeper(root, config, target);
    const { store } = a.context;
    await claimWithoutSending(store, 'sent@example.org', t0);
    const [sent] = await store.db.selectFrom('confirmations').select('token_hash').execute();
    await markConfirmationSent(store, sent?.token_hash as string, t0);
    const used = await claimWithoutSending(store, 'used@example.org', t0);
    const usedRow = await store.db
      .selectFrom('confirmations')
      .select('token_hash')
      .where('subscriber_id', '=', used)
      .executeTakeFirstOrThrow();
    await confirmSubscriber(store, {
      tokenHash: usedRow.token_hash,
      now: at(1000),
      secret: serveSecret,
      consent,
    });
    await claimWithoutSending(store, 'expired@example.org', at(-confirmationValidMs));
    const bounced = await claimWithoutSending(store, 'bounced@example.org', t0);
    await store.db
      .updateTable('subscribers')
      .set({ status: 'bounced' })
      .where('id', '=', bounced)
      .execute();
    a.clock.now = at(leaseMs + 1);
    expect(await resendUnsentConfirmations(a.context, { leaseMs })).toBe(0);
    expect(await a.mails()).toEqual([]);
  });

  it('migrates a version 5 store, taking the links already there as sent', async () => {
    const { root, config } = await contentRoot();
    const target = await newTarget(root);
    const old = openUnmigrated(target);
    try {
      const migrator = new Migrator({ db: old, provider: storeMigrationProvider(target.engine) });
      expect((await migrator.migrateTo('0005_bounces')).error).toBeUndefined();
      const row = await old
        .insertInto('subscribers')
        .values({
          address: 'ada@example.org',
          name: null,
          attributes: '{}',
          status: 'pending',
          source: 'form',
          created_at: t0.toISOString(),
          confirmed_at: null,
          changed_at: t0.toISOString(),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      // Written as 0005 knew the table: no sent_at.
      await old
        .insertInto('confirmations')
        .values({
          token_hash: 'old-link',
          subscriber_id: Number(row.id),
          created_at: t0.toISOString(),
          expires_at: at(confirmationValidMs).toISOString(),
          used_at: null,
        } as Database['confirmations'])
        .execute();
    } finally {
      await old.destroy();
    }
    const a = await sweeper(root, config, target);
    expect(a.context.store.migrated).toEqual(['0006_confirmation_mail_sent', '0007_deliveries']);
    expect(
      await a.context.store.db
        .selectFrom('confirmations')
        .select(['token_hash', 'sent_at'])
        .execute(),
    ).toEqual([{ token_hash: 'old-link', sent_at: t0.toISOString() }]);
    a.clock.now = at(leaseMs + 1);
    expect(await resendUnsentConfirmations(a.context, { leaseMs })).toBe(0);
  });
}

function openUnmigrated(target: StoreTarget): Kysely<Database> {
  if (target.engine === 'sqlite')
    return new Kysely<Database>({
      dialect: new SqliteDialect({ database: new BetterSqlite3(target.file) }),
    });
  return new Kysely<Database>({
    dialect: new PostgresDialect({
      pool: new pg.Pool({ connectionString: target.connectionString, max: 2 }),
    }),
  });
}

describe('the confirmation sweep on SQLite', () => {
  sweepSuite(async (root) => ({ engine: 'sqlite', file: path.join(root, 'sweep.db') }));
});

describe.skipIf('missing' in postgres)('the confirmation sweep on PostgreSQL', () => {
  const databases = 'bin' in postgres ? usePostgresDatabases(postgres.bin, 'sweep') : undefined;
  sweepSuite(async () => {
    if (!databases) throw new Error('no cluster');
    return { engine: 'postgres', connectionString: await databases() };
  });
});
