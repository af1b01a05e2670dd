import { mkdir, rename, rm, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { contentParseCount } from '../../src/content/parseContentFile.js';
import { collectProblems } from '../../src/diagnostics/collectProblems.js';
import { editionRecordPath } from '../../src/ledger/archivePaths.js';
import { recordReadCount } from '../../src/ledger/readRecordFile.js';
import { recordDeliveryEnd, recordDeliveryStart } from '../../src/ledger/recordDelivery.js';
import { PreviewModel } from '../../src/preview/PreviewModel.js';
import { loadProject, type Project } from '../../src/project/loadProject.js';
import { editionRecordJson, fixture, storyMd, updateMd, writeFiles } from '../helpers/fixture.js';

const now = () => new Date('2014-12-31T12:00:00Z');
const count = 200;

/** Update `i` of the generated story: one a day from 2014-01-23. */
function updateName(i: number): string {
  const day = new Date(Date.UTC(2014, 0, 23) + i * 86_400_000).toISOString().slice(0, 10);
  return `updates/${day}-talks-${String(i).padStart(3, '0')}.md`;
}

/** A content root with `count` updates, each one paragraph naming its number. */
async function bigStory(): Promise<string> {
  const files: Record<string, string> = {
    'story.md': storyMd,
    'storyline.config.json': JSON.stringify({
      publication: 'The Geneva Talks',
      from: 'Desk <desk@example.org>',
      siteUrl: 'https://example.org/talks/',
      unsubscribe: { mailto: 'unsubscribe@example.org' },
      timeZone: 'America/New_York',
      subjectPrefix: '[Geneva]',
    }),
  };
  for (let i = 0; i < count; i++) {
    const name = updateName(i);
    files[name] = updateMd(`date: ${name.slice(8, 18)}`, `Talks went on, day ${i}.\n`);
  }
  return fixture(files);
}

/** What a load holds, without the parts that differ between two equal loads (file objects). */
function summary(project: Project) {
  return {
    story: project.story,
    sent: [...project.sent].sort(),
    inProgress: project.inProgress,
    editions: project.editions,
    problems: collectProblems(project.files).map(
      (p) => `${p.file}:${p.line}:${p.column}: ${p.reason} [${p.ruleId}]`,
    ),
    values: project.files.map((f) => [f.path, String(f.value ?? '')]),
  };
}

/** Change a file's content and push its times forward, as a later save would. */
async function save(filePath: string, content: string): Promise<void> {
  await writeFile(filePath, content);
  const later = new Date(Date.now() + 5_000);
  await utimes(filePath, later, later);
}

describe('PreviewModel: incremental content', () => {
  it('re-parses only the saved file, and holds what a fresh full load holds', async () => {
    const root = await bigStory();
    const model = new PreviewModel(root, now);
    const before = contentParseCount();
    await model.refresh();
    expect(contentParseCount() - before).toBe(count + 1);

    const saved = path.join(root, updateName(120));
    await save(saved, updateMd('date: 2014-05-23', 'Talks went on, with a new sentence.\n'));
    const beforeSave = contentParseCount();
    await model.refresh();
    expect(contentParseCount() - beforeSave).toBe(1);

    const fresh = await loadProject(root, now());
    expect(model.project && summary(model.project)).toEqual(summary(fresh));
    const body = JSON.stringify(model.project?.story?.updates.find((u) => u.path === saved)?.body);
    expect(body).toContain('with a new sentence');

    const untouched = contentParseCount();
    await model.refresh();
    expect(contentParseCount() - untouched).toBe(0);
  });

  it("keeps an unchanged file's own problems when another file is saved", async () => {
    const root = await bigStory();
    const bad = path.join(root, updateName(30));
    await writeFile(bad, updateMd('date: 2014-02-22\nkind: rumour'));
    const model = new PreviewModel(root, now);
    await model.refresh();
    const problems = (await model.view()).problems;
    expect(problems.join('\n')).toContain(path.basename(bad));
    await save(path.join(root, updateName(31)), updateMd('date: 2014-02-23', 'Changed.\n'));
    const beforeSave = contentParseCount();
    await model.refresh();
    expect(contentParseCount() - beforeSave).toBe(1);
    expect((await model.view()).problems).toEqual(problems);
  });

  it('drops a deleted file and a renamed one from the story', async () => {
    const root = await bigStory();
    const model = new PreviewModel(root, now);
    await model.refresh();
    const deleted = path.join(root, updateName(10));
    await rm(deleted);
    const renamedFrom = path.join(root, updateName(11));
    const renamedTo = path.join(root, 'updates/2014-02-03-talks-renamed.md');
    await rename(renamedFrom, renamedTo);
    const beforeSave = contentParseCount();
    await model.refresh();
    // The renamed file is a new path: parsed once under its new name.
    expect(contentParseCount() - beforeSave).toBe(1);
    const paths = model.project?.story?.updates.map((u) => u.path) ?? [];
    expect(paths).toHaveLength(count - 1);
    expect(paths).not.toContain(deleted);
    expect(paths).not.toContain(renamedFrom);
    expect(paths).toContain(renamedTo);
    expect(model.state().editions.map((e) => e.id)).not.toContain(path.basename(deleted, '.md'));
    expect(summary(model.project as Project)).toEqual(summary(await loadProject(root, now())));
  });

  it('a config change re-parses in the new time zone and re-renders', async () => {
    const root = await bigStory();
    const model = new PreviewModel(root, now);
    await model.refresh();
    const first = await model.view();
    expect(first.ok).toBe(true);
    expect(first.subject).toContain('[Geneva]');
    const configPath = path.join(root, 'storyline.config.json');
    await save(
      configPath,
      JSON.stringify({
        publication: 'The Montreux Talks',
        from: 'Desk <desk@example.org>',
        siteUrl: 'https://example.org/talks/',
        unsubscribe: { mailto: 'unsubscribe@example.org' },
        timeZone: 'Europe/Zurich',
        subjectPrefix: '[Montreux]',
      }),
    );
    const beforeSave = contentParseCount();
    await model.refresh();
    // Dates are read in the config's time zone: every file is parsed again.
    expect(contentParseCount() - beforeSave).toBe(count + 1);
    const second = await model.view();
    expect(second.version).toBeGreaterThan(first.version);
    expect(second.subject).toContain('[Montreux]');
    expect(model.project?.config.timeZone).toBe('Europe/Zurich');
  });

  it('still reports an id given twice across files after an incremental change', async () => {
    const root = await bigStory();
    const model = new PreviewModel(root, now);
    await model.refresh();
    const view = await model.view();
    expect(view.ok).toBe(true);
    const id = path.basename(updateName(50), '.md');
    await mkdir(path.join(root, 'updates/extra'));
    await writeFile(path.join(root, `updates/extra/${id}.md`), updateMd('date: 2014-03-14'));
    const beforeSave = contentParseCount();
    await model.refresh();
    // The second file with the id is reported, not parsed; nothing else is parsed.
    expect(contentParseCount() - beforeSave).toBe(0);
    const after = await model.view();
    expect(after.ok).toBe(false);
    expect(after.problems.join('\n')).toContain(`Unexpected second update with id \`${id}\``);
    expect(summary(model.project as Project)).toEqual(summary(await loadProject(root, now())));

    // Once the copy is gone the story is whole again, from the cache.
    await rm(path.join(root, 'updates/extra'), { recursive: true });
    const beforeFix = contentParseCount();
    await model.refresh();
    expect(contentParseCount() - beforeFix).toBe(0);
    expect((await model.view()).ok).toBe(true);
  });

  it('judges a date in the future again as the clock moves on, with the file unchanged', async () => {
    const root = await fixture({
      'story.md': storyMd,
      'updates/2014-02-10-talks.md': updateMd('date: 2014-02-10'),
      'updates/2014-03-05-talks-again.md': updateMd('date: 2014-03-05'),
    });
    let clock = new Date('2014-03-01T12:00:00Z');
    const model = new PreviewModel(root, () => clock);
    await model.refresh();
    expect((await model.view()).problems.join('\n')).toContain('in the future');
    clock = new Date('2014-03-10T12:00:00Z');
    await model.refresh();
    const view = await model.view();
    expect(view.problems.join('\n')).not.toContain('in the future');
    expect(view.ok).toBe(true);
  });
});

describe('PreviewModel: the archive between saves', () => {
  /** `bigStory` mailed update by update: a finished edition for every update but the newest. */
  async function mailedStory(): Promise<{ root: string; ids: string[] }> {
    const root = await bigStory();
    const ids = Array.from({ length: count }, (_, i) => path.basename(updateName(i), '.md'));
    const records: Record<string, string> = {};
    for (const [i, id] of ids.slice(0, -1).entries()) {
      const at = new Date(Date.UTC(2014, 0, 23, 18) + i * 86_400_000).toISOString();
      records[`archive/${id}/edition.json`] = editionRecordJson({
        id,
        updates: [id],
        complete: true,
        startedAt: at,
        finishedAt: at,
      });
    }
    await writeFiles(root, records);
    return { root, ids };
  }

  const pendingIds = (model: PreviewModel) =>
    model
      .state()
      .editions.filter((e) => e.pending)
      .map((e) => e.id);

  it('reads an unchanged record once, and shows what a fresh load shows', async () => {
    const { root, ids } = await mailedStory();
    const model = new PreviewModel(root, now);
    const before = recordReadCount();
    await model.refresh();
    expect(recordReadCount() - before).toBe(count - 1);
    expect(pendingIds(model)).toEqual([ids.at(-1)]);

    await save(path.join(root, updateName(count - 1)), updateMd('date: 2014-08-10', 'More.\n'));
    const listBefore = model.state();
    const beforeSave = recordReadCount();
    await model.refresh();
    expect(recordReadCount() - beforeSave).toBe(0);
    expect(summary(model.project as Project)).toEqual(summary(await loadProject(root, now())));
    // The save changed a body, not the list: the page keeps the list it has.
    expect(model.state().version).toBeGreaterThan(listBefore.version);
    expect(model.state().listKey).toBe(listBefore.listKey);
    expect(model.state().editions).toEqual(listBefore.editions);
  });

  it('shows a record a send wrote, finished or that was removed between two saves', async () => {
    const { root, ids } = await mailedStory();
    const newest = ids.at(-1) as string;
    const model = new PreviewModel(root, now);
    await model.refresh();
    expect((await model.view()).id).toBe(newest);

    // A send of the pending edition, run beside the preview, starts and then finishes.
    const edition = (model.project as Project).story?.updates.at(-1);
    if (!edition) throw new Error('expected the newest update');
    const planned = {
      id: newest,
      headline: 'h',
      subject: 's',
      preheader: 'p',
      newUpdates: [edition],
      earlierUpdates: [],
      base: (model.project as Project).story?.base as NonNullable<Project['story']>['base'],
    };
    const listBefore = model.state().listKey;
    await recordDeliveryStart(root, planned, undefined, new Date(), 'key');
    let beforeSave = recordReadCount();
    await model.refresh();
    expect(recordReadCount() - beforeSave).toBe(1);
    expect(model.project?.inProgress?.id).toBe(newest);
    expect(pendingIds(model)).toEqual([newest]);

    const counts = { sent: 2, failed: 0, suppressed: 0, deferred: 0 };
    await recordDeliveryEnd(root, newest, undefined, new Date(), counts, true);
    beforeSave = recordReadCount();
    await model.refresh();
    expect(recordReadCount() - beforeSave).toBe(1);
    expect(model.project?.inProgress).toBeUndefined();
    expect(pendingIds(model)).toEqual([]);
    // The list changed (the newest is no longer pending): the page must fetch it again.
    expect(model.state().listKey).not.toBe(listBefore);
    expect(summary(model.project as Project)).toEqual(summary(await loadProject(root, now())));

    // A record put back by hand (a revert), in place: the update is pending again.
    await rm(path.join(root, 'archive', newest), { recursive: true });
    const rewritten = ids[100] as string;
    await save(
      editionRecordPath(root, rewritten),
      editionRecordJson({ id: rewritten, updates: [rewritten], complete: false }),
    );
    await model.refresh();
    expect(pendingIds(model)).toEqual([newest, rewritten]);
    expect(model.project?.inProgress?.id).toBe(rewritten);
    expect(summary(model.project as Project)).toEqual(summary(await loadProject(root, now())));
  });
});
