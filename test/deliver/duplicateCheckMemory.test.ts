import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { fixture } from '../helpers/fixture.js';
import { repoRoot } from '../helpers/runCli.js';

const rows = 100_000;

// As in readSubscribersMemory.test.ts, a separate `node --expose-gc`; here
// memory counts typed arrays too (`arrayBuffers`, outside the JavaScript
// heap), where the duplicate check keeps its table.
const measure = `
import { pathToFileURL } from 'node:url';
const [modulePath, vfilePath, csvPath] = process.argv.slice(1);
const { readSubscribers } = await import(pathToFileURL(modulePath).href);
const { VFile } = await import(pathToFileURL(vfilePath).href);
const file = new VFile({ path: csvPath });
const used = () => { globalThis.gc(); const m = process.memoryUsage(); return m.heapUsed + m.arrayBuffers; };
const baseline = used();
let peak = 0;
let count = 0;
for await (const subscriber of readSubscribers(csvPath, file)) {
  count++;
  if (count % 10000 === 0) peak = Math.max(peak, used() - baseline);
}
console.log(JSON.stringify({ count, peak, messages: file.messages.length }));
`;

it('checks 100,000 subscribers for duplicates in under 65 bytes each, typed arrays included', async () => {
  const root = await fixture({});
  const csvPath = path.join(root, 'subscribers.csv');
  const lines = ['email,name'];
  for (let i = 0; i < rows; i++) lines.push(`reader-${String(i).padStart(6, '0')}@example.org,R`);
  // One real duplicate at the end, still caught.
  lines.push('Reader-000007@Example.org,R');
  await writeFile(csvPath, `${lines.join('\n')}\n`);
  const { stdout } = await promisify(execFile)(process.execPath, [
    '--expose-gc',
    '--input-type=module',
    '-e',
    measure,
    path.join(repoRoot, 'dist/deliver/readSubscribers.js'),
    path.join(repoRoot, 'node_modules/vfile/index.js'),
    csvPath,
  ]);
  const result = JSON.parse(stdout) as { count: number; peak: number; messages: number };
  console.log(`duplicate check: ${Math.round(result.peak / result.count)} bytes per subscriber`);
  expect(result.count).toBe(rows);
  expect(result.messages).toBe(1);
  // A Map of lowercased addresses took about 90; the table about 17 a slot.
  expect(result.peak / result.count).toBeLessThan(65);
});
