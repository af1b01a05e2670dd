import { copyFile, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { addressHash } from '../../src/ledger/addressHash.js';
import { compactedJournal } from '../../src/ledger/compactedJournal.js';
import { Journal, type JournalEntry } from '../../src/ledger/Journal.js';
import { secretId } from '../../src/ledger/secretId.js';
import { writeFileAtomic } from '../../src/util/writeFileAtomic.js';
import { fixture } from '../helpers/fixture.js';

const secret = 'k3y-th4t-is-l0ng-enough';
const key = secretId(secret);
const hashOf = (i: number) => addressHash(`reader${i}@example.org`, secret);
const begin = { edition: '2026-01-01-edition', from: '2026-01-01T00:00:00.000Z' };
const of = { key, edition: begin.edition };

/**
 * 500 recipients over three runs, in the open form: the first run ends with
 * failures only, so `sent` is first named in a later run; the later runs
 * settle, re-defer and give up on recipients met earlier, so the last line
 * of a hash is often many runs after its first.
 */
async function threeRuns(file: string): Promise<void> {
  const journal = await Journal.open(file, key, begin);
  const at = begin.from;
  const add = (entry: Omit<JournalEntry, 'at'>) => journal.append({ at, ...entry });
  for (let i = 0; i < 500; i++) {
    add({ hash: hashOf(i), status: 'sending', attempt: 1 });
    if (i % 3 === 0) add({ hash: hashOf(i), status: 'failed', attempt: 1, code: 550 });
    else add({ hash: hashOf(i), status: 'retrying', attempt: 1, code: 451 });
  }
  for (let i = 0; i < 500; i += 2) {
    if (i % 3 === 0) continue;
    add({ hash: hashOf(i), status: 'sending', attempt: 2 });
    add({ hash: hashOf(i), status: i % 10 === 2 ? 'deferred' : 'sent', attempt: 2 });
  }
  for (let i = 499; i >= 0; i -= 7) {
    add({ hash: hashOf(i), status: 'suppressed' });
    if (i % 5 === 0)
      add({ hash: hashOf(i), status: 'failed', attempt: 3, gaveUp: true, code: 421 });
  }
  journal.close();
}

const temporaries = async (folder: string) =>
  (await readdir(folder)).filter((name) => name.endsWith('.tmp'));

describe('compacting a journal in sorted runs', () => {
  it('gives the same bytes whether the journal fits in one run or spans many', async () => {
    const root = await fixture({});
    const inMemory = path.join(root, 'in-memory.jsonl');
    await threeRuns(inMemory);
    const outputs: string[] = [];
    for (const runLines of [2, 7, 64, 1000]) {
      const inRuns = path.join(root, `runs-${runLines}.jsonl`);
      await copyFile(inMemory, inRuns);
      await writeFileAtomic(inRuns, compactedJournal(inRuns, of, { runLines }));
      outputs.push(await readFile(inRuns, 'utf8'));
    }
    await writeFileAtomic(inMemory, compactedJournal(inMemory, of));
    const want = await readFile(inMemory, 'utf8');
    const [header, ...lines] = want.trimEnd().split('\n');
    expect(lines).toHaveLength(500);
    expect(lines).toEqual([...lines].sort());
    // The header lists the statuses in the order of the first line kept of each.
    expect(Object.keys(JSON.parse(header ?? '').counts)).toEqual([
      'failed',
      'retrying',
      'sent',
      'deferred',
      'suppressed',
    ]);
    for (const output of outputs) expect(output).toBe(want);
    expect(await temporaries(root)).toEqual([]);
  });

  it('spills runs to a temporary file beside the journal, removed when done and when the write fails', async () => {
    const root = await fixture({});
    const file = path.join(root, 'deliveries.jsonl');
    await threeRuns(file);
    const before = await readFile(file, 'utf8');

    const done = compactedJournal(file, of, { runLines: 50 });
    const first = done.next();
    expect(first.done).toBe(false);
    // The journal's lines are read once, into runs on disk, before the first piece.
    expect(await temporaries(root)).toEqual([
      expect.stringMatching(/^deliveries\.jsonl\..*\.runs\.tmp$/),
    ]);
    expect([...done].length).toBeGreaterThanOrEqual(0);
    expect(await temporaries(root)).toEqual([]);

    const failing = compactedJournal(file, of, { runLines: 50 });
    failing.next();
    expect(await temporaries(root)).toHaveLength(1);
    expect(() => failing.throw(new Error('ENOSPC: no space left on device'))).toThrow(/ENOSPC/);
    expect(await temporaries(root)).toEqual([]);
    // Nothing was written over the journal: it reads as before.
    expect(await readFile(file, 'utf8')).toBe(before);
  });

  it('reads a journal that fits in one run without writing a temporary file', async () => {
    const root = await fixture({});
    const file = path.join(root, 'deliveries.jsonl');
    await threeRuns(file);
    const compaction = compactedJournal(file, of);
    compaction.next();
    expect(await temporaries(root)).toEqual([]);
    compaction.return(undefined);
  });
});
