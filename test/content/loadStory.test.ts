import { describe, expect, it } from 'vitest';
import { loadStory } from '../../src/content/loadStory.js';
import { fixture, storyMd, updateMd } from '../helpers/fixture.js';

const options = { timeZone: 'Europe/Zurich', now: new Date('2014-03-01T12:00:00Z') };

describe('loadStory', () => {
  it('loads a good story with typed fields and updates ordered oldest first', async () => {
    const root = await fixture({
      'story.md': `---
title: Talks Open in Montreux
published: 2014-01-22
dek: The first meeting in three years.
byline: Ole Skaar
image:
  src: images/talks.jpg
  alt: Delegates at the table
  credit: Photo courtesy of Freedom House via Flickr.
---

The talks opened today.
`,
      // Written in an order unlike the story's, to show sorting.
      'updates/2014-02-11-b-evening.md': updateMd(
        'date: 2014-02-11T18:00:00+01:00\nkind: correction',
      ),
      'updates/2014-02-10-second-round.md': updateMd(
        'date: 2014-02-10\nheadline: Second Round Under Way\nsummary: Talks resume.',
      ),
      'updates/2014-02-11-a-morning.md': updateMd('date: 2014-02-11T09:15:00+01:00'),
      'updates/2014-02-11-c-noon-utc.md': updateMd('date: 2014-02-11T08:15:00Z'),
      'updates/2014-02-11-z-same-time.md': updateMd('date: 2014-02-11T09:15:00+01:00'),
      'updates/2014-02-12-draft.md': updateMd('date: 2014-02-12\ndraft: true', ''),
    });
    const { story, failed, files } = await loadStory(root, options);
    expect(files.flatMap((f) => f.messages)).toEqual([]);
    expect(failed).toBe(false);
    if (!story) throw new Error('story did not load');

    expect(story.base.title).toBe('Talks Open in Montreux');
    expect(story.base.published).toMatchObject({ day: '2014-01-22', text: '2014-01-22' });
    expect(story.base.published.time).toBeUndefined();
    expect(story.base.dek).toBe('The first meeting in three years.');
    expect(story.base.byline).toBe('Ole Skaar');
    expect(story.base.image).toEqual({
      src: 'images/talks.jpg',
      alt: 'Delegates at the table',
      credit: 'Photo courtesy of Freedom House via Flickr.',
    });
    expect(story.base.body.children.map((n) => n.type)).toEqual(['paragraph']);

    expect(story.updates.map((u) => u.id)).toEqual([
      '2014-02-10-second-round',
      // 08:15Z is 09:15 in Zurich: same instant as a-morning, so ids break the tie.
      '2014-02-11-a-morning',
      '2014-02-11-c-noon-utc',
      '2014-02-11-z-same-time',
      '2014-02-11-b-evening',
      '2014-02-12-draft',
    ]);
    const [first, morning, , , evening, draft] = story.updates;
    expect(first).toMatchObject({
      headline: 'Second Round Under Way',
      summary: 'Talks resume.',
      kind: 'update',
      draft: false,
    });
    // A date only sits at midnight in the configured zone (23:00 UTC the day before in Zurich).
    expect(first?.date.epochMs).toBe(Date.parse('2014-02-09T23:00:00Z'));
    expect(morning?.date).toMatchObject({ day: '2014-02-11', time: '09:15:00', offsetMinutes: 60 });
    expect(morning?.date.epochMs).toBe(Date.parse('2014-02-11T08:15:00Z'));
    expect(evening?.kind).toBe('correction');
    expect(draft?.draft).toBe(true);
    expect(first?.body.children[0]?.type).toBe('paragraph');
  });

  it('parses GFM in bodies and drops comments', async () => {
    const root = await fixture({
      'story.md': storyMd,
      'updates/2014-02-10-a.md': updateMd(
        'date: 2014-02-10',
        '<!-- note to self -->\n\n| side | seats |\n| --- | --- |\n| government | 9 |\n\n~~old~~ new https://example.org\n',
      ),
    });
    const { story } = await loadStory(root, options);
    const body = story?.updates[0]?.body;
    expect(body?.children.map((n) => n.type)).toEqual(['table', 'paragraph']);
    expect(JSON.stringify(body)).toContain('"type":"delete"');
    expect(JSON.stringify(body)).toContain('"url":"https://example.org"');
  });

  it('has no updates when updates/ does not exist', async () => {
    const { story, failed } = await loadStory(await fixture({ 'story.md': storyMd }), options);
    expect(failed).toBe(false);
    expect(story?.updates).toEqual([]);
  });

  it('still returns the story when an update has problems, marked failed', async () => {
    const root = await fixture({
      'story.md': storyMd,
      'updates/2014-02-10-good.md': updateMd('date: 2014-02-10'),
      'updates/2014-02-11-bad.md': updateMd('date: 2014-02-31'),
    });
    const { story, failed } = await loadStory(root, options);
    expect(failed).toBe(true);
    expect(story?.updates.map((u) => u.id)).toEqual(['2014-02-10-good']);
  });
});
