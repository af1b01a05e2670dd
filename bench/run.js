// Runs every bench in bench/ (or those named on the command line), one child
// process each, one after another so they do not compete for the CPU.
// Benchmarks inform; they are not tests: a MISS still exits 0, a crash does not.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.dirname(here);

if (!existsSync(path.join(root, 'dist', 'cli.js'))) {
  process.stderr.write('bench: dist/ is missing; run `npm run build` first\n');
  process.exit(2);
}

const available = readdirSync(here)
  .filter((name) => name.endsWith('.js') && name !== 'run.js')
  .map((name) => name.slice(0, -'.js'.length))
  .sort();
const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !available.includes(name));
if (unknown.length > 0) {
  process.stderr.write(
    `bench: no bench ${unknown.map((n) => `\`${n}\``).join(', ')}; expected one of: ${available.join(', ')}\n`,
  );
  process.exit(2);
}

// Benches whose default sizes take long run small here unless
// STORYLINE_BENCH_FULL=1 asks for the full run (`node bench/<name>.js` alone
// always runs full).
const quickArgs = process.env.STORYLINE_BENCH_FULL === '1' ? {} : { scale: ['--quick'] };

const crashed = [];
for (const name of wanted.length > 0 ? wanted : available) {
  process.stdout.write(`\n== bench/${name} ==\n`);
  const result = spawnSync(
    process.execPath,
    [path.join(here, `${name}.js`), ...(quickArgs[name] ?? [])],
    {
      cwd: root,
      stdio: 'inherit',
    },
  );
  if (result.error || result.status !== 0) {
    crashed.push(name);
    process.stderr.write(
      `bench/${name} crashed (${result.error?.message ?? `exit ${result.status ?? result.signal}`})\n`,
    );
  }
}
if (crashed.length > 0) {
  process.stderr.write(
    `\n${crashed.length} bench${crashed.length === 1 ? '' : 'es'} crashed: ${crashed.join(', ')}\n`,
  );
  process.exit(1);
}
