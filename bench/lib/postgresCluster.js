// A throwaway PostgreSQL server for bench/store, the plain-JS twin of
// test/helpers/postgresCluster.ts: a cluster in a temp folder, listening on a
// free loopback port only, trusting local connections, without fsync
// (nothing in it outlives the bench). PostgreSQL refuses to run as root, so
// under root it runs as `nobody` through `runuser`.
import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import process from 'node:process';
import { promisify } from 'node:util';
import { freeLoopbackPort } from './freeLoopbackPort.js';

const run = promisify(execFile);

/** Debian's newest `/usr/lib/postgresql/*\/bin`, or why there is none. */
export function findPostgresBin() {
  const base = '/usr/lib/postgresql';
  const versions = existsSync(base)
    ? readdirSync(base)
        .filter((version) => existsSync(path.join(base, version, 'bin', 'pg_ctl')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  return versions[0] === undefined
    ? { missing: `no ${base}/*/bin/pg_ctl (install Debian's postgresql package)` }
    : { bin: path.join(base, versions[0], 'bin') };
}

/** Starts a cluster; resolves to `{ url, stop() }`. */
export async function startPostgresCluster(bin) {
  const dir = mkdtempSync(path.join(tmpdir(), 'storyline-bench-pg-'));
  const asRoot = process.getuid?.() === 0;
  if (asRoot) chownSync(dir, 65534, 65534);
  const pgRun = (tool, args) =>
    asRoot
      ? run('runuser', ['-u', 'nobody', '--', path.join(bin, tool), ...args], { cwd: dir })
      : run(path.join(bin, tool), args, { cwd: dir });
  const data = path.join(dir, 'data');
  const port = await freeLoopbackPort();
  try {
    await pgRun('initdb', [
      ...['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync'],
      ...['--encoding=UTF8', '--locale=C'],
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
      ...['-D', data, '-l', path.join(dir, 'server.log')],
      ...['-o', serverOptions, '-w', 'start'],
    ]);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async stop() {
      try {
        await pgRun('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
