import { cp } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Element, xml2js } from 'xml-js';
import { storyFeeds } from '../../src/archive/storyFeeds.js';
import { fixture } from '../helpers/fixture.js';
import { loadForRender } from '../helpers/render.js';
import { repoRoot } from '../helpers/runCli.js';

async function feedsOf(name: string) {
  const root = await fixture({});
  await cp(path.join(repoRoot, 'test/fixtures', name), root, { recursive: true });
  const { story, project } = await loadForRender(root);
  const { atom, json } = storyFeeds(story, story.updates, project.config);
  const feed = (xml2js(atom) as Element).elements?.find((e) => e.name === 'feed');
  const entries = feed?.elements?.filter((e) => e.name === 'entry') ?? [];
  return {
    feed: feed?.attributes ?? {},
    entries: entries.map((entry) => entry.attributes?.['xml:lang']),
    json: JSON.parse(json) as { language?: string; items: { language?: string }[] },
  };
}

describe('feed languages', () => {
  it('mark an Arabic story as Arabic in Atom (xml:lang) and JSON Feed (language)', async () => {
    const { feed, entries, json } = await feedsOf('arabic-story');
    expect(feed['xml:lang']).toBe('ar');
    // The entries are in the feed's language: nothing to repeat on them.
    expect(entries).toEqual([undefined, undefined]);
    expect(json.language).toBe('ar');
    expect(json.items.map((item) => item.language)).toEqual([undefined, undefined]);
  });

  it('mark the Hebrew update of an English story on its own entry', async () => {
    const { feed, entries, json } = await feedsOf('hebrew-update');
    expect(feed['xml:lang']).toBe('en-US');
    expect(entries).toEqual(['he']);
    expect(json.language).toBe('en-US');
    expect(json.items.map((item) => item.language)).toEqual(['he']);
  });
});
