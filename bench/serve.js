// bench/serve: `storyline serve` under load (issue 12). autocannon at 50
// connections against the compiled CLI's service, on SQLite and PostgreSQL:
// - `POST /subscribe` with a new address each time (a pending subscriber, a
//   confirmation link, a mail written to the outbox);
// - one-click `POST /unsubscribe?token=…` (RFC 8058) for imported subscribers,
//   each token used once.
// Requests per second and p50/p99 latency. Target on SQLite: ≥ 1,000
// unsubscribes/s with p99 ≤ 50 ms. The per-client rate limits are switched off
// in the bench's config (`serve.limits.signUpsPerMinute` and `requestsPerMinute`
// 0): from one client they would answer 429 after a few requests and measure
// nothing else. `node bench/serve.js [--seconds N]` (default 10).
import { spawn } from 'node:child_process';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import process from 'node:process';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { freeLoopbackPort } from './lib/freeLoopbackPort.js';
import { loadAverage, machine, printTable, repoRoot, requireDist } from './lib/measure.js';
import { findPostgresBin, startPostgresCluster } from './lib/postgresCluster.js';

requireDist();

const SECRET = 'bench-secret-not-a-real-key';
const CONNECTIONS = 50;
const { values: flags } = parseArgs({ options: { seconds: { type: 'string', default: '10' } } });
const SECONDS = Number(flags.seconds);
// More than the bench can unsubscribe in its seconds, so each POST is a first unsubscribe.
const SUBSCRIBERS = Math.max(20_000, SECONDS * 4_000);
const bin = path.join(repoRoot, 'bin', 'storyline.js');
const { createUnsubscribeToken } = await import(
  pathToFileURL(path.join(repoRoot, 'dist', 'deliver', 'unsubscribeToken.js')).href
);
const temp = await mkdtemp(path.join(tmpdir(), 'storyline-bench-serve-'));
let cluster;

async function contentRoot(name, port) {
  const root = path.join(temp, name);
  for (const file of ['story.md', 'updates', 'templates', 'images'])
    await cp(path.join(repoRoot, file), path.join(root, file), { recursive: true });
  const url = `http://127.0.0.1:${port}/`;
  await writeFile(
    path.join(root, 'storyline.config.json'),
    JSON.stringify({
      publication: 'The Syria Brief',
      from: 'The Syria Brief <brief@example.org>',
      siteUrl: url,
      serve: { publicUrl: url, limits: { signUpsPerMinute: 0, requestsPerMinute: 0 } },
    }),
  );
  return { root, url };
}

function cli(args, env, cwd) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      cwd,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${args[0]} exited ${code}`)),
    );
  });
}

async function startServe(root, port, env) {
  const child = spawn(process.execPath, [bin, 'serve', '--port', String(port)], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  await new Promise((resolve, reject) => {
    let said = '';
    child.stderr.on('data', (chunk) => {
      said += chunk;
      if (said.includes('Serving ')) resolve();
    });
    child.on('exit', (code) => reject(new Error(`serve exited ${code}: ${said}`)));
  });
  return child;
}

function load(url, setupRequest, method = 'POST') {
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url,
        connections: CONNECTIONS,
        duration: SECONDS,
        requests: [{ method, setupRequest }],
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
  });
}

async function benchStore(name, databaseUrl) {
  const port = await freeLoopbackPort();
  const { root, url } = await contentRoot(name, port);
  const env = {
    STORYLINE_SECRET: SECRET,
    STORYLINE_DATABASE_URL: databaseUrl(root),
    SMTP_URL: '',
  };
  const addresses = Array.from({ length: SUBSCRIBERS }, (_, i) => `member${i}@example.net`);
  const csv = path.join(root, 'members.csv');
  await writeFile(csv, `email\n${addresses.join('\n')}\n`);
  await cli(['subscribers', 'import', csv], env, root);
  const tokens = addresses.map((address) => createUnsubscribeToken(address, SECRET));
  const serve = await startServe(root, port, env);
  const rows = [];
  try {
    // Unsubscribes first: the sign-ups' confirmation mails are written after their answers, and would still be writing.
    let next = 0;
    const unsubscribe = await load(`${url}unsubscribe`, (request) => ({
      ...request,
      path: `/unsubscribe?token=${tokens[next++ % tokens.length]}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    }));
    rows.push(row(name, 'POST /unsubscribe (one-click)', unsubscribe));
    let signUp = 0;
    const subscribe = await load(`${url}subscribe`, (request) => ({
      ...request,
      path: '/subscribe',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `email=reader${signUp++}%40example.org`,
    }));
    rows.push(row(name, 'POST /subscribe', subscribe));
    return { rows, unsubscribe };
  } finally {
    serve.kill('SIGTERM');
    await new Promise((resolve) => serve.on('exit', resolve));
  }
}

function row(store, route, result) {
  const failed = result.non2xx + result.errors + result.timeouts;
  return [
    store,
    route,
    Math.round(result.requests.average).toLocaleString('en-US'),
    `${result.latency.p50} ms`,
    `${result.latency.p99} ms`,
    failed.toLocaleString('en-US'),
  ];
}

async function main() {
  process.stdout.write(`bench/serve  ${machine()}\n`);
  process.stdout.write(`${CONNECTIONS} connections, ${SECONDS} s per run, rate limits off\n\n`);
  const stores = [{ name: 'SQLite', url: (root) => path.join(root, '.storyline', 'bench.db') }];
  const postgres = findPostgresBin();
  if ('bin' in postgres) {
    cluster = await startPostgresCluster(postgres.bin);
    stores.push({ name: 'PostgreSQL', url: () => cluster.url });
  } else {
    process.stdout.write(`PostgreSQL skipped: ${postgres.missing}\n\n`);
  }
  const rows = [];
  let sqlite;
  for (const store of stores) {
    const result = await benchStore(store.name, store.url);
    rows.push(...result.rows);
    if (store.name === 'SQLite') sqlite = result.unsubscribe;
  }
  printTable(['store', 'request', 'req/s', 'p50', 'p99', 'non-2xx'], rows);
  if (sqlite) {
    const rate = sqlite.requests.average;
    const p99 = sqlite.latency.p99;
    process.stdout.write(
      `${rate >= 1000 ? 'PASS' : 'MISS'}  SQLite one-click unsubscribes: ${Math.round(rate)}/s (target ≥ 1,000/s)\n`,
    );
    process.stdout.write(
      `${p99 <= 50 ? 'PASS' : 'MISS'}  SQLite one-click p99: ${p99} ms (target ≤ 50 ms)\n`,
    );
  }
  process.stdout.write(`load average after: ${loadAverage()}\n`);
}

try {
  await main();
} finally {
  await cluster?.stop();
  await rm(temp, { recursive: true, force: true });
}
