import { execFile } from 'node:child_process';
import { appendFile, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { addressHash } from '../../src/ledger/addressHash.js';
import { compactedJournal } from '../../src/ledger/compactedJournal.js';
import { Journal, type JournalEntry } from '../../src/ledger/Journal.js';
import { journalEntrySchema } from '../../src/ledger/journalEntrySchema.js';
import { compactedHeaderSchema, type JournalRecord } from '../../src/ledger/journalLine.js';
import { OtherSecretError } from '../../src/ledger/OtherSecretError.js';
import { secretId } from '../../src/ledger/secretId.js';
import { writeFileAtomic } from '../../src/util/writeFileAtomic.js';
import { fixture } from '../helpers/fixture.js';
import { journalRecords } from '../helpers/journalRecords.js';
import { repoRoot } from '../helpers/runCli.js';

const secret = 'k3y-th4t-is-l0ng-enough';
const key = secretId(secret);
const hashOf = (i: number) => addressHash(`reader${i}@example.org`, secret);
const line = (entry: Omit<JournalEntry, 'key'>) => JSON.stringify({ ...entry, key });
const begin = { edition: '2026-01-01-edition', from: '2026-01-01T00:00:00.000Z' };

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
    const journal = await Journal.open(file, key, begin, { chunkBytes: 64 });
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

  const of = { key, edition: '2026-01-01-edition' };
  const outcomesOf = (file: string) => {
    const outcomes = Journal.peek(file, key);
    return Array.from({ length: 300 }, (_, i) => outcomes.last(hashOf(i)));
  };

  it('holds 100,000 recipients in at most 25 bytes each, sorted by hash, and reads back their outcomes', async () => {
    const root = await fixture({});
    const file = path.join(root, 'deliveries.jsonl');
    const recipients = 100_000;
    const lines: string[] = [];
    for (let i = 0; i < recipients; i++) {
      const at = new Date(Date.UTC(2026, 0, 1) + i).toISOString();
      const hash = hashOf(i);
      lines.push(line({ at, hash, status: 'sending', attempt: 1 }));
      if (i % 1000 === 7) lines.push(line({ at, hash, status: 'failed', attempt: 1, code: 550 }));
      else
        lines.push(
          line({ at, hash, status: 'sent', attempt: 1, code: 250, messageId: `<${i}@x>` }),
        );
    }
    await writeFile(file, `${lines.join('\n')}\n`);
    await writeFileAtomic(file, compactedJournal(file, of));
    const size = (await stat(file)).size;
    console.log(`compacted journal: ${(size / recipients).toFixed(2)} bytes a recipient`);
    expect(size / recipients).toBeLessThanOrEqual(25);
    const [header, ...rest] = (await readFile(file, 'utf8')).trim().split('\n');
    expect(JSON.parse(header ?? '')).toEqual({
      journal: 'compacted',
      version: 1,
      key,
      edition: of.edition,
      counts: { sent: 99_900, failed: 100 },
      from: '2026-01-01T00:00:00.000Z',
      to: new Date(Date.UTC(2026, 0, 1) + recipients - 1).toISOString(),
    });
    expect(rest).toHaveLength(recipients);
    expect(rest).toEqual([...rest].sort());
    expect(rest).toContain(`${hashOf(7)}f 550`);
    const outcomes = Journal.peek(file, key);
    expect(outcomes.size).toBe(recipients);
    expect(outcomes.last(hashOf(0))).toEqual({ status: 'sent' });
    expect(outcomes.last(hashOf(1007))).toEqual({ status: 'failed' });
    expect([...Journal.hashes(file, key)]).toHaveLength(recipients);
  });

  it('reads today’s forms to the same outcomes: uncompacted with a torn last line, compacted JSON lines (with or without key), and the new form', async () => {
    const root = await fixture({});
    const text = `${twoRuns().join('\n')}\n`;
    const uncompacted = path.join(root, 'uncompacted.jsonl');
    await writeFile(
      uncompacted,
      `${text}${line({ at: '2026-01-01T00:02:00.000Z', hash: hashOf(0), status: 'failed' }).slice(0, 50)}`,
    );
    const oldCompacted = path.join(root, 'old-compacted.jsonl');
    await writeFile(oldCompacted, expected(text));
    const keyless = path.join(root, 'keyless.jsonl');
    await writeFile(keyless, expected(text).replaceAll(`,"key":"${key}"`, ''));
    const compacted = path.join(root, 'compacted.jsonl');
    await writeFile(compacted, text);
    await writeFileAtomic(compacted, compactedJournal(compacted, of, { chunkBytes: 100 }));
    const want = outcomesOf(uncompacted);
    expect(want[2]).toEqual({ status: 'deferred', attempt: 3 });
    expect(want[299]).toEqual({ status: 'sending', attempt: 1 });
    const settledOnly = want.map((o) =>
      o && ['sent', 'failed', 'suppressed'].includes(o.status) ? { status: o.status } : o,
    );
    expect(outcomesOf(oldCompacted)).toEqual(want);
    expect(outcomesOf(keyless)).toEqual(want);
    // A settled recipient keeps no attempt once compacted: none is needed.
    expect(outcomesOf(compacted)).toEqual(settledOnly);
    // A run appending below a compacted journal, then compacted again.
    const extra = line({
      at: '2026-01-02T00:00:00.000Z',
      hash: hashOf(2),
      status: 'sent',
      attempt: 1,
    });
    await writeFile(compacted, `${await readFile(compacted, 'utf8')}${extra}\n`);
    expect(outcomesOf(compacted)[2]).toEqual({ status: 'sent', attempt: 1 });
    await writeFileAtomic(compacted, compactedJournal(compacted, of));
    expect(outcomesOf(compacted)).toEqual(
      settledOnly.map((o, i) => (i === 2 ? { status: 'sent' } : o)),
    );
    expect(JSON.parse((await readFile(compacted, 'utf8')).split('\n')[0] ?? '')).toMatchObject({
      to: '2026-01-02T00:00:00.000Z',
    });
  });

  it('refuses a compacted journal whose header names another secret', async () => {
    const root = await fixture({});
    const file = path.join(root, 'deliveries.jsonl');
    await writeFile(file, `${twoRuns().join('\n')}\n`);
    await writeFileAtomic(file, compactedJournal(file, of));
    const otherKey = secretId('an-0ther-secret-l0ng-enough');
    expect(() => Journal.peek(file, otherKey)).toThrow(OtherSecretError);
    expect(() => [...Journal.hashes(file, otherKey)]).toThrow(OtherSecretError);
    await expect(Journal.open(file, otherKey, begin)).rejects.toThrow(OtherSecretError);
  });
});

/** Every status and field a send writes, one recipient each (hashOf(i)), as a send appends them. */
function everyOutcome(at: string): JournalEntry[] {
  const entries: JournalEntry[] = [];
  const add = (i: number, ...rest: Omit<JournalEntry, 'at' | 'hash'>[]) => {
    for (const entry of rest) entries.push({ at, hash: hashOf(i), ...entry });
  };
  add(
    0,
    { status: 'sending', attempt: 1 },
    { status: 'sent', code: 250, messageId: '<m0@x>', attempt: 1 },
  );
  add(1, { status: 'sending', attempt: 1 }, { status: 'failed', code: 550, attempt: 1 });
  add(2, { status: 'sending', attempt: 1 }, { status: 'retrying', code: 451, attempt: 1 });
  add(3, { status: 'sending', attempt: 2 }, { status: 'deferred', attempt: 2 });
  add(
    4,
    { status: 'sending', attempt: 3 },
    { status: 'failed', code: 421, attempt: 3, gaveUp: true },
  );
  add(5, { status: 'suppressed' });
  add(6, { status: 'sending', attempt: 12 });
  add(7, { status: 'sending', attempt: 1 }, { status: 'deferred', attempt: 0 });
  return entries;
}

/** What a reader keeps of an entry in the compact form. */
function compactOf(entry: JournalEntry): JournalRecord {
  const settled = ['sent', 'failed', 'suppressed'].includes(entry.status);
  return {
    hash: entry.hash,
    status: entry.status,
    ...(entry.code !== undefined && entry.status !== 'sent' ? { code: entry.code } : {}),
    ...(entry.attempt !== undefined && (!settled || entry.gaveUp)
      ? { attempt: entry.attempt }
      : {}),
    ...(entry.gaveUp ? { gaveUp: true } : {}),
  };
}

describe('the journal while an edition is being sent', () => {
  it('begins a new journal with its header and writes at most 55 bytes a recipient sent, at 10,000', async () => {
    const root = await fixture({});
    const file = path.join(root, 'archive', begin.edition, 'deliveries.jsonl');
    const recipients = 10_000;
    const journal = await Journal.open(file, key, begin);
    expect(journal.compact).toBe(true);
    for (let i = 0; i < recipients; i++) {
      const at = new Date(Date.UTC(2026, 0, 1) + i).toISOString();
      const hash = hashOf(i);
      journal.append({ at, hash, status: 'sending', attempt: 1 });
      journal.append({ at, hash, status: 'sent', code: 250, messageId: `<e.${i}@x>`, attempt: 1 });
    }
    journal.close();
    const text = await readFile(file, 'utf8');
    const [header, first, second] = text.split('\n');
    expect(JSON.parse(header ?? '')).toEqual({ journal: 'open', version: 1, key, ...begin });
    expect([first, second]).toEqual([`${hashOf(0)}i a1`, `${hashOf(0)}s`]);
    const perRecipient = (await stat(file)).size / recipients;
    console.log(`journal while sending: ${perRecipient.toFixed(2)} bytes a recipient`);
    expect(perRecipient).toBeLessThanOrEqual(55);
    const outcomes = Journal.peek(file, key);
    expect(outcomes.size).toBe(recipients);
    expect(outcomes.count('sent')).toBe(recipients);
    expect([...Journal.hashes(file, key)]).toHaveLength(2 * recipients);
  });

  it('reads back every status and field a send writes in the compact form', async () => {
    const root = await fixture({});
    const file = path.join(root, 'deliveries.jsonl');
    const entries = everyOutcome(begin.from);
    const journal = await Journal.open(file, key, begin);
    for (const entry of entries) journal.append(entry);
    journal.close();
    expect(await journalRecords(file, key)).toEqual(entries.map(compactOf));
    const reopened = await Journal.open(file, key, begin);
    try {
      expect(reopened.unreadable).toBe(0);
      expect(reopened.last(hashOf(2))).toEqual({ status: 'retrying', attempt: 1 });
      expect(reopened.last(hashOf(3))).toEqual({ status: 'deferred', attempt: 2 });
      expect(reopened.last(hashOf(4))).toEqual({ status: 'failed', attempt: 3 });
      expect(reopened.last(hashOf(7))).toEqual({ status: 'deferred', attempt: 0 });
      expect(reopened.inFlight()).toBe(1);
    } finally {
      reopened.close();
    }
  });

  it('keeps appending JSON lines to a journal of JSON lines begun by an earlier version', async () => {
    const root = await fixture({});
    const file = path.join(root, 'deliveries.jsonl');
    const before = `${twoRuns().join('\n')}\n`;
    await writeFile(file, before);
    const journal = await Journal.open(file, key, begin);
    expect(journal.compact).toBe(false);
    expect(journal.inFlight()).toBe(75);
    const at = '2026-01-02T00:00:00.000Z';
    journal.append({ at, hash: hashOf(3), status: 'sent', attempt: 1, messageId: '<m3@x>' });
    journal.close();
    const after = await readFile(file, 'utf8');
    expect(after.startsWith(before)).toBe(true);
    expect(JSON.parse(after.slice(before.length))).toEqual({
      at,
      hash: hashOf(3),
      status: 'sent',
      attempt: 1,
      messageId: '<m3@x>',
      key,
    });
    expect(Journal.peek(file, key).last(hashOf(3))).toEqual({ status: 'sent', attempt: 1 });
  });

  it('drops a compact line cut short by a kill on open, and never reads it as another outcome', async () => {
    const root = await fixture({});
    const file = path.join(root, 'deliveries.jsonl');
    const journal = await Journal.open(file, key, begin);
    for (let i = 0; i < 10; i++) {
      journal.append({ at: begin.from, hash: hashOf(i), status: 'sending', attempt: 1 });
    }
    for (let i = 0; i < 5; i++) {
      journal.append({ at: begin.from, hash: hashOf(i), status: 'sent', attempt: 1 });
    }
    journal.close();
    const complete = (await stat(file)).size;
    // Each of these reads as a valid line of another outcome were it complete.
    for (const torn of [
      `${hashOf(5)}f 550 a3`, // of `… a3 gave-up`: failed, but not given up on
      `${hashOf(6)}r 451 a1`, // of `… a12`
      `${hashOf(7)}s`.slice(0, 20), // a hash cut short
    ]) {
      await appendFile(file, torn);
      const peeked = Journal.peek(file, key);
      expect(peeked.last(hashOf(5))).toEqual({ status: 'sending', attempt: 1 });
      expect(peeked.last(hashOf(6))).toEqual({ status: 'sending', attempt: 1 });
      expect(peeked.size).toBe(10);
      const reopened = await Journal.open(file, key, begin);
      expect(reopened.inFlight()).toBe(5);
      expect(reopened.unreadable).toBe(0);
      expect(reopened.compact).toBe(true);
      reopened.close();
      expect((await stat(file)).size).toBe(complete);
    }
    // A header cut short: the journal is begun again.
    const fresh = path.join(root, 'fresh.jsonl');
    await writeFile(fresh, '{"journal":"open","ver');
    (await Journal.open(fresh, key, begin)).close();
    expect(await readFile(fresh, 'utf8')).toBe(
      `${JSON.stringify({ journal: 'open', version: 1, key, ...begin })}\n`,
    );
  });

  it('compacts the open form to the same lines as the same outcomes written as JSON lines, and appends compact lines after', async () => {
    const root = await fixture({});
    const entries = [
      ...everyOutcome(begin.from),
      ...twoRuns().map((l) => journalEntrySchema.parse(JSON.parse(l))),
    ].map((entry) => ({ ...entry, at: begin.from }));
    const open = path.join(root, 'open.jsonl');
    const journal = await Journal.open(open, key, begin);
    for (const entry of entries) journal.append(entry);
    journal.close();
    const json = path.join(root, 'json.jsonl');
    await writeFile(json, entries.map((entry) => `${line(entry)}\n`).join(''));
    const of = { key, edition: begin.edition };
    await writeFileAtomic(open, compactedJournal(open, of));
    await writeFileAtomic(json, compactedJournal(json, of));
    const [openHeader, ...openLines] = (await readFile(open, 'utf8')).split('\n');
    const [jsonHeader, ...jsonLines] = (await readFile(json, 'utf8')).split('\n');
    expect(openLines.length).toBeGreaterThan(300);
    expect(openLines.join('\n')).toBe(jsonLines.join('\n'));
    const fromOpen = compactedHeaderSchema.parse(JSON.parse(openHeader ?? ''));
    // The open form's lines hold no times: its range is where it began.
    expect(fromOpen).toEqual({
      ...compactedHeaderSchema.parse(JSON.parse(jsonHeader ?? '')),
      to: undefined,
    });
    expect(fromOpen.from).toBe(begin.from);

    // A later run below the compacted form: compact lines, read after its header.
    const again = await Journal.open(open, key, begin);
    expect(again.compact).toBe(true);
    again.append({ at: begin.from, hash: hashOf(3), status: 'sent', attempt: 3 });
    again.close();
    expect((await readFile(open, 'utf8')).endsWith(`\n${hashOf(3)}s\n`)).toBe(true);
    expect(Journal.peek(open, key).last(hashOf(3))).toEqual({ status: 'sent' });
    await writeFileAtomic(open, compactedJournal(open, of));
    expect(Journal.peek(open, key).last(hashOf(3))).toEqual({ status: 'sent' });
  });
});

describe('the journal once its outcomes are counted', () => {
  it('lets its outcome table go before compaction: synced and closed, and reading an outcome after says so', async () => {
    const root = await fixture({});
    const file = path.join(root, 'deliveries.jsonl');
    const journal = await Journal.open(file, key, begin);
    journal.append({ at: begin.from, hash: hashOf(1), status: 'sent', attempt: 1 });
    expect(journal.listedCounts().sent).toBe(1);
    journal.releaseOutcomes();
    expect(() => journal.last(hashOf(1))).toThrow(/outcomes of the journal .* were released/);
    expect(() => journal.listedCounts()).toThrow(/released/);
    expect(() =>
      journal.append({ at: begin.from, hash: hashOf(2), status: 'sent', attempt: 1 }),
    ).toThrow(/is closed/);
    // Everything appended is on disk for compaction to read.
    expect(Journal.peek(file, key).last(hashOf(1))).toEqual({ status: 'sent' });
  });
});
