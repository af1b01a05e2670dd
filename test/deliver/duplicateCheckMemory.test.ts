import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { expect, it } from 'vitest';
import { fixture } from '../helpers/fixture.js';
import { measureReadSubscribers } from '../helpers/measureReadSubscribers.js';

const rows = 100_000;

it('checks 100,000 subscribers for duplicates in under 65 bytes each, typed arrays included', async () => {
  const root = await fixture({});
  const csvPath = path.join(root, 'subscribers.csv');
  const lines = ['email,name'];
  for (let i = 0; i < rows; i++) lines.push(`reader-${String(i).padStart(6, '0')}@example.org,R`);
  // One real duplicate at the end, still caught.
  lines.push('Reader-000007@Example.org,R');
  await writeFile(csvPath, `${lines.join('\n')}\n`);
  const result = await measureReadSubscribers(csvPath, { arrayBuffers: true });
  console.log(`duplicate check: ${Math.round(result.peak / result.count)} bytes per subscriber`);
  expect(result.count).toBe(rows);
  expect(result.messages).toBe(1);
  // A Map of lowercased addresses took about 90; the table about 17 a slot.
  expect(result.peak / result.count).toBeLessThan(65);
});
