import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { storeMigrations } from '../../src/store/storeMigrations.js';
import { fixture } from '../helpers/fixture.js';
import { repoRoot } from '../helpers/runCli.js';

// A process that opens the store (migrating it) and says how many migrations it applied.
const open = `
import { pathToFileURL } from 'node:url';
const [modulePath, file] = process.argv.slice(1);
const { openStore } = await import(pathToFileURL(modulePath).href);
try {
  const store = await openStore({ engine: 'sqlite', file });
  console.log(JSON.stringify({ applied: store.migrated.length }));
  await store.close();
} catch (error) {
  console.log(JSON.stringify({ error: String(error.message) }));
}
`;

async function openInProcess(file: string): Promise<{ applied?: number; error?: string }> {
  const { stdout } = await promisify(execFile)(process.execPath, [
    '--input-type=module',
    '-e',
    open,
    path.join(repoRoot, 'dist/store/openStore.js'),
    file,
  ]);
  return JSON.parse(stdout) as { applied?: number; error?: string };
}

it('migrates a new SQLite file once when three processes open it at the same moment', async () => {
  const root = await fixture({});
  const migrations = Object.keys(storeMigrations('sqlite')).length;
  const outcomes: Array<{ applied?: number; error?: string }> = [];
  // `serve` and a timer's `publish` may well start together on a fresh machine.
  for (let round = 0; round < 6; round++) {
    const file = path.join(root, `race-${round}.db`);
    const opened = await Promise.all([
      openInProcess(file),
      openInProcess(file),
      openInProcess(file),
    ]);
    outcomes.push(...opened);
    expect(opened.filter((outcome) => outcome.error !== undefined)).toEqual([]);
    // One of them applied every migration; the others found the schema current.
    expect(opened.map((outcome) => outcome.applied).sort()).toEqual([0, 0, migrations]);
  }
  expect(outcomes).toHaveLength(18);
});
