import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { VFile } from 'vfile';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import { readSubscribers } from '../../src/deliver/readSubscribers.js';
import { createUnsubscribeToken } from '../../src/deliver/unsubscribeToken.js';
import { formatProblem } from '../../src/diagnostics/formatProblem.js';
import { openStore } from '../../src/store/openStore.js';
import { setStatus } from '../../src/store/setStatus.js';
import { captureIo } from '../helpers/captureIo.js';
import { fixture } from '../helpers/fixture.js';
import { findPostgresBin, usePostgresDatabases } from '../helpers/postgresCluster.js';
import { runCli } from '../helpers/runCli.js';

const secret = 'subscribers-test-secret-0123456789';
const now = new Date('2026-03-01T09:00:00.000Z');

const postgres = findPostgresBin();
if ('missing' in postgres) console.log(postgres.missing);

/** Bad rows, a duplicate by case, quotes: the awkward cases the CSV path handles. */
const awkwardCsv = [
  'email,name,city',
  'ada@example.org,Ada Lovelace,London',
  'not-an-address,Nobody,Nowhere',
  '"grace@example.org","Hopper, Grace","New ""York"""',
  'ADA@example.org,Ada again,Paris',
  'alan@example.org,"Alan Turing,Wilmslow',
  'katherine@example.org,Katherine Johnson,White Sulphur Springs,extra',
  'dorothy@example.org,,',
  '',
].join('\n');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** The behaviour asked of both engines; `databaseUrl` makes a new, empty store. */
function subscribersSuite(databaseUrl: (root: string) => Promise<string>) {
  async function project(files: Record<string, string> = {}) {
    const root = await fixture(files);
    const env = { STORYLINE_DATABASE_URL: await databaseUrl(root), STORYLINE_SECRET: secret };
    const cli = async (...args: string[]): Promise<Run> => {
      const captured = captureIo(root, env, () => now);
      const code = await main(['subscribers', ...args], captured.io);
      return { code, stdout: captured.stdout(), stderr: captured.stderr() };
    };
    const show = async (address: string) => JSON.parse((await cli('show', address)).stdout);
    return { root, env, cli, show };
  }

  it('imports a list with the same line-numbered warnings as sending from it, and counts what it did', async () => {
    const { root, cli } = await project({ 'list.csv': awkwardCsv });
    const file = new VFile({ path: path.join(root, 'list.csv') });
    for await (const _ of readSubscribers(path.join(root, 'list.csv'), file));
    const csvPathProblems = file.messages.map((message) => formatProblem(message, root));
    expect(csvPathProblems.length).toBeGreaterThanOrEqual(4);

    const result = await cli('import', 'list.csv');
    expect(result.code).toBe(0);
    expect(result.stderr.trimEnd().split('\n')).toEqual(csvPathProblems);
    expect(result.stdout).toBe(
      'Imported list.csv: 3 added, 0 updated, 0 unchanged, 0 skipped as suppressed, 0 skipped as unsubscribed, bounced or complained, 4 bad rows skipped\n',
    );
    const grace = await cli('show', 'Grace@Example.org');
    expect(JSON.parse(grace.stdout)).toMatchObject({
      subscriber: {
        email: 'grace@example.org',
        name: 'Hopper, Grace',
        status: 'active',
        source: 'import',
        attributes: { city: 'New "York"' },
      },
      events: [{ kind: 'subscribed', source: 'import', consent: 'imported from list.csv' }],
      suppression: null,
    });
    // The first of the two Adas is kept, the second reported as a duplicate.
    expect((await cli('show', 'ada@example.org')).stdout).toContain('"city": "London"');
  });

  it('importing the same file twice changes nothing', async () => {
    const { cli } = await project({ 'list.csv': awkwardCsv });
    await cli('import', 'list.csv');
    const before = await cli('export', '--format', 'json');
    const events = await cli('show', 'ada@example.org');
    const again = await cli('import', 'list.csv');
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(': 0 added, 0 updated, 3 unchanged,');
    expect((await cli('export', '--format', 'json')).stdout).toBe(before.stdout);
    expect((await cli('show', 'ada@example.org')).stdout).toBe(events.stdout);
  });

  it('a re-import updates names and columns but never reactivates who unsubscribed or bounced', async () => {
    const { root, env, cli, show } = await project({
      'list.csv':
        'email,name\nada@example.org,Ada\ngrace@example.org,Grace\nalan@example.org,Alan\n',
    });
    await cli('import', 'list.csv');
    expect((await cli('unsubscribe', 'Ada@example.org')).code).toBe(0);
    // A bounce recorded by a send: a status, no suppression by this command.
    const store = await openStore(
      env.STORYLINE_DATABASE_URL.startsWith('postgres')
        ? { engine: 'postgres', connectionString: env.STORYLINE_DATABASE_URL }
        : { engine: 'sqlite', file: env.STORYLINE_DATABASE_URL },
    );
    await setStatus(store, 'grace@example.org', 'bounced', { source: 'import', now });
    await store.close();

    await writeFile(
      path.join(root, 'list.csv'),
      'email,name\nada@example.org,Ada L\ngrace@example.org,Grace\nalan@example.org,Alan T\n',
    );
    const again = await cli('import', 'list.csv');
    expect(again.stdout).toBe(
      'Imported list.csv: 0 added, 1 updated, 0 unchanged, 1 skipped as suppressed, 1 skipped as unsubscribed, bounced or complained, 0 bad rows skipped\n',
    );
    expect((await show('ada@example.org')).subscriber.status).toBe('unsubscribed');
    expect((await show('grace@example.org')).subscriber.status).toBe('bounced');
    expect((await show('alan@example.org')).subscriber).toMatchObject({
      status: 'active',
      name: 'Alan T',
    });
    expect((await cli('count')).stdout).toBe(
      'pending: 0\nactive: 1\nunsubscribed: 1\nbounced: 1\ncomplained: 0\n',
    );
    expect((await cli('count', '--status', 'active')).stdout).toBe('active: 1\n');
  });

  it('erase deletes the person, keeps a suppression, and a re-import does not bring them back', async () => {
    const { cli, show } = await project({
      'list.csv': 'email,name,city\nada@example.org,Ada,London\ngrace@example.org,Grace,NYC\n',
    });
    await cli('import', 'list.csv');
    const erased = await cli('erase', 'ADA@example.org');
    expect(erased.code).toBe(0);
    expect(erased.stdout).toMatch(/^Erased: /);
    expect(erased.stdout).not.toContain('ada@');
    expect(await show('ada@example.org')).toEqual({
      subscriber: null,
      events: [],
      suppression: { reason: 'erased', at: now.toISOString() },
      records: { catchUps: [], confirmationLinks: [], bounces: [] },
    });
    expect((await cli('export', '--format', 'json')).stdout).not.toContain('ada@');

    const again = await cli('import', 'list.csv');
    expect(again.stdout).toContain(': 0 added, 0 updated, 1 unchanged, 1 skipped as suppressed,');
    expect((await show('ada@example.org')).subscriber).toBeNull();
    expect((await cli('add', 'ada@example.org')).code).toBe(1);
    expect((await cli('count', '--status', 'active')).stdout).toBe('active: 1\n');
  });

  it('export as CSV round-trips through import into another store', async () => {
    const first = await project({ 'list.csv': awkwardCsv });
    await first.cli('import', 'list.csv');
    await first.cli('add', 'lin@example.org', '--name', ' Lin, "the" Coder ');
    const exported = await first.cli('export');
    expect(exported.code).toBe(0);
    expect(exported.stdout.split('\r\n')[0]).toBe('email,name,city');

    const second = await project({ 'export.csv': exported.stdout });
    const imported = await second.cli('import', 'export.csv');
    expect(imported.stderr).toBe('');
    expect(imported.stdout).toContain(': 4 added,');
    expect((await second.cli('export')).stdout).toBe(exported.stdout);
    const strip = (text: string) =>
      text
        .trim()
        .split('\n')
        .map((line) => {
          const { source: _source, ...rest } = JSON.parse(line);
          return rest;
        });
    expect(strip((await second.cli('export', '--format', 'json')).stdout)).toEqual(
      strip((await first.cli('export', '--format', 'json')).stdout),
    );
  });

  it('add makes an active subscriber from the command line, and says so without the address', async () => {
    const { cli, show } = await project();
    const added = await cli('add', 'Ada@Example.org', '--name', 'Ada');
    expect(added).toEqual({ code: 0, stdout: 'Added: active from now on\n', stderr: '' });
    expect(await show('ada@example.org')).toMatchObject({
      subscriber: { email: 'ada@example.org', name: 'Ada', status: 'active', source: 'cli' },
      events: [{ kind: 'subscribed', source: 'cli' }],
    });
    expect((await cli('add', 'ada@example.org')).stdout).toBe(
      'Already subscribed: nothing changed\n',
    );
    expect((await cli('add', 'not an address')).code).toBe(1);
  });

  it('unsubscribe takes a link’s token or an address, and writes the store and the archive', async () => {
    const { root, cli, show } = await project();
    await cli('add', 'ada@example.org');
    const token = createUnsubscribeToken('ada@example.org', secret);
    const result = await cli('unsubscribe', token);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Unsubscribed: /);
    expect(await show('ada@example.org')).toMatchObject({
      subscriber: { status: 'unsubscribed' },
      events: [{ kind: 'subscribed' }, { kind: 'unsubscribed', source: 'cli' }],
      suppression: { reason: 'unsubscribed' },
    });
    expect(await readFile(path.join(root, 'archive', 'suppressions.jsonl'), 'utf8')).toContain(
      '"reason":"unsubscribed"',
    );
    expect((await cli('unsubscribe', 'ada@example.org')).stdout).toBe(
      'Already unsubscribed: nothing changed\n',
    );
    expect((await cli('unsubscribe', `${token}x`)).code).toBe(1);
  });

  it('storyline unsubscribe also writes to the store when STORYLINE_DATABASE_URL is set', async () => {
    const { root, env, cli, show } = await project();
    await cli('add', 'ada@example.org');
    const captured = captureIo(root, env, () => now);
    const code = await main(['unsubscribe', '--address', 'ada@example.org'], captured.io);
    expect(code).toBe(0);
    expect(await show('ada@example.org')).toMatchObject({
      subscriber: { status: 'unsubscribed' },
      suppression: { reason: 'unsubscribed' },
    });
  });
}

describe('storyline subscribers on SQLite', () => {
  subscribersSuite(async (root) => path.join(root, 'store', 'subscribers.db'));
});

describe.skipIf('missing' in postgres)('storyline subscribers on PostgreSQL', () => {
  const newDatabase =
    'bin' in postgres ? usePostgresDatabases(postgres.bin, 'subscribers') : undefined;
  subscribersSuite(async () => {
    if (!newDatabase) throw new Error('no cluster');
    return newDatabase();
  });
});

describe('storyline subscribers as a process', () => {
  const env = { STORYLINE_SECRET: secret };

  it('exits 0 on success and 1 on a file it cannot import', async () => {
    const root = await fixture({
      'list.csv': 'email\nada@example.org\n',
      'noheader.csv': 'ada@example.org,Ada\n',
    });
    const ok = await runCli(['subscribers', 'import', 'list.csv'], { cwd: root, env });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain(': 1 added,');
    // The embedded default, under the root.
    expect((await readFile(path.join(root, '.storyline', 'storyline.db'))).length).toBeGreaterThan(
      0,
    );

    const bad = await runCli(['subscribers', 'import', 'noheader.csv'], { cwd: root, env });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('noheader.csv:1:1: Unexpected address in the first row');
    const missing = await runCli(['subscribers', 'import', 'missing.csv'], { cwd: root, env });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('Unexpected missing file `missing.csv`');
  });

  it('exits 2 on a usage error, and on a bad STORYLINE_DATABASE_URL without printing it', async () => {
    const root = await fixture({});
    for (const args of [
      ['frobnicate'],
      ['show'],
      ['count', 'extra'],
      ['count', '--status', 'gone'],
      ['add', 'a@example.org', '--format', 'json'],
    ]) {
      const result = await runCli(['subscribers', ...args], { cwd: root, env });
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toContain('Usage: storyline subscribers');
    }
    const value = 'mysql://admin:hunter2hunter2@db.example.org/list';
    const result = await runCli(['subscribers', 'count'], {
      cwd: root,
      env: { ...env, STORYLINE_DATABASE_URL: value },
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('STORYLINE_DATABASE_URL');
    expect(result.stderr).not.toContain('hunter2');
    expect(result.stderr).not.toContain('db.example.org');
  });
});
