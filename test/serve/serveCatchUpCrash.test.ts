import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { StoreTarget } from '../../src/store/databaseUrl.js';
import { openStore } from '../../src/store/openStore.js';
import { catchUpConfig, catchUpStory } from '../helpers/catchUpFixture.js';
import { findPostgresBin, usePostgresDatabases } from '../helpers/postgresCluster.js';
import { seededRandom } from '../helpers/seededRandom.js';
import { confirmTokenIn } from '../helpers/serveFixture.js';
import { type SinkMessage, type SmtpSink, startSmtpSink } from '../helpers/smtpSink.js';
import { freePort, type ServeProcess, spawnServe } from '../helpers/spawnServe.js';

const postgres = findPostgresBin();
if ('missing' in postgres) console.log(postgres.missing);

const secret = 'catch-up-crash-secret-0123456789';
const form = { 'content-type': 'application/x-www-form-urlencoded' };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The catch-up story with serve's limits off (one client signs up everyone) and a short lease. */
async function crashStory(): Promise<string> {
  return catchUpStory({
    'storyline.config.json': JSON.stringify({
      ...catchUpConfig,
      catchUp: { inFull: 2, leaseSeconds: 2 },
      serve: { limits: { signUpsPerMinute: 0, requestsPerMinute: 0 } },
    }),
  });
}

/** A POST's status, or undefined when the service is down or died while answering. */
async function post(url: string, body: string): Promise<number | undefined> {
  try {
    const response = await fetch(url, { method: 'POST', headers: form, body, redirect: 'manual' });
    await response.text();
    return response.status;
  } catch {
    return undefined;
  }
}

/** POSTs until an answer comes (the service may be restarting), for at most `ms`. */
async function postUntilAnswered(url: string, body: string, ms = 60_000): Promise<number> {
  const deadline = Date.now() + ms;
  for (;;) {
    const status = await post(url, body);
    if (status !== undefined) return status;
    if (Date.now() > deadline) throw new Error(`no answer from ${url}`);
    await sleep(50);
  }
}

const isCatchUp = (message: SinkMessage) =>
  /^Subject: The story so far/m.test(message.raw.toString('utf8'));

function confirmationsTo(sink: SmtpSink, address: string): SinkMessage[] {
  return sink.messages.filter((message) => message.rcpt.includes(address) && !isCatchUp(message));
}

function messageIdOf(message: SinkMessage): string {
  return /^Message-ID:\s*(<[^>]+>)/im.exec(message.raw.toString('utf8'))?.[1] ?? '';
}

/**
 * Signs `address` up through `base`, waits for its confirmation mail and
 * confirms it. A kill between the claim and the send leaves the link
 * unsent; a restarted service mails a fresh link once the claim's lease has
 * run out, and the first link (if a kill came between the relay's 250 and
 * the record of it) no longer works: each link that comes is tried in turn.
 * False when no working link came within 30 seconds.
 */
async function signUpAndConfirm(
  sink: SmtpSink,
  base: () => string,
  address: string,
): Promise<boolean> {
  const status = await postUntilAnswered(
    `${base()}subscribe`,
    `email=${encodeURIComponent(address)}`,
  );
  expect(status).toBe(200);
  const deadline = Date.now() + 30_000;
  let tried = 0;
  while (Date.now() < deadline) {
    const mails = confirmationsTo(sink, address);
    if (mails.length <= tried) {
      await sleep(25);
      continue;
    }
    const token = confirmTokenIn((mails[tried++] as SinkMessage).raw.toString('utf8'));
    const answer = await postUntilAnswered(`${base()}confirm`, `token=${token}`);
    if (answer === 200) return true;
    // Only a link replaced by a later one may be refused.
    expect(answer).toBe(400);
  }
  return false;
}

/** Catch-up ids serve said it took over from a killed process (possibly sent twice). */
function resumedIds(stdout: string): Set<number> {
  const ids = new Set<number>();
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    const entry = JSON.parse(line) as { event?: string; warning?: string };
    const id = entry.event === 'catch-up-resumed' && /catch-up (\d+) /.exec(entry.warning ?? '');
    if (id) ids.add(Number(id[1]));
  }
  return ids;
}

/** Confirmation links serve mailed again because a killed process had claimed but not sent them. */
function resentLinks(stdout: string): number {
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { event?: string; resent?: boolean })
    .filter((entry) => entry.event === 'confirmation-mailed' && entry.resent).length;
}

/** Waits until no catch-up is due or sending; returns the rows with their addresses. */
async function settledCatchUps(target: StoreTarget) {
  const store = await openStore(target);
  try {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const open = await store.db
        .selectFrom('catch_ups')
        .select('id')
        .where('status', 'in', ['due', 'sending'])
        .execute();
      if (open.length === 0) break;
      if (Date.now() > deadline) throw new Error(`${open.length} catch-ups still open`);
      await sleep(200);
    }
    const rows = await store.db
      .selectFrom('catch_ups')
      .innerJoin('subscribers', 'subscribers.id', 'catch_ups.subscriber_id')
      .select([
        'catch_ups.id as id',
        'catch_ups.status as status',
        'catch_ups.message_id as messageId',
        'subscribers.address as address',
      ])
      .execute();
    const active = await store.db
      .selectFrom('subscribers')
      .select('address')
      .where('status', '=', 'active')
      .execute();
    return { rows, active: active.map((row) => row.address).sort() };
  } finally {
    await store.close();
  }
}

describe('storyline serve: each confirmed reader gets one catch-up', () => {
  it('through SIGKILLs at seeded moments during 200 sign-ups and confirmations, none lost and no second copy but a reported resume', async () => {
    const sink = await startSmtpSink();
    const root = await crashStory();
    const port = await freePort();
    const env = {
      STORYLINE_SECRET: secret,
      SMTP_URL: sink.url,
      STORYLINE_DATABASE_URL: 'sqlite:.storyline/crash.db',
      STORYLINE_SUBSCRIBERS: '',
    };
    const random = seededRandom(20261130);
    // 4 kills, each once this many confirmations are done, then a few milliseconds more.
    const killAt = Array.from({ length: 4 }, () => 20 + Math.floor(random() * 160)).sort(
      (a, b) => a - b,
    );
    const addresses = Array.from({ length: 200 }, (_, i) => `crash${i}@example.org`);
    let served: ServeProcess = await spawnServe(root, env, port);
    const base = () => served.url;
    let stdout = '';
    let kills = 0;
    let confirmedCount = 0;
    const confirmed: string[] = [];
    const neverMailed: string[] = [];
    try {
      let next = 0;
      const worker = async () => {
        while (next < addresses.length) {
          const address = addresses[next++] as string;
          if (await signUpAndConfirm(sink, base, address)) {
            confirmed.push(address);
            confirmedCount++;
          } else neverMailed.push(address);
        }
      };
      const workers = Promise.all(Array.from({ length: 8 }, worker));
      for (const threshold of killAt) {
        while (confirmedCount < threshold) await sleep(5);
        await sleep(Math.floor(random() * 200));
        served.child.kill('SIGKILL');
        const ended = await served.done;
        expect(ended.signal).toBe('SIGKILL');
        stdout += ended.stdout;
        kills++;
        served = await spawnServe(root, env, port);
      }
      await workers;
      const { rows, active } = await settledCatchUps({
        engine: 'sqlite',
        file: path.join(root, '.storyline', 'crash.db'),
      });
      served.child.kill('SIGTERM');
      const ended = await served.done;
      expect(ended.code, ended.stderr).toBe(0);
      stdout += ended.stdout;
      await sink.waitForIdle();

      expect(kills).toBe(4);
      // Every reader got a working confirmation link, whatever the kills cut off, and confirmed.
      expect(neverMailed).toEqual([]);
      expect(confirmed).toHaveLength(200);
      expect(active).toEqual([...addresses].sort());
      // One catch-up row each, sent.
      expect(rows.map((row) => row.address).sort()).toEqual(active);
      expect(rows.every((row) => row.status === 'sent')).toBe(true);

      const copies = new Map<string, SinkMessage[]>();
      for (const message of sink.messages.filter(isCatchUp))
        for (const rcpt of message.rcpt) copies.set(rcpt, [...(copies.get(rcpt) ?? []), message]);
      // None lost: every active reader got theirs.
      expect([...copies.keys()].sort()).toEqual(active);
      const resumed = resumedIds(stdout);
      let twice = 0;
      for (const row of rows) {
        const got = copies.get(row.address) ?? [];
        expect(got.map(messageIdOf).every((id) => id === row.messageId)).toBe(true);
        if (got.length > 1) {
          twice++;
          // A second copy only where serve said the row was resumed, with the same Message-ID.
          expect(resumed.has(Number(row.id)), `${row.address} got ${got.length}`).toBe(true);
          expect(got).toHaveLength(2);
        }
      }
      console.log(
        `crash test: ${kills} kills at ${killAt.join(', ')} confirmations; ${confirmed.length} confirmed, ${resentLinks(stdout)} confirmation links mailed again after a kill; ${resumed.size} catch-ups resumed, ${twice} delivered twice with the same Message-ID`,
      );
    } finally {
      if (served.child.exitCode === null && served.child.signalCode === null)
        served.child.kill('SIGKILL');
      await sink.close();
    }
  }, 240_000);
});

describe.skipIf('missing' in postgres)('storyline serve: two processes on one PostgreSQL', () => {
  const newDatabase =
    'bin' in postgres ? usePostgresDatabases(postgres.bin, 'serve_catch_up') : undefined;

  it('mails each catch-up once when two serve processes confirm different readers', async () => {
    const url = (await newDatabase?.()) ?? '';
    const sink = await startSmtpSink();
    const root = await crashStory();
    const env = {
      STORYLINE_SECRET: secret,
      SMTP_URL: sink.url,
      STORYLINE_DATABASE_URL: url,
      STORYLINE_SUBSCRIBERS: '',
    };
    const first = await spawnServe(root, env, await freePort());
    const second = await spawnServe(root, env, await freePort());
    try {
      const addresses = Array.from({ length: 60 }, (_, i) => `pair${i}@example.org`);
      await Promise.all(
        [first, second].map(async (served, which) => {
          for (const address of addresses.filter((_, i) => i % 2 === which))
            expect(await signUpAndConfirm(sink, () => served.url, address)).toBe(true);
        }),
      );
      const { rows, active } = await settledCatchUps({ engine: 'postgres', connectionString: url });
      expect(active).toEqual([...addresses].sort());
      expect(rows.every((row) => row.status === 'sent')).toBe(true);
      const catchUps = sink.messages.filter(isCatchUp);
      expect(catchUps.flatMap((message) => message.rcpt).sort()).toEqual(active);
    } finally {
      for (const served of [first, second]) served.child.kill('SIGTERM');
      const ended = await Promise.all([first.done, second.done]);
      expect(ended.map((result) => result.code)).toEqual([0, 0]);
      await sink.close();
    }
  }, 120_000);
});
