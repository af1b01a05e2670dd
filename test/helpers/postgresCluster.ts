import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';

const run = promisify(execFile);

/**
 * A throwaway PostgreSQL server for tests: a cluster in a temp folder,
 * listening on a free loopback port only, its socket inside that folder,
 * trusting local connections, without fsync (nothing in it outlives the
 * test). PostgreSQL refuses to run as root, so under root (CI) it runs as
 * `nobody` through `runuser`, the folder given to that user.
 */
export interface PostgresCluster {
  /** `postgres://postgres@127.0.0.1:PORT/postgres`. */
  url: string;
  /** A new, empty database on the server, as a URL. */
  createDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
}

/**
 * The folder of Debian's `initdb` and `pg_ctl` (the newest version under
 * `/usr/lib/postgresql/`), or why there is none: the PostgreSQL tests skip
 * with that reason on a machine without the `postgresql` package.
 */
export function findPostgresBin(): { bin: string } | { missing: string } {
  const base = '/usr/lib/postgresql';
  const versions = existsSync(base)
    ? readdirSync(base)
        .filter((version) => existsSync(path.join(base, version, 'bin', 'pg_ctl')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  const newest = versions[0];
  if (newest === undefined) {
    return {
      missing: `PostgreSQL tests skipped: no ${base}/*/bin/pg_ctl (install Debian's postgresql package; CI does)`,
    };
  }
  return { bin: path.join(base, newest, 'bin') };
}

async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function startPostgresCluster(bin: string): Promise<PostgresCluster> {
  const dir = mkdtempSync(path.join(tmpdir(), 'storyline-pg-'));
  const asRoot = process.getuid?.() === 0;
  // postgres refuses root: the cluster belongs to nobody, who must own the folder.
  if (asRoot) chownSync(dir, 65534, 65534);
  const pgRun = (tool: string, args: string[]) =>
    asRoot
      ? run('runuser', ['-u', 'nobody', '--', path.join(bin, tool), ...args], { cwd: dir })
      : run(path.join(bin, tool), args, { cwd: dir });
  const data = path.join(dir, 'data');
  const port = await freeLoopbackPort();
  try {
    await pgRun('initdb', [
      '-D',
      data,
      '-U',
      'postgres',
      '--auth=trust',
      '--no-sync',
      '--encoding=UTF8',
      '--locale=C',
    ]);
    const serverOptions = [
      "-c listen_addresses='127.0.0.1'",
      `-c port=${port}`,
      `-c unix_socket_directories='${dir}'`,
      '-c fsync=off',
      '-c synchronous_commit=off',
      '-c full_page_writes=off',
    ].join(' ');
    await pgRun('pg_ctl', [
      '-D',
      data,
      '-l',
      path.join(dir, 'server.log'),
      '-o',
      serverOptions,
      '-w',
      'start',
    ]);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  return {
    url,
    async createDatabase(name) {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`create database "${name.replaceAll('"', '')}"`);
      } finally {
        await client.end();
      }
      return `postgres://postgres@127.0.0.1:${port}/${encodeURIComponent(name)}`;
    },
    async stop() {
      try {
        await pgRun('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/**
 * For a `describe` block on PostgreSQL: starts a cluster before its tests
 * and stops it after; the function returned makes a new, empty database
 * (`<prefix>_<n>`) for each test and returns its URL.
 */
export function usePostgresDatabases(bin: string, prefix: string): () => Promise<string> {
  let cluster: PostgresCluster | undefined;
  let databases = 0;
  beforeAll(async () => {
    cluster = await startPostgresCluster(bin);
  });
  afterAll(async () => {
    await cluster?.stop();
  });
  return async () => {
    if (!cluster) throw new Error('the PostgreSQL cluster did not start');
    return cluster.createDatabase(`${prefix}_${++databases}`);
  };
}
