// bench/store: the subscriber store at newsletter scale (issue 11).
// - `storyline subscribers import` of N generated rows (a CSV) into SQLite and
//   into PostgreSQL: rows per second and peak RSS;
// - `storyline send --dry-run` of the same N from each store and from the CSV
//   itself, in the same run: wall time and peak RSS.
// Targets: peak RSS of the dry run from a store ≤ 200 MB; its wall time
// ≤ 1.5× the CSV path's.
//
// `node bench/store.js [--rows N]` (default 1,000,000). PostgreSQL is a
// throwaway cluster on loopback (bench/lib/postgresCluster.js), fsync off;
// without Debian's postgresql package its rows are skipped with the reason.
// Every process runs under bench/lib/measured.js, which records its maxRSS.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { cp, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import process from 'node:process';
import { parseArgs } from 'node:util';
import { loadAverage, machine, printTable, repoRoot, requireDist, verdict } from './lib/measure.js';
import { findPostgresBin, startPostgresCluster } from './lib/postgresCluster.js';
import { writeList } from './lib/subscriberList.js';

requireDist();

const SECRET = 'bench-secret-not-a-real-key';
const targets = { peakRssMb: 200, ratio: 1.5 };

const { values: flags } = parseArgs({
  options: { rows: { type: 'string', default: '1000000' } },
});
const ROWS = Number(flags.rows);
if (!Number.isInteger(ROWS) || ROWS < 1) throw new Error('--rows takes a whole number ≥ 1');

const bin = path.join(repoRoot, 'bin', 'storyline.js');
const measured = path.join(repoRoot, 'bench', 'lib', 'measured.js');
const temp = await mkdtemp(path.join(tmpdir(), 'storyline-bench-store-'));
let cluster;

async function main() {
  const started = performance.now();
  process.stdout.write(`bench/store  ${machine()}\n`);
  process.stdout.write(`${ROWS.toLocaleString('en-US')} rows\n\n`);
  const root = await copySample(path.join(temp, 'root'));
  const csv = await writeList(path.join(root, 'subscribers.csv'), ROWS);

  const stores = [{ name: 'SQLite', url: path.join(temp, 'storyline.db') }];
  const postgres = findPostgresBin();
  if ('bin' in postgres) {
    cluster = await startPostgresCluster(postgres.bin);
    stores.push({ name: 'PostgreSQL', url: cluster.url });
  } else {
    process.stdout.write(`PostgreSQL skipped: ${postgres.missing}\n\n`);
  }

  const imports = [];
  for (const store of stores) {
    const result = await measuredRun(['subscribers', 'import', csv, '--root', root], {
      STORYLINE_DATABASE_URL: store.url,
    });
    check(
      result.stdout.includes(`${ROWS} added`),
      `import into ${store.name} did not add ${ROWS}:\n${result.stdout}`,
    );
    imports.push([
      `import into ${store.name}`,
      seconds(result.wall),
      Math.round(ROWS / (result.wall / 1000)).toLocaleString('en-US'),
      mb(result.maxRssKb),
    ]);
  }
  printTable(['import', 'wall', 'rows/s', 'peak RSS'], imports);

  // The CSV path first and between stores would be fairer still; one round of
  // each, in this order, is what a few minutes allow at a million rows.
  const dryRun = async (name, subscribers, env) => {
    const result = await measuredRun(
      ['send', '--dry-run', '--root', root, '--subscribers', subscribers],
      env,
    );
    check(
      result.stdout.includes(`would go to ${ROWS} of ${ROWS} subscribers`),
      `dry run from ${name} did not cover ${ROWS}:\n${result.stdout}`,
    );
    return { name, ...result };
  };
  const runs = [await dryRun('CSV', csv, {})];
  for (const store of stores)
    runs.push(await dryRun(store.name, 'db', { STORYLINE_DATABASE_URL: store.url }));
  const csvWall = runs[0].wall;
  printTable(
    ['send --dry-run from', 'wall', 'CPU', 'peak RSS', '× CSV'],
    runs.map((run) => [
      run.name,
      seconds(run.wall),
      seconds(run.cpuMs),
      mb(run.maxRssKb),
      `${(run.wall / csvWall).toFixed(2)}×`,
    ]),
  );
  for (const run of runs.slice(1)) {
    verdict(
      `dry run from ${run.name}, peak RSS`,
      run.maxRssKb / 1024,
      targets.peakRssMb,
      (v) => `${v.toFixed(1)} MB`,
    );
    verdict(
      `dry run from ${run.name}, time / CSV path's`,
      run.wall / csvWall,
      targets.ratio,
      (v) => `${v.toFixed(2)}×`,
    );
  }
  process.stdout.write(
    `\n${loadAverage()} at the end; bench took ${seconds(performance.now() - started)}\n`,
  );
}

/** The compiled CLI under bench/lib/measured.js: wall time, CPU, peak RSS, output. */
async function measuredRun(args, env) {
  const out = path.join(temp, `measured-${process.hrtime.bigint()}.json`);
  const start = performance.now();
  const child = spawn(process.execPath, [measured, out, bin, ...args], {
    env: { ...process.env, STORYLINE_SECRET: SECRET, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk) => {
    stderr += chunk;
  });
  const [code, signal] = await once(child, 'exit');
  const wall = performance.now() - start;
  if (code !== 0)
    throw new Error(`\`storyline ${args.join(' ')}\` exited with ${code ?? signal}:\n${stderr}`);
  const usage = JSON.parse(await readFile(out, 'utf8'));
  return { wall, stdout, cpuMs: usage.cpuMs, maxRssKb: usage.maxRssKb };
}

async function copySample(root) {
  await mkdir(root, { recursive: true });
  for (const name of ['story.md', 'updates', 'images', 'storyline.config.json']) {
    await cp(path.join(repoRoot, name), path.join(root, name), { recursive: true });
  }
  return root;
}

const seconds = (milliseconds) => `${(milliseconds / 1000).toFixed(2)} s`;
const mb = (kilobytes) => `${(kilobytes / 1024).toFixed(1)} MB`;

function check(condition, message) {
  if (!condition) throw new Error(`bench/store: ${message}`);
}

try {
  await main();
} finally {
  await cluster?.stop();
  await rm(temp, { recursive: true, force: true });
}
