import { mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Update } from '../../src/content/Story.js';
import type { Edition } from '../../src/edition/Edition.js';
import { editionRecordPath } from '../../src/ledger/archivePaths.js';
import { LedgerCache } from '../../src/ledger/LedgerCache.js';
import { type LedgerResult, readLedger } from '../../src/ledger/readLedger.js';
import { recordReadCount } from '../../src/ledger/readRecordFile.js';
import { recordDeliveryEnd, recordDeliveryStart } from '../../src/ledger/recordDelivery.js';
import { reportArchiveLinks } from '../../src/ledger/reportArchiveLinks.js';
import { editionRecordJson, fixture } from '../helpers/fixture.js';

const count = 60;

/** `count` finished editions of one update each, as a story mailed update by update leaves. */
async function archiveOfEditions(): Promise<{ root: string; ids: string[] }> {
  const files: Record<string, string> = {};
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const day = new Date(Date.UTC(2014, 0, 23) + i * 86_400_000).toISOString();
    const id = `${day.slice(0, 10)}-talks-${String(i).padStart(3, '0')}`;
    ids.push(id);
    files[`archive/${id}/edition.json`] = editionRecordJson({
      id,
      updates: [id],
      complete: true,
      startedAt: day,
      finishedAt: day,
    });
  }
  return { root: await fixture(files), ids };
}

/** What a read holds, with the damaged files as their messages. */
function summary({ ledger, files }: LedgerResult) {
  return {
    ...ledger,
    sent: [...ledger.sent].sort(),
    problems: files.flatMap((f) => f.messages.map((m) => `${f.path}: ${m.reason} [${m.ruleId}]`)),
  };
}

/** Read through `cache`; the records read from disk, and whether it holds what a fresh read holds. */
async function readBoth(root: string, cache: LedgerCache) {
  const before = recordReadCount();
  const cached = summary(await readLedger(root, { cache }));
  const reads = recordReadCount() - before;
  expect(cached).toEqual(summary(await readLedger(root)));
  return { cached, reads };
}

/** An edition of one update, with only what a send's record takes from it. */
function editionOf(id: string): Edition {
  return {
    id,
    headline: 'A headline',
    subject: 'A subject',
    preheader: 'A preheader',
    // The record names the updates by id; nothing else of them is read.
    newUpdates: [{ id } as Update],
    earlierUpdates: [],
    base: {} as Edition['base'],
  };
}

describe('readLedger with a LedgerCache', () => {
  it('reads an unchanged record once, and each one a send adds, finishes or rewrites again', async () => {
    const { root } = await archiveOfEditions();
    const cache = new LedgerCache();
    expect((await readBoth(root, cache)).reads).toBe(count);
    expect((await readBoth(root, cache)).reads).toBe(0);

    // A send of a new edition, as another process would run it beside the preview.
    const added = '2014-04-01-talks-new';
    await recordDeliveryStart(root, editionOf(added), undefined, new Date(), 'key');
    let read = await readBoth(root, cache);
    expect(read.reads).toBe(1);
    expect(read.cached.inProgress?.id).toBe(added);

    await recordDeliveryEnd(
      root,
      added,
      undefined,
      new Date(),
      { sent: 3, failed: 0, suppressed: 0, deferred: 0 },
      true,
    );
    read = await readBoth(root, cache);
    expect(read.reads).toBe(1);
    expect(read.cached.inProgress).toBeUndefined();
    expect(read.cached.sent).toContain(added);
  });

  it('sees a record rewritten in place with the same size', async () => {
    const { root, ids } = await archiveOfEditions();
    const cache = new LedgerCache();
    await readBoth(root, cache);
    const changed = editionRecordPath(root, ids[7] as string);
    const text = await readFile(changed, 'utf8');
    const rewritten = text.replace('"sent":1', '"sent":2');
    expect(rewritten).not.toBe(text);
    await writeFile(changed, rewritten);
    const read = await readBoth(root, cache);
    expect(read.reads).toBe(1);
    expect(read.cached.editions.find((e) => e.id === ids[7])?.counts.sent).toBe(2);
  });

  it('forgets a removed edition, and reports a damaged record on every read', async () => {
    const { root, ids } = await archiveOfEditions();
    const cache = new LedgerCache();
    await readBoth(root, cache);
    await rm(path.join(root, 'archive', ids[3] as string), { recursive: true });
    const damaged = editionRecordPath(root, ids[5] as string);
    await writeFile(damaged, '{"id": ');
    for (let i = 0; i < 2; i++) {
      const read = await readBoth(root, cache);
      expect(read.reads).toBe(1);
      expect(read.cached.editions.map((e) => e.id)).not.toContain(ids[3]);
      expect(read.cached.editions.map((e) => e.id)).not.toContain(ids[5]);
      expect(read.cached.problems.join('\n')).toContain('not JSON');
    }
    await writeFile(
      damaged,
      editionRecordJson({ id: ids[5] as string, updates: [ids[5] as string], complete: true }),
    );
    const read = await readBoth(root, cache);
    expect(read.reads).toBe(1);
    expect(read.cached.sent).toContain(ids[5]);
  });
});

describe('reportArchiveLinks with a LedgerCache', () => {
  it('reports a link put into a folder it has listed before', async () => {
    const { root, ids } = await archiveOfEditions();
    const cache = new LedgerCache();
    expect(await reportArchiveLinks(root, cache)).toEqual([]);
    const link = path.join(root, 'archive', ids[2] as string, 'page.html');
    await symlink(path.join(root, 'archive', ids[1] as string, 'edition.json'), link);
    const nested = path.join(root, 'archive', ids[4] as string, 'images');
    await mkdir(nested);
    await reportArchiveLinks(root, cache);
    await symlink(root, path.join(nested, 'elsewhere'));
    for (let i = 0; i < 2; i++) {
      const reported = (await reportArchiveLinks(root, cache)).map((f) => [
        f.path,
        f.messages.map((m) => m.reason),
      ]);
      expect(reported).toEqual(
        (await reportArchiveLinks(root)).map((f) => [f.path, f.messages.map((m) => m.reason)]),
      );
      expect(reported.map(([p]) => p)).toEqual([path.join(nested, 'elsewhere'), link].sort());
    }
  });
});
