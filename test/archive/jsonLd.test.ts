import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sampleFixture } from '../helpers/fixture.js';
import { publishOk } from '../helpers/publish.js';

async function newsArticleOf(file: string): Promise<Record<string, unknown>> {
  const page = await readFile(file, 'utf8');
  const scripts = [...page.matchAll(/<script type="application\/ld\+json">([\s\S]*?)<\/script>/g)];
  expect(scripts).toHaveLength(1);
  return JSON.parse(scripts[0]?.[1] ?? '') as Record<string, unknown>;
}

describe('the NewsArticle data', () => {
  it('describes the story the same way on the living page and on an edition page', async () => {
    const root = await sampleFixture();
    await publishOk(root);
    const site = 'https://example.org/syria-talks/';
    const id = '2014-02-10-second-round-geneva';
    const living = await newsArticleOf(path.join(root, 'archive/index.html'));
    const edition = await newsArticleOf(path.join(root, `archive/${id}/index.html`));

    const story = {
      '@context': 'https://schema.org',
      '@type': 'NewsArticle',
      datePublished: '2014-01-22',
      author: [{ '@type': 'Person', name: 'Ole Skaar' }],
      publisher: { '@type': 'Organization', name: 'The Syria Brief', url: site },
      image: [`${site}images/geneva-ii-talks.png`],
    };
    expect(living).toMatchObject({ ...story, url: site, mainEntityOfPage: site });
    expect(edition).toMatchObject({
      ...story,
      url: `${site}${id}/`,
      mainEntityOfPage: `${site}${id}/`,
    });
    // Each page's own: its headline, description and the newest update it shows.
    expect(Object.keys(living).sort()).toEqual(Object.keys(edition).sort());
    expect(living.dateModified).toBe(edition.dateModified);
    expect(living.headline).toBe(edition.headline);
  });
});
