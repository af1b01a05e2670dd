import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { VFile } from 'vfile';
import { expect, it } from 'vitest';
import { csvRecipients } from '../../src/deliver/recipientQueue.js';
import { fixture } from '../helpers/fixture.js';

async function emailsOf(source: ReturnType<typeof csvRecipients>, listFile: VFile) {
  const emails: string[] = [];
  for await (const subscriber of source({ listFile, activeAt: new Date() }))
    emails.push(subscriber.email);
  return emails;
}

it("skips the first pass's duplicates by line in later passes, holding no duplicate table of its own", async () => {
  const root = await fixture({});
  const csv = path.join(root, 'subscribers.csv');
  const rows = [
    'email',
    'ada@example.org',
    'bo@example.org',
    'ADA@example.org',
    'cy@example.org',
    'bo@example.org',
  ];
  await writeFile(csv, `${rows.join('\n')}\n`);
  const source = csvRecipients(csv);

  const first = new VFile({ path: csv });
  expect(await emailsOf(source, first)).toEqual([
    'ada@example.org',
    'bo@example.org',
    'cy@example.org',
  ]);
  expect(first.messages.map((m) => [m.ruleId, m.line])).toEqual([
    ['subscriber-duplicate', 4],
    ['subscriber-duplicate', 6],
  ]);

  const second = new VFile();
  expect(await emailsOf(source, second)).toEqual([
    'ada@example.org',
    'bo@example.org',
    'cy@example.org',
  ]);
  expect(second.messages).toEqual([]);

  // Only the lines are known: a row that became a repeat since is not
  // checked again (the list is taken to be the one the first pass read),
  // which shows there is no table behind the later pass.
  rows[4] = 'ada@example.org';
  await writeFile(csv, `${rows.join('\n')}\n`);
  expect(await emailsOf(source, new VFile())).toEqual([
    'ada@example.org',
    'bo@example.org',
    'ada@example.org',
  ]);
  // A new source checks from scratch.
  expect(await emailsOf(csvRecipients(csv), new VFile())).toEqual([
    'ada@example.org',
    'bo@example.org',
  ]);
});
