import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PreviewModel } from '../../src/preview/PreviewModel.js';
import { fixture, storyMd, updateMd } from '../helpers/fixture.js';
import { editionRecords, publishNow, publishOk } from '../helpers/publish.js';

/** Headlines set, kept, set again, set by a draft, then kept: the newest published one is in effect. */
const files = {
  'story.md': storyMd,
  'subscribers.csv': 'email\nreader@example.org\n',
  'updates/2014-02-01-first.md': updateMd('date: 2014-02-01\nheadline: Talks Stall'),
  'updates/2014-02-02-second.md': updateMd('date: 2014-02-02'),
  'updates/2014-02-03-third.md': updateMd('date: 2014-02-03\nheadline: Talks Resume in Geneva'),
  'updates/2014-02-04-draft.md': updateMd('date: 2014-02-04\nheadline: Not Yet\ndraft: true'),
  'updates/2014-02-05-fifth.md': updateMd('date: 2014-02-05'),
};

describe('the headline in effect', () => {
  it('is the same in the preview, the email, the edition page, the living page and the feeds', async () => {
    const root = await fixture(files);
    const expected = 'Talks Resume in Geneva';

    const preview = new PreviewModel(root, () => publishNow);
    await preview.refresh();
    expect((await preview.view()).subject).toBe(expected);
    // A draft previewed on its own shows the headline it would set.
    expect((await preview.view('2014-02-04-draft')).subject).toBe('Not Yet');

    await publishOk(root);
    const [record] = await editionRecords(root);
    expect(record?.headline).toBe(expected);
    expect(record?.subject).toBe(expected);

    const archive = path.join(root, 'archive');
    const editionPage = await readFile(path.join(archive, '2014-02-05-fifth/index.html'), 'utf8');
    expect(editionPage).toMatch(new RegExp(`<h1[^>]*>${expected}</h1>`));
    expect(editionPage).toContain(`"headline":"${expected}"`);

    const livingPage = await readFile(path.join(archive, 'index.html'), 'utf8');
    expect(livingPage).toContain(`<title>${expected} · Storyline</title>`);
    expect(livingPage).toContain(`<h1>${expected}</h1>`);
    expect(livingPage).toContain(`"headline":"${expected}"`);

    const feed = JSON.parse(await readFile(path.join(archive, 'feed.json'), 'utf8')) as {
      title: string;
    };
    expect(feed.title).toBe(`Storyline: ${expected}`);
    expect(await readFile(path.join(archive, 'feed.xml'), 'utf8')).toContain(
      `<title>Storyline: ${expected}</title>`,
    );
  });
});
