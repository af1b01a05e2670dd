import { describe, expect, it } from 'vitest';
import { loadStory } from '../../src/content/loadStory.js';
import { fixture, storyMd, updateMd } from '../helpers/fixture.js';
import { problemsOf } from '../helpers/problems.js';

describe('lang: in front matter', () => {
  it('reports a value that is not a BCP 47 tag at its position', async () => {
    const root = await fixture({
      'story.md': storyMd.replace('published:', 'lang: en_US\npublished:'),
      'updates/2014-02-10-a.md': updateMd('date: 2014-02-10\nlang: "arabic!"'),
    });
    expect(await problemsOf(root)).toEqual([
      'story.md:3:7: Unexpected language `en_US`, expected a BCP 47 tag such as `ar`, `he` or `en-GB` [field-value]',
      'updates/2014-02-10-a.md:3:7: Unexpected language `arabic!`, expected a BCP 47 tag such as `ar`, `he` or `en-GB` [field-value]',
    ]);
  });

  it('keeps a valid tag in its canonical case on the story and the update', async () => {
    const root = await fixture({
      'story.md': storyMd.replace('published:', 'lang: EN-gb\npublished:'),
      'updates/2014-02-10-a.md': updateMd('date: 2014-02-10\nlang: he'),
    });
    const { story } = await loadStory(root, { timeZone: 'UTC', now: new Date('2014-03-01') });
    expect(story?.base.lang).toBe('en-GB');
    expect(story?.updates[0]?.lang).toBe('he');
  });
});
