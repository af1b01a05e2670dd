// bench/bounces: a burst of DSNs into `storyline serve --smtp-port` (issue 13).
// A story sent to 10,000 subscribers (SQLite store, VERP envelopes), then one
// Postfix-made DSN per recipient (the committed fixture, rewritten for each),
// mailed by several SMTP clients at once into the compiled CLI's `serve`.
// Reported: messages/s from the first connection to the last 250, the peak
// RSS of the serve process (VmHWM, sampled from /proc), and a check that every
// one was processed once (the store's bounce_events rows, the subscribers now
// `bounced`, serve's own counts). The baseline, in the same run: the same
// 10,000 DSNs as a Maildir through `storyline bounces import`, on a copy of
// the same store. Last, what item 4 of the issue changed: the subscribers
// table hashed before each batch, from the start (the old behaviour) against
// from where the previous batch stopped.
// `node bench/bounces.js [--count N] [--clients N]` (defaults 10000 and 8).
import { fork, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import process from 'node:process';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import nodemailer from 'nodemailer';
import { machine, printTable, repoRoot, requireDist } from './lib/measure.js';

requireDist();

const SECRET = 'bench-secret-not-a-real-key';
const DOMAIN = 'bounces.bench.example';
const { values: flags } = parseArgs({
  options: {
    count: { type: 'string', default: '10000' },
    clients: { type: 'string', default: '8' },
  },
});
const COUNT = Number(flags.count);
const CLIENTS = Number(flags.clients);
const bin = path.join(repoRoot, 'bin', 'storyline.js');
const dist = (file) => import(pathToFileURL(path.join(repoRoot, 'dist', file)).href);
const { encodeVerpId } = await dist('bounces/verpId.js');
const { addressHash } = await dist('ledger/addressHash.js');
const { openStore } = await dist('store/openStore.js');
const { indexAddressHashes } = await dist('store/indexAddressHashes.js');
const temp = await mkdtemp(path.join(tmpdir(), 'storyline-bench-bounces-'));
const env = { STORYLINE_SECRET: SECRET, NO_COLOR: '1' };

function check(condition, message) {
  if (!condition) throw new Error(`bench/bounces: ${message}`);
}

/** Runs the CLI to the end; its stdout. */
function cli(args, cwd, extraEnv = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      cwd,
      env: { ...process.env, ...env, ...extraEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
    });
    child.stderr.on('data', (chunk) => {
      err += chunk;
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`${args.join(' ')} exited ${code}: ${err}`)),
    );
  });
}

/** The largest VmHWM (peak resident set) seen for `pid`, sampled every 50 ms until `stop()`. */
function sampleRss(pid) {
  let peakKb = 0;
  const read = () => {
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const kb = Number(/^VmHWM:\s+(\d+) kB/m.exec(status)?.[1] ?? 0);
      peakKb = Math.max(peakKb, kb);
    } catch {
      // Gone already: the last sample stands.
    }
  };
  const timer = setInterval(read, 50);
  return {
    stop() {
      clearInterval(timer);
      read();
      return peakKb;
    },
  };
}

/** The bench's sink (bench/lib/smtpSink.js) in its own process. */
async function startSink() {
  const child = fork(path.join(repoRoot, 'bench', 'lib', 'smtpSink.js'), [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const first = await new Promise((resolve) => child.once('message', resolve));
  check(first?.type === 'listening', 'the sink did not start');
  return {
    port: first.port,
    close: () =>
      new Promise((resolve) => {
        child.once('exit', resolve);
        child.send({ type: 'close' });
      }),
  };
}

/** The bounce_events rows and the subscribers bounced, as the store holds them. */
async function storeCounts(root) {
  const store = await openStore({
    engine: 'sqlite',
    file: path.join(root, '.storyline', 'storyline.db'),
  });
  try {
    const events = await store.db
      .selectFrom('bounce_events')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    const bounced = await store.db
      .selectFrom('subscribers')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('status', '=', 'bounced')
      .executeTakeFirstOrThrow();
    return { events: Number(events.n), bounced: Number(bounced.n) };
  } finally {
    await store.close();
  }
}

try {
  // ---- A story sent to COUNT subscribers from the embedded store. ----
  const root = path.join(temp, 'smtp');
  for (const file of ['story.md', 'updates', 'templates', 'images'])
    await cp(path.join(repoRoot, file), path.join(root, file), { recursive: true });
  await writeFile(
    path.join(root, 'storyline.config.json'),
    JSON.stringify({
      publication: 'The Syria Brief',
      from: 'The Syria Brief <brief@example.org>',
      siteUrl: 'https://example.org/syria-talks/',
      unsubscribe: { url: 'https://example.org/syria-talks/unsubscribe' },
      send: { rate: 0, concurrency: 10 },
      bounces: { domain: DOMAIN },
    }),
  );
  const addresses = Array.from({ length: COUNT }, (_, i) => `reader${i}@example.net`);
  await writeFile(
    path.join(root, 'list.csv'),
    `email,name\n${addresses.map((a, i) => `${a},Reader ${i}`).join('\n')}\n`,
  );
  process.stdout.write(`${machine()}\n`);
  process.stdout.write(`Importing ${COUNT} subscribers and sending them the edition…\n`);
  await cli(['subscribers', 'import', 'list.csv'], root);
  const sink = await startSink();
  try {
    await cli(['send', '--subscribers', 'db'], root, {
      SMTP_URL: `smtp://127.0.0.1:${sink.port}`,
    });
  } finally {
    await sink.close();
  }
  const edition = '2014-02-10-second-round-geneva';
  check(existsSync(path.join(root, 'archive', edition)), 'the send wrote no edition');

  // ---- One DSN per recipient, from the committed Postfix fixture. ----
  const fixture = await readFile(
    path.join(repoRoot, 'test', 'fixtures', 'bounces', 'postfix', 'unknown-user-failed.eml'),
    'utf8',
  );
  const failed = /^Final-Recipient: rfc822; *(\S+)$/m.exec(fixture)?.[1];
  check(failed, 'the fixture names no Final-Recipient');
  const dsns = addresses.map((address, i) => {
    const verp = `bounces+${encodeVerpId(edition, addressHash(address, SECRET))}@${DOMAIN}`;
    const raw = fixture
      .replaceAll(/bounces\+[^@\s>]+@bounces\.storyline\.test/g, verp)
      .replaceAll(failed, address)
      .replace(/^Message-Id: <[^>]+>$/m, `Message-Id: <dsn-${i}@mta.bench.example>`);
    return { verp, raw };
  });

  // The baseline's copy of the same root and store, before any bounce.
  const baseRoot = path.join(temp, 'import');
  await cp(root, baseRoot, { recursive: true });
  const maildir = path.join(baseRoot, 'bounce-mail');
  await mkdir(path.join(maildir, 'new'), { recursive: true });
  await mkdir(path.join(maildir, 'cur'), { recursive: true });
  for (const [i, dsn] of dsns.entries())
    await writeFile(path.join(maildir, 'new', `${i}.bench:2,`), dsn.raw);
  const dsnBytes = dsns.reduce((sum, dsn) => sum + Buffer.byteLength(dsn.raw), 0);

  // ---- The burst into serve's SMTP port. ----
  process.stdout.write(`Mailing ${COUNT} DSNs into serve --smtp-port over ${CLIENTS} clients…\n`);
  const serve = spawn(process.execPath, [bin, 'serve', '--port', '0', '--smtp-port', '0'], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let served = '';
  serve.stdout.on('data', (chunk) => {
    served += chunk;
  });
  const smtpPort = await new Promise((resolve, reject) => {
    let said = '';
    serve.stderr.on('data', (chunk) => {
      said += chunk;
      const match = /on smtp:\/\/127\.0\.0\.1:(\d+)/.exec(said);
      if (match) resolve(Number(match[1]));
    });
    serve.on('exit', (code) => reject(new Error(`serve exited ${code}: ${said}`)));
  });
  const rss = sampleRss(serve.pid);
  const relay = nodemailer.createTransport({
    host: '127.0.0.1',
    port: smtpPort,
    secure: false,
    ignoreTLS: true,
    pool: true,
    maxConnections: CLIENTS,
    maxMessages: Number.POSITIVE_INFINITY,
  });
  const started = performance.now();
  let next = 0;
  let refused = 0;
  await Promise.all(
    Array.from({ length: CLIENTS * 2 }, async () => {
      while (next < dsns.length) {
        const dsn = dsns[next++];
        const info = await relay.sendMail({ envelope: { from: '', to: [dsn.verp] }, raw: dsn.raw });
        if (info.accepted.length !== 1) refused++;
      }
    }),
  );
  const smtpSeconds = (performance.now() - started) / 1000;
  relay.close();
  const exited = new Promise((resolve) => serve.once('exit', resolve));
  serve.kill('SIGTERM');
  await exited;
  const servePeakKb = rss.stop();
  const closed = served
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line))
    .find((line) => line.event === 'smtp-closed');
  const smtpStore = await storeCounts(root);

  // ---- The baseline: the same DSNs as a Maildir through `bounces import`. ----
  process.stdout.write(`The same ${COUNT} DSNs through bounces import of a Maildir…\n`);
  const importer = spawn(process.execPath, [bin, 'bounces', 'import', 'bounce-mail'], {
    cwd: baseRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const importRss = sampleRss(importer.pid);
  let imported = '';
  importer.stdout.on('data', (chunk) => {
    imported += chunk;
  });
  const importStarted = performance.now();
  const importCode = await new Promise((resolve) => importer.once('exit', resolve));
  const importSeconds = (performance.now() - importStarted) / 1000;
  const importPeakKb = importRss.stop();
  check(importCode === 0, `bounces import exited ${importCode}`);
  const importStore = await storeCounts(baseRoot);

  printTable(
    ['path', 'DSNs', 'seconds', 'DSNs/s', 'peak RSS', 'bounce_events', 'bounced', 'refused'],
    [
      [
        `serve --smtp-port (${CLIENTS} clients)`,
        COUNT,
        smtpSeconds.toFixed(1),
        Math.round(COUNT / smtpSeconds),
        `${(servePeakKb / 1024).toFixed(0)} MB`,
        smtpStore.events,
        smtpStore.bounced,
        refused,
      ],
      [
        'bounces import (Maildir), baseline',
        COUNT,
        importSeconds.toFixed(1),
        Math.round(COUNT / importSeconds),
        `${(importPeakKb / 1024).toFixed(0)} MB`,
        importStore.events,
        importStore.bounced,
        '-',
      ],
    ],
  );
  process.stdout.write(
    `DSNs ${(dsnBytes / COUNT / 1024).toFixed(1)} KB each. serve's own counts: ${JSON.stringify(closed)}\n`,
  );
  process.stdout.write(`bounces import said: ${imported.trim().split('\n').join(' / ')}\n`);
  const once = (counts) => counts.events === COUNT && counts.bounced === COUNT;
  process.stdout.write(
    `${once(smtpStore) && closed?.accepted === COUNT && refused === 0 ? 'PASS' : 'MISS'}  every DSN into serve processed once (${smtpStore.events} events, ${smtpStore.bounced} bounced, ${closed?.accepted} accepted)\n`,
  );
  process.stdout.write(
    `${once(importStore) ? 'PASS' : 'MISS'}  every DSN through bounces import processed once\n`,
  );

  // ---- Item 4: hashing the table before each batch, from the start or from the mark. ----
  const store = await openStore({
    engine: 'sqlite',
    file: path.join(root, '.storyline', 'storyline.db'),
  });
  try {
    const { through } = await indexAddressHashes(store, SECRET);
    const time = async (after) => {
      const t = performance.now();
      for (let i = 0; i < 200; i++) await indexAddressHashes(store, SECRET, after);
      return (performance.now() - t) / 200;
    };
    const fromStart = await time(0);
    const fromMark = await time(through);
    printTable(
      ['indexAddressHashes before a batch', `ms per call (${COUNT} subscribers)`],
      [
        ['from the start (a scan of the table)', fromStart.toFixed(3)],
        ['from the previous mark (what serve does)', fromMark.toFixed(3)],
      ],
    );
  } finally {
    await store.close();
  }
} finally {
  await rm(temp, { recursive: true, force: true });
}
