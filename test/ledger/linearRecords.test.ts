import { readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planAllEditions, planEditionFromRecord } from '../../src/edition/planEdition.js';
import { editionRecordPath } from '../../src/ledger/archivePaths.js';
import { emptyCounts } from '../../src/ledger/EditionRecord.js';
import { readLedger } from '../../src/ledger/readLedger.js';
import { recordDeliveryEnd, recordDeliveryStart } from '../../src/ledger/recordDelivery.js';
import { secretId } from '../../src/ledger/secretId.js';
import { loadProject } from '../../src/project/loadProject.js';
import { checkProject } from '../../src/usecases/checkProject.js';
import { sampleFixture, updateMd, writeFiles } from '../helpers/fixture.js';
import { type PublishedStory, publishedStory, publishNow, publishOk } from '../helpers/publish.js';

/** Every file under `dir`, relative path to bytes. */
async function snapshot(dir: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath, entry.name);
    files[path.relative(dir, full)] = await readFile(full, 'latin1');
  }
  return files;
}

/** A record as versions before linear records wrote it: `earlierUpdates` after `updates`. */
function oldForm(record: Record<string, unknown>, earlierUpdates: string[]): string {
  const old: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) {
    old[key] = value;
    if (key === 'updates') old.earlierUpdates = earlierUpdates;
  }
  return `${JSON.stringify(old, null, 2)}\n`;
}

describe('edition records in the old form (every earlier update listed)', () => {
  let story: PublishedStory;
  let archive: string;
  /** The archive as a publish writes it today. */
  let published: Record<string, string>;
  beforeAll(async () => {
    story = await publishedStory();
    archive = path.join(story.root, 'archive');
    published = await snapshot(archive);
  }, 60_000);
  afterAll(() => story?.remove());

  it('writes records that name only the updates their edition added', () => {
    const [first, second] = story.editions;
    expect(first?.updates).toHaveLength(2);
    expect(second?.updates).toHaveLength(1);
    for (const record of story.editions) expect(record).not.toHaveProperty('earlierUpdates');
  });

  it('are read, left alone by check, and rewritten by publish, with every page the same', async () => {
    const [first, second] = story.editions;
    if (!first || !second) throw new Error('expected two editions');
    const files = {
      [first.id]: oldForm({ ...first }, []),
      // What the old version wrote: newest first, the first edition's updates.
      [second.id]: oldForm({ ...second }, [...first.updates]),
    };
    for (const [id, text] of Object.entries(files))
      await writeFile(editionRecordPath(story.root, id), text);
    // Pages made again from the records: they must come out as before.
    for (const record of story.editions) {
      await rm(path.join(archive, record.id, 'index.html'));
      await rm(path.join(archive, record.id, 'email.txt'));
    }
    const { ledger, files: damaged } = await readLedger(story.root);
    expect(damaged).toEqual([]);
    expect(ledger.editions.map((e) => e.updates)).toEqual([first.updates, second.updates]);
    expect(ledger.editions.every((e) => !('earlierUpdates' in e))).toBe(true);
    expect(ledger.oldForm.map((e) => e.id)).toEqual([first.id, second.id]);

    const before = await snapshot(archive);
    const checked = await checkProject({ root: story.root, now: publishNow });
    expect(checked.ok).toBe(true);
    expect(await snapshot(archive)).toEqual(before);

    const result = await publishOk(story.root);
    expect(result.stdout).toContain('Nothing pending');
    const after = await snapshot(archive);
    for (const record of story.editions) {
      const file = path.join(record.id, 'edition.json');
      expect(JSON.parse(after[file] ?? '{}')).not.toHaveProperty('earlierUpdates');
      expect(after[path.join(record.id, 'index.html')]).toBeDefined();
    }
    expect(after).toEqual(published);
    expect((await readLedger(story.root)).ledger.oldForm).toEqual([]);
  });

  it('rebuilds each edition as it was mailed from the updates of the editions before it', async () => {
    const project = await loadProject(story.root, publishNow);
    if (!project.story) throw new Error('expected a story');
    const [first, second] = project.editions;
    if (!first || !second) throw new Error('expected two editions');
    const rebuilt = planEditionFromRecord(
      project.story,
      second,
      new Set(first.updates),
      project.config,
    );
    const built = JSON.parse(
      await readFile(path.join(story.root, '.storyline/build', second.id, 'edition.json'), 'utf8'),
    ) as { earlierUpdates: string[]; updates: string[]; subject: string };
    expect(rebuilt?.newUpdates.map((u) => u.id)).toEqual(built.updates);
    expect(rebuilt?.earlierUpdates.map((u) => u.id)).toEqual(built.earlierUpdates);
    expect(built.earlierUpdates).toHaveLength(2);
    expect(rebuilt?.subject).toBe(built.subject);
  });
});

describe('edition records of a long story', () => {
  it('grow linearly with one edition per update, and rebuild every edition exactly', {
    timeout: 120_000,
  }, async () => {
    const root = await sampleFixture();
    const extra: Record<string, string> = {};
    const day = Date.parse('2014-02-11T00:00:00Z');
    for (let n = 1; n < 300; n++) {
      const date = new Date(day + n * 86_400_000).toISOString().slice(0, 10);
      extra[`updates/${date}-update-${n}.md`] = updateMd(`date: ${date}`, `Update ${n}.\n`);
    }
    await writeFiles(root, extra);
    const now = new Date('2016-01-01T00:00:00Z');
    const project = await loadProject(root, now);
    if (!project.story) throw new Error('expected a story');
    const editions = planAllEditions(project.story, project.config);
    expect(editions).toHaveLength(300);

    const key = secretId('linear-records-secret');
    const totalBytes = async (count: number) => {
      let total = 0;
      for (const edition of editions.slice(0, count))
        total += (await stat(editionRecordPath(root, edition.id))).size;
      return total;
    };
    let bytesAt150 = 0;
    for (const [index, edition] of editions.entries()) {
      const at = new Date(Date.parse('2015-01-01T00:00:00Z') + index * 60_000);
      await recordDeliveryStart(root, edition, undefined, at, key);
      await recordDeliveryEnd(root, edition.id, undefined, at, emptyCounts(), true);
      if (index === 149) bytesAt150 = await totalBytes(150);
    }
    const bytesAt300 = await totalBytes(300);
    // Quadratic records (every earlier id in each) make this about 3.7.
    expect(bytesAt300 / bytesAt150).toBeLessThan(2.3);

    // The earlier updates each record no longer lists come back from the ledger.
    const { ledger } = await readLedger(root);
    expect(ledger.editions.map((e) => e.id)).toEqual(editions.map((e) => e.id));
    const earlier = new Set<string>();
    for (const [index, record] of ledger.editions.entries()) {
      const rebuilt = planEditionFromRecord(project.story, record, earlier, project.config);
      expect(rebuilt, record.id).toEqual(editions[index]);
      for (const id of record.updates) earlier.add(id);
    }
  });
});
