import type { Store } from '../../src/store/Store.js';
import { scheduleCatchUp } from '../../src/store/scheduleCatchUp.js';
import { upsertSubscriber } from '../../src/store/upsertSubscriber.js';
import { editionRecordJson, type FixtureFiles, fixture, updateMd } from './fixture.js';

/** When each edition of `catchUpStory` began: the third is still sending. */
export const editionStarts = {
  first: new Date('2014-02-02T12:00:00.000Z'),
  second: new Date('2014-02-03T12:00:00.000Z'),
  third: new Date('2014-02-04T12:00:00.000Z'),
} as const;

/** Later than every date in the story: content is checked against it. */
export const catchUpNow = new Date('2014-03-01T12:00:00.000Z');

export const catchUpConfig = {
  publication: 'The Brief',
  from: 'The Brief <brief@example.org>',
  replyTo: 'Newsroom <newsroom@example.org>',
  siteUrl: 'https://example.org/story/',
  unsubscribe: { url: 'https://example.org/story/unsubscribe' },
  catchUp: { inFull: 2 },
};

/**
 * A story of five updates and a draft: editions one (updates 1 and 2) and
 * two (update 3, which sets the headline) are complete, three (update 4) is
 * still sending, update 5 is pending (and would set another headline). Each
 * body holds a word that says which it is.
 */
export function catchUpStoryFiles(extra: FixtureFiles = {}): FixtureFiles {
  return {
    'story.md': `---
title: Talks Open in Montreux
published: 2014-01-22
dek: Dekline the government and opposition meet for the first time in three years.
byline: Bylinewriter Skaar
---

Basestory the talks opened today in Montreux.
`,
    'storyline.config.json': JSON.stringify(catchUpConfig),
    'updates/2014-02-01-first.md': updateMd('date: 2014-02-01', 'Updateone delegates arrived.\n'),
    'updates/2014-02-02-second.md': updateMd(
      'date: 2014-02-02\nsummary: Updatetwo in short.',
      'Updatetwo the first round ended.\n',
    ),
    'updates/2014-02-03-third.md': updateMd(
      'date: 2014-02-03\nheadline: Talks Resume in Geneva',
      'Updatethree the talks moved to Geneva.\n',
    ),
    'updates/2014-02-04-fourth.md': updateMd(
      'date: 2014-02-04',
      'Updatefour a second round began.\n',
    ),
    'updates/2014-02-05-fifth.md': updateMd(
      'date: 2014-02-05\nheadline: Not Yet Mailed',
      'Updatefive is pending.\n',
    ),
    'updates/2014-02-06-draft.md': updateMd('date: 2014-02-06\ndraft: true', 'Updatedraft.\n'),
    'archive/2014-02-02-second/edition.json': editionRecordJson({
      id: '2014-02-02-second',
      updates: ['2014-02-02-second', '2014-02-01-first'],
      complete: true,
      startedAt: editionStarts.first.toISOString(),
    }),
    'archive/2014-02-03-third/edition.json': editionRecordJson({
      id: '2014-02-03-third',
      updates: ['2014-02-03-third'],
      complete: true,
      startedAt: editionStarts.second.toISOString(),
    }),
    'archive/2014-02-04-fourth/edition.json': editionRecordJson({
      id: '2014-02-04-fourth',
      updates: ['2014-02-04-fourth'],
      complete: false,
      startedAt: editionStarts.third.toISOString(),
    }),
    ...extra,
  };
}

export function catchUpStory(extra: FixtureFiles = {}): Promise<string> {
  return fixture(catchUpStoryFiles(extra));
}

/**
 * A subscriber confirmed at `at`: made active with that `confirmed_at` and
 * the catch-up scheduled in one transaction, as `storyline serve` confirms.
 */
export async function confirmSubscriber(
  store: Store,
  address: string,
  at: Date,
  name?: string,
): Promise<number> {
  const { id } = await upsertSubscriber(store, {
    address,
    name,
    status: 'pending',
    source: 'form',
    now: new Date(at.getTime() - 60_000),
  });
  await store.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('subscribers')
      .set({ status: 'active', confirmed_at: at.toISOString(), changed_at: at.toISOString() })
      .where('id', '=', id)
      .execute();
    await scheduleCatchUp(trx, id, at);
  });
  return id;
}
