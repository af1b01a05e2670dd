import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { storyPage } from '../../src/archive/storyPage.js';
import { writeArchive } from '../../src/archive/writeArchive.js';
import { planPendingEdition } from '../../src/edition/planEdition.js';
import { emptyCounts } from '../../src/ledger/EditionRecord.js';
import { readLedger } from '../../src/ledger/readLedger.js';
import { recordDeliveryEnd, recordDeliveryStart } from '../../src/ledger/recordDelivery.js';
import { secretId } from '../../src/ledger/secretId.js';
import { sampleFixture, updateMd, writeFiles } from '../helpers/fixture.js';
import { publishNow, publishOk } from '../helpers/publish.js';
import { loadForRender } from '../helpers/render.js';

const now = new Date('2016-01-01T00:00:00Z');

/**
 * The sample with `count - 1` more updates, one a day after it, all mailed in
 * one edition; returns the update ids oldest first.
 */
async function longStory(count: number): Promise<{ root: string; ids: string[] }> {
  const root = await sampleFixture();
  const extra: Record<string, string> = {};
  const day = Date.parse('2014-02-10T00:00:00Z');
  for (let n = 1; n < count; n++) {
    const date = new Date(day + n * 86_400_000).toISOString().slice(0, 10);
    extra[`updates/${date}-update-${n}.md`] = updateMd(`date: ${date}`, `Update number ${n}.\n`);
  }
  await writeFiles(root, extra);
  const { project, story } = await loadForRender(root, now);
  const edition = planPendingEdition(story, new Set(), project.config);
  if (!edition) throw new Error('expected a pending edition');
  await recordDeliveryStart(root, edition, undefined, now, secretId('pagination-secret'));
  await recordDeliveryEnd(root, edition.id, undefined, now, emptyCounts(), true);
  return { root, ids: story.updates.map((u) => u.id) };
}

/** The archive brought up to date, without edition pages (not what these tests are about). */
async function archive(root: string): Promise<string[]> {
  const { project, story, template } = await loadForRender(root, now);
  const result = await writeArchive(root, story, project.config, {
    ...template,
    template: undefined,
  });
  expect(result.files).toEqual([]);
  return result.written;
}

function articleIds(html: string): string[] {
  return [...html.matchAll(/<article class="update[^"]*" id="([^"]+)"/g)].map((m) => m[1] ?? '');
}

/** `rel` links of a page, head and body, as `tag rel href`. */
function relLinks(html: string): string[] {
  return [
    ...html.matchAll(
      /<(link|a) href="([^"]*)" rel="(prev|next)"|<(link) rel="(prev|next)" href="([^"]*)"/g,
    ),
  ].map((m) => (m[1] ? `${m[1]} ${m[3]} ${m[2]}` : `${m[4]} ${m[5]} ${m[6]}`));
}

const read = (root: string, file: string) => readFile(path.join(root, 'archive', file), 'utf8');

describe('the living page of a long story', () => {
  it('shows the newest 20 updates, the older ones 20 to a page with links both ways', {
    timeout: 120_000,
  }, async () => {
    const { root, ids } = await longStory(120);
    await archive(root);
    const newestFirst = [...ids].reverse();
    expect((await readdir(path.join(root, 'archive', 'page'))).sort()).toEqual([
      '2.html',
      '3.html',
      '4.html',
      '5.html',
      '6.html',
    ]);

    const index = await read(root, 'index.html');
    expect(articleIds(index)).toEqual(newestFirst.slice(0, 20));
    expect(relLinks(index)).toEqual(['link next page/2.html', 'a next page/2.html']);
    expect(index).toContain('Page 1 of 6');
    expect(index).toContain('<section class="story">');
    expect(index).toContain('120 updates');

    for (let number = 2; number <= 6; number++) {
      const page = await read(root, `page/${number}.html`);
      expect(articleIds(page), `page ${number}`).toEqual(
        newestFirst.slice((number - 1) * 20, number * 20),
      );
      const prev = number === 2 ? '../index.html' : `${number - 1}.html`;
      const next = number < 6 ? [`link next ${number + 1}.html`] : [];
      const nextA = number < 6 ? [`a next ${number + 1}.html`] : [];
      expect(relLinks(page), `page ${number}`).toEqual([
        `link prev ${prev}`,
        ...next,
        `a prev ${prev}`,
        ...nextA,
      ]);
      expect(page).toContain(`Page ${number} of 6`);
      expect(page).toContain(
        `<link rel="canonical" href="https://example.org/syria-talks/page/${number}.html">`,
      );
      // The story itself is on the first page only; the page is its older updates.
      expect(page).not.toContain('<section class="story">');
      // Labels link to the update where it is.
      const [first] = articleIds(page);
      expect(page).toContain(`href="#${first}"`);
    }
  });

  it('keeps the newest 50 entries in each feed, newest first', { timeout: 120_000 }, async () => {
    const { root, ids } = await longStory(120);
    await archive(root);
    const newest50 = [...ids].reverse().slice(0, 50);
    const site = 'https://example.org/syria-talks/';
    const json = JSON.parse(await read(root, 'feed.json')) as {
      items: { id: string; url: string }[];
    };
    expect(json.items.map((item) => item.id)).toEqual(newest50.map((id) => `${site}#${id}`));
    // Entry 21 on is on page 2 now: the link goes there, the id stays.
    expect(json.items[20]?.url).toBe(`${site}page/2.html#${newest50[20]}`);
    expect(json.items[0]?.url).toBe(`${site}#${newest50[0]}`);
    const atom = await read(root, 'feed.xml');
    const atomIds = [...atom.matchAll(/<entry>\s*<title[\s\S]*?<id>([^<]+)<\/id>/g)].map(
      (m) => m[1],
    );
    expect(atomIds).toEqual(newest50.map((id) => `${site}#${id}`));
  });

  it('removes pages the story no longer needs', { timeout: 120_000 }, async () => {
    const { root } = await longStory(120);
    await archive(root);
    const configPath = path.join(root, 'storyline.config.json');
    const config = JSON.parse(await readFile(configPath, 'utf8')) as Record<string, unknown>;
    await writeFile(configPath, JSON.stringify({ ...config, archive: { pageSize: 50 } }));
    const written = await archive(root);
    expect((await readdir(path.join(root, 'archive', 'page'))).sort()).toEqual([
      '2.html',
      '3.html',
    ]);
    for (const number of [4, 5, 6]) expect(written).toContain(`archive/page/${number}.html`);
    expect(relLinks(await read(root, 'page/3.html'))).toEqual([
      'link prev 2.html',
      'a prev 2.html',
    ]);
    // Written again with nothing new: nothing changes.
    expect(await archive(root)).toEqual([]);
  });
});

describe('the living page of a short story', () => {
  it('is one page with no page links, whatever the page size', { timeout: 60_000 }, async () => {
    const root = await sampleFixture();
    await writeFiles(root, { 'subscribers.csv': 'email,name\nada@example.org,Ada Lovelace\n' });
    await publishOk(root);
    expect(existsSync(path.join(root, 'archive', 'page'))).toBe(false);
    const index = await read(root, 'index.html');
    expect(index).not.toMatch(/rel="(prev|next)"|class="pages"|Page 1 of/);
    const { project, story } = await loadForRender(root, publishNow);
    const { ledger } = await readLedger(root);
    const published = story.updates.filter((u) => ledger.sent.has(u.id));
    const bigPages = { ...project.config, archive: { pageSize: 1000 } };
    expect(storyPage(story, published, ledger.editions, bigPages)).toBe(index);
  });
});
