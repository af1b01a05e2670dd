import { execFile } from 'node:child_process';
import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { addressHash } from '../../src/ledger/addressHash.js';
import { compactedJournal } from '../../src/ledger/compactedJournal.js';
import { Journal, type JournalEntry } from '../../src/ledger/Journal.js';
import { journalEntrySchema } from '../../src/ledger/journalEntrySchema.js';
import { secretId } from '../../src/ledger/secretId.js';
import { fixture } from '../helpers/fixture.js';
import { repoRoot } from '../helpers/runCli.js';

const secret = 'k3y-th4t-is-l0ng-enough';
const key = secretId(secret);
const hashOf = (i: number) => addressHash(`reader${i}@example.org`, secret);
const line = (entry: Omit<JournalEntry, 'key'>) => JSON.stringify({ ...entry, key });

/** 300 recipients over two runs: sent, failed, deferred and one left in flight each. */
function twoRuns(): string[] {
  const lines: string[] = [];
  for (let i = 0; i < 300; i++) {
    const at = `2026-01-01T00:00:${String(i % 60).padStart(2, '0')}.000Z`;
    lines.push(line({ at, hash: hashOf(i), status: 'sending', attempt: 1 }));
    if (i % 4 === 0) lines.push(line({ at, hash: hashOf(i), status: 'sent', attempt: 1 }));
    if (i % 4 === 1)
      lines.push(line({ at, hash: hashOf(i), status: 'failed', attempt: 1, code: 550 }));
    if (i % 4 === 2) lines.push(line({ at, hash: hashOf(i), status: 'deferred', attempt: 3 }));
  }
  return lines;
}

describe('the journal, read line by line', () => {
  it('reads a journal many times its read chunk, drops a torn last line and names damaged ones', async () => {
    const root = await fixture({});
    const file = path.join(root, 'deliveries.jsonl');
    const lines = twoRuns();
    lines.splice(10, 0, '{"at": not json');
    const complete = `${lines.join('\n')}\n`;
    const torn = line({ at: '2026-01-01T00:01:00.000Z', hash: hashOf(3), status: 'sent' }).slice(
      0,
      40,
    );
    await writeFile(file, complete + torn);
    // 64 bytes at a time: every line (about 150 bytes) spans two or three reads.
    const peeked = Journal.peek(file, key, { chunkBytes: 64 });
    const journal = await Journal.open(file, key, { chunkBytes: 64 });
    try {
      for (const outcomes of [peeked, journal]) {
        expect(outcomes.last(hashOf(0))).toEqual({ status: 'sent', attempt: 1 });
        expect(outcomes.last(hashOf(1))).toEqual({ status: 'failed', attempt: 1 });
        expect(outcomes.last(hashOf(2))).toEqual({ status: 'deferred', attempt: 3 });
        expect(outcomes.last(hashOf(299))).toEqual({ status: 'sending', attempt: 1 });
        expect(outcomes.last(hashOf(300))).toBeUndefined();
      }
      expect(journal.inFlight()).toBe(75);
      expect(journal.problems).toEqual([
        { line: 11, reason: 'Unexpected text that is not JSON, expected one JSON object per line' },
      ]);
      // The torn line is gone from the file, so the next append starts clean.
      expect((await stat(file)).size).toBe(Buffer.byteLength(complete));
    } finally {
      journal.close();
    }
  });

  it('holds a 100,000-recipient journal in a few bytes a recipient, not its text or its lines', async () => {
    const root = await fixture({});
    const file = path.join(root, 'deliveries.jsonl');
    const recipients = 100_000;
    const lines: string[] = [];
    for (let i = 0; i < recipients; i++) {
      const at = new Date(Date.UTC(2026, 0, 1) + i).toISOString();
      lines.push(line({ at, hash: hashOf(i), status: 'sending', attempt: 1 }));
      lines.push(line({ at, hash: hashOf(i), status: 'sent', attempt: 1, messageId: `<${i}@x>` }));
    }
    await writeFile(file, `${lines.join('\n')}\n`);
    // A separate `node --expose-gc`, so that what stays live can be measured
    // after a collection; typed arrays live outside the JavaScript heap,
    // hence `arrayBuffers` too. The compiled module, as the global setup keeps it.
    const measure = `
      import { pathToFileURL } from 'node:url';
      const [modulePath, file, key] = process.argv.slice(1);
      const { Journal } = await import(pathToFileURL(modulePath).href);
      // Array buffers are freed in the background after a collection: let that finish.
      const used = async () => { globalThis.gc(); await new Promise((r) => setTimeout(r, 10)); globalThis.gc(); const m = process.memoryUsage(); return m.heapUsed + m.arrayBuffers; };
      const baseline = await used();
      const outcomes = Journal.peek(file, key, { chunkBytes: 65536 });
      const held = (await used()) - baseline;
      console.log(JSON.stringify({ held, size: outcomes.size }));
    `;
    const { stdout } = await promisify(execFile)(process.execPath, [
      '--expose-gc',
      '--input-type=module',
      '-e',
      measure,
      path.join(repoRoot, 'dist/ledger/Journal.js'),
      file,
      key,
    ]);
    const result = JSON.parse(stdout) as { held: number; size: number };
    expect(result.size).toBe(recipients);
    // A parsed entry per recipient took about 300 bytes; the table takes 17 a slot.
    expect(result.held / recipients).toBeLessThan(80);
  });
});

describe('the compacted journal', () => {
  /**
   * What compaction has always written: each hash's last readable entry as
   * the schema reads it (fields in its order, nothing else), by time and then hash.
   */
  function expected(text: string): string {
    const last = new Map<string, JournalEntry>();
    for (const l of text.split('\n')) {
      let value: unknown;
      try {
        value = JSON.parse(l);
      } catch {
        continue;
      }
      const entry = journalEntrySchema.parse(value);
      last.set(entry.hash, entry);
    }
    return [...last.values()]
      .sort((a, b) => a.at.localeCompare(b.at) || a.hash.localeCompare(b.hash))
      .map((entry) => `${JSON.stringify(entry)}\n`)
      .join('');
  }

  it('keeps each recipient’s last line in time then hash order, reading the file in small chunks', async () => {
    const root = await fixture({});
    const file = path.join(root, 'deliveries.jsonl');
    // Ordered by time as one clock writes, with many lines sharing a millisecond.
    const lines = twoRuns().sort((a, b) => a.slice(0, 35).localeCompare(b.slice(0, 35)));
    lines.push('damaged');
    const text = `${lines.join('\n')}\n`;
    await writeFile(file, text);
    const compacted = [...compactedJournal(file, { chunkBytes: 100 })].join('');
    expect(compacted).toBe(expected(text));
    expect(compacted.split('\n')).toHaveLength(301);
  });

  it('sorts every line when a clock went back between runs', async () => {
    const root = await fixture({});
    const file = path.join(root, 'deliveries.jsonl');
    const text = `${twoRuns().join('\n')}\n`;
    await writeFile(file, text);
    expect([...compactedJournal(file, { chunkBytes: 100 })].join('')).toBe(expected(text));
    expect(await readFile(file, 'utf8')).toBe(text);
  });
});
