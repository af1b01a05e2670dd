import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { expect, it } from 'vitest';
import { fixture } from '../helpers/fixture.js';
import { measureReadSubscribers } from '../helpers/measureReadSubscribers.js';

const rows = 100_000;

it('streams 100,000 subscribers with heap growth well under three times the file', async () => {
  const root = await fixture({});
  const csvPath = path.join(root, 'subscribers.csv');
  const lines = ['email,name,city,signed up'];
  for (let i = 0; i < rows; i++) {
    lines.push(`reader-${String(i).padStart(6, '0')}@example.org,Reader ${i},Geneva,2014-02-10`);
  }
  await writeFile(csvPath, `${lines.join('\n')}\n`);
  const result = await measureReadSubscribers(csvPath, { arrayBuffers: false });
  console.log(
    `${result.count} subscribers from ${(result.size / 1e6).toFixed(1)} MB: peak live heap growth ${(result.peak / 1e6).toFixed(1)} MB, ${Math.round(result.peak / result.count)} bytes per subscriber`,
  );
  expect(result.count).toBe(rows);
  expect(result.messages).toBe(0);
  expect(result.peak).toBeLessThan(result.size * 3);
  // What grows is the duplicate check, documented at about 90 bytes each.
  expect(result.peak / result.count).toBeLessThan(150);
});
