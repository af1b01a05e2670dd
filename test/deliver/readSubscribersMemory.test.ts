import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { fixture } from '../helpers/fixture.js';
import { repoRoot } from '../helpers/runCli.js';

const rows = 100_000;

// Runs in a separate `node --expose-gc` so that live heap can be measured
// after a collection, whatever pool vitest runs this file in. It uses the
// compiled module, which the global setup keeps up to date.
const measure = `
import { statSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
const [modulePath, vfilePath, csvPath] = process.argv.slice(1);
const { readSubscribers } = await import(pathToFileURL(modulePath).href);
const { VFile } = await import(pathToFileURL(vfilePath).href);
const file = new VFile({ path: csvPath });
globalThis.gc();
const baseline = process.memoryUsage().heapUsed;
let peak = 0;
let count = 0;
for await (const subscriber of readSubscribers(csvPath, file)) {
  count++;
  if (count % 10000 === 0) {
    globalThis.gc();
    peak = Math.max(peak, process.memoryUsage().heapUsed - baseline);
  }
}
console.log(JSON.stringify({ count, peak, size: statSync(csvPath).size, messages: file.messages.length }));
`;

it('streams 100,000 subscribers with heap growth well under three times the file', async () => {
  const root = await fixture({});
  const csvPath = path.join(root, 'subscribers.csv');
  const lines = ['email,name,city,signed up'];
  for (let i = 0; i < rows; i++) {
    lines.push(`reader-${String(i).padStart(6, '0')}@example.org,Reader ${i},Geneva,2014-02-10`);
  }
  await writeFile(csvPath, `${lines.join('\n')}\n`);
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [
      '--expose-gc',
      '--input-type=module',
      '-e',
      measure,
      path.join(repoRoot, 'dist/deliver/readSubscribers.js'),
      path.join(repoRoot, 'node_modules/vfile/index.js'),
      csvPath,
    ],
    { maxBuffer: 1024 * 1024 },
  );
  const result = JSON.parse(stdout) as {
    count: number;
    peak: number;
    size: number;
    messages: number;
  };
  console.log(
    `${result.count} subscribers from ${(result.size / 1e6).toFixed(1)} MB: peak live heap growth ${(result.peak / 1e6).toFixed(1)} MB, ${Math.round(result.peak / result.count)} bytes per subscriber`,
  );
  expect(result.count).toBe(rows);
  expect(result.messages).toBe(0);
  expect(result.peak).toBeLessThan(result.size * 3);
  // What grows is the duplicate check, documented at about 90 bytes each.
  expect(result.peak / result.count).toBeLessThan(150);
});
