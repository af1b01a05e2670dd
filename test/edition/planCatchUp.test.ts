import { describe, expect, it } from 'vitest';
import { catchUpEdition, planCatchUp } from '../../src/edition/planCatchUp.js';
import { catchUpNow, catchUpStory, editionStarts } from '../helpers/catchUpFixture.js';
import { loadForRender } from '../helpers/render.js';

async function loaded() {
  const { project, story } = await loadForRender(await catchUpStory(), catchUpNow);
  const plan = (confirmedAt: Date) =>
    planCatchUp(story, project.editions, confirmedAt, project.config);
  return { project, plan };
}

const ids = (catchUp: { updates: { id: string }[] }) => catchUp.updates.map((update) => update.id);

describe('what a catch-up holds', () => {
  it('holds every update of the editions that started before the confirmation, newest first, and nothing pending or draft', async () => {
    const { plan } = await loaded();
    const catchUp = plan(new Date(editionStarts.third.getTime() + 60_000));
    expect(ids(catchUp)).toEqual([
      '2014-02-04-fourth',
      '2014-02-03-third',
      '2014-02-02-second',
      '2014-02-01-first',
    ]);
    // The pending update would set another headline; the reader does not have it yet.
    expect(catchUp.headline).toBe('Talks Resume in Geneva');
    expect(catchUp.subject).toBe('The story so far: Talks Resume in Geneva');
    expect(catchUp.preheader).toBe('Updatefour a second round began.');
  });

  it('leaves out the update of an edition that started at or after the confirmation: that edition mails the reader', async () => {
    const { plan } = await loaded();
    const at = editionStarts.third;
    // confirmed_at <= start: the edition includes them, so the catch-up does not.
    expect(ids(plan(at))).toEqual(['2014-02-03-third', '2014-02-02-second', '2014-02-01-first']);
    expect(ids(plan(new Date(at.getTime() + 1)))[0]).toBe('2014-02-04-fourth');
    expect(ids(plan(new Date(at.getTime() - 1)))[0]).toBe('2014-02-03-third');
  });

  it('is the headline, the dek and the base story when nothing was mailed before the confirmation', async () => {
    const { plan } = await loaded();
    const catchUp = plan(new Date(editionStarts.first.getTime() - 1));
    expect(catchUp.updates).toEqual([]);
    expect(catchUp.headline).toBe('Talks Open in Montreux');
    expect(catchUp.preheader).toMatch(/^Dekline /);
  });

  it('splits into the newest updates in full and the older ones as dated headlines, viewed on the living page', async () => {
    const { plan, project } = await loaded();
    const catchUp = plan(new Date(editionStarts.third.getTime() + 1));
    const edition = catchUpEdition(catchUp, 2, project.config.siteUrl);
    expect(edition.newUpdates.map((u) => u.id)).toEqual(['2014-02-04-fourth', '2014-02-03-third']);
    expect(edition.earlierUpdates.map((u) => u.id)).toEqual([
      '2014-02-02-second',
      '2014-02-01-first',
    ]);
    expect(edition.viewUrl).toBe('https://example.org/story/');
    expect(catchUpEdition(catchUp, 9, project.config.siteUrl).earlierUpdates).toEqual([]);
  });
});
